/**
 * QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the length (1, 2, 4 or 8
 * bytes). Values past 2^53 lose precision as numbers; every use here compares them with lengths of real bytes, so
 * such a value is simply too large.
 */

/** Length in bytes of the varint starting with byte `first`. */
export function varintLength(first: number): number {
  return 1 << (first >> 6);
}

/**
 * The varint at `off`: its value, or -1 when the bytes end first. The caller advances by varintLength(b[off]).
 */
export function readVarint(b: Uint8Array, off: number): number {
  if (off >= b.length) return -1;
  const n = varintLength(b[off]!);
  if (off + n > b.length) return -1;
  let v = b[off]! & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + b[off + i]!;
  return v;
}
