/**
 * TCP sequence-number arithmetic, the only place in certshark that compares or advances sequence numbers.
 *
 * Sequence numbers are unsigned 32-bit values that wrap around at 2^32 (RFC 9293 section 3.4). They are compared
 * with serial number arithmetic (RFC 1982 section 3.2, the same rule as gopacket's Sequence.Difference and the
 * kernel's before()/after()): the distance from `a` to `b` is the signed 32-bit difference `(b - a) | 0`. So `b` is
 * "after" `a` when it lies less than 2^31 ahead of it on the circle, whichever side of 2^32 either one is. Two
 * numbers exactly 2^31 apart compare as "before" (the difference is -2^31); RFC 1982 leaves that case undefined
 * and TCP windows never come near it (the largest scaled window is 2^30).
 *
 * All values handed in are expected as JavaScript numbers in [0, 2^32); results of seqAdd are in that range too.
 */

/** Signed distance from `from` to `to`: positive when `to` is after `from`. In [-2^31, 2^31). */
export function seqDiff(from: number, to: number): number {
  return (to - from) | 0;
}

/** `seq + n`, wrapped into [0, 2^32). `n` may be negative. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/** true when `a` comes strictly before `b` (RFC 1982 serial number "less than"). */
export function seqLt(a: number, b: number): boolean {
  return ((b - a) | 0) > 0;
}

/** true when `a` comes before `b` or equals it. */
export function seqLe(a: number, b: number): boolean {
  return ((b - a) | 0) >= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return ((b - a) | 0) > 0 ? b : a;
}

/** The earlier of two sequence numbers. */
export function seqMin(a: number, b: number): number {
  return ((b - a) | 0) < 0 ? b : a;
}
