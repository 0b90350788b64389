/**
 * The record framer's SCAN mode (stream.ts): looking for where TLS starts in one direction, at its first bytes (on
 * any port, after a plaintext prefix such as STARTTLS) or after the direction lost its place. What decides a record
 * start is record-start.ts; here the bytes around it are handled: a possible start that the end of a chunk leaves
 * undecided is carried to the next chunk, and the plaintext before the first record is kept for the STARTTLS guess.
 */
import { LIMITS } from '../limits.js';
import { carryOf, DEAD, type DirState } from './record-buffers.js';
import { MORE, recordStartAt, YES, YES_V2 } from './record-start.js';

/** Plaintext kept from before a direction's first record: enough for every protocol guessStartTls knows. */
const PREFIX_KEEP = 512;

/** A record start found by scanForRecord. */
export interface RecordFound {
  /** Where in the chunk record framing goes on. */
  at: number;
  /** YES, or YES_V2 for an SSL 2.0 CLIENT-HELLO (record-start.ts). */
  kind: number;
  /** Bytes skipped since the scan began (for the resync note and the STARTTLS guess). */
  skipped: number;
  /** The record's first bytes when it began in the bytes carried from the previous chunk: framed before chunk[at..]. */
  head: Uint8Array | null;
}

function keepPrefix(st: DirState, b: Uint8Array): void {
  if (st.everSynced || st.prefixLen >= PREFIX_KEEP || b.length === 0) return;
  if (st.prefix.length === 0) st.prefix = new Uint8Array(PREFIX_KEEP);
  const k = Math.min(b.length, PREFIX_KEEP - st.prefixLen);
  st.prefix.set(b.subarray(0, k), st.prefixLen);
  st.prefixLen += k;
}

/**
 * Scans chunk[p..] of a direction in SCAN mode. Returns how far the chunk was consumed when no record starts in it
 * (the direction is then DEAD if it scanned past the resync window), or the record start found; the caller then
 * switches the direction to RECORDS. A result object is made only for a start, a few times per flow.
 */
export function scanForRecord(st: DirState, chunk: Uint8Array, p: number, handshakeBegun: boolean): number | RecordFound {
  const n = chunk.length;
  if (st.carryLen > 0) {
    const extra = Math.min(n - p, 16);
    const cl = st.carryLen;
    const temp = new Uint8Array(cl + extra);
    temp.set(st.carry.subarray(0, cl));
    temp.set(chunk.subarray(p, p + extra), cl);
    const base = st.offset - cl;
    for (let i = 0; i < cl; i++) {
      const c = recordStartAt(temp, i, temp.length, base + i, st.everSynced, st.recVersion, handshakeBegun);
      if (c === YES || c === YES_V2) {
        const head = temp.slice(i, cl);
        st.carryLen = 0;
        return { at: p, kind: c, skipped: base + i - st.scanStart, head };
      }
      if (c === MORE) {
        // Only possible when the chunk itself is tiny: keep everything from i.
        keepPrefix(st, temp.subarray(0, i));
        carryOf(st).set(temp.subarray(i));
        st.carryLen = temp.length - i;
        st.scanned += n - p;
        return n;
      }
    }
    keepPrefix(st, temp.subarray(0, cl));
    st.carryLen = 0;
  }
  const loose = st.everSynced;
  let i = p;
  while (i < n) {
    if (!loose && !handshakeBegun && !(st.offset + (i - p) === 0 && chunk[i]! & 0x80)) {
      const j = chunk.indexOf(0x16, i);
      if (j < 0) {
        i = n;
        break;
      }
      i = j;
    }
    const c = recordStartAt(chunk, i, n, st.offset + (i - p), st.everSynced, st.recVersion, handshakeBegun);
    if (c === YES || c === YES_V2) {
      keepPrefix(st, chunk.subarray(p, i));
      st.scanned += i - p;
      return { at: i, kind: c, skipped: st.offset + (i - p) - st.scanStart, head: null };
    }
    if (c === MORE) {
      keepPrefix(st, chunk.subarray(p, i));
      carryOf(st).set(chunk.subarray(i, n));
      st.carryLen = n - i;
      st.scanned += n - p;
      return n;
    }
    i++;
  }
  keepPrefix(st, chunk.subarray(p, n));
  st.scanned += n - p;
  if (st.scanned > LIMITS.tlsResyncWindowBytes) st.mode = DEAD;
  return n;
}
