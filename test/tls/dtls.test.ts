import { describe, expect, it } from 'vitest';
import type { Handshake } from '../../src/model.js';
import type { Dir, FlowInfo } from '../../src/tcp/types.js';
import { addRange } from '../../src/tls/dtls-reassembler.js';
import { createTlsConsumer } from '../../src/tls/index.js';
import { be, cat, CERT_A, CERT_A_SHA256, CERT_B, certificateBody, clientHelloBody, serverHelloBody, sha256, u8 } from './fixtures.js';

const INFO: FlowInfo = { transport: 'udp', a: { ip: '10.0.0.1', port: 40000 }, b: { ip: '10.0.0.2', port: 4433 }, synSeen: false, firstFrame: 1, firstTs: 1 };

/** DTLS record (RFC 6347 4.1): type, version, epoch, 48-bit sequence, length. */
const drec = (type: number, epoch: number, seq: number, body: Uint8Array, version = 0xfefd): Uint8Array =>
  cat(u8(type), be(version, 2), be(epoch, 2), be(seq, 6), be(body.length, 2), body);
/** DTLS handshake fragment (RFC 6347 4.2.2). */
const frag = (type: number, msgSeq: number, body: Uint8Array, off = 0, len = body.length - off): Uint8Array =>
  cat(u8(type), be(body.length, 3), be(msgSeq, 2), be(off, 3), be(len, 3), body.subarray(off, off + len));

function runDtls(datagrams: { dir: Dir; bytes: Uint8Array }[]): { hs: Handshake[]; done: boolean } {
  const hs: Handshake[] = [];
  let id = 0;
  const c = createTlsConsumer(INFO, { handshake: (h) => hs.push(h) }, { nextId: () => ++id });
  datagrams.forEach((d, i) => c.data(d.dir, d.bytes, i + 1, 100 + i));
  const done = c.done;
  c.end('eof');
  return { hs, done };
}

const cookie = u8(1, 2, 3, 4, 5, 6, 7, 8);
const ch1 = clientHelloBody({ version: 0xfefd, sni: 'dtls.example', dtlsCookie: new Uint8Array(0) });
const ch2 = clientHelloBody({ version: 0xfefd, sni: 'dtls.example', dtlsCookie: cookie });
const hvr = cat(be(0xfefd, 2), u8(cookie.length), cookie);
const sh = serverHelloBody({ version: 0xfefd, cipher: 0xc02b });
const cert = certificateBody([CERT_A, CERT_B]);

function flights(certDatagrams: Uint8Array[]): { dir: Dir; bytes: Uint8Array }[] {
  return [
    { dir: 0, bytes: drec(22, 0, 0, frag(1, 0, ch1)) },
    { dir: 1, bytes: drec(22, 0, 0, frag(3, 0, hvr)) },
    { dir: 0, bytes: drec(22, 0, 1, frag(1, 1, ch2)) },
    { dir: 1, bytes: drec(22, 0, 1, frag(2, 1, sh)) },
    ...certDatagrams.map((b) => ({ dir: 1 as Dir, bytes: b })),
    { dir: 1, bytes: drec(22, 0, 9, frag(14, 3, new Uint8Array(0))) },
    { dir: 0, bytes: cat(drec(22, 0, 2, frag(16, 2, u8(1, 4))), drec(20, 0, 3, u8(1)), drec(22, 1, 0, new Uint8Array(48))) },
    { dir: 1, bytes: cat(drec(20, 0, 10, u8(1)), drec(22, 1, 0, new Uint8Array(48))) },
  ];
}

describe('DTLS', () => {
  it('HelloVerifyRequest cookie exchange, certificate in one fragment', () => {
    const r = runDtls(flights([drec(22, 0, 2, frag(11, 2, cert))]));
    expect(r.hs).toHaveLength(1);
    const h = r.hs[0]!;
    expect(h.transport).toBe('udp');
    expect(h.version).toBe('DTLS 1.2');
    expect(h.clientVersion).toBe('DTLS 1.2');
    expect(h.sni).toBe('dtls.example');
    expect(h.cipher).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
    expect(h.frames?.clientHello).toBe(3);
    expect(h.firstFrame).toBe(1);
    expect(h.notes.join('|')).toContain('hello-verify-request: 8-byte cookie');
    expect(h.complete).toBe(true);
    expect(r.done).toBe(true);
  });

  it('fragments out of order, overlapping and duplicated (retransmitted flight) reassemble once', () => {
    const n = cert.length;
    const a = Math.floor(n / 3);
    const pieces = [
      drec(22, 0, 5, frag(11, 2, cert, 2 * a, n - 2 * a)),
      cat(drec(22, 0, 3, frag(11, 2, cert, 0, a + 10)), drec(22, 0, 4, frag(11, 2, cert, a - 5, 20))),
      drec(22, 0, 6, frag(11, 2, cert, a, a + 3)),
      // retransmission of the whole flight after completion
      drec(22, 0, 7, frag(11, 2, cert)),
    ];
    const h = runDtls(flights(pieces)).hs[0]!;
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
    expect(h.notes.filter((x) => x.includes('second server Certificate'))).toEqual([]);
  });

  it('a missing fragment leaves the chain empty and says which message was incomplete', () => {
    const half = Math.floor(cert.length / 2);
    const h = runDtls(flights([drec(22, 0, 2, frag(11, 2, cert, 0, half))]).slice(0, 5)).hs[0]!;
    expect(h.serverChain).toEqual([]);
    expect(h.notes.join('|')).toContain(`Certificate message (${half} of ${cert.length} bytes)`);
  });

  it('non-DTLS UDP flows are given up after a few datagrams', () => {
    const dns = u8(0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x77, 0x77, 0x77, 0, 0, 1, 0, 1);
    const r = runDtls([0, 1, 2, 3].map(() => ({ dir: 0 as Dir, bytes: dns })));
    expect(r.done).toBe(true);
    expect(r.hs).toEqual([]);
  });

  it('malformed fragment lengths are notes on the handshake, never an internal error', () => {
    const good = drec(22, 0, 2, frag(11, 2, cert));
    for (let i = 13; i < 13 + 12; i++) {
      for (const v of [0, 0xff]) {
        const b = good.slice();
        b[i] = v;
        // The pipeline catches everything: an exception would only show as an internal-error note (or as no
        // handshake at all, the ClientHello lost with it).
        const { hs } = runDtls(flights([b]));
        expect(hs).toHaveLength(1);
        expect(hs[0]!.sni).toBe('dtls.example');
        expect(hs[0]!.version).toBe('DTLS 1.2');
        expect(hs[0]!.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
      }
    }
  });

  it('addRange merges overlapping and adjacent ranges', () => {
    const r: number[] = [];
    addRange(r, 10, 20);
    addRange(r, 30, 40);
    addRange(r, 0, 5);
    expect(r).toEqual([0, 5, 10, 20, 30, 40]);
    addRange(r, 18, 31);
    expect(r).toEqual([0, 5, 10, 40]);
    addRange(r, 5, 10);
    expect(r).toEqual([0, 40]);
  });
});
