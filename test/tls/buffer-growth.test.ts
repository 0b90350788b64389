/**
 * The framers' buffers hold the bytes that arrived, never the length a header claims (a capture of many flows that
 * each send the first bytes of a record or message claiming 16 KiB, or megabytes, must not cost that much apiece),
 * and still join records and messages correctly as they grow.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Dir } from '../../src/tcp/types.js';
import { DtlsReassembler } from '../../src/tls/dtls-reassembler.js';
import { TlsMessageFramer } from '../../src/tls/handshake-framer.js';
import { RecordBufferPool } from '../../src/tls/record-pool.js';
import { TlsRecordFramer } from '../../src/tls/stream.js';
import type { RecordSink } from '../../src/tls/types.js';
import { be, cat, clientHelloBody, hs, record, u8 } from './fixtures.js';

function recordSink(got: Uint8Array[], views: Uint8Array[] = []): RecordSink {
  return {
    closed: false,
    record: (_dir, _type, _h, body) => void (body && (got.push(body.slice()), views.push(body))),
    sslv2ClientHello: () => {},
    wantsBody: () => true,
    streamCut: () => null,
    pendingMessage: () => null,
    sideName: (dir: Dir) => (dir === 0 ? 'first' : 'second'),
    flowNote: () => {},
  };
}

// A collection before each measurement, so that garbage of an earlier test freed meanwhile does not hide the growth.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes held in ArrayBuffers (off the V8 heap) while `make` builds `n` objects that are kept alive. */
function arrayBytesFor<T>(n: number, make: () => T): number {
  const keep: T[] = [];
  gc();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < n; i++) keep.push(make());
  const used = process.memoryUsage().arrayBuffers - before;
  expect(keep).toHaveLength(n);
  return used;
}

const N = 2000;
const CLAIM = 128 * 1024;

describe('buffers grow with what arrived', () => {
  it('a record framer fed 25 bytes of a record claiming 16 KiB holds about 25 bytes', () => {
    const piece = cat(u8(0x16, 3, 1, 0x40, 0x00), u8(1, 0, 0x3f, 0xfc, 3, 3), new Uint8Array(14).fill(7));
    const used = arrayBytesFor(N, () => {
      const f = new TlsRecordFramer(recordSink([]));
      f.data(0, piece, 1, 0);
      return f;
    });
    // Claimed: N * 16 KiB = 32 MiB. Held: a small buffer each (its minimum size plus the header).
    expect(used).toBeLessThan(N * 1024);
  });

  it('a message framer fed the first bytes of a message claiming 128 KiB holds about that many', () => {
    const head = cat(u8(11), be(CLAIM, 3), new Uint8Array(20).fill(9));
    const used = arrayBytesFor(N, () => {
      const f = new TlsMessageFramer(() => {}, () => {});
      f.push(0, head, 1, 0);
      return f;
    });
    expect(used).toBeLessThan(N * 1024);
  });

  it('a DTLS reassembler fed one small fragment of a message claiming 128 KiB holds about that fragment', () => {
    const frag = cat(u8(11), be(CLAIM, 3), be(0, 2), be(0, 3), be(20, 3), new Uint8Array(20).fill(9));
    const used = arrayBytesFor(N, () => {
      const r = new DtlsReassembler(() => {}, () => {});
      r.push(0, frag, 1, 0, 0);
      return r;
    });
    expect(used).toBeLessThan(N * 1024);
  });

  it('a 16 KiB record in 7-byte chunks and a 5000-byte message in 100-byte records come out whole', () => {
    const body = Uint8Array.from({ length: 16384 }, (_, i) => (i * 31 + 7) & 255);
    const got: Uint8Array[] = [];
    const f = new TlsRecordFramer(recordSink(got));
    const stream = cat(record(22, 0x0301, hs(1, clientHelloBody())), record(22, 0x0303, body));
    for (let i = 0; i < stream.length; i += 7) f.data(0, stream.subarray(i, i + 7), 1 + i, 0);
    expect(got).toHaveLength(2);
    expect(Buffer.from(got[1]!).equals(Buffer.from(body))).toBe(true);

    const msg = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13 + 1) & 255);
    const out: Uint8Array[] = [];
    const m = new TlsMessageFramer((_d, _t, b) => void out.push(b.slice()), () => {});
    const whole = hs(11, msg);
    for (let i = 0; i < whole.length; i += 100) m.push(1, whole.subarray(i, i + 100), 1, 0);
    expect(out).toHaveLength(1);
    expect(Buffer.from(out[0]!).equals(Buffer.from(msg))).toBe(true);

    // DTLS: the same message in fragments out of order, one of them sent twice.
    const dout: Uint8Array[] = [];
    const r = new DtlsReassembler((_d, _t, b) => void dout.push(b.slice()), () => {});
    const fr = (off: number, end: number) => cat(u8(11), be(msg.length, 3), be(0, 2), be(off, 3), be(end - off, 3), msg.subarray(off, end));
    for (const [a, b] of [[3000, 5000], [0, 1200], [1000, 3100], [0, 1200]] as const) r.push(0, fr(a, b), 1, 0, 0);
    expect(dout).toHaveLength(1);
    expect(Buffer.from(dout[0]!).equals(Buffer.from(msg))).toBe(true);
  });
});

