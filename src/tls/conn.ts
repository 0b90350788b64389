/**
 * The TLS stage's wiring for one flow, owning the steps in order: record framer (stream.ts for TCP, dtls.ts for
 * UDP, which call record()) -> record protection (record-protection.ts) -> handshake framer (handshake-framer.ts,
 * dtls-reassembler.ts) -> handshake builder (handshake-builder.ts, one per handshake, begun and reported in turn by
 * flow-handshakes.ts). It routes each record: to the protection, to the handshake framer, or to what a record the
 * connection cannot read still tells (handshake-progress.ts).
 */
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { TCP_NOTES, type TcpNoteCode } from '../tcp/notes.js';
import { DtlsRecordFramer } from './dtls.js';
import { DtlsReassembler } from './dtls-reassembler.js';
import { FlowHandshakes, type TlsOptions } from './flow-handshakes.js';
import { TlsMessageFramer, type MessageFramer } from './handshake-framer.js';
import { opaqueAlertNote } from './handshake-progress.js';
import type { Sslv2Hello } from './hello-messages.js';
import { RecordProtection } from './record-protection.js';
import { TlsRecordFramer } from './stream.js';
import type { HandshakeSink, RecordFramer, RecordSink, Side } from './types.js';

// Where they were first defined: the flow's consumers and the QUIC wiring read them from here.
export type { TlsOptions } from './flow-handshakes.js';
export { IDLE_AFTER_ALERT_S, IDLE_STALLED_S } from './handshake-report.js';

export class TlsConn implements FlowConsumer, RecordSink {
  /** An internal error stopped the flow. */
  private failed = false;
  /** The first step, made with the connection: TLS records from the byte stream, or DTLS records from datagrams. */
  private readonly records: RecordFramer;
  /**
   * The handshake framer, reset only here: at a ChangeCipherSpec and when the record framer lost its place. It and
   * the record protection are made on first use: most flows of a hostile capture never get that far, and each of
   * them would cost a flow some hundreds of bytes before its first handshake message.
   */
  private framerMade: MessageFramer | null = null;
  private protectionMade: RecordProtection | null = null;
  /** The handshake message being dispatched came out of a decrypted record. */
  private inDecrypted = false;
  private heartbeatNoted = false;
  /** The handshakes of the flow in turn, with the flow's notes, sides and progress. */
  private readonly hs: FlowHandshakes;

  constructor(
    readonly info: FlowInfo,
    sink: HandshakeSink,
    opts: TlsOptions,
    readonly dtls: boolean,
  ) {
    this.records = dtls ? new DtlsRecordFramer(this) : new TlsRecordFramer(this, opts.recordPool);
    this.hs = new FlowHandshakes(info, sink, opts, dtls, this.records);
  }

  private get framer(): MessageFramer {
    if (this.framerMade) return this.framerMade;
    const deliver = (dir: Dir, type: number, body: Uint8Array, frame: number, ts: number): void =>
      this.hs.message(dir, type, body, frame, ts, this.protection, this.inDecrypted);
    return (this.framerMade = this.dtls
      ? new DtlsReassembler(deliver, (note) => this.flowNote(note))
      : new TlsMessageFramer(deliver, (_dir, note) => this.flowNote(note)));
  }

  private get protection(): RecordProtection {
    return (this.protectionMade ??= new RecordProtection(this.dtls, (n) => this.flowNote(n)));
  }

  /** No more records are wanted: the handshakes of the flow are reported (or a limit was hit). */
  get closed(): boolean {
    return this.hs.closed;
  }

  get done(): boolean {
    return this.failed || this.closed || this.records.done;
  }

  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void {
    if (this.done) return;
    try {
      this.records.data(dir, chunk, frame, ts);
      if (this.done) this.records.release();
    } catch (e) {
      this.internal(e);
    }
  }

  gap(dir: Dir, bytes: number, frame: number): void {
    if (this.done) return;
    try {
      this.records.gap(dir, bytes, frame);
    } catch (e) {
      this.internal(e);
    }
  }

