/**
 * TLS over a reassembled TCP byte stream: the record framer (first of the two framers, DESIGN.md point 4), TLS
 * detection on any port, and resynchronisation after a plaintext prefix (STARTTLS, PostgreSQL SSLRequest, ...)
 * or a gap. Only incomplete records are buffered (one reusable buffer of the largest legal record per direction);
 * records of no interest (application data without keys) are skipped by length, never buffered.
 */
import { LIMITS } from '../limits.js';
import type { Dir } from '../tcp/types.js';
import { parseSslv2ClientHello } from './hello-messages.js';
import { guessStartTls } from './starttls.js';
import { MAX_RECORD, MORE, recordStartAt, YES, YES_V2 } from './record-start.js';
import type { RecordFramer, RecordSink } from './types.js';

const SCAN = 0;
const RECORDS = 1;
const DEAD = 2;

const PREFIX_KEEP = 512;

interface DirState {
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
const NONE = new Uint8Array(0);

function carryOf(st: DirState): Uint8Array {
  if (st.carry === NONE) st.carry = new Uint8Array(16);
  return st.carry;
}

function hdrOf(st: DirState): Uint8Array {
  if (st.hdr === NONE) st.hdr = new Uint8Array(5);
  return st.hdr;
}

function mkDir(): DirState {
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
const HEAD = 5;

/**
 * The direction's body buffer, able to hold `need` bytes of the current record. It grows with the bytes that
 * arrived (doubling, capped at the record's length), never to the length the header claims: hundreds of thousands
 * of flows that each send the first segment of a record claiming 16 KiB then hold what they sent, not 16 KiB apiece.
 * The buffer is kept for the direction's later records.
 */
function room(st: DirState, need: number): Uint8Array {
  const b = st.bodyBuf;
  if (b !== null && b.length >= HEAD + need) return b;
  const size = HEAD + Math.min(st.recLen, Math.max(need, MIN_BODY, b === null ? 0 : (b.length - HEAD) * 2));
  const nb = new Uint8Array(size);
  if (b !== null) nb.set(b.subarray(0, HEAD + st.bodyFill));
  st.bodyBuf = nb;
  return nb;
}

export class TlsRecordFramer implements RecordFramer {
  startTls: string | undefined;
  handshakeBegun = false;
  /** Made when a direction's first bytes (or gap) arrive. */
  private d: [DirState | null, DirState | null] = [null, null];

  constructor(private readonly sink: RecordSink) {}

  get done(): boolean {
    const [a, b] = this.d;
    const deadA = a !== null && a.mode === DEAD;
    const deadB = b !== null && b.mode === DEAD;
    if (deadA && deadB) return true;
    // Nothing looked like TLS within the window in one direction and nothing was found in the other: not TLS.
    return !this.sawTls(0) && !this.sawTls(1) && (deadA || deadB);
  }

  get sawRecords(): boolean {
    return this.sawTls(0) || this.sawTls(1);
  }

  /** Whether a TLS record was ever found in this direction. */
  sawTls(dir: Dir): boolean {
    return this.d[dir]?.everSynced ?? false;
  }

  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void {
    const st = (this.d[dir] ??= mkDir());
    st.lastFrame = frame;
    st.lastTs = ts;
    let p = 0;
    while (p < chunk.length && !this.sink.closed && st.mode !== DEAD) {
      const q = st.mode === SCAN ? this.scan(dir, st, chunk, p, frame, ts) : this.records(dir, st, chunk, p, frame, ts);
      st.offset += q - p;
      p = q;
    }
  }

  gap(dir: Dir, bytes: number, frame: number): void {
    const st = (this.d[dir] ??= mkDir());
    st.offset += bytes;
    if (st.mode === DEAD) return;
    if (st.mode === SCAN) {
      st.carryLen = 0;
      return;
    }
    if (st.skip > 0 && bytes < st.skip) {
      // Inside a record that is skipped anyway (application data): record framing is intact.
      st.skip -= bytes;
      return;
    }
    const inRecord = st.filling || st.hdrFill > 0 || st.skip > 0;
    if (st.filling) this.salvage(dir, st);
    const lost = this.sink.streamCut(dir);
    this.sink.flowNote(
      `gap-in-${this.sink.sideName(dir)}-stream: ${bytes} bytes missing at frame ${frame}` +
        (lost ? `, ${lost} lost` : inRecord ? ', inside a record' : ', between records'),
    );
    this.lose(st);
  }

  end(): void {
    for (const dir of [0, 1] as Dir[]) {
      const st = this.d[dir];
      if (st === null || !st.filling || this.sink.closed) continue;
      const fill = st.bodyFill;
      this.salvage(dir, st);
      if (!this.sink.pendingMessage(dir)) {
        this.sink.flowNote(`truncated: the flow ended inside a record of the ${this.sink.sideName(dir)} (${fill} of ${st.recLen} bytes)`);
      }
    }
  }

  release(): void {
    for (const st of this.d) {
      if (st === null) continue;
      st.bodyBuf = null;
      st.prefix = NONE;
    }
  }

  /**
   * A handshake record cut by a gap or the end of the flow: its complete messages are still good, and the
   * message framer can then name the message that was cut.
   */
  private salvage(dir: Dir, st: DirState): void {
    st.filling = false;
    if (st.recType !== 22 || st.v2 || st.bodyFill === 0) return;
    const b = st.bodyBuf!;
    this.sink.record(dir, 22, b.subarray(0, 5), b.subarray(HEAD, HEAD + st.bodyFill), st.bodyFill, st.lastFrame, st.lastTs);
  }

  private lose(st: DirState): void {
    st.mode = SCAN;
    st.scanStart = st.offset;
    st.scanned = 0;
    st.carryLen = 0;
    st.hdrFill = 0;
    st.filling = false;
    st.skip = 0;
    st.v2 = false;
  }

  private keepPrefix(st: DirState, b: Uint8Array): void {
    if (st.everSynced || st.prefixLen >= PREFIX_KEEP || b.length === 0) return;
    if (st.prefix.length === 0) st.prefix = new Uint8Array(PREFIX_KEEP);
    const k = Math.min(b.length, PREFIX_KEEP - st.prefixLen);
    st.prefix.set(b.subarray(0, k), st.prefixLen);
    st.prefixLen += k;
  }

  private synced(dir: Dir, st: DirState, kind: number, skipped: number): void {
    const first = !st.everSynced;
    st.mode = RECORDS;
    st.everSynced = true;
    st.v2 = kind === YES_V2;
    st.hdrFill = 0;
    st.filling = false;
    st.skip = 0;
    if (first) {
      if (skipped > 0) {
        const o = this.d[dir === 0 ? 1 : 0];
        // Which prefix is the client's is not known yet: try both ways round.
        const mine = st.prefix.subarray(0, st.prefixLen);
        const other = o === null ? NONE : o.prefix.subarray(0, o.prefixLen);
        const g = guessStartTls(mine, other);
        this.startTls = g !== 'unknown' ? g : guessStartTls(other, mine);
      }
    } else {
      this.sink.flowNote(`resynchronised the ${this.sink.sideName(dir)} stream after skipping ${skipped} bytes`);
    }
  }

  /** SCAN mode: look for the start of TLS; returns how far the chunk was consumed. */
  private scan(dir: Dir, st: DirState, chunk: Uint8Array, p: number, frame: number, ts: number): number {
    const n = chunk.length;
    if (st.carryLen > 0) {
      const extra = Math.min(n - p, 16);
      const cl = st.carryLen;
      const temp = new Uint8Array(cl + extra);
      temp.set(st.carry.subarray(0, cl));
      temp.set(chunk.subarray(p, p + extra), cl);
      const base = st.offset - cl;
      for (let i = 0; i < cl; i++) {
        const c = recordStartAt(temp, i, temp.length, base + i, st.everSynced, st.recVersion, this.handshakeBegun);
        if (c === YES || c === YES_V2) {
          const head = temp.slice(i, cl);
          st.carryLen = 0;
          this.synced(dir, st, c, base + i - st.scanStart);
          this.records(dir, st, head, 0, frame, ts);
          return p;
        }
        if (c === MORE) {
          // Only possible when the chunk itself is tiny: keep everything from i.
          this.keepPrefix(st, temp.subarray(0, i));
          carryOf(st).set(temp.subarray(i));
          st.carryLen = temp.length - i;
          st.scanned += n - p;
          return n;
        }
      }
      this.keepPrefix(st, temp.subarray(0, cl));
      st.carryLen = 0;
    }
    const loose = st.everSynced;
    let i = p;
    while (i < n) {
      if (!loose && !this.handshakeBegun && !(st.offset + (i - p) === 0 && chunk[i]! & 0x80)) {
        const j = chunk.indexOf(0x16, i);
        if (j < 0) {
          i = n;
          break;
        }
        i = j;
      }
      const c = recordStartAt(chunk, i, n, st.offset + (i - p), st.everSynced, st.recVersion, this.handshakeBegun);
      if (c === YES || c === YES_V2) {
        this.keepPrefix(st, chunk.subarray(p, i));
        st.scanned += i - p;
        this.synced(dir, st, c, st.offset + (i - p) - st.scanStart);
        return i;
      }
      if (c === MORE) {
        this.keepPrefix(st, chunk.subarray(p, i));
        carryOf(st).set(chunk.subarray(i, n));
        st.carryLen = n - i;
        st.scanned += n - p;
        return n;
      }
      i++;
    }
    this.keepPrefix(st, chunk.subarray(p, n));
    st.scanned += n - p;
    if (st.scanned > LIMITS.tlsResyncWindowBytes) {
      st.mode = DEAD;
      if (st.everSynced) {
        this.sink.flowNote(`resync-failed: no TLS record within ${LIMITS.tlsResyncWindowBytes} bytes in the ${this.sink.sideName(dir)} stream`);
      }
    }
    return n;
  }

  /** RECORDS mode: frame records; returns how far the chunk was consumed (less than all on loss of sync). */
  private records(dir: Dir, st: DirState, chunk: Uint8Array, p: number, frame: number, ts: number): number {
    const n = chunk.length;
    const sink = this.sink;
    while (p < n) {
      if (sink.closed) return n;
      if (st.skip > 0) {
        const k = Math.min(st.skip, n - p);
        st.skip -= k;
        p += k;
        continue;
      }
      if (st.filling) {
        const k = Math.min(st.recLen - st.bodyFill, n - p);
        const buf = room(st, st.bodyFill + k);
        buf.set(chunk.subarray(p, p + k), HEAD + st.bodyFill);
        st.bodyFill += k;
        p += k;
        if (st.bodyFill === st.recLen) {
          st.filling = false;
          this.dispatch(dir, st, buf.subarray(0, st.v2 ? 2 : 5), buf.subarray(HEAD, HEAD + st.recLen), frame, ts);
        }
        continue;
      }
      const hs = st.v2 ? 2 : 5;
      let h: Uint8Array;
      let hp: number;
      if (st.hdrFill === 0 && n - p >= hs) {
        h = chunk;
        hp = p;
        p += hs;
      } else {
        const hb = hdrOf(st);
        while (st.hdrFill < hs && p < n) hb[st.hdrFill++] = chunk[p++]!;
        if (st.hdrFill < hs) return n;
        st.hdrFill = 0;
        h = st.hdr;
        hp = 0;
      }
      let type: number;
      let len: number;
      if (st.v2) {
        type = 0x80;
        len = ((h[hp]! & 0x7f) << 8) | h[hp + 1]!;
      } else {
        type = h[hp]!;
        len = (h[hp + 3]! << 8) | h[hp + 4]!;
        if (type < 20 || type > 24 || h[hp + 1] !== 3 || h[hp + 2]! > 4 || len > MAX_RECORD) {
          sink.flowNote(
            `malformed-record-header in the ${sink.sideName(dir)} stream at offset ${st.offset + (p - hs)} (frame ${frame}): ` +
              `type ${type}, version 0x${((h[hp + 1]! << 8) | h[hp + 2]!).toString(16).padStart(4, '0')}, length ${len}; resynchronising`,
          );
          const lost = sink.streamCut(dir);
          if (lost) sink.flowNote(`${lost} of the ${sink.sideName(dir)} lost`);
          this.lose(st);
          st.everSynced = true;
          return h === chunk ? hp + 1 : p;
        }
        st.recVersion = (h[hp + 1]! << 8) | h[hp + 2]!;
      }
      st.recType = type;
      st.recLen = len;
      if (!st.v2 && !sink.wantsBody(dir, type)) {
        sink.record(dir, type, h.subarray(hp, hp + hs), null, len, frame, ts);
        st.skip = len;
        continue;
      }
      if (n - p >= len) {
        const body = chunk.subarray(p, p + len);
        p += len;
        this.dispatch(dir, st, h.subarray(hp, hp + hs), body, frame, ts);
      } else {
        st.bodyFill = 0;
        room(st, n - p).set(h.subarray(hp, hp + hs));
        st.filling = true;
      }
      if (st.mode !== RECORDS) return p;
    }
    return p;
  }

  private dispatch(dir: Dir, st: DirState, header: Uint8Array, body: Uint8Array, frame: number, ts: number): void {
    if (st.v2) {
      st.v2 = false;
      const r = parseSslv2ClientHello(body);
      if (r.ok) this.sink.sslv2ClientHello(dir, r.value, frame, ts);
      else this.sink.flowNote(`${r.kind}-sslv2-client-hello at offset ${r.offset + 2} (${r.what})`);
      return;
    }
    this.sink.record(dir, st.recType, header, body, body.length, frame, ts);
  }
}