describe('the record buffer pool (record-pool.ts)', () => {
  const pattern = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * k + 3) & 255);

  it('a record of the next flow is copied into the buffer an earlier flow\'s record filled, and comes out whole', () => {
    const pool = new RecordBufferPool();
    const got: Uint8Array[] = [];
    const views: Uint8Array[] = [];
    const first = record(22, 0x0303, hs(11, pattern(3000, 31)));
    const second = record(22, 0x0303, hs(11, pattern(2500, 17)));
    const a = new TlsRecordFramer(recordSink(got, views), pool);
    for (let i = 0; i < first.length; i += 1448) a.data(0, first.subarray(i, i + 1448), 1, 0);
    expect(pool.size).toBe(1);
    const b = new TlsRecordFramer(recordSink(got, views), pool);
    for (let i = 0; i < second.length; i += 1000) b.data(1, second.subarray(i, i + 1000), 2, 0);
    expect(got).toHaveLength(2);
    expect(Buffer.from(got[0]!).equals(Buffer.from(hs(11, pattern(3000, 31))))).toBe(true);
    expect(Buffer.from(got[1]!).equals(Buffer.from(hs(11, pattern(2500, 17))))).toBe(true);
    // The second record went through the first one's buffer: no new buffer for it.
    expect(views[1]!.buffer).toBe(views[0]!.buffer);
    expect(pool.size).toBe(1);
  });

  it('a record in one segment is passed as a view of it and takes nothing from the pool', () => {
    const pool = new RecordBufferPool();
    pool.give(new Uint8Array(4096));
    const views: Uint8Array[] = [];
    const f = new TlsRecordFramer(recordSink([], views), pool);
    f.data(0, record(22, 0x0301, hs(1, clientHelloBody())), 1, 0);
    const whole = record(22, 0x0303, hs(11, pattern(1200, 5)));
    f.data(0, whole, 2, 0);
    expect(views).toHaveLength(2);
    expect(views[1]!.buffer).toBe(whole.buffer);
    expect(pool.size).toBe(1);
  });

  /** Bytes held by N framers sharing `pool` that each got 20 bytes of a record claiming 16 KiB. */
  const stalledFlows = (pool: RecordBufferPool): number => {
    const piece = cat(u8(0x16, 3, 3, 0x40, 0x00), new Uint8Array(20).fill(7));
    return arrayBytesFor(N, () => {
      const f = new TlsRecordFramer(recordSink([]), pool);
      f.data(0, piece, 1, 0);
      return f;
    });
  };

  it('many flows that each send the first piece of a record, with the pool empty, hold about what arrived', () => {
    const pool = new RecordBufferPool();
    expect(stalledFlows(pool)).toBeLessThan(N * 1024);
    expect(pool.size).toBe(0);
  });

  it('takes the smallest buffer that holds the whole record, else the largest that holds what arrived, never one over twice that or 4 KiB; keeps at most 16', () => {
    const pool = new RecordBufferPool();
    for (const n of [2048, 8192, 4096, 16389]) pool.give(new Uint8Array(n));
    expect(pool.take(100, 3000)!.length).toBe(4096);
    // The whole record would want 20000: the 8192 and 16389 are over the bound for 100 bytes arrived.
    expect(pool.take(100, 20000)!.length).toBe(2048);
    expect(pool.take(9000, 9000)!.length).toBe(16389);
    expect(pool.take(9000, 9000)).toBeNull();
    expect(pool.size).toBe(1);
    pool.give(new Uint8Array(100)); // too small to be worth keeping
    expect(pool.size).toBe(1);
    for (let i = 0; i < 30; i++) pool.give(new Uint8Array(2048));
    expect(pool.size).toBe(16);
  });

  it('flows that stall after the first piece of a record claiming 16 KiB take none of the 16 KiB buffers in the pool', () => {
    const pool = new RecordBufferPool();
    for (let i = 0; i < 16; i++) pool.give(new Uint8Array(16389));
    expect(stalledFlows(pool)).toBeLessThan(N * 1024);
    expect(pool.size).toBe(16);
  });
});
