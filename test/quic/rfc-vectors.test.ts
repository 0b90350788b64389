/**
 * RFC 9001 Appendix A (QUIC v1) and RFC 9369 Appendix A (QUIC v2): Initial secrets and keys from the client's
 * Destination Connection ID, header protection removed and the client and server Initial packets opened to the
 * RFCs' plaintext; the ChaCha20 example for the other header-protection cipher; and the client's Initial through
 * the whole QUIC wiring to a Handshake for example.com.
 */
import { describe, expect, it } from 'vitest';
import { headerMask, initialSecrets, openPayload, packetKeys } from '../../src/quic/packet-keys.js';
import { openPacket, parseLongHeader } from '../../src/quic/packet.js';
import { quicVersion } from '../../src/quic/versions.js';
import { QuicTlsConn } from '../../src/tls/quic-conn.js';
import type { Handshake } from '../../src/model.js';
import type { FlowInfo } from '../../src/tcp/types.js';
import { CLIENT_CRYPTO_FRAME, DCID, RFC9001, RFC9369, SERVER_PAYLOAD, type InitialVectors } from './rfc-vectors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const INFO: FlowInfo = { transport: 'udp', a: { ip: '192.0.2.1', port: 50000 }, b: { ip: '192.0.2.2', port: 443 }, synSeen: false, firstFrame: 1, firstTs: 0 };

function packet(v: InitialVectors, which: 'client' | 'server') {
  const d = which === 'client' ? v.clientPacket : v.serverPacket;
  const r = parseLongHeader(d, 0);
  if (!r.ok || r.value.kind !== 'packet') throw new Error(`not a packet: ${JSON.stringify(r)}`);
  return { d, h: r.value };
}

for (const [name, v] of [['RFC 9001 (QUIC v1)', RFC9001], ['RFC 9369 (QUIC v2)', RFC9369]] as const) {
  describe(name, () => {
    const version = quicVersion(v.version)!;

    it('derives the Initial secrets and keys from the Destination Connection ID (A.1)', () => {
      const s = initialSecrets(version, DCID);
      expect(hex(s.client)).toBe(v.clientSecret);
      expect(hex(s.server)).toBe(v.serverSecret);
      for (const [secret, want] of [[s.client, v.client], [s.server, v.server]] as const) {
        const k = packetKeys(0x1301, secret, version)!;
        expect({ key: hex(k.key), iv: hex(k.iv), hp: hex(k.hp) }).toEqual(want);
      }
    });

    it("opens the client's Initial: header protection removed, packet number 2, the ClientHello's CRYPTO frame (A.2)", () => {
      const { d, h } = packet(v, 'client');
      expect(h).toMatchObject({ type: 'initial', pnOffset: 18, end: 1200 });
      expect(hex(h.dcid)).toBe(hex(DCID));
      const keys = packetKeys(0x1301, initialSecrets(version, DCID).client, version)!;
      const o = openPacket(d, 0, h, keys, -1)!;
      expect(o).not.toBeNull();
      expect(o.pn).toBe(2);
      expect(hex(o.header)).toBe(v.clientHeader);
      expect(o.payload.length).toBe(1162);
      expect(hex(o.payload.subarray(0, CLIENT_CRYPTO_FRAME.length))).toBe(hex(CLIENT_CRYPTO_FRAME));
      expect(o.payload.subarray(CLIENT_CRYPTO_FRAME.length).every((b) => b === 0)).toBe(true);
      // The server's keys do not open it: a wrong key is a null, not garbage.
      expect(openPacket(d, 0, h, packetKeys(0x1301, initialSecrets(version, DCID).server, version)!, -1)).toBeNull();
    });

    it("opens the server's Initial with the server keys: packet number 1, ACK and the ServerHello (A.3)", () => {
      const { d, h } = packet(v, 'server');
      expect(h.type).toBe('initial');
      const o = openPacket(d, 0, h, packetKeys(0x1301, initialSecrets(version, DCID).server, version)!, -1)!;
      expect(o.pn).toBe(1);
      expect(hex(o.header)).toBe(v.serverHeader);
      expect(hex(o.payload)).toBe(hex(SERVER_PAYLOAD));
    });

    it('removes ChaCha20 header protection and opens the ChaCha20-Poly1305 packet (A.5)', () => {
      const c = v.chacha;
      const k = packetKeys(0x1303, Buffer.from(c.secret, 'hex'), version)!;
      expect({ key: hex(k.key), iv: hex(k.iv), hp: hex(k.hp) }).toEqual({ key: c.key, iv: c.iv, hp: c.hp });
      // A short header: the packet number starts at offset 1, the sample 4 bytes later; 5 bits of the first byte.
      const mask = headerMask(k, c.packet.subarray(5, 21));
      if (v === RFC9001) expect(hex(mask)).toBe('aefefe7d03');
      const header = c.packet.slice(0, 4);
      header[0] = header[0]! ^ (mask[0]! & 0x1f);
      for (let i = 0; i < 3; i++) header[1 + i] = header[1 + i]! ^ mask[1 + i]!;
      expect(hex(header)).toBe(c.header);
      expect(hex(openPayload(k, c.pn, header, c.packet.subarray(4))!)).toBe(c.payload);
    });

    it('gives a QUIC Handshake for example.com from the two Initials through the whole wiring', () => {
      const out: Handshake[] = [];
      let id = 1;
      const conn = new QuicTlsConn(INFO, { handshake: (h) => out.push(h) }, { nextId: () => id++ });
      conn.data(0, v.clientPacket, 1, 1);
      conn.data(1, v.serverPacket, 2, 2);
      conn.end('eof');
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({
        transport: 'quic',
        sni: 'example.com',
        alpn: ['alpn'],
        version: 'TLS 1.3',
        cipher: 'TLS_AES_128_GCM_SHA256',
        keyExchangeGroup: 'x25519',
        quic: { version: version.name },
        client: { ip: '192.0.2.1', port: 50000 },
        encrypted: true,
      });
      expect(out[0]!.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
    });
  });
}
