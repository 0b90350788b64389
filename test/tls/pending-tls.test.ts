/**
 * A TCP flow's TLS consumer is small until TLS can have begun on it (pending-tls.ts), and what it reports is what a
 * connection made with the flow reports: the same handshakes, ids, order and give-ups.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { FlowConsumer, FlowEndReason } from '../../src/tcp/types.js';
import { TlsConn } from '../../src/tls/conn.js';
import { createTlsConsumer } from '../../src/tls/index.js';
import { mayHoldRecord, PENDING_HOLD_BYTES } from '../../src/tls/pending-tls.js';
import type { Handshake } from '../../src/model.js';
import type { HandshakeSink } from '../../src/tls/types.js';
import { cat, clientHelloBody, hs, INFO, record, tls12Flow, u8 } from './fixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** V8 heap bytes per object while `make` builds `n` of them, kept alive. */
function heapBytesEach<T>(n: number, make: () => T): number {
  const keep: T[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) keep.push(make());
  gc();
  const used = process.memoryUsage().heapUsed - before;
  expect(keep).toHaveLength(n);
  return used / n;
}

/** The hostile capture's segment: a record header claiming 16 KiB, a ClientHello header, 16 bytes of it. */
const PIECE = cat(u8(0x16, 3, 1, 0x40, 0x00), u8(1, 0, 0x3f, 0xfc, 3, 3), new Uint8Array(14).fill(7));

interface Seen {
  handshakes: Handshake[];
  gaveUp: string[];
}

function sinkFor(seen: Seen): HandshakeSink {
  return { handshake: (h) => void seen.handshakes.push(h), gaveUp: (c) => void seen.gaveUp.push(c) };
}

describe('pending TLS consumer', () => {
  it('a flow holding 25 bytes of a record costs a few hundred bytes, a fifth of a connection', () => {
    const sink: HandshakeSink = { handshake: () => {} };
    const opts = { nextId: () => 0 };
    const pending = heapBytesEach(2000, () => {
      const c = createTlsConsumer(INFO, sink, opts);
      c.data(0, PIECE, 1, 1_700_000_000.5);
      return c;
    });
    const conn = heapBytesEach(2000, () => {
      const c = new TlsConn(INFO, sink, opts, false);
      c.data(0, PIECE, 1, 1_700_000_000.5);
      return c;
    });
    // Measured here: about 270 bytes pending (held string, its time, the flow's references) and 2,400 a connection.
    expect(pending).toBeLessThan(400);
    expect(conn).toBeGreaterThan(4 * pending);
  });

  it('tells a first chunk that may hold a complete record from one that cannot', () => {
    expect(mayHoldRecord(PIECE)).toBe(false);
    expect(mayHoldRecord(record(22, 0x0301, hs(14, new Uint8Array(0))))).toBe(true);
    // After a plaintext prefix (STARTTLS), and a 0x16 inside the prefix that is no record.
    expect(mayHoldRecord(cat(u8(0x16, 0x41, 0x42), record(22, 0x0303, hs(1, clientHelloBody()))))).toBe(true);
    // SSL 2.0 header at offset 0: 2 + length bytes complete it.
    expect(mayHoldRecord(cat(u8(0x80, 3), u8(1, 0, 2)))).toBe(true);
    expect(mayHoldRecord(cat(u8(0x80, 4), u8(1, 0, 2)))).toBe(false);
    expect(mayHoldRecord(u8(0x16, 3, 1))).toBe(false);
  });

  it('a handshake whose first record arrives whole in a small chunk is made then: ids and order as with a connection', () => {
    // Two flows: A's ClientHello record (under the hold size) arrives first, then B's; B ends before A.
    const hello = record(22, 0x0301, hs(1, clientHelloBody({ sni: 'a.example' })));
    expect(hello.length).toBeLessThan(PENDING_HOLD_BYTES);
    const order = (make: (sink: HandshakeSink, nextId: () => number) => { a: FlowConsumer; b: FlowConsumer }) => {
      const seen: Seen = { handshakes: [], gaveUp: [] };
      let id = 0;
      const { a, b } = make(sinkFor(seen), () => ++id);
      a.data(0, hello, 1, 1_700_000_000);
      b.data(0, record(22, 0x0301, hs(1, clientHelloBody({ sni: 'b.example' }))), 2, 1_700_000_001);
      b.end('eof');
      a.end('eof');
      return seen.handshakes.map((h) => `${h.id} ${h.sni}`);
    };
    const viaPending = order((sink, nextId) => ({ a: createTlsConsumer(INFO, sink, { nextId }), b: createTlsConsumer(INFO, sink, { nextId }) }));
    const viaConn = order((sink, nextId) => ({ a: new TlsConn(INFO, sink, { nextId }, false), b: new TlsConn(INFO, sink, { nextId }, false) }));
    expect(viaConn).toEqual(['2 b.example', '1 a.example']);
    expect(viaPending).toEqual(viaConn);
  });

  it.each<[string, FlowEndReason]>([
    ['evicted', 'evicted'],
    ['ended', 'eof'],
  ])('a held first chunk of a flow %s gives the same handshakes and give-ups as a connection', (_name, reason) => {
    const cases: { dir: 0 | 1; bytes: Uint8Array; gap?: number }[][] = [
      [{ dir: 0, bytes: PIECE }],
      [{ dir: 0, bytes: u8(0x47, 0x45, 0x54) }],
      // A complete TLS 1.2 handshake whose first record comes in two chunks: the first is held, the second makes the connection.
      tls12Flow().flatMap((s, i) => (i === 0 ? [{ dir: s.dir, bytes: s.bytes.subarray(0, 20) }, { dir: s.dir, bytes: s.bytes.subarray(20) }] : [s])),
      // A held chunk then a gap, and then a gap alone.
      [{ dir: 0, bytes: PIECE }, { dir: 0, bytes: new Uint8Array(0), gap: 100 }],
      [{ dir: 1, bytes: new Uint8Array(0), gap: 10 }],
      [],
    ];
    for (const steps of cases) {
      const feed = (c: FlowConsumer) => {
        let frame = 0;
        for (const s of steps) {
          frame++;
          if (s.gap) c.gap(s.dir, s.gap, frame);
          else if (!c.done) c.data(s.dir, s.bytes, frame, 1_700_000_000 + frame / 10);
        }
        c.end(reason);
      };
      const a: Seen = { handshakes: [], gaveUp: [] };
      const b: Seen = { handshakes: [], gaveUp: [] };
      let ida = 0;
      let idb = 0;
      feed(createTlsConsumer(INFO, sinkFor(a), { nextId: () => ++ida }));
      feed(new TlsConn(INFO, sinkFor(b), { nextId: () => ++idb }, false));
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    }
  });

  it('after its end a flow keeps no connection', () => {
    const sink: HandshakeSink = { handshake: () => {} };
    const opts = { nextId: () => 0 };
    const each = heapBytesEach(2000, () => {
      const c = createTlsConsumer(INFO, sink, opts);
      c.data(0, PIECE, 1, 1_700_000_000.5);
      c.end('eof');
      return c;
    });
    expect(each).toBeLessThan(400);
  });
});
