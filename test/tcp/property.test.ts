import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Driver, type Seg } from './harness.js';

/** Small deterministic PRNG (mulberry32) so a fast-check seed fixes the shuffle and the duplicates. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Plan {
  stream: Uint8Array;
  sizes: number[];
  isn: number;
  seed: number;
  drop: number | null;
}

/** Splits, shuffles and duplicates; returns the segments (after the SYN) and the dropped range if any. */
function build(plan: Plan): { segs: Seg[]; dropped: [number, number] | null } {
  const { stream, sizes, isn } = plan;
  const rand = rng(plan.seed);
  const ranges: [number, number][] = [];
  for (let off = 0, i = 0; off < stream.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, stream.length - off);
    ranges.push([off, off + n]);
    off += n;
  }
  let dropped: [number, number] | null = null;
  if (plan.drop !== null) {
    const k = plan.drop % ranges.length;
    dropped = ranges[k]!;
    ranges.splice(k, 1);
  }
  const seqOf = (off: number): number => (isn + 1 + off) >>> 0;
  const segs: Seg[] = [];
  for (const [s, e] of ranges) {
    segs.push({ d: 0, seq: seqOf(s), data: stream.subarray(s, e) });
    if (rand() < 0.2) segs.push({ d: 0, seq: seqOf(s), data: stream.subarray(s, e) }); // plain duplicate
  }
  // Retransmissions cut differently from the originals (overlapping several of them), never over the dropped range.
  const extras = Math.floor(rand() * 6);
  for (let i = 0; i < extras; i++) {
    const s = Math.floor(rand() * stream.length);
    let e = Math.min(stream.length, s + 1 + Math.floor(rand() * 3000));
    if (dropped && s < dropped[1] && e > dropped[0]) {
      if (s >= dropped[0]) continue;
      e = dropped[0];
    }
    segs.push({ d: 0, seq: seqOf(s), data: stream.subarray(s, e) });
  }
  segs.push({ d: 0, seq: seqOf(stream.length), f: 'F' });
  for (let i = segs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [segs[i], segs[j]] = [segs[j]!, segs[i]!];
  }
  return { segs, dropped };
}

const plan = fc.record({
  // fast-check's default size keeps arrays short: draw the length first so long streams are as likely as short.
  stream: fc
    .integer({ min: 1, max: 20_000 })
    .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  sizes: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 40, size: 'medium' }),
  isn: fc.oneof(fc.integer({ min: 2 ** 32 - 25_000, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  seed: fc.integer(),
  drop: fc.option(fc.nat(), { nil: null }),
});

function latin1(b: Uint8Array): string {
  return Buffer.from(b).toString('latin1');
}

describe('TCP reassembly property', () => {
  it('delivers the original stream whatever the order; a dropped segment is exactly one gap of its size', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { segs, dropped } = build(p);
        // The property is about order, not the buffering caps (their own table tests cover those): up to 20,000
        // one-byte segments arriving shuffled would exceed the default segment cap and turn holes into gaps.
        const drv = new Driver({ maxSegmentsPerDirection: 100_000 }).run([{ d: 0, seq: p.isn, f: 'S' }, ...segs]);
        expect(drv.flows.length).toBe(1);
        const r = drv.flows[0]!;
        expect(r.ends).toEqual(['eof']);
        expect(r.out[1]).toBe('');
        const s = p.stream;
        if (dropped === null) {
          expect(r.gaps).toEqual([]);
          expect(Buffer.from(r.bytes[0]).equals(Buffer.from(s))).toBe(true);
        } else {
          expect(r.gaps.map((g) => g.bytes)).toEqual([dropped[1] - dropped[0]]);
          expect(r.out[0]).toBe(`${latin1(s.subarray(0, dropped[0]))}<gap ${dropped[1] - dropped[0]}>${latin1(s.subarray(dropped[1]))}`);
        }
        expect(drv.tracker.stats.overlapMismatches).toBe(0);
        expect(drv.tracker.stats.bufferedBytes).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
