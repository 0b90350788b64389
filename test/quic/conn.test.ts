/**
 * The QUIC wiring over crafted packets (sealed in the test with the Initial keys the RFC vectors prove): Initials
 * and CRYPTO frames out of order and repeated across packets and datagrams, coalesced packets, Retry and Version
 * Negotiation, a TLS alert in CONNECTION_CLOSE, bad frame lengths, the CRYPTO buffer cap, datagrams that only look
 * like QUIC. Every problem is a note; nothing throws.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import type { Handshake } from '../../src/model.js';
import type { FlowInfo } from '../../src/tcp/types.js';
import { QuicTlsConn } from '../../src/tls/quic-conn.js';
import { UdpFlow } from '../../src/tls/udp-flow.js';
import { clientHelloBody, hs, serverHelloBody } from '../tls/fixtures.js';
import { cryptoFrame, keysFor, seal } from './seal.js';

const INFO: FlowInfo = { transport: 'udp', a: { ip: '192.0.2.1', port: 50000 }, b: { ip: '192.0.2.2', port: 4433 }, synSeen: false, firstFrame: 1, firstTs: 0 };
const DCID = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const SCID = Uint8Array.from([9, 9, 9, 9]);
const cat = (...p: Uint8Array[]) => Uint8Array.from(Buffer.concat(p));

const CH = hs(1, clientHelloBody({ sni: 'h3.example', alpn: ['h3'], supportedVersions: [0x0304] }));
const SH = hs(2, serverHelloBody({ version: 0x0303, cipher: 0x1301, selected: 0x0304 }));

function client(pn: number, frames: number[], dcid = DCID, version = 1): Uint8Array {
  return seal({ keys: keysFor(dcid, 'client', version), typeBits: version === 1 ? 0 : 1, version, dcid, scid: SCID, pn, frames, size: 1200 });
}
function server(pn: number, frames: number[]): Uint8Array {
  return seal({ keys: keysFor(DCID, 'server'), typeBits: 0, dcid: SCID, scid: Uint8Array.of(7, 7), pn, frames });
}

function feed(datagrams: [0 | 1, Uint8Array][]) {
  const out: Handshake[] = [];
  let id = 1;
  const conn = new QuicTlsConn(INFO, { handshake: (h) => out.push(h) }, { nextId: () => id++ });
  datagrams.forEach(([dir, d], i) => conn.data(dir, d, i + 1, i + 1));
  conn.end('eof');
  for (const h of out) expect(h.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
  return { out, conn };
}

describe('QUIC connection', () => {
  it('reassembles a ClientHello split over Initials that arrive out of order and twice', () => {
    const a = CH.subarray(0, 40);
    const b = CH.subarray(40, 90);
    const c = CH.subarray(90);
    const { out } = feed([
      [0, client(2, cryptoFrame(90, c))],
      [0, client(0, cryptoFrame(0, a))],
      [0, client(0, cryptoFrame(0, a))],
      [0, client(1, cryptoFrame(40, b))],
      [1, server(0, cryptoFrame(0, SH))],
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ transport: 'quic', sni: 'h3.example', alpn: ['h3'], version: 'TLS 1.3', encrypted: true, quic: { version: 'QUIC v1' } });
  });

  it('reads coalesced packets of one datagram, and two CRYPTO frames of one packet in reverse order', () => {
    const frames = [...cryptoFrame(50, CH.subarray(50)), ...cryptoFrame(0, CH.subarray(0, 50))];
    const { out } = feed([[0, cat(client(0, frames), client(1, [0x01]))], [1, server(0, cryptoFrame(0, SH))]]);
    expect(out[0]?.sni).toBe('h3.example');
    expect(out[0]?.version).toBe('TLS 1.3');
  });

  it('QUIC v2: the same from packets of version 0x6b3343cf (its salt, labels and packet types)', () => {
    const { out } = feed([[0, client(0, cryptoFrame(0, CH), DCID, 0x6b3343cf)]]);
    expect(out[0]).toMatchObject({ sni: 'h3.example', quic: { version: 'QUIC v2' } });
  });

  it('recognises Retry and Version Negotiation, and follows the client to its new connection ID', () => {
    const retry = Uint8Array.from([0xf0, 0, 0, 0, 1, 4, ...SCID, 4, 5, 5, 5, 5, 0xaa, 0xbb, ...new Array(16).fill(0x11)]);
    const vn = Uint8Array.from([0x80, 0, 0, 0, 0, 4, ...SCID, 8, ...DCID, 0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf]);
    const newDcid = Uint8Array.of(5, 5, 5, 5);
    const { out } = feed([
      [0, client(0, cryptoFrame(0, CH))],
      [1, vn],
      [1, retry],
      [0, client(1, cryptoFrame(0, CH), newDcid)],
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.quic).toEqual({ version: 'QUIC v1', retry: true, offeredVersions: ['QUIC v1', 'QUIC v2'] });
    expect(out[0]!.notes.join('\n')).toMatch(/retry: the server asked the client to prove its address \(frame 3\)/);
    expect(out[0]!.notes.join('\n')).toMatch(/version-negotiation: the server offers QUIC v1, QUIC v2 \(frame 2\)/);
    expect(out[0]!.notes.join('\n')).not.toMatch(/undecryptable/);
  });

  it("takes a CONNECTION_CLOSE with a crypto error for the TLS alert it carries (RFC 9001 §4.8)", () => {
    const { out } = feed([
      [0, client(0, cryptoFrame(0, CH))],
      [1, server(0, cryptoFrame(0, SH))],
      [0, client(1, [0x1c, 0x41, 0x2a, 0x06, 0])],
    ]);
    expect(out[0]!.alerts).toEqual([expect.objectContaining({ from: 'client', level: 2, description: 42, descriptionName: 'bad_certificate' })]);
  });

  it('a bogus CRYPTO length, a truncated packet and an undecryptable Initial are notes', () => {
    const good = client(0, cryptoFrame(0, CH));
    const { out } = feed([
      [0, good],
      [0, client(1, [0x06, 0x00, 0x48, 0x00, 1, 2, 3])],
      [0, good.subarray(0, good.length - 30)],
      [1, seal({ keys: keysFor(Uint8Array.of(6, 6), 'server'), typeBits: 0, dcid: SCID, scid: SCID, pn: 0, frames: cryptoFrame(0, SH) })],
    ]);
    const notes = out[0]!.notes.join('\n');
    expect(notes).toMatch(/quic-malformed-frame in an Initial packet from the client \(frame 2\): CRYPTO frame at offset 0 claims 2048 bytes/);
    expect(notes).toMatch(/quic-truncated-packet from the client at datagram offset \d+ \(packet of \d+ bytes in \d+, frame 3\)/);
    expect(notes).toMatch(/quic-undecryptable-initial from the server \(frame 4\)/);
    expect(out[0]!.sni).toBe('h3.example');
  });

  it('caps the CRYPTO data held out of order, with a note', () => {
    const far: [0 | 1, Uint8Array][] = [];
    const chunk = new Array(1000).fill(0x41);
    for (let i = 0; i * 1000 <= LIMITS.quicCryptoBufferedBytes; i++) far.push([0, client(i + 1, cryptoFrame(100_000 + i * 1000, chunk))]);
    const { out, conn } = feed([...far, [0, client(5000, cryptoFrame(0, CH))]]);
    expect(out[0]!.notes.join('\n')).toMatch(/quic-crypto-buffer-limit: CRYPTO data held out of order exceeds 1048576 bytes/);
    expect(out[0]!.sni).toBe('h3.example');
    expect(conn.done).toBe(true);
  });

  it('a second connection on the same ports (a new client DCID, no Retry) is a second handshake', () => {
    const other = Uint8Array.of(4, 4, 4, 4, 4, 4, 4, 4);
    const ch2 = hs(1, clientHelloBody({ sni: 'second.example', supportedVersions: [0x0304] }));
    const { out } = feed([
      [0, client(0, cryptoFrame(0, CH))],
      [1, server(0, cryptoFrame(0, SH))],
      [0, client(0, cryptoFrame(0, ch2), other)],
    ]);
    expect(out.map((h) => h.sni)).toEqual(['h3.example', 'second.example']);
    expect(out[1]!.notes.join('\n')).toMatch(/new QUIC connection on the same addresses and ports \(frame 3\)/);
  });

  it('gives up on datagrams that only look like QUIC, reporting nothing', () => {
    // too short for a client's first Initial (no keys derived), and long enough but not decrypting
    const small = Uint8Array.from([0xc3, 0, 0, 0, 1, 8, ...DCID, 0, 0, 0x41, 0x00, ...new Array(300).fill(0x5a)]);
    const large = Uint8Array.from([0xc3, 0, 0, 0, 1, 8, ...DCID, 0, 0, 0x44, 0xb0, ...new Array(1200).fill(0x5a)]);
    for (const fake of [small, large]) {
      const out: Handshake[] = [];
      const flow = new UdpFlow(INFO, { handshake: (h) => out.push(h) }, { nextId: () => 1 });
      for (let i = 0; i < 2; i++) flow.data(0, fake, i + 1, i);
      expect(flow.done).toBe(false);
      flow.data(0, fake, 3, 3);
      expect(flow.done).toBe(true);
      flow.end('eof');
      expect(out).toEqual([]);
    }
  });
});
