/**
 * The record framer's state of one direction (stream.ts) and its buffers. Kept apart from the framing so that
 * what a flow costs before and during its first record can be read in one place: buffers are made on first use and
 * grow with the bytes that arrived, never with what a header claims.
 */
import { grown } from './grow-buffer.js';
import type { RecordBufferPool } from './record-pool.js';

/** Modes of a direction: looking for where TLS starts (record-scan.ts), framing records, given up. */
export const SCAN = 0;
export const RECORDS = 1;
export const DEAD = 2;

export interface DirState {
  mode: number;
  /** Bytes scanned since the direction started or lost sync. */
  scanned: number;
  carry: Uint8Array;
  carryLen: number;
  everSynced: boolean;
  recVersion: number;
  /** Stream offset of the next byte handed to feed (for notes). */
  offset: number;
  hdr: Uint8Array;
  hdrFill: number;
  /** The next record has the 2-byte SSL 2.0 header. */
  v2: boolean;
  recType: number;
  recLen: number;
  bodyBuf: Uint8Array | null;
  filling: boolean;
  bodyFill: number;
  skip: number;
  prefix: Uint8Array;
  prefixLen: number;
  /** Stream offset where the current SCAN began. */
  scanStart: number;
  lastFrame: number;
  lastTs: number;
}

/**
 * The buffers of a direction that has needed none yet. A flow's state before its first handshake stays small:
 * every typed array costs about 200 bytes of heap however short, and a capture may open
 * hundreds of thousands of flows that never get that far; carry, header and prefix buffers are made on first use.
 */
export const NONE = new Uint8Array(0);

export function carryOf(st: DirState): Uint8Array {
  if (st.carry === NONE) st.carry = new Uint8Array(16);
  return st.carry;
}

export function hdrOf(st: DirState): Uint8Array {
  if (st.hdr === NONE) st.hdr = new Uint8Array(5);
  return st.hdr;
}

export function mkDir(): DirState {
  return {
    mode: SCAN,
    scanned: 0,
    carry: NONE,
    carryLen: 0,
    everSynced: false,
    recVersion: 0,
    offset: 0,
    hdr: NONE,
    hdrFill: 0,
    v2: false,
    recType: 0,
    recLen: 0,
    bodyBuf: null,
    filling: false,
    bodyFill: 0,
    skip: 0,
    prefix: NONE,
    prefixLen: 0,
    scanStart: 0,
    lastFrame: 0,
    lastTs: 0,
  };
}

/**
 * Smallest body buffer (header included it stays within the 64 bytes that V8 keeps on its own heap, about 100 bytes
 * cheaper than a separate backing store: what a flow holding a few bytes of its first record costs); it doubles from
 * there. A real record's segments bring a thousand bytes and more at a time, so it is rarely what decides the size.
 */
const MIN_BODY = 32;
/** The body buffer starts with the record's header (5 bytes; 2 for SSL 2.0): one allocation holds the record. */
export const HEAD = 5;

/**
 * The direction's body buffer, able to hold `need` bytes of the current record. It grows with the bytes that
 * arrived (doubling, capped at the record's length), never to the length the header claims: hundreds of thousands
 * of flows that each send the first segment of a record claiming 16 KiB then hold what they sent, not 16 KiB apiece.
 * A buffer a complete record left in the pool (record-pool.ts) is taken first, so a record is copied once.
 */
export function room(st: DirState, need: number, pool: RecordBufferPool | undefined): Uint8Array {
  const b = st.bodyBuf;
  if (b !== null && b.length >= HEAD + need) return b;
  const r = pool?.take(HEAD + need, HEAD + st.recLen);
  if (!r) return (st.bodyBuf = grown(b, HEAD, st.bodyFill, need, st.recLen, MIN_BODY));
  if (b !== null) {
    r.set(b.subarray(0, HEAD + st.bodyFill));
    pool!.give(b);
  }
  return (st.bodyBuf = r);
}

/** The record in the body buffer was handed on (or cut): the buffer goes back to the pool, if there is one. */
export function handBack(st: DirState, pool: RecordBufferPool | undefined): void {
  if (pool === undefined || st.bodyBuf === null) return;
  pool.give(st.bodyBuf);
  st.bodyBuf = null;
}

/** The direction lost its place (a gap, a bad record header): back to SCAN from the current offset. */
export function lose(st: DirState): void {
  st.mode = SCAN;
  st.scanStart = st.offset;
  st.scanned = 0;
  st.carryLen = 0;
  st.hdrFill = 0;
  st.filling = false;
  st.skip = 0;
  st.v2 = false;
}
