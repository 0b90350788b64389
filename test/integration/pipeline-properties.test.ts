/**
 * Properties of the whole pipeline on real bytes (captures/traversal-healthy.pcapng: a real mutual-TLS handshake
 * between openssl peers, recorded by tcpdump):
 * - any re-segmentation, bounded reordering and duplication of the TCP packets yields the same certificates;
 * - any truncation or byte flip of the capture file ends without an exception escaping, with a result that
 *   still honours the JSON contract (every referenced certificate present).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCapture } from '../../src/capture/index.js';
import { NetDecoder } from '../../src/net/index.js';
import type { Packet } from '../../src/net/types.js';
import { FlowTracker } from '../../src/tcp/index.js';
import { createTlsConsumer } from '../../src/tls/index.js';
import type { Handshake } from '../../src/model.js';
import { scanCaptures } from '../../src/session.js';

const CAPTURE = resolve(__dirname, '../../captures/traversal-healthy.pcapng');
const SYN = 0x02;
const FIN = 0x01;
const RST = 0x04;

async function packetsOf(file: string): Promise<Packet[]> {
  const net = new NetDecoder();
  const out: Packet[] = [];
  await readCapture(file, {
    packet(rec) {
      const p = net.decode(rec);
      if (p && p.kind === 'tcp')
        out.push({ ...p, src: p.src.slice(), dst: p.dst.slice(), payload: p.payload.slice() });
    },
  });
  return out;
}

function chainsOf(packets: Packet[]): string[] {
  const hs: Handshake[] = [];
  let id = 1;
  const tracker = new FlowTracker((info) =>
    createTlsConsumer(info, { handshake: (h) => hs.push(h) }, { nextId: () => id++ }),
  );
  for (const p of packets) tracker.add(p);
  tracker.finish();
  // The tracker and the connection catch every exception (DESIGN.md style 3): one would hide as a count or a note.
  expect(tracker.stats.consumerErrors).toBe(0);
  for (const h of hs) expect(h.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
  return hs.map((h) => `server:${h.serverChain.join(',')} client:${h.clientChain.join(',')}`);
}

/** Split each payload-bearing packet into pieces at the given cut fractions. */
function resegment(packets: Packet[], cuts: number[][]): Packet[] {
  const out: Packet[] = [];
  packets.forEach((p, i) => {
    const n = p.payload.length;
    const fr = cuts[i % cuts.length] ?? [];
    const at = [...new Set(fr.map((f) => Math.floor(f * n)).filter((x) => x > 0 && x < n))].sort((a, b) => a - b);
    if (n === 0 || at.length === 0 || (p.flags & (SYN | FIN | RST)) !== 0) {
      out.push(p);
      return;
    }
    let prev = 0;
    for (const a of [...at, n]) {
      out.push({ ...p, seq: (p.seq + prev) >>> 0, payload: p.payload.subarray(prev, a) });
      prev = a;
    }
  });
  return out;
}

/**
 * Reorder with each packet delayed by at most `maxDelay` positions (sort by index + delay), and duplicate some
 * right after their original. The connection's SYN packets stay first and FIN/RST packets last, as a capture of
 * one connection shows them.
 */
function reorder(packets: Packet[], delays: number[], dups: boolean[]): Packet[] {
  const head = packets.filter((p) => (p.flags & SYN) !== 0);
  const tail = packets.filter((p) => (p.flags & (FIN | RST)) !== 0 && (p.flags & SYN) === 0);
  const body = packets.filter((p) => !head.includes(p) && !tail.includes(p));
  const keyed = body.map((p, i) => ({ p, k: i + (delays[i % delays.length] ?? 0) + i / 1e6 }));
  keyed.sort((a, b) => a.k - b.k);
  const mid: Packet[] = [];
  keyed.forEach(({ p }, i) => {
    mid.push(p);
    if (dups[i % dups.length]) mid.push(p);
  });
  return [...head, ...mid, ...tail];
}

describe('pipeline properties on a real capture', () => {
  it('segmentation, reordering and duplication do not change the certificates found', async () => {
    const packets = await packetsOf(CAPTURE);
    const baseline = chainsOf(packets);
    expect(baseline).toHaveLength(1);
    expect(baseline[0]).toMatch(/^server:[0-9a-f]{64},[0-9a-f]{64} client:[0-9a-f]{64},[0-9a-f]{64}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), { minLength: 1, maxLength: 20 }),
        // At most two packets overtake any other, so fewer acknowledgments than LIMITS.tcpAckPatience pass a hole
        // before its data arrives (duplicates included).
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        async (cuts, delays, dups) => {
          const mutated = reorder(resegment(packets, cuts), delays, dups);
          expect(chainsOf(mutated)).toEqual(baseline);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any truncation or byte flip of the capture ends cleanly', async () => {
    const bytes = readFileSync(CAPTURE);
    const dir = mkdtempSync(join(tmpdir(), 'certshark-fuzz-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bytes.length }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 12 }),
        async (cut, flips) => {
          const b = Buffer.from(bytes.subarray(0, cut));
          for (const [at, x] of flips) if (b.length) b[at % b.length]! ^= x;
          const f = join(dir, `f${n++}.pcapng`);
          writeFileSync(f, b);
          const r = await scanCaptures([f]);
          rmSync(f);
          const cap = r.captures[0]!;
          // The session catches what a stage throws and says so in a note: hostile bytes must not get that far.
          expect(cap.notes.filter((n) => /internal error/.test(n))).toEqual([]);
          for (const h of r.handshakes) expect(h.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
          for (const c of r.certificates) expect((c.notes ?? []).filter((n) => /internal error/.test(n))).toEqual([]);
          // Either a one-line reason the file is unreadable, or a result.
          if (cap.error) expect(cap.error).not.toContain('\n');
          const have = new Set(r.certificates.map((c) => c.sha256));
          for (const h of r.handshakes) for (const s of [...h.serverChain, ...h.clientChain]) expect(have.has(s)).toBe(true);
        },
      ),
      { numRuns: 200 },
    ).finally(() => rmSync(dir, { recursive: true, force: true }));
  });
});
