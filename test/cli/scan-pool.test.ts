/**
 * The scan pool with its limits made tiny: later files' text goes to the temporary file and threads wait for the
 * main thread batch by batch, and the output is still that of the default limits (which the CLI tests compare
 * with one thread). Uses the built thread script (dist/, made by `npm test`'s tsc).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { heldSize, scanPool } from '../../src/cli/scan-pool.js';
import { handshakeJson } from '../../src/report/index.js';
import { scanCaptures } from '../../src/session.js';
import type { Handshake } from '../../src/model.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = new URL('../../dist/cli/scan-worker.js', import.meta.url);
const CAPS = join(ROOT, 'captures');
const FILES = [
  ...readdirSync(CAPS).filter((n) => /\.pcap(ng)?$/.test(n)).sort().map((n) => join(CAPS, n)),
  join(CAPS, 'renegotiation/renegotiation-cbc.pcap'),
  join(CAPS, 'many-handshakes.pcap'),
];

async function outputs(output: boolean, held?: { handshakes: number; bytes: number }, runners: { jobs: number; mainThread?: boolean; script?: URL } = { jobs: 3 }) {
  const texts: string[] = [];
  const r = await scanPool(FILES, runners.script ?? SCRIPT, {
    jobs: runners.jobs,
    mainThread: runners.mainThread,
    init: { values: {}, keylog: { explicit: false }, output: output ? { format: 'json', color: false, verbose: false, pem: false } : undefined },
    signal: new AbortController().signal,
    held,
    // Runs of handshakes, each with the separator before it; one per line in the test's own document.
    onPreformatted: (b) => texts.push(...Buffer.from(b).toString('utf8').split(',\n').slice(1)),
    onHandshake: (h) => texts.push(handshakeJson(h)),
  });
  return { texts, spilled: r.spilledBatches, captures: r.captures.map((c) => c.file), certificates: r.certificates.map((c) => c.sha256) };
}

describe('scanPool', () => {
  it('a batch held for a later file counts the whole buffer its bytes arrived in, not the bytes it used', () => {
    // A runner's batch buffer is at least 64 KiB; a batch of one short handshake uses a few KB of it.
    const { port1, port2 } = new MessageChannel();
    const sent = new Uint8Array(64 * 1024).subarray(0, 2000);
    return new Promise<void>((done) => {
      port2.once('message', (m: Uint8Array) => {
        expect(m.length).toBe(2000);
        expect(heldSize(m)).toBe(64 * 1024);
        expect(heldSize(new Uint8Array(0))).toBe(0);
        port1.close();
        done();
      });
      port1.postMessage(sent, [sent.buffer]);
    });
  });

  it('written by the threads: text spilled to the temporary file comes back in order, renumbered', async () => {
    const normal = await outputs(true);
    expect(normal.spilled).toBe(0);
    expect(normal.texts.length).toBeGreaterThan(600);
    const tiny = await outputs(true, { handshakes: 1, bytes: 1 });
    expect(tiny.spilled).toBeGreaterThan(0);
    expect(tiny.texts).toEqual(normal.texts);
    expect(tiny.captures).toEqual(FILES);
    expect(tiny.certificates).toEqual(normal.certificates);
  });

  it('as objects (zeek, export): at most one held, the same handshakes in the same order', async () => {
    const normal = await outputs(false);
    const tiny = await outputs(false, { handshakes: 1, bytes: 1 });
    expect(tiny.spilled).toBe(0);
    expect(tiny.texts).toEqual(normal.texts);
    const ids = normal.texts.map((t) => Number(/^\{"id":(\d+),/.exec(t)![1]));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the main thread scans as one of the runners: alone (no thread script at all) or not at all, the same output', async () => {
    const normal = await outputs(true);
    // One job: the main thread's runner only; a thread would fail to load this script.
    const alone = await outputs(true, undefined, { jobs: 1, script: new URL('file:///no-such-dir/scan-worker.js') });
    expect(alone.texts).toEqual(normal.texts);
    expect(alone.certificates).toEqual(normal.certificates);
    const threads = await outputs(true, { handshakes: 1, bytes: 1 }, { jobs: 2, mainThread: false });
    expect(threads.texts).toEqual(normal.texts);
    const objects = await outputs(false, undefined, { jobs: 1, script: new URL('file:///no-such-dir/scan-worker.js') });
    expect(objects.texts).toEqual((await outputs(false)).texts);
  });
});

describe('a session batching without its handshakes (batchHandshakes: false)', () => {
  it('batches as ever, each with its new certificates, but an empty handshake list: onHandshake had them all', async () => {
    const run = async (batchHandshakes?: boolean) => {
      const seen: number[] = [];
      const batched: number[] = [];
      const certs: string[] = [];
      await scanCaptures([join(CAPS, 'many-handshakes.pcap')], {
        retain: false,
        batchMs: 0,
        batchHandshakes,
        onHandshake: (h: Handshake) => seen.push(h.id),
        listener: {
          onHandshakes: (hs, cs) => {
            batched.push(hs.length);
            certs.push(...cs.map((c) => c.sha256));
          },
        },
      });
      return { seen, batched, certs };
    };
    const held = await run();
    const bare = await run(false);
    expect(held.seen.length).toBeGreaterThan(100);
    expect(bare.seen).toEqual(held.seen);
    expect(bare.batched.length).toBe(held.batched.length);
    expect(bare.batched.every((n) => n === 0)).toBe(true);
    expect(held.batched.reduce((a, b) => a + b, 0)).toBe(held.seen.length);
    expect(bare.certs).toEqual(held.certs);
    expect(bare.certs.length).toBeGreaterThan(0);
  });
});
