/**
 * Where TLS starts in a byte stream (the record framer's SCAN mode, record-scan.ts): detection on any port, after a
 * plaintext prefix (STARTTLS and friends) or after losing sync.
 */
import { LIMITS } from '../limits.js';
import { alertName } from './names.js';

/** RFC 8446 5.2: a protected record may exceed 2^14 by up to 256 bytes; RFC 5246 6.2.3 allowed 2048. */
export const MAX_RECORD = 16384 + 2048;

/** Answers of recordStartAt: no record starts here; one does; more bytes are needed to tell; an SSL 2.0 hello. */
export const NO = 0;
export const YES = 1;
export const MORE = 2;
export const YES_V2 = 3;

/** Handshake types a resynchronisation may start on (messages sent in plaintext). */
const SYNC_TYPES = new Uint8Array(256);
for (const t of [1, 2, 4, 11, 12, 13, 14, 15, 16, 22]) SYNC_TYPES[t] = 1;

const alertKnown = (d: number): boolean => !alertName(d).startsWith('unknown');

/**
 * Is there a record start at b[i] (of b[0..n), at stream offset `abs`)? Strict form (a handshake record whose first
 * message is a plausible plaintext handshake message with consistent lengths), or after an earlier sync in this
 * direction (`everSynced`) any record header of this direction's record version; at stream offset 0 also an SSL
 * 2.0 CLIENT-HELLO; once a handshake has begun on the flow, an alert or ChangeCipherSpec answering it.
 */
export function recordStartAt(b: Uint8Array, i: number, n: number, abs: number, everSynced: boolean, recVersion: number, handshakeBegun: boolean): number {
  const avail = n - i;
  const t = b[i]!;
  if (abs === 0 && !everSynced && t & 0x80) {
    if (avail < 11) return MORE;
    const len = ((t & 0x7f) << 8) | b[i + 1]!;
    if (b[i + 2] !== 1) return NO;
    const ver = (b[i + 3]! << 8) | b[i + 4]!;
    if (ver !== 2 && (ver < 0x0300 || ver > 0x0304)) return NO;
    const cs = (b[i + 5]! << 8) | b[i + 6]!;
    const sid = (b[i + 7]! << 8) | b[i + 8]!;
    const ch = (b[i + 9]! << 8) | b[i + 10]!;
    if (cs === 0 || cs % 3 || (sid !== 0 && sid !== 16 && sid !== 32) || ch < 16 || ch > 32) return NO;
    return 9 + cs + sid + ch === len ? YES_V2 : NO;
  }
  if (t === 0x16) {
    if (avail < 2) return MORE;
    if (b[i + 1] !== 3) return NO;
    if (avail < 3) return MORE;
    if (b[i + 2]! > 4) return NO;
    if (avail < 6) return MORE;
    const len = (b[i + 3]! << 8) | b[i + 4]!;
    if (len < 4 || len > MAX_RECORD) return NO;
    const mt = b[i + 5]!;
    if (!SYNC_TYPES[mt]) return NO;
    if (avail < 9) return MORE;
    const ml = (b[i + 6]! << 16) | (b[i + 7]! << 8) | b[i + 8]!;
    if (mt === 1 || mt === 2) {
      if (ml + 4 > len || ml < 38) return NO;
      if (avail < 11) return MORE;
      // A TLS 1.3 draft ServerHello (draft-21 and earlier) carries the draft version itself: 0x7fNN.
      const hi = b[i + 9]!;
      if (mt === 2 && hi === 0x7f) return YES;
      return hi === 3 && b[i + 10]! <= 4 ? YES : NO;
    }
    if (mt === 14) return ml === 0 ? YES : NO;
    if (ml + 4 <= len) return YES;
    return len >= 512 && ml <= LIMITS.tlsHandshakeMessageBytes ? YES : NO;
  }
  if ((t === 21 || t === 20) && !everSynced && handshakeBegun) {
    // The peer answered the ClientHello with an alert (handshake_failure, protocol_version, ...) or, in an
    // abbreviated handshake seen mid-flow, a ChangeCipherSpec.
    if (avail < 5) return MORE;
    if (b[i + 1] !== 3 || b[i + 2]! > 4 || b[i + 3] !== 0) return NO;
    if (avail < 7) return MORE;
    if (t === 20) return b[i + 4] === 1 && b[i + 5] === 1 ? YES : NO;
    return b[i + 4] === 2 && (b[i + 5] === 1 || b[i + 5] === 2) && alertKnown(b[i + 6]!) ? YES : NO;
  }
  if (everSynced && t >= 20 && t <= 23) {
    if (avail < 5) return MORE;
    if (((b[i + 1]! << 8) | b[i + 2]!) !== recVersion) return NO;
    const len = (b[i + 3]! << 8) | b[i + 4]!;
    if (len === 0 || len > MAX_RECORD) return NO;
    if (t === 20) {
      if (len !== 1) return NO;
      if (avail < 6) return MORE;
      return b[i + 5] === 1 ? YES : NO;
    }
    return YES;
  }
  return NO;
}
