import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureError, CaptureParser, type CaptureRecord } from '../../src/capture/index.js';
import { LIMITS } from '../../src/limits.js';
import { Pcapng, concat, hex, payload, pcapFile, u64, u8, type Pkt } from './build.js';

interface Got {
  frame: number;
  ts: number;
  linkType: number;
  iface: number;
  capLen: number;
  origLen: number;
  data: string;
}

function snap(r: CaptureRecord): Got {
  return { frame: r.frame, ts: r.ts, linkType: r.linkType, iface: r.iface, capLen: r.capLen, origLen: r.origLen, data: hex(r.data) };
}

function parse(bytes: Uint8Array, cuts: number[] = []) {
  const got: Got[] = [];
  const p = new CaptureParser({ packet: (r) => got.push(snap(r)) });
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    p.push(bytes.subarray(prev, c));
    prev = c;
  }
  return { got, info: p.end() };
}

const PKTS: Pkt[] = [
  { sec: 1_700_000_000, frac: 123456, data: payload(60, 1) },
  { sec: 1_700_000_001, frac: 999999, data: payload(1, 2), origLen: 1514 },
  { sec: 1_700_000_002, frac: 0, data: payload(0, 3) },
  { sec: 1_700_000_003, frac: 5, data: payload(333, 4) },
];

describe('classic pcap', () => {
  for (const le of [true, false]) {
    it(`microsecond, ${le ? 'little' : 'big'}-endian`, () => {
      const { got, info } = parse(pcapFile({ le, linkType: 113 }, PKTS));
      expect(info).toEqual({ format: 'pcap', linkTypes: ['LINUX_SLL'], linkTypeNumbers: [113], packets: 4, notes: [] });
      expect(got.map((g) => g.frame)).toEqual([1, 2, 3, 4]);
      expect(got[0].ts).toBeCloseTo(1_700_000_000.123456, 6);
      expect(got[1]).toMatchObject({ capLen: 1, origLen: 1514, linkType: 113, iface: 0, data: hex(payload(1, 2)) });
      expect(got[2].capLen).toBe(0);
      expect(got[3].data).toBe(hex(payload(333, 4)));
    });
    it(`nanosecond magic a1b23c4d, ${le ? 'little' : 'big'}-endian`, () => {
      const { got, info } = parse(pcapFile({ le, ns: true }, [{ sec: 10, frac: 999_999_999, data: payload(20) }]));
      expect(info.format).toBe('pcap-ns');
      expect(got[0].ts).toBeCloseTo(10.999999999, 9);
    });
  }

  it('link type field upper bits (FCS length) are masked off', () => {
    const { info } = parse(pcapFile({ le: true, linkType: 0x10000000 | 1 }, []));
    expect(info.linkTypes).toEqual(['EN10MB']);
  });

  it('hands out subarrays of the pushed chunk and ONE reused record object', () => {
    const bytes = pcapFile({ le: true }, PKTS);
    const seen: CaptureRecord[] = [];
    const buffers: ArrayBufferLike[] = [];
    const p = new CaptureParser({ packet: (r) => { seen.push(r); buffers.push(r.data.buffer); } });
    p.push(bytes);
    p.end();
    expect(new Set(seen).size).toBe(1);
    expect(buffers.every((b) => b === bytes.buffer)).toBe(true);
  });

  it('a record length above LIMITS.maxRecordBytes is corruption: stop there, keep what came before', () => {
    const good = pcapFile({ le: true }, PKTS.slice(0, 2));
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setUint32(8, LIMITS.maxRecordBytes + 1, true);
    const { got, info } = parse(concat(good, bad, payload(100)));
    expect(got.length).toBe(2);
    expect(info.truncated?.atOffset).toBe(good.length);
    expect(info.truncated?.message).toMatch(/exceeds/);
  });
});

