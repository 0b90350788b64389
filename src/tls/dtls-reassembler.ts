/**
 * Handshake framer of the DTLS path: handshake messages carried as fragments (message_seq, fragment_offset,
 * fragment_length, RFC 6347 4.2.2) that may arrive out of order, overlap, or be retransmitted with a whole flight.
 */
import { LIMITS } from '../limits.js';
import type { Dir } from '../tcp/types.js';
import type { MessageFramer } from './handshake-framer.js';
import { handshakeTypeName, isKnownHandshakeType } from './names.js';

/** Incomplete messages held per direction (a flight has fewer than ten). */
const PENDING_PER_DIR = 32;

interface Partial {
  type: number;
  len: number;
  /**
   * Copies of the fragments received, joined only once the message is complete: memory follows the bytes that
   * arrived, not the message length a fragment header claims (up to LIMITS.tlsHandshakeMessageBytes).
   */
  frags: Array<{ off: number; data: Uint8Array }>;
  /** Received byte ranges [start, end), sorted and merged. */
  ranges: number[];
}

/** Reassembles DTLS handshake fragments per (epoch, message_seq); completed ones are not delivered twice. */
export class DtlsReassembler implements MessageFramer {
  private pendingMsgs: [Map<number, Partial>, Map<number, Partial>] = [new Map(), new Map()];
  private delivered: [Set<number>, Set<number>] = [new Set(), new Set()];
  constructor(
    private readonly deliver: (dir: Dir, type: number, body: Uint8Array, frame: number, ts: number) => void,
    private readonly notify: (note: string) => void,
  ) {}

  /** `epoch`: of the record that carried `data` (message_seq numbering starts over in each epoch). */
  push(dir: Dir, data: Uint8Array, frame: number, ts: number, epoch: number): void {
    let p = 0;
    while (p < data.length) {
      if (data.length - p < 12) {
        this.notify(`truncated-dtls-handshake-fragment: ${data.length - p} bytes left in a record (frame ${frame})`);
        return;
      }
      const type = data[p]!;
      const len = (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
      const seq = (data[p + 4]! << 8) | data[p + 5]!;
      const off = (data[p + 6]! << 16) | (data[p + 7]! << 8) | data[p + 8]!;
      const flen = (data[p + 9]! << 16) | (data[p + 10]! << 8) | data[p + 11]!;
      if (!isKnownHandshakeType(type) || off + flen > len || p + 12 + flen > data.length) {
        this.notify(
          `malformed-dtls-handshake-fragment (frame ${frame}): type ${type}, length ${len}, offset ${off}, fragment ${flen}`,
        );
        return;
      }
      const frag = data.subarray(p + 12, p + 12 + flen);
      p += 12 + flen;
      const key = epoch * 65536 + seq;
      if (this.delivered[dir].has(key)) continue; // retransmitted flight
      if (len > LIMITS.tlsHandshakeMessageBytes) {
        this.notify(`handshake-message-too-large: ${handshakeTypeName(type)} of ${len} bytes (frame ${frame}); skipped`);
        this.delivered[dir].add(key);
        continue;
      }
      if (off === 0 && flen === len) {
        this.delivered[dir].add(key);
        this.pendingMsgs[dir].delete(key);
        this.deliver(dir, type, frag, frame, ts);
        continue;
      }
      const pend = this.pendingMsgs[dir];
      let m = pend.get(key);
      if (m && (m.type !== type || m.len !== len)) {
        this.notify(`inconsistent-dtls-fragments for message_seq ${seq} (frame ${frame})`);
        continue;
      }
      if (!m) {
        if (pend.size >= PENDING_PER_DIR) {
          this.notify(`dtls-reassembly limit: more than ${PENDING_PER_DIR} incomplete messages (frame ${frame})`);
          continue;
        }
        m = { type, len, frags: [], ranges: [] };
        pend.set(key, m);
      }
      // A retransmitted fragment whose bytes are all held already is not kept again (the copy held wins); a partly
      // new one is kept whole and, where it overlaps, wins.
      if (!covered(m.ranges, off, off + flen)) m.frags.push({ off, data: frag.slice() });
      addRange(m.ranges, off, off + flen);
      if (m.ranges.length === 2 && m.ranges[0] === 0 && m.ranges[1] === len) {
        pend.delete(key);
        this.delivered[dir].add(key);
        const buf = new Uint8Array(len);
        for (const f of m.frags) buf.set(f.data, f.off);
        this.deliver(dir, type, buf, frame, ts);
      }
    }
  }

  reset(dir: Dir): string | null {
    const p = this.pending(dir);
    this.pendingMsgs[dir].clear();
    return p;
  }

  pending(dir: Dir): string | null {
    for (const m of this.pendingMsgs[dir].values()) {
      let have = 0;
      for (let i = 0; i < m.ranges.length; i += 2) have += m.ranges[i + 1]! - m.ranges[i]!;
      return `${handshakeTypeName(m.type)} message (${have} of ${m.len} bytes)`;
    }
    return null;
  }
}

/** Whether [s, e) lies inside one of the ranges. */
function covered(r: number[], s: number, e: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (r[i]! <= s && e <= r[i + 1]!) return true;
  return false;
}

/** Inserts [s, e) into a sorted list of disjoint ranges, merging overlaps and neighbours. */
export function addRange(r: number[], s: number, e: number): void {
  if (e <= s) return;
  const out: number[] = [];
  let placed = false;
  for (let i = 0; i < r.length; i += 2) {
    const a = r[i]!;
    const b = r[i + 1]!;
    if (b < s) out.push(a, b);
    else if (a > e) {
      if (!placed) {
        out.push(s, e);
        placed = true;
      }
      out.push(a, b);
    } else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  if (!placed) out.push(s, e);
  r.length = 0;
  r.push(...out);
}
