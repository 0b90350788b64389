/**
 * The TLS stage reads one way: record framer -> record protection -> handshake framer -> handshake builder, with
 * conn.ts the wiring that owns them. No step imports a later one or the wiring; the shared modules (parsers, names,
 * types, memos) import no step. Read from the sources' import statements, type-only imports included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TLS = join(__dirname, '../../src/tls');

/** Step of each pipeline file; files not listed are shared modules (rank 0). */
const STEP: Record<string, number> = {
  'stream.ts': 1,
  'dtls.ts': 1,
  'record-start.ts': 1,
  'record-protection.ts': 2,
  'handshake-framer.ts': 3,
  'dtls-reassembler.ts': 3,
  'handshake-builder.ts': 4,
  'conn.ts': 5,
  'index.ts': 6,
};

/** The files of src/tls (crypto/ included) that `file` imports. */
function importsOf(file: string): string[] {
  const src = readFileSync(join(TLS, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/g)) {
    out.push(join(file, '..', m[1]!).replace(/\.js$/, '.ts'));
  }
  return out;
}

const files = [...readdirSync(TLS).filter((f) => f.endsWith('.ts')), ...readdirSync(join(TLS, 'crypto')).map((f) => `crypto/${f}`)];

describe('src/tls import order', () => {
  it('finds the imports it checks', () => {
    expect(importsOf('conn.ts')).toEqual(expect.arrayContaining(['stream.ts', 'record-protection.ts', 'handshake-framer.ts', 'handshake-builder.ts']));
    expect(Object.keys(STEP).every((f) => files.includes(f))).toBe(true);
  });

  it('no step imports a later step or the wiring; shared modules import no step', () => {
    const bad: string[] = [];
    for (const f of files) {
      const rank = STEP[f] ?? 0;
      for (const dep of importsOf(f)) {
        const to = STEP[dep] ?? 0;
        if (dep.startsWith('..')) continue; // earlier stages (src/tcp, src/model, src/limits)
        if (rank === 0 ? to !== 0 : to > rank) bad.push(`${f} -> ${dep}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
