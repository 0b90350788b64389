/**
 * Parity with tshark over the public reference corpus (../shared/corpus, Zeek's test traces): every certificate
 * tshark extracts (EXPECTED.tsv) must be found, plus the ones tshark is known to miss. Skipped when the corpus
 * is absent (it is not part of the repository).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { scanCaptures } from '../../src/session.js';
import { expectedRows } from '../corpus.js';

const CORPUS = resolve(__dirname, '../../../shared/corpus');
const have = existsSync(join(CORPUS, 'EXPECTED.tsv'));
const BIN = resolve(__dirname, '../../bin/certshark');

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else if (/\.(pcap|pcapng)(\.gz)?$/.test(e)) out.push(p);
  }
  return out.sort();
}

async function certsOf(file: string): Promise<Set<string>> {
  const r = await scanCaptures([join(CORPUS, file)]);
  return new Set(r.certificates.map((c) => c.sha256));
}

describe.skipIf(!have)('corpus parity with tshark', () => {
  it('finds every certificate tshark finds (EXPECTED.tsv)', async () => {
    const rows = expectedRows();
    let want = 0;
    const missing: string[] = [];
    for (const row of rows) {
      if (row.count === 0) continue;
      const found = await certsOf(row.file);
      for (const h of row.hashes) {
        want++;
        if (!found.has(h)) missing.push(`${row.file} ${h}`);
      }
    }
    expect(want).toBe(125);
    expect(missing).toEqual([]);
  });

  it("finds the CN=Bro certificate of tls-fragmented-handshake that tshark misses", async () => {
    const found = await certsOf('zeek/tls/tls-fragmented-handshake.pcap.gz');
    expect(found.has('af4a46e989dc24078ee2a205490856e059e7f2f9d2114cec4d4c44974add9d34')).toBe(true);
  });

  it('finds the chain after the PostgreSQL SSLRequest that tshark misses', async () => {
    const r = await scanCaptures([join(CORPUS, 'zeek/other/postgresql_psql-aws-ssl-require.pcap')]);
    expect(r.handshakes.some((h) => h.server.port === 5432 && h.serverChain.length > 0)).toBe(true);
  });

  it('every corpus file scans with exit 0 or 2 and no stack trace', async () => {
    const files = allFiles(CORPUS);
    expect(files.length).toBeGreaterThan(100);
    const bad: string[] = [];
    const run = (f: string) =>
      new Promise<void>((done) => {
        const p = spawn(process.execPath, [BIN, 'scan', '--json', f], { stdio: ['ignore', 'pipe', 'pipe'] });
        let err = '';
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
        p.on('close', (code) => {
          clearTimeout(timer);
          if (code !== 0 && code !== 2) bad.push(`${f}: exit ${code} ${err.slice(0, 200)}`);
          else if (/\n\s+at .+:\d+:\d+/.test(err)) bad.push(`${f}: stack trace on stderr`);
          else if (code === 0) {
            try {
              JSON.parse(out);
            } catch {
              bad.push(`${f}: stdout is not one JSON document`);
            }
          }
          done();
        });
      });
    const queue = files.slice();
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let f = queue.shift(); f; f = queue.shift()) await run(f);
      }),
    );
    expect(bad).toEqual([]);
  }, 600_000);
});
