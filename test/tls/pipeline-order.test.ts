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
  'record-scan.ts': 1,
  'record-buffers.ts': 1,
  'record-protection.ts': 2,
  'handshake-framer.ts': 3,
  'dtls-reassembler.ts': 3,
  'handshake-builder.ts': 4,
  // The wiring's own bookkeeping: it may know the builder, never the wiring.
  'flow-handshakes.ts': 4.5,
  'flow-notes.ts': 4.5,
  'flow-sides.ts': 4.5,
  'handshake-progress.ts': 4.5,
  'handshake-report.ts': 4.5,
  'conn.ts': 5,
  'quic-conn.ts': 5,
  'udp-flow.ts': 6,
  'pending-tls.ts': 6,
  'index.ts': 6,
};

/** The files (relative to `dir`) that `file` of `dir` imports. */
function importsOf(file: string, dir = TLS): string[] {
  const src = readFileSync(join(dir, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/g)) {
    out.push(join(file, '..', m[1]!).replace(/\.js$/, '.ts'));
  }
  return out;
}

const files = [...readdirSync(TLS).filter((f) => f.endsWith('.ts')), ...readdirSync(join(TLS, 'crypto')).map((f) => `crypto/${f}`)];

describe('src/tls import order', () => {
  it('finds the imports it checks', () => {
    expect(importsOf('conn.ts')).toEqual(expect.arrayContaining(['stream.ts', 'record-protection.ts', 'handshake-framer.ts', 'flow-handshakes.ts']));
    expect(importsOf('flow-handshakes.ts')).toEqual(expect.arrayContaining(['handshake-builder.ts', 'record-protection.ts']));
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

const SRC = join(__dirname, '../../src');

/** What a lower module may import, as paths relative to src/. */
function badImports(dir: string, allowed: (dep: string) => boolean): string[] {
  const bad: string[] = [];
  for (const f of readdirSync(join(SRC, dir)).filter((x) => x.endsWith('.ts'))) {
    for (const dep of importsOf(f, join(SRC, dir))) {
      const rel = join(dir, dep);
      if (!allowed(rel)) bad.push(`${dir}/${f} -> ${rel}`);
    }
  }
  return bad;
}

describe('below src/tls', () => {
  it('src/quic imports only itself, src/keys and what comes before it (tcp types, limits, model)', () => {
    const allowed = (rel: string) => rel.startsWith('quic/') || rel.startsWith('keys/') || ['tcp/types.ts', 'limits.ts', 'model.ts'].includes(rel);
    expect(readdirSync(join(SRC, 'quic')).length).toBeGreaterThan(3);
    expect(importsOf('conn.ts', join(SRC, 'quic'))).toEqual(expect.arrayContaining(['../limits.ts', 'crypto-stream.ts', 'packet.ts']));
    expect(badImports('quic', allowed)).toEqual([]);
  });

  it('src/keys imports no stage', () => {
    expect(badImports('keys', (rel) => rel.startsWith('keys/'))).toEqual([]);
  });
});
