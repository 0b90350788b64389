/**
 * Test-side QUIC packet protection (the reverse of src/quic/packet.ts, with node:crypto): builds protected
 * Initial packets whose frames a test chooses, under the Initial keys that the RFC vectors prove.
 */
import { createCipheriv } from 'node:crypto';
import { initialSecrets, packetKeys, type PacketKeys } from '../../src/quic/packet-keys.js';
import { quicVersion } from '../../src/quic/versions.js';

function varint(n: number): number[] {
  if (n < 0x40) return [n];
  if (n < 0x4000) return [0x40 | (n >> 8), n & 0xff];
  // (a 2-byte Length field is what `overhead` in seal counts; payloads here stay below 16 KiB)
  return [0x80 | ((n >>> 24) & 0x3f), (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function keysFor(dcid: Uint8Array, side: 'client' | 'server', version = 1): PacketKeys {
  const v = quicVersion(version)!;
  return packetKeys(0x1301, initialSecrets(v, dcid)[side], v)!;
}

/** A CRYPTO frame. */
export function cryptoFrame(offset: number, data: Uint8Array | number[]): number[] {
  return [0x06, ...varint(offset), ...varint(data.length), ...data];
}

/**
 * A protected long-header packet (type bits `typeBits`, 4-byte packet number), frames padded with PADDING to at
 * least 20 bytes, or so that the packet is `size` bytes (a client's Initial datagram is at least 1200, RFC 9000 §14.1).
 */
export function seal(o: { keys: PacketKeys; typeBits: number; version?: number; dcid: Uint8Array; scid: Uint8Array; pn: number; frames: number[]; size?: number }): Uint8Array {
  const version = o.version ?? 1;
  const overhead = 7 + o.dcid.length + o.scid.length + 1 + 2 + 4 + 16;
  const want = Math.max(20, (o.size ?? 0) - overhead);
  const payload = Uint8Array.from([...o.frames, ...new Array(Math.max(0, want - o.frames.length)).fill(0)]);
  const initial = version === 1 ? o.typeBits === 0 : o.typeBits === 1;
  const token = initial ? [0] : [];
  const len = 4 + payload.length + 16;
  const header = Uint8Array.from([
    0xc0 | (o.typeBits << 4) | 3,
    (version >>> 24) & 0xff, (version >>> 16) & 0xff, (version >>> 8) & 0xff, version & 0xff,
    o.dcid.length, ...o.dcid, o.scid.length, ...o.scid, ...token, ...varint(len),
    (o.pn >>> 24) & 0xff, (o.pn >>> 16) & 0xff, (o.pn >>> 8) & 0xff, o.pn & 0xff,
  ]);
  const nonce = Uint8Array.from(o.keys.iv);
  for (let i = 0; i < 4; i++) nonce[8 + i]! ^= header[header.length - 4 + i]!;
  const c = createCipheriv('aes-128-gcm', o.keys.key, nonce, { authTagLength: 16 });
  c.setAAD(header);
  const sealed = Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
  const out = Buffer.concat([header, sealed]);
  const pnOffset = header.length - 4;
  const hp = createCipheriv('aes-128-ecb', o.keys.hp, null);
  hp.setAutoPadding(false);
  const mask = hp.update(out.subarray(pnOffset + 4, pnOffset + 20));
  out[0] = out[0]! ^ (mask[0]! & 0x0f);
  for (let i = 0; i < 4; i++) out[pnOffset + i] = out[pnOffset + i]! ^ mask[1 + i]!;
  return new Uint8Array(out);
}
