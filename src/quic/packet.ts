/**
 * Long-header packets (RFC 9000 §17.2) inside one UDP datagram, and the removal of their protection: header
 * protection (RFC 9001 §5.4), then the AEAD (§5.3). Parsing returns views into the datagram; the unprotected
 * header is a small copy (the datagram belongs to the capture and is never written to).
 */
import { headerMask, openPayload, type PacketKeys } from './packet-keys.js';
import { readVarint, varintLength } from './varint.js';
import { quicVersion, type PacketType, type QuicVersion } from './versions.js';

export type LongHeader =
  | {
      kind: 'packet';
      type: PacketType;
      version: QuicVersion;
      dcid: Uint8Array;
      scid: Uint8Array;
      /** Offset of the (protected) packet number in the datagram. */
      pnOffset: number;
      /** Offset just past this packet: the next coalesced packet starts here. */
      end: number;
    }
  /** Version Negotiation (version 0): the versions the server offers. */
  | { kind: 'version-negotiation'; dcid: Uint8Array; scid: Uint8Array; versions: number[]; end: number }
  /** A long header of a version not read here: the rest of the datagram is skipped. */
  | { kind: 'unknown-version'; version: number; end: number };

export type Bad = { ok: false; kind: 'truncated' | 'malformed'; offset: number; what: string };
export type Parsed<T> = { ok: true; value: T } | Bad;

const bad = (kind: 'truncated' | 'malformed', offset: number, what: string): Bad => ({ ok: false, kind, offset, what });

/** Whether a datagram starts like a QUIC long-header packet of a version read here (cheap: five bytes). */
export function looksLikeQuic(d: Uint8Array): boolean {
  if (d.length < 7 || (d[0]! & 0xc0) !== 0xc0) return false;
  const v = ((d[1]! << 24) | (d[2]! << 16) | (d[3]! << 8) | d[4]!) >>> 0;
  return v === 0 || quicVersion(v) !== undefined;
}

/**
 * Whether a datagram can hold a client's first Initial: at least 1200 bytes (RFC 9000 §14.1), an Initial of a
 * version read here, a Destination Connection ID of at least 8 bytes (§7.2). Only then are keys worth deriving.
 */
export function couldBeClientInitial(d: Uint8Array): boolean {
  if (d.length < MIN_CLIENT_DATAGRAM || !looksLikeQuic(d)) return false;
  const v = quicVersion(((d[1]! << 24) | (d[2]! << 16) | (d[3]! << 8) | d[4]!) >>> 0);
  return v !== undefined && v.types[(d[0]! >> 4) & 3] === 'initial' && d[5]! >= MIN_CLIENT_DCID && d[5]! <= 20;
}

export const MIN_CLIENT_DATAGRAM = 1200;
export const MIN_CLIENT_DCID = 8;

/** The long header of the packet at `off` (its first byte has the header-form bit set). */
export function parseLongHeader(d: Uint8Array, off: number): Parsed<LongHeader> {
  if (off + 7 > d.length) return bad('truncated', off, 'long header');
  const v = ((d[off + 1]! << 24) | (d[off + 2]! << 16) | (d[off + 3]! << 8) | d[off + 4]!) >>> 0;
  let p = off + 5;
  const dl = d[p++]!;
  if (dl > 20) return bad('malformed', p - 1, `destination connection ID of ${dl} bytes`);
  if (p + dl + 1 > d.length) return bad('truncated', p, 'destination connection ID');
  const dcid = d.subarray(p, p + dl);
  p += dl;
  const sl = d[p++]!;
  if (sl > 20) return bad('malformed', p - 1, `source connection ID of ${sl} bytes`);
  if (p + sl > d.length) return bad('truncated', p, 'source connection ID');
  const scid = d.subarray(p, p + sl);
  p += sl;
  if (v === 0) {
    const versions: number[] = [];
    for (; p + 4 <= d.length; p += 4) versions.push(((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0);
    return { ok: true, value: { kind: 'version-negotiation', dcid, scid, versions, end: d.length } };
  }
  const version = quicVersion(v);
  if (!version) return { ok: true, value: { kind: 'unknown-version', version: v, end: d.length } };
  const type = version.types[(d[off]! >> 4) & 3]!;
  // A Retry has no Length field: it fills the rest of the datagram (token, then a 16-byte integrity tag).
  if (type === 'retry') return { ok: true, value: { kind: 'packet', type, version, dcid, scid, pnOffset: d.length, end: d.length } };
  if (type === 'initial') {
    const tl = readVarint(d, p);
    if (tl < 0) return bad('truncated', p, 'token length');
    p += varintLength(d[p]!);
    if (p + tl > d.length) return bad('truncated', p, `token of ${tl} bytes`);
    p += tl;
  }
  const len = readVarint(d, p);
  if (len < 0) return bad('truncated', p, 'length');
  p += varintLength(d[p]!);
  if (p + len > d.length) return bad('truncated', p, `packet of ${len} bytes in ${d.length - p}`);
  // The shortest packet number (1 byte) and the 16-byte sample taken 4 bytes after its start (RFC 9001 §5.4.2).
  if (len < 20) return bad('malformed', p, `packet of ${len} bytes, too short to be protected`);
  return { ok: true, value: { kind: 'packet', type, version, dcid, scid, pnOffset: p, end: p + len } };
}

/** The full packet number from its truncated form, nearest to the one expected next (RFC 9000 §A.3). */
export function decodePacketNumber(largest: number, truncated: number, bits: number): number {
  const expected = largest + 1;
  const win = 2 ** bits;
  const half = win / 2;
  const candidate = Math.floor(expected / win) * win + truncated;
  if (candidate <= expected - half && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + half && candidate >= win) return candidate - win;
  return candidate;
}

export interface Opened {
  pn: number;
  /** The header with its protection removed (a copy): the AEAD's additional data. */
  header: Uint8Array;
  /** The frames, decrypted (a new buffer). */
  payload: Uint8Array;
}

/**
 * Removes header protection from the packet at `off` and opens it with `keys`; `largest` is the largest packet
 * number received so far in its packet-number space and direction (-1 for none). null when it does not
 * authenticate: wrong keys, or not a QUIC packet after all.
 */
export function openPacket(d: Uint8Array, off: number, h: { pnOffset: number; end: number }, keys: PacketKeys, largest: number): Opened | null {
  const sampleAt = h.pnOffset + 4;
  if (sampleAt + 16 > h.end) return null;
  const mask = headerMask(keys, d.subarray(sampleAt, sampleAt + 16));
  const first = d[off]! ^ (mask[0]! & 0x0f);
  // The reserved bits are zero in every valid packet (RFC 9000 §17.2): a wrong key shows here, before the AEAD.
  if ((first & 0x0c) !== 0) return null;
  const pnLen = (first & 3) + 1;
  const header = d.slice(off, h.pnOffset + pnLen);
  header[0] = first;
  let truncated = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = d[h.pnOffset + i]! ^ mask[1 + i]!;
    header[h.pnOffset - off + i] = b;
    truncated = truncated * 256 + b;
  }
  const pn = decodePacketNumber(largest, truncated, pnLen * 8);
  const payload = openPayload(keys, pn, header, d.subarray(h.pnOffset + pnLen, h.end));
  return payload ? { pn, header, payload } : null;
}