function pcapngSample(): Uint8Array {
  return new Pcapng()
    .shb(true)
    .idb(1, 0, [[9, u8(9)]]) // if_tsresol 10^-9
    .idb(276, 64, [[9, u8(0x80 | 20)]]) // if_tsresol 2^-20
    .epb(0, 1_700_000_000_123_456_789n, payload(54, 1))
    .raw(0x0bad, payload(10)) // unknown block: skipped by length
    .epb(1, (5n << 20n) | (1n << 19n), payload(70, 2), 1500) // 5.5 s
    .dsb(0x544c534b, new TextEncoder().encode('CLIENT_RANDOM x y\n'))
    .spb(payload(100, 3)) // interface 0 has snaplen 0: all 100 bytes
    .pb(1, 3n << 20n, payload(9, 4))
    .shb(false) // a second section, big-endian, its own interfaces
    .idb(101, 40, [[14, u64(false, 100n)]]) // if_tsoffset +100 s, default µs
    .epb(0, 2_000_000n, payload(40, 5))
    .spb(payload(60, 6)) // snaplen 40 cuts the SPB
    .out();
}

describe('pcapng', () => {
  it('sections, byte orders, interfaces, if_tsresol, if_tsoffset, EPB, SPB, obsolete PB, unknown blocks', () => {
    const secrets: string[] = [];
    const got: Got[] = [];
    const p = new CaptureParser({
      packet: (r) => got.push(snap(r)),
      decryptionSecrets: (t, d, before) => secrets.push(`${t.toString(16)}:${new TextDecoder().decode(d)}:${before}`),
    });
    p.push(pcapngSample());
    const info = p.end();
    expect(info).toEqual({
      format: 'pcapng',
      linkTypes: ['EN10MB', 'LINUX_SLL2', 'RAW'],
      linkTypeNumbers: [1, 276, 101],
      packets: 6,
      notes: [],
    });
    expect(secrets).toEqual(['544c534b:CLIENT_RANDOM x y\n:2']);
    expect(got.map((g) => [g.frame, g.iface, g.linkType, g.capLen, g.origLen])).toEqual([
      [1, 0, 1, 54, 54],
      [2, 1, 276, 70, 1500],
      [3, 0, 1, 100, 100],
      [4, 1, 276, 9, 9],
      [5, 0, 101, 40, 40],
      [6, 0, 101, 40, 60],
    ]);
    expect(got[0].ts).toBeCloseTo(1_700_000_000.123456789, 6);
    expect(got[1].ts).toBe(5.5);
    expect(got[2].ts).toBe(5.5); // SPB: no timestamp, previous one kept
    expect(got[3].ts).toBe(3);
    expect(got[4].ts).toBe(102);
    expect(got[5].data).toBe(hex(payload(60, 6).subarray(0, 40)));
  });

  it('a packet for an undefined interface and a bad trailing length become notes', () => {
    const bytes = new Pcapng().shb(true).idb(1).epb(3, 0n, payload(4)).epb(0, 0n, payload(4)).out();
    // Corrupt the trailing length of the last block.
    new DataView(bytes.buffer).setUint32(bytes.length - 4, 99, true);
    const { got, info } = parse(bytes);
    expect(got.length).toBe(1);
    expect(info.notes.join('\n')).toMatch(/undefined interface 3/);
    expect(info.notes.join('\n')).toMatch(/trailing length/);
  });

  it('a block length that is not a multiple of 4 stops the parse at that block', () => {
    const head = new Pcapng().shb(true).idb(1).epb(0, 0n, payload(8)).out();
    const bad = new Pcapng().shb(true).out().subarray(0, 12); // type + length + BOM
    const badBlock = Uint8Array.from(bad);
    badBlock.set([6, 0, 0, 0, 13, 0, 0, 0], 0); // EPB with length 13
    const { got, info } = parse(concat(head, badBlock, payload(40)));
    expect(got.length).toBe(1);
    expect(info.truncated).toEqual({ atOffset: head.length, message: 'pcapng block with bad length 13 (corrupt file?)' });
    expect(info.notes[0]).toMatch(/bad length 13/);
  });
});

