/**
 * src/x509 and the DER reader beneath it (src/der) have no import cycle, type-only imports included: a cycle
 * (certificate.ts <-> verify.ts was one) makes the load order decide which module sees the other half-initialised.
 * And src/der, the one DER reader, imports nothing of the stages. Read from the sources' import statements.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../src');
const FOLDERS = ['x509', 'der'];

/** The src files (relative to src/) that `file` imports or re-exports from. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?(?:from\s+)?'(\.[^']+)'/g))
    out.push(relative(SRC, join(SRC, dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  return out;
}

/** Every cycle's path (a -> b -> ... -> a) among `files`, by depth-first search. */
export function cyclesOf(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!graph.has(d)) continue;
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

const files = FOLDERS.flatMap((d) => readdirSync(join(SRC, d)).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('src/x509 import graph', () => {
  it('reads the imports it checks', () => {
    expect(graph.get('x509/certificate.ts')).toEqual(expect.arrayContaining(['x509/verify.ts', 'der/index.ts', 'model.ts']));
    expect(graph.get('x509/verify.ts')).toEqual(expect.arrayContaining(['x509/parsed-certificate.ts', 'x509/pss.ts']));
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cyclesOf(g)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
  });

  it('has no import cycle', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('src/der imports nothing but itself', () => {
    const out = files.filter((f) => f.startsWith('der/')).flatMap((f) => graph.get(f)!.filter((d) => !d.startsWith('der/')).map((d) => `${f} -> ${d}`));
    expect(out).toEqual([]);
  });
});