  end(reason: FlowEndReason): void {
    const notes = this.hs.notes;
    if (reason === 'evicted' && !this.done) notes.gaveUp('flow-evicted');
    if (this.dtls) {
      try {
        this.finish();
      } catch {
        this.failed = true;
      }
      this.hs.reportGiveUps();
      return;
    }
    try {
      this.records.end();
      this.finish();
    } catch (e) {
      this.internal(e);
    }
    this.records.release();
    if (this.hs.count === 0) {
      // Only a TCP stream is given up for want of TLS: a UDP flow that is not DTLS (DNS, RTP) is simply not ours.
      if (this.records.sawRecords) notes.gaveUp('no-handshake');
      else if (this.records.done) notes.gaveUp('not-tls');
    }
    this.hs.reportGiveUps();
  }

  /** A TCP oddity (src/tcp/notes.ts) in one direction: on the handshake, and counted for the capture. */
  note(dir: Dir, code: TcpNoteCode, frame: number): void {
    this.flowNote(`${code} in the ${this.sideName(dir)} stream at frame ${frame}: ${TCP_NOTES[code]}`);
  }

  /**
   * No exception escapes a packet (DESIGN.md style 3): the flow stops with a note. A TCP flow reports its handshake
   * at once; a UDP flow at its end.
   */
  private internal(e: unknown): void {
    this.flowNote(`internal-error: ${e instanceof Error ? e.message : String(e)}`);
    this.failed = true;
    if (this.dtls) return;
    try {
      this.finish();
    } catch {
      // nothing more can be done for this flow
    }
  }

  /** End of the flow: report what was left incomplete and emit the current handshake. */
  private finish(): void {
    this.hs.finish(this.framerMade);
  }

  /** Live input, the flow quiet for `seconds` (handshake-report.ts). */
  idle(seconds: number): void {
    this.hs.idle(seconds);
  }

  sideName(dir: Dir): string {
    return this.hs.sides.name(dir);
  }

  /**
   * The handshake bytes of this direction stop here (the record framer lost its place, or a ChangeCipherSpec): the
   * handshake framer forgets its partial message; returns the name of the message that was cut, if any.
   */
  streamCut(dir: Dir): string | null {
    return this.framer.reset(dir);
  }

  /** A handshake message of this direction left incomplete so far, if any. */
  pendingMessage(dir: Dir): string | null {
    return this.framer.pending(dir);
  }

  flowNote(s: string): void {
    this.hs.note(s);
  }

  /** SSL 2.0-compatible ClientHello (the first bytes of the client direction). */
  sslv2ClientHello(dir: Dir, hello: Sslv2Hello, frame: number, ts: number): void {
    this.hs.sslv2ClientHello(dir, hello, frame, ts, this.protection);
  }

  /** A side's ChangeCipherSpec was taken up: the handshake messages after it start afresh. */
  private resync(dir: Dir, side: Side): void {
    const lost = this.streamCut(dir);
    if (lost) this.flowNote(`handshake message cut by ChangeCipherSpec from ${side}: ${lost}`);
  }

  /** Whether records of this type from this direction are protected (to the decryptor, or counted). */
  private isProtected(dir: Dir, type: number, epoch: number): boolean {
    const side = this.hs.sides.side(dir);
    if (side === null || !this.hs.cur) return false;
    return this.protection.isProtected(side, type, epoch, this.hs.tls13 && this.hs.cur.hasServerHello);
  }

  /** Whether the framer should buffer the body of a record of this type (others are skipped unread). */
  wantsBody(dir: Dir, type: number): boolean {
    if (type === 20 || type === 21 || type === 22) return true;
    if (type === 23) {
      const side = this.hs.sides.side(dir);
      return side !== null && this.protection.canDecrypt(side) && this.isProtected(dir, 23, -1);
    }
    return false;
  }

