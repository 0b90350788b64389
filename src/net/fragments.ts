import { LIMITS } from '../limits.js';

/**
 * Fragments are held this long (capture time) after the first one arrived. RFC 8200 4.5 says 60 s for IPv6;
 * Linux uses 30 s for IPv4 (ipfrag_time) but 60 s keeps slow captures of both working.
 */
export const FRAGMENT_TIMEOUT_S = 60;

interface FragSet {
  buf: Uint8Array;
  /** One bit per 8-byte block (fragment offsets are in 8-byte units, RFC 791 / RFC 8200 4.5). */
  bits: Uint8Array;
  covered: number;
  /** Datagram payload length, known once the last fragment (MF=0) arrived; -1 before. */
  total: number;
  firstTs: number;
}

const MAX_BLOCKS = Math.ceil(LIMITS.ipDatagramBytes / 8);

/**
 * IPv4/IPv6 fragment reassembly, bounded by LIMITS.ipFragmentSets (oldest set evicted) and LIMITS.ipDatagramBytes.
 * Overlaps: the bytes that arrived first win (holes are filled, covered bytes are kept), and a differing overlap is
 * counted; this is the BSD "first" policy, and it cannot be steered into re-writing bytes a reader already saw.
 * Only this (rare) path allocates.
 */
export class FragmentTable {
  private readonly sets = new Map<string, FragSet>();

  constructor(private readonly count: (reason: string) => void) {}

  get pending(): number {
    return this.sets.size;
  }

  /**
   * Adds the fragment `data` (the payload after the IP/fragment header) at byte offset `offset`. Returns the
   * reassembled payload when complete (a view of a buffer owned by nobody once returned), else null.
   */
  add(key: string, offset: number, more: boolean, data: Uint8Array, ts: number): Uint8Array | null {
    this.expire(ts);
    const endOff = offset + data.length;
    if (endOff > LIMITS.ipDatagramBytes) {
      this.sets.delete(key);
      this.count('fragment-too-large');
      return null;
    }
    if (more && data.length % 8 !== 0) {
      // RFC 791/8200: every fragment but the last carries a multiple of 8 bytes.
      this.count('fragment-malformed');
      return null;
    }
    let set = this.sets.get(key);
    if (set === undefined) {
      if (this.sets.size >= LIMITS.ipFragmentSets) {
        const oldest = this.sets.keys().next().value as string;
        this.sets.delete(oldest);
        this.count('fragment-evicted');
      }
      set = {
        buf: new Uint8Array(Math.max(2048, endOff)),
        bits: new Uint8Array(Math.ceil(MAX_BLOCKS / 8)),
        covered: 0,
        total: -1,
        firstTs: ts,
      };
      this.sets.set(key, set);
    }
    if (!more) {
      if (set.total >= 0 && set.total !== endOff) {
        this.count('fragment-conflicting-end');
        return null;
      }
      set.total = endOff;
    }
    let limit = endOff;
    if (set.total >= 0 && limit > set.total) {
      this.count('fragment-beyond-end');
      limit = set.total;
    }
    if (limit > set.buf.length) {
      let size = set.buf.length;
      while (size < limit) size *= 2;
      const next = new Uint8Array(Math.min(size, LIMITS.ipDatagramBytes));
      next.set(set.buf);
      set.buf = next;
    }
    let overlap = false;
    const bits = set.bits;
    const buf = set.buf;
    for (let blk = offset >> 3, lastBlk = (limit + 7) >> 3; blk < lastBlk; blk++) {
      const s = blk << 3;
      const e = Math.min(s + 8, limit);
      const m = 1 << (blk & 7);
      if (bits[blk >> 3] & m) {
        if (!overlap) {
          for (let i = s; i < e; i++) {
            if (buf[i] !== data[i - offset]) {
              overlap = true;
              break;
            }
          }
        }
        continue;
      }
      for (let i = s; i < e; i++) buf[i] = data[i - offset];
      bits[blk >> 3] |= m;
      set.covered++;
    }
    if (overlap) this.count('fragment-overlap');
    if (set.total < 0) return null;
    const need = (set.total + 7) >> 3;
    if (set.covered < need) return null;
    for (let blk = 0; blk < need; blk++) if ((bits[blk >> 3] & (1 << (blk & 7))) === 0) return null;
    this.sets.delete(key);
    this.count('fragment-reassembled');
    return buf.subarray(0, set.total);
  }

  private expire(now: number): void {
    for (const [key, set] of this.sets) {
      if (now - set.firstTs <= FRAGMENT_TIMEOUT_S) break;
      this.sets.delete(key);
      this.count('fragment-expired');
    }
  }
}

/** Map key for a fragment set from the bytes that identify it (RFC 791: src, dst, id, protocol). */
export function fragmentKey(d: Uint8Array, parts: ReadonlyArray<number>): string {
  // parts: [offset, length, offset, length, ...] into d, plus a trailing protocol/next-header value.
  let s = '';
  for (let i = 0; i + 1 < parts.length; i += 2) {
    for (let j = parts[i], e = parts[i] + parts[i + 1]; j < e; j++) s += String.fromCharCode(d[j]);
  }
  return s + String.fromCharCode(parts[parts.length - 1] ?? 0);
}