describe('chunking and truncation', () => {
  const files: [string, Uint8Array][] = [
    ['pcap-le', pcapFile({ le: true }, PKTS)],
    ['pcap-ns-be', pcapFile({ le: false, ns: true }, PKTS)],
    ['pcapng', pcapngSample()],
  ];

  for (const [name, bytes] of files) {
    it(`${name}: any chunking yields the same records`, () => {
      const whole = parse(bytes);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }), (cuts) => {
          const r = parse(bytes, cuts.sort((a, b) => a - b));
          expect(r.got).toEqual(whole.got);
          expect(r.info).toEqual(whole.info);
        }),
        { numRuns: 150 },
      );
      // Every single split point, and byte-at-a-time.
      for (let c = 1; c < bytes.length; c++) expect(parse(bytes, [c]).got).toEqual(whole.got);
      expect(parse(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)).got).toEqual(whole.got);
    });

    it(`${name}: a cut at any offset never throws and keeps every record before the cut`, () => {
      const whole = parse(bytes);
      for (let cut = 1; cut < bytes.length; cut++) {
        const { got, info } = parse(bytes.subarray(0, cut));
        expect(got).toEqual(whole.got.slice(0, got.length));
        if (got.length < whole.got.length || info.truncated) {
          // Cut mid-record: reported, at or after the last delivered record.
          if (info.truncated) expect(info.truncated.atOffset).toBeLessThanOrEqual(cut);
        }
      }
      expect(parse(bytes).info.truncated).toBeUndefined();
    });
  }

  it('reports where a record was cut', () => {
    const bytes = pcapFile({ le: true }, PKTS);
    const fourth = 24 + (16 + 60) + (16 + 1) + 16;
    const { got, info } = parse(bytes.subarray(0, fourth + 26));
    expect(got.length).toBe(3);
    expect(info.truncated).toEqual({ atOffset: fourth, message: 'file ends inside a record: 26 of 349 bytes' });
    expect(parse(bytes.subarray(0, 24 + 16 + 60 + 3)).info.truncated?.message).toBe('file ends inside a record header: 3 bytes');
    expect(parse(bytes.subarray(0, 2)).info.truncated?.atOffset).toBe(0);
  });
});

describe('not a capture', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const cases: [string, Uint8Array, RegExp][] = [
    ['PEM', enc('-----BEGIN CERTIFICATE-----\nMIIB'), /2d 2d 2d 2d 2d 42 45 47.*PEM/],
    ['HTML', enc('<!DOCTYPE html><html>'), /3c 21 44 4f.*HTML/],
    ['zip', Uint8Array.of(0x50, 0x4b, 3, 4, 20, 0, 0, 0), /50 4b 03 04.*zip/],
    ['text', enc('hello world, this is text'), /68 65 6c 6c.*text/],
    ['snoop', enc('snoop\0\0\0\0\0\0\x02'), /snoop/],
    ['DER', Uint8Array.of(0x30, 0x82, 1, 0, 0x30, 0x81), /DER/],
    ['binary', Uint8Array.of(0, 1, 2, 3, 0xfe, 0xff), /^not a pcap or pcapng capture \(starts with 00 01 02 03 fe ff\)$/],
  ];
  for (const [name, bytes, re] of cases) {
    it(name, () => {
      const p = new CaptureParser({ packet: () => undefined });
      let err: unknown;
      try {
        p.push(bytes);
        p.end();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CaptureError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toMatch(/\n/);
    });
  }

  it('empty input', () => {
    const p = new CaptureParser({ packet: () => undefined });
    expect(() => p.end()).toThrow(new CaptureError('empty file'));
  });

  it('short input that is not a magic prefix', () => {
    const p = new CaptureParser({ packet: () => undefined });
    p.push(Uint8Array.of(0x41, 0x42));
    expect(() => p.end()).toThrow(CaptureError);
  });
});
