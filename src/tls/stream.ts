/**
 * TLS over a reassembled TCP byte stream: the record framer (first of the two framers, DESIGN.md point 4), TLS
 * detection on any port, and resynchronisation after a plaintext prefix (STARTTLS, PostgreSQL SSLRequest, ...)
 * or a gap. Only incomplete records are buffered (one reusable buffer per direction, grown with what arrived);
 * records of no interest (application data without keys) are skipped by length, never buffered. Finding where TLS
 * starts (SCAN mode) is record-scan.ts; a direction's state and buffers are record-buffers.ts.
 */
import { LIMITS } from '../limits.js';
import type { Dir } from '../tcp/types.js';
import { parseSslv2ClientHello } from './hello-messages.js';
import { DEAD, handBack, HEAD, hdrOf, lose, mkDir, NONE, RECORDS, room, SCAN, type DirState } from './record-buffers.js';
import type { RecordBufferPool } from './record-pool.js';
import { scanForRecord } from './record-scan.js';
import { MAX_RECORD, YES_V2 } from './record-start.js';
import { guessStartTls } from './starttls.js';
import type { RecordFramer, RecordSink } from './types.js';

export class TlsRecordFramer implements RecordFramer {
  startTls: string | undefined;
  handshakeBegun = false;
  /** Made when a direction's first bytes (or gap) arrive. */
  private d: [DirState | null, DirState | null] = [null, null];

  constructor(
    private readonly sink: RecordSink,
    private readonly pool?: RecordBufferPool,
  ) {}

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
    lose(st);
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
      handBack(st, this.pool);
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
    handBack(st, this.pool);
  }

  /** A record starts here (found by SCAN): frame from it; the first one of a flow decides the STARTTLS guess. */
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

  /** SCAN mode (record-scan.ts); returns how far the chunk was consumed. */
  private scan(dir: Dir, st: DirState, chunk: Uint8Array, p: number, frame: number, ts: number): number {
    const r = scanForRecord(st, chunk, p, this.handshakeBegun);
    if (typeof r === 'number') {
      if (st.mode === DEAD && st.everSynced) {
        this.sink.flowNote(`resync-failed: no TLS record within ${LIMITS.tlsResyncWindowBytes} bytes in the ${this.sink.sideName(dir)} stream`);
      }
      return r;
    }
    this.synced(dir, st, r.kind, r.skipped);
    if (r.head) this.records(dir, st, r.head, 0, frame, ts);
    return r.at;
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
        const buf = room(st, st.bodyFill + k, this.pool);
        buf.set(chunk.subarray(p, p + k), HEAD + st.bodyFill);
        st.bodyFill += k;
        p += k;
        if (st.bodyFill === st.recLen) {
          st.filling = false;
          this.dispatch(dir, st, hdrOf(st), buf.subarray(HEAD, HEAD + st.recLen), frame, ts);
          handBack(st, this.pool);
        }
        continue;
      }
      const hs = st.v2 ? 2 : 5;
      // The header goes to st.hdr, which the sink is handed (a view valid during the call): no view per record.
      const h = hdrOf(st);
      const start = p;
      const whole = st.hdrFill === 0 && n - p >= hs;
      if (whole) {
        for (let i = 0; i < hs; i++) h[i] = chunk[p + i]!;
        p += hs;
      } else {
        while (st.hdrFill < hs && p < n) h[st.hdrFill++] = chunk[p++]!;
        if (st.hdrFill < hs) return n;
        st.hdrFill = 0;
      }
      let type: number;
      let len: number;
      if (st.v2) {
        type = 0x80;
        len = ((h[0]! & 0x7f) << 8) | h[1]!;
      } else {
        type = h[0]!;
        len = (h[3]! << 8) | h[4]!;
        if (type < 20 || type > 24 || h[1] !== 3 || h[2]! > 4 || len > MAX_RECORD) {
          sink.flowNote(
            `malformed-record-header in the ${sink.sideName(dir)} stream at offset ${st.offset + (p - hs)} (frame ${frame}): ` +
              `type ${type}, version 0x${((h[1]! << 8) | h[2]!).toString(16).padStart(4, '0')}, length ${len}; resynchronising`,
          );
          const lost = sink.streamCut(dir);
          if (lost) sink.flowNote(`${lost} of the ${sink.sideName(dir)} lost`);
          lose(st);
          st.everSynced = true;
          return whole ? start + 1 : p;
        }
        st.recVersion = (h[1]! << 8) | h[2]!;
      }
      st.recType = type;
      st.recLen = len;
      if (!st.v2 && !sink.wantsBody(dir, type)) {
        sink.record(dir, type, h, null, len, frame, ts);
        st.skip = len;
        continue;
      }
      if (n - p >= len) {
        const body = chunk.subarray(p, p + len);
        p += len;
        this.dispatch(dir, st, h, body, frame, ts);
      } else {
        st.bodyFill = 0;
        const buf = room(st, n - p, this.pool);
        for (let i = 0; i < hs; i++) buf[i] = h[i]!;
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
