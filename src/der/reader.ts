/**
 * Minimal bounds-checked DER reader (ITU-T X.690 §8, §10). Every certificate byte comes from the wire, so every
 * length is checked against its enclosing element before use; a bad encoding yields `null`, never an exception.
 * Elements are views: `content` is a subarray of the input, not a copy.
 */

export interface Tlv {
  /** Full identifier octet (class bits, constructed bit, tag number when < 31). */
  tag: number;
  /** Offset of the identifier octet in `buf`. */
  start: number;
  /** Offset just past the element. */
  end: number;
  /** Content subarray (a view into the input). */
  content: Uint8Array;
  /** Whole element, header included (a view). */
  raw: Uint8Array;
}

/** Read one TLV at `off` inside `buf[off, limit)`. Long-form tags (>= 31) and indefinite lengths are refused. */
export function readTlv(buf: Uint8Array, off = 0, limit = buf.length): Tlv | null {
  if (off < 0 || off + 2 > limit || limit > buf.length) return null;
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) return null; // high-tag-number form: never used by X.509/OCSP structures we read
  let p = off + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    // n == 0 is BER indefinite length, not DER; more than 4 length octets cannot fit any real certificate.
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  const end = p + len;
  if (end > limit) return null;
  return { tag, start: off, end, content: buf.subarray(p, end), raw: buf.subarray(off, end) };
}

/** All child elements of a constructed element's content; null when any child is malformed. */
export function children(content: Uint8Array): Tlv[] | null {
  const out: Tlv[] = [];
  let off = 0;
  while (off < content.length) {
    const t = readTlv(content, off);
    if (!t) return null;
    out.push(t);
    off = t.end;
  }
  return out;
}

/** Dotted-decimal form of an OBJECT IDENTIFIER's content octets (X.690 §8.19); null when malformed. */
export function oidToString(c: Uint8Array): string | null {
  if (c.length === 0 || c.length > 64) return null;
  const parts: number[] = [];
  let v = 0;
  let first = true;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) return null;
    if (b & 0x80) {
      if (i === c.length - 1) return null;
      continue;
    }
    if (first) {
      const a = v < 40 ? 0 : v < 80 ? 1 : 2;
      parts.push(a, v - a * 40);
      first = false;
    } else parts.push(v);
    v = 0;
  }
  return parts.join('.');
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** INTEGER content as lowercase hex without the sign-padding zero octet. */
export function integerHex(c: Uint8Array): string {
  const s = c.length > 1 && c[0] === 0 ? c.subarray(1) : c;
  return toHex(s);
}

/** Small non-negative INTEGER (versions, pathLen, saltLength); null when negative or too large. */
export function smallInt(c: Uint8Array): number | null {
  if (c.length === 0 || c.length > 6 || c[0]! & 0x80) return null;
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/**
 * UTCTime / GeneralizedTime content to epoch milliseconds (RFC 5280 §4.1.2.5: UTCTime YY >= 50 is 19YY).
 * Tolerates missing seconds and fractional seconds seen in the wild; null when malformed.
 */
export function parseTime(tag: number, c: Uint8Array): number | null {
  const s = Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1');
  let m: RegExpMatchArray | null;
  let year: number;
  if (tag === 0x17) {
    m = s.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/);
    if (!m) return null;
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tag === 0x18) {
    m = s.match(/^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/);
    if (!m) return null;
    year = Number(m[1]);
  } else return null;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return null;
  return Date.UTC(year, mo - 1, d, h, mi, se);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** IPv4 (4 octets) or IPv6 (16 octets) in text form; IPv6 compressed per RFC 5952. */
export function ipToString(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length === 16) {
    const w: number[] = [];
    for (let i = 0; i < 16; i += 2) w.push((b[i]! << 8) | b[i + 1]!);
    let bestS = -1, bestL = 0;
    for (let i = 0; i < 8; ) {
      if (w[i] !== 0) { i++; continue; }
      let j = i;
      while (j < 8 && w[j] === 0) j++;
      if (j - i > bestL && j - i > 1) { bestS = i; bestL = j - i; }
      i = j;
    }
    const hex = w.map((x) => x.toString(16));
    if (bestS < 0) return hex.join(':');
    return `${hex.slice(0, bestS).join(':')}::${hex.slice(bestS + bestL).join(':')}`;
  }
  return toHex(b);
}

/** Bits of an unsigned big-endian integer's value (leading zero bytes and bits not counted): an RSA modulus's size. */
export function bitLength(c: Uint8Array): number {
  let i = 0;
  while (i < c.length && c[i] === 0) i++;
  if (i === c.length) return 0;
  return (c.length - i - 1) * 8 + (32 - Math.clz32(c[i]!));
}
