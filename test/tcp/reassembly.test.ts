import { describe, expect, it } from 'vitest';
import type { TrackerOptions } from '../../src/tcp/index.js';
import type { FlowEndReason } from '../../src/tcp/types.js';
import { Driver, type Seg } from './harness.js';

/** Three-way handshake: a's ISN 100 (data from 101), b's ISN 500 (data from 501). */
const HS: Seg[] = [
  { d: 0, seq: 100, f: 'S' },
  { d: 1, seq: 500, ack: 101, f: 'SA' },
  { d: 0, seq: 101, ack: 501 },
];
const W = 0xfffffffd; // ISN 3 below 2^32: data starts at 2^32 - 2 and wraps after two bytes

interface Case {
  name: string;
  in: Seg[];
  /** Per flow created, in order: what each direction received, and how the flow ended. */
  want: { out: [string, string]; ends: FlowEndReason[]; synSeen?: boolean; a?: string }[];
  opts?: Partial<TrackerOptions>;
  /** Flow-table stats to check. */
  stats?: Partial<Record<'overlapMismatches' | 'retransmissions' | 'gaps' | 'gapBytes' | 'capFlushes', number>>;
  notes?: string[];
}

const cases: Case[] = [
  {
    name: 'in order, both directions',
    in: [...HS, { d: 0, seq: 101, data: 'hello' }, { d: 1, seq: 501, data: 'HI' }, { d: 0, seq: 106, data: ' world' }],
    want: [{ out: ['hello world', 'HI'], ends: ['eof'], synSeen: true, a: '10.0.0.1:40000' }],
    stats: { gaps: 0, retransmissions: 0 },
  },
  {
    name: 'reordered',
    in: [...HS, { d: 0, seq: 112, data: '!' }, { d: 0, seq: 106, data: ' world' }, { d: 0, seq: 101, data: 'hello' }],
    want: [{ out: ['hello world!', ''], ends: ['eof'] }],
    stats: { gaps: 0 },
  },
  {
    name: 'duplicated segments delivered once',
    in: [
      ...HS,
      { d: 0, seq: 101, data: 'hello' },
      { d: 0, seq: 101, data: 'hello' },
      { d: 0, seq: 112, data: '!' },
      { d: 0, seq: 112, data: '!' },
      { d: 0, seq: 106, data: ' world' },
      { d: 0, seq: 106, data: ' world' },
    ],
    want: [{ out: ['hello world!', ''], ends: ['eof'] }],
    stats: { retransmissions: 2, overlapMismatches: 0 },
  },
  {
    name: 'overlapping with the same bytes',
    in: [...HS, { d: 0, seq: 101, data: 'hello' }, { d: 0, seq: 103, data: 'llo wo' }, { d: 0, seq: 107, data: 'world' }],
    want: [{ out: ['hello world', ''], ends: ['eof'] }],
    stats: { overlapMismatches: 0 },
  },
  {
    name: 'overlapping buffered data with different bytes: first arrival wins, noted',
    in: [
      ...HS,
      { d: 0, seq: 106, data: ' world' },
      { d: 0, seq: 101, data: 'hello WORLD!' },
      { d: 0, seq: 112, data: '?' },
    ],
    want: [{ out: ['hello world!', ''], ends: ['eof'] }],
    stats: { overlapMismatches: 1, gaps: 0 },
    notes: ['0:tcp-overlap-mismatch'],
  },
  {
    name: 'a segment bridging two buffered ones fills only the holes',
    in: [...HS, { d: 0, seq: 103, data: 'c' }, { d: 0, seq: 105, data: 'e' }, { d: 0, seq: 101, data: 'abXdXf' }],
    want: [{ out: ['abcdef', ''], ends: ['eof'] }],
    stats: { overlapMismatches: 2 }, // two overlaps, each with a different byte
  },
  {
    name: 'sequence numbers wrap across 2^32',
    in: [
      { d: 0, seq: W, f: 'S' },
      { d: 1, seq: 7, ack: W + 1, f: 'SA' },
      { d: 0, seq: 2, data: 'ef' },
      { d: 0, seq: 0xfffffffe, data: 'ab' },
      { d: 0, seq: 0, data: 'cd' },
    ],
    want: [{ out: ['abcdef', ''], ends: ['eof'] }],
  },
  {
    name: 'a segment straddling 2^32',
    in: [{ d: 0, seq: W, f: 'S' }, { d: 0, seq: 1, data: 'def' }, { d: 0, seq: 0xfffffffe, data: 'abcd' }],
    want: [{ out: ['abcdef', ''], ends: ['eof'] }],
  },
  {
    name: 'capture starting mid-flow: the first payload sender is a',
    in: [
      { d: 1, seq: 9000, ack: 5000 }, // a bare ACK starts nothing
      { d: 1, seq: 9000, ack: 5000, data: 'srv' },
      { d: 0, seq: 5000, ack: 9003, data: 'abc' },
      { d: 0, seq: 5006, data: 'ghi' },
      { d: 0, seq: 5003, data: 'def' },
    ],
    want: [{ out: ['srv', 'abcdefghi'], ends: ['eof'], synSeen: false, a: '10.0.0.2:443' }],
  },
  {
    name: 'mid-flow, the first segment seen overtook an earlier one: the peer ACK says where the stream starts',
    in: [{ d: 0, seq: 9000, ack: 5000, data: 'req' }, { d: 1, seq: 5003, ack: 9003, data: 'def' }, { d: 1, seq: 5000, ack: 9003, data: 'abc' }],
    want: [{ out: ['req', 'abcdef'], ends: ['eof'], synSeen: false }],
    stats: { gaps: 0, retransmissions: 0 },
  },
  {
    name: 'mid-flow, a segment the capture missed before the first one seen is a gap',
    in: [{ d: 0, seq: 9000, ack: 5000, data: 'req' }, { d: 1, seq: 5003, ack: 9003, data: 'def' }],
    want: [{ out: ['req', '<gap 3>def'], ends: ['eof'] }],
  },
  {
    name: 'a FIN behind delivered data still ends the direction',
    in: [...HS, { d: 0, seq: 101, data: 'abcdef' }, { d: 0, seq: 103, f: 'FA', ack: 501 }, { d: 1, seq: 501, f: 'FA', ack: 108 }],
    want: [{ out: ['abcdef', ''], ends: ['closed'] }],
  },
  {
    name: 'SYN-ACK seen first: its receiver is a, and the client stream starts at its ACK',
    in: [
      { d: 1, seq: 500, ack: 101, f: 'SA' },
      { d: 0, seq: 104, data: 'def' },
      { d: 0, seq: 101, data: 'abc' },
    ],
    want: [{ out: ['abcdef', ''], ends: ['eof'], synSeen: true, a: '10.0.0.1:40000' }],
  },
  {
    name: 'SYN carrying data (TCP Fast Open)',
    in: [
      { d: 0, seq: 100, f: 'S', data: 'hi' },
      { d: 1, seq: 500, ack: 103, f: 'SA' },
      { d: 0, seq: 100, f: 'S', data: 'hi' }, // retransmitted SYN: not a new connection, data once
      { d: 0, seq: 103, data: 'there' },
    ],
    want: [{ out: ['hithere', ''], ends: ['eof'] }],
  },
  {
    name: 'FIN both ways closes; a new SYN on the same ports is a new flow',
    in: [
      ...HS,
      { d: 0, seq: 101, data: 'req' },
      { d: 1, seq: 501, data: 'resp' },
      { d: 0, seq: 104, ack: 505, f: 'FA' },
      { d: 1, seq: 505, ack: 105, f: 'FA' },
      { d: 0, seq: 105, ack: 506 }, // last ACK: starts nothing
      { d: 0, seq: 9000, f: 'S' },
      { d: 0, seq: 9001, data: 'again' },
    ],
    want: [
      { out: ['req', 'resp'], ends: ['closed'] },
      { out: ['again', ''], ends: ['eof'], synSeen: true },
    ],
  },
  {
    name: 'FIN before the last data segment (reordered): the flow closes once the data is in',
    in: [
      ...HS,
      { d: 0, seq: 104, f: 'FA', ack: 501 },
      { d: 1, seq: 501, f: 'FA', ack: 101 },
      { d: 0, seq: 101, data: 'abc' },
      { d: 0, seq: 105, ack: 502 },
    ],
    want: [{ out: ['abc', ''], ends: ['closed'] }],
  },
  {
    name: 'port reuse: a SYN with a new ISN after one FIN ends the old flow as reused',
    in: [...HS, { d: 0, seq: 101, data: 'one' }, { d: 0, seq: 104, f: 'FA', ack: 501 }, { d: 0, seq: 7000, f: 'S' }, { d: 0, seq: 7001, data: 'two' }],
    want: [
      { out: ['one', ''], ends: ['reused'] },
      { out: ['two', ''], ends: ['eof'] },
    ],
  },
  {
    name: 'port reuse of a mid-flow flow by a SYN',
    in: [{ d: 0, seq: 40, data: 'old' }, { d: 0, seq: 100, f: 'S' }, { d: 0, seq: 101, data: 'new' }],
    want: [
      { out: ['old', ''], ends: ['reused'], synSeen: false },
      { out: ['new', ''], ends: ['eof'], synSeen: true },
    ],
  },
  {
    name: 'RST ends the flow at once, held data flushed after a gap',
    in: [...HS, { d: 0, seq: 101, data: 'ab' }, { d: 0, seq: 106, data: 'fg' }, { d: 1, seq: 501, f: 'R' }, { d: 0, seq: 108, data: 'late' }],
    want: [
      { out: ['ab<gap 3>fg', ''], ends: ['closed'] },
      { out: ['late', ''], ends: ['eof'], synSeen: false },
    ],
  },
  {
    name: 'a hole that never fills is a gap at the end of capture, with its size',
    in: [...HS, { d: 0, seq: 101, data: 'abc' }, { d: 0, seq: 110, data: 'jkl' }, { d: 0, seq: 113, data: 'mn' }],
    want: [{ out: ['abc<gap 6>jklmn', ''], ends: ['eof'] }],
    stats: { gaps: 1, gapBytes: 6 },
  },
  {
    name: 'a hole before a FIN is reported at the end of capture',
    in: [...HS, { d: 0, seq: 101, data: 'abc' }, { d: 0, seq: 108, f: 'FA', ack: 501 }],
    want: [{ out: ['abc<gap 4>', ''], ends: ['eof'] }],
    stats: { gapBytes: 4 },
  },
  {
    name: 'the peer acknowledging past a hole gives it up at once',
    in: [
      ...HS,
      { d: 0, seq: 101, data: 'abc' },
      { d: 0, seq: 107, data: 'ghi' },
      { d: 1, seq: 501, ack: 107 }, // b got 101..106: the hole will not be retransmitted
      { d: 0, seq: 110, data: 'jk' },
    ],
    want: [{ out: ['abc<gap 3>ghijk', ''], ends: ['eof'] }],
  },
  {
    name: 'an ACK short of the hole changes nothing',
    in: [...HS, { d: 0, seq: 101, data: 'abc' }, { d: 0, seq: 107, data: 'ghi' }, { d: 1, seq: 501, ack: 104 }, { d: 0, seq: 104, data: 'def' }],
    want: [{ out: ['abcdefghi', ''], ends: ['eof'] }],
    stats: { gaps: 0 },
  },
  {
    // One acknowledgment past the hole is not enough (captures reorder ACKs and FINs before data): the hole stays
    // open until the end of the capture, which reports it.
    name: 'the peer acknowledging a FIN past a hole: the hole is reported at the end',
    in: [
      ...HS,
      { d: 0, seq: 101, data: 'abc' },
      { d: 0, seq: 106, f: 'FA', data: 'f', ack: 501 },
      { d: 1, seq: 501, f: 'FA', ack: 108 },
    ],
    want: [{ out: ['abc<gap 2>f', ''], ends: ['eof'] }],
  },
  {
    name: 'the peer resetting past a hole gives it up at once',
    in: [
      ...HS,
      { d: 0, seq: 101, data: 'abc' },
      { d: 0, seq: 106, data: 'f', ack: 501 },
      { d: 1, seq: 501, f: 'RA', ack: 107 },
    ],
    want: [{ out: ['abc<gap 2>f', ''], ends: ['closed'] }],
  },
  {
    name: 'segment cap: the lowest hole is given up',
    opts: { maxSegmentsPerDirection: 2 },
    in: [...HS, { d: 0, seq: 101, data: 'a' }, { d: 0, seq: 104, data: 'd' }, { d: 0, seq: 106, data: 'f' }, { d: 0, seq: 108, data: 'h' }, { d: 0, seq: 102, data: 'bc' }],
    want: [{ out: ['a<gap 2>d<gap 1>f<gap 1>h', ''], ends: ['eof'] }],
    stats: { capFlushes: 1 },
    notes: ['0:tcp-buffer-limit'],
  },
  {
    name: 'byte cap: the lowest hole is given up',
    opts: { maxBufferedBytesPerDirection: 4 },
    in: [...HS, { d: 0, seq: 103, data: 'cd' }, { d: 0, seq: 106, data: 'fgh' }, { d: 0, seq: 101, data: 'ab' }],
    want: [{ out: ['<gap 2>cd<gap 1>fgh', ''], ends: ['eof'] }],
    stats: { capFlushes: 1 },
  },
  {
    name: 'snaplen truncation: captured bytes, then a gap, then on',
    in: [...HS, { d: 0, seq: 101, data: 'abc', miss: 4 }, { d: 0, seq: 108, data: 'hij' }],
    want: [{ out: ['abc<gap 4>hij', ''], ends: ['eof'] }],
  },
  {
    name: 'snaplen truncation of a buffered segment',
    in: [...HS, { d: 0, seq: 104, data: 'de', miss: 3 }, { d: 0, seq: 109, data: 'ij' }, { d: 0, seq: 101, data: 'abc' }],
    want: [{ out: ['abcde<gap 3>ij', ''], ends: ['eof'] }],
  },
];

describe('TCP reassembly, table-driven', () => {
  for (const c of cases) {
    it(c.name, () => {
      const drv = new Driver(c.opts).run(c.in);
      expect(drv.flows.map((f) => ({ out: f.out, ends: f.ends }))).toEqual(c.want.map((w) => ({ out: w.out, ends: w.ends })));
      c.want.forEach((w, i) => {
        const info = drv.flows[i]!.info;
        if (w.synSeen !== undefined) expect(info.synSeen).toBe(w.synSeen);
        if (w.a !== undefined) expect(`${info.a.ip}:${info.a.port}`).toBe(w.a);
      });
      for (const [k, v] of Object.entries(c.stats ?? {})) expect(drv.tracker.stats[k as keyof typeof c.stats], k).toBe(v);
      if (c.notes) expect(drv.flows.flatMap((f) => f.notes)).toEqual(c.notes);
      expect(drv.tracker.stats.bufferedBytes).toBe(0);
      expect(drv.tracker.stats.flowsInProgress).toBe(0);
    });
  }
});