  /**
   * One record. `body` is a view valid during the call, or null when the framer skipped it (length `len`).
   * `epoch` is the DTLS epoch, -1 for TLS.
   */
  record(dir: Dir, type: number, header: Uint8Array, body: Uint8Array | null, len: number, frame: number, ts: number, epoch = -1): void {
    if (this.closed) return;
    const b = this.hs.cur;
    if (b && !b.emitted && frame > b.h.lastFrame) b.h.lastFrame = frame;
    const side = this.hs.sides.side(dir);
    if (side && b?.emitted && this.hs.renegotiation.watching) {
      if (type === 22 && this.isProtected(dir, type, epoch)) return this.hs.encryptedRenegotiation(dir, side, frame, ts, this.protection);
      if (this.hs.renegotiation.passed()) this.hs.closed = true;
      return;
    }
    if (body && this.isProtected(dir, type, epoch) && side) {
      const o = this.protection.open(side, type, header, body, frame, this.hs.tls13);
      if (o.kind === 'resync') this.resync(dir, side);
      else if (o.kind === 'opaque') this.opaque(side, type, len, frame, this.protection.count(side));
      else if (o.kind === 'decrypted') {
        this.inDecrypted = true;
        try {
          this.plaintext(dir, side, o.contentType, o.plaintext, frame, ts, true, epoch);
        } finally {
          this.inDecrypted = false;
        }
      }
      return;
    }
    if (!body) {
      if (side && this.isProtected(dir, type, epoch)) {
        this.protection.skipped(side);
        this.opaque(side, type, len, frame, this.protection.count(side));
      } else if (type === 24 && !this.heartbeatNoted) {
        this.heartbeatNoted = true;
        this.flowNote(`heartbeat-record from ${this.sideName(dir)} side (${len} bytes, frame ${frame})`);
      } else if (type === 23 && side && b && b.hasServerHello) {
        // Application data without a ChangeCipherSpec seen (lost in a gap, or a capture that starts late).
        this.hs.progress.finish(side);
        this.hs.checkComplete(this.protection);
      }
      return;
    }
    if (type === 20) {
      if (!side || (this.hs.tls13 && b?.hasServerHello)) return; // TLS 1.3 compatibility CCS (RFC 8446 D.4)
      this.protection.changeCipherSpec(side);
      this.resync(dir, side);
      return;
    }
    this.plaintext(dir, side, type, body, frame, ts, false, epoch);
  }

  /** A protected record that could not be decrypted: counts toward completion; alerts are recorded as such. */
  private opaque(side: Side, type: number, len: number, frame: number, count: number): void {
    const kind = this.hs.progress.opaque(side, type, len, count, this.hs.tls13, !!this.hs.cur?.h.certificateRequest);
    if (kind === 'counted') return this.hs.checkComplete(this.protection);
    this.hs.alert(side, 0, 0, frame, true);
    const note = opaqueAlertNote(kind, frame);
    if (note) this.hs.cur?.note(note);
  }

  private plaintext(dir: Dir, side: Side | null, type: number, body: Uint8Array, frame: number, ts: number, decrypted: boolean, epoch: number): void {
    // A decrypted NewSessionTicket or data from the server after the client's Finished: it accepted the client.
    const answer = decrypted && side !== null && type !== 21 && this.hs.progress.awaitingAnswer(side, this.hs.tls13, !!this.hs.cur?.h.certificateRequest);
    if (answer) this.hs.progress.serverAnswered = true;
    if (type === 22) {
      this.framer.push(dir, body, frame, ts, epoch);
    } else if (type === 21) {
      if (!side) return;
      if (body.length === 0 || body.length % 2) {
        this.flowNote(`malformed-alert from ${side}: ${body.length} bytes (frame ${frame})`);
        return;
      }
      for (let i = 0; i + 1 < body.length; i += 2) this.hs.alert(side, body[i]!, body[i + 1]!, frame, false);
    } else if (type === 23 && decrypted && side) {
      this.hs.progress.finish(side);
      this.hs.checkComplete(this.protection);
    }
    if (answer) this.hs.checkComplete(this.protection);
  }
}
