import { describe, expect, it } from 'vitest';
import type { Dir } from '../../src/tcp/types.js';
import { DtlsRecordFramer } from '../../src/tls/dtls.js';
import { TlsRecordFramer } from '../../src/tls/stream.js';
import type { RecordSink } from '../../src/tls/types.js';
import { ALERT, ascii, cat, clientHelloBody, hs, record, u8, be } from './fixtures.js';

/** A sink that records what the framer hands on; it wants the bodies of records of types 20-22 only. */
function sink() {
  const got: string[] = [];
  const s: RecordSink = {
    closed: false,
    record: (dir, type, _h, body, len, frame, _ts, epoch) => void got.push(`${dir}:${type}:${body ? 'body' : 'skipped'}:${len}:f${frame}${epoch !== undefined ? `:e${epoch}` : ''}`),
    sslv2ClientHello: (dir) => void got.push(`${dir}:sslv2`),
    wantsBody: (_dir, type) => type >= 20 && type <= 22,
    streamCut: () => null,
    pendingMessage: () => null,
    sideName: (dir: Dir) => (dir === 0 ? 'first' : 'second'),
    flowNote: (n) => void got.push(`note:${n}`),
  };
  return { s, got };
}

const hello = record(22, 0x0301, hs(1, clientHelloBody()));

describe('TlsRecordFramer', () => {
  it('frames records across chunks, skips unwanted bodies by length, and guesses a plaintext prefix', () => {
    const { s, got } = sink();
    const f = new TlsRecordFramer(s);
    const stream = cat(ascii('EHLO mail.example\r\nSTARTTLS\r\n'), hello, record(23, 0x0303, new Uint8Array(100)));
    // 7-byte chunks, each its own frame (the chunk's offset + 1): a record is handed on with the frame that completed
    // it (its header, when the body is skipped).
    for (let i = 0; i < stream.length; i += 7) f.data(0, stream.subarray(i, i + 7), 1 + i, 0);
    const helloEnd = 29 + hello.length;
    const frameOf = (end: number) => 1 + Math.floor((end - 1) / 7) * 7;
    expect(got).toEqual([`0:22:body:${hello.length - 5}:f${frameOf(helloEnd)}`, `0:23:skipped:100:f${frameOf(helloEnd + 5)}`]);
    expect(f.startTls).toBe('smtp');
    expect(f.done).toBe(false);
  });

  it('an alert starts a direction only once the owner says a handshake has begun', () => {
    for (const begun of [false, true]) {
      const { s, got } = sink();
      const f = new TlsRecordFramer(s);
      f.handshakeBegun = begun;
      f.data(1, ALERT(2, 40), 1, 0);
      expect(got).toEqual(begun ? ['1:21:body:2:f1'] : []);
      // The same alert right after a cut-off look-alike of a handshake header, found among the bytes carried over
      // from the previous chunk (the scan's other path).
      const carried = sink();
      const g = new TlsRecordFramer(carried.s);
      g.handshakeBegun = begun;
      g.data(1, u8(0x16, 3, 3, 0x15, 3), 1, 0);
      g.data(1, u8(3, 0, 2, 2, 40), 2, 0);
      expect(carried.got).toEqual(begun ? ['1:21:body:2:f2'] : []);
    }
  });

  it('a bad record header after sync is a note and a resynchronisation; the flow end hands on a partial record', () => {
    const { s, got } = sink();
    const f = new TlsRecordFramer(s);
    f.data(0, cat(hello, u8(99, 3, 3, 0, 1, 0)), 1, 0);
    expect(got[1]).toMatch(/^note:malformed-record-header in the first stream at offset \d+ \(frame 1\): type 99/);
    const cert = record(22, 0x0303, hs(11, new Uint8Array(50)));
    f.data(0, cert.subarray(0, 30), 2, 0);
    f.end();
    expect(got.slice(2)).toEqual([
      'note:resynchronised the first stream after skipping 58 bytes',
      '0:22:body:25:f2',
      'note:truncated: the flow ended inside a record of the first (25 of 54 bytes)',
    ]);
  });
});

describe('DtlsRecordFramer', () => {
  const drec = (type: number, epoch: number, body: Uint8Array) => cat(u8(type), be(0xfefd, 2), be(epoch, 2), be(0, 6), be(body.length, 2), body);

  it('hands on every record of a datagram with its epoch', () => {
    const { s, got } = sink();
    const f = new DtlsRecordFramer(s);
    f.data(0, cat(drec(22, 0, u8(1, 2, 3)), drec(20, 0, u8(1)), drec(22, 1, new Uint8Array(8))), 4, 0);
    expect(got).toEqual(['0:22:body:3:f4:e0', '0:20:body:1:f4:e0', '0:22:body:8:f4:e1']);
  });

  it('gives up a flow that shows no DTLS within a few datagrams', () => {
    const { s } = sink();
    const f = new DtlsRecordFramer(s);
    for (let i = 0; i < 4; i++) f.data(0, ascii('not dtls at all, a DNS answer maybe'), i, 0);
    expect(f.done).toBe(true);
  });
});
