/**
 * The scan pool with its limits made tiny: later files' text goes to the temporary file and threads wait for the
 * main thread batch by batch, and the output is still that of the default limits (which the CLI tests compare
 * with one thread). Uses the built thread script (dist/, made by `npm test`'s tsc).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPool } from '../../src/cli/scan-pool.js';
import { handshakeJson } from '../../src/report/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = new URL('../../dist/cli/scan-worker.js', import.meta.url);
const CAPS = join(ROOT, 'captures');
const FILES = [
  ...readdirSync(CAPS).filter((n) => /\.pcap(ng)?$/.test(n)).sort().map((n) => join(CAPS, n)),
  join(CAPS, 'renegotiation/renegotiation-cbc.pcap'),
  join(CAPS, 'many-handshakes.pcap'),
];

async function outputs(output: boolean, held?: { handshakes: number; chars: number }) {
  const texts: string[] = [];
  const r = await scanPool(FILES, SCRIPT, {
    jobs: 3,
    init: { values: {}, keylog: { explicit: false }, output: output ? { format: 'json', color: false, verbose: false, pem: false } : undefined },
    signal: new AbortController().signal,
    held,
    onPreformatted: (t) => texts.push(t),
    onHandshake: (h) => texts.push(handshakeJson(h)),
  });
  return { texts, spilled: r.spilledBatches, captures: r.captures.map((c) => c.file), certificates: r.certificates.map((c) => c.sha256) };
}

describe('scanPool', () => {
  it('written by the threads: text spilled to the temporary file comes back in order, renumbered', async () => {
    const normal = await outputs(true);
    expect(normal.spilled).toBe(0);
    expect(normal.texts.length).toBeGreaterThan(600);
    const tiny = await outputs(true, { handshakes: 1, chars: 1 });
    expect(tiny.spilled).toBeGreaterThan(0);
    expect(tiny.texts).toEqual(normal.texts);
    expect(tiny.captures).toEqual(FILES);
    expect(tiny.certificates).toEqual(normal.certificates);
  });

  it('as objects (zeek, export): at most one held, the same handshakes in the same order', async () => {
    const normal = await outputs(false);
    const tiny = await outputs(false, { handshakes: 1, chars: 1 });
    expect(tiny.spilled).toBe(0);
    expect(tiny.texts).toEqual(normal.texts);
    const ids = normal.texts.map((t) => Number(/^\{"id":(\d+),/.exec(t)![1]));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
