/**
 * The TLS stage's wiring for one flow, owning the steps in order: record framer (stream.ts for TCP, dtls.ts for
 * UDP, which call record()) -> record protection (record-protection.ts) -> handshake framer (handshake-framer.ts,
 * dtls-reassembler.ts) -> handshake builder (handshake-builder.ts). It knows who is the client, when a handshake
 * starts, completes and is emitted. Its bookkeeping is in files of their own: the flow's notes and give-ups
 * (flow-notes.ts), how far each side got and what an unreadable record tells (handshake-progress.ts), and what is
 * said of a handshake reported because its flow ended or went quiet (handshake-report.ts).
 */
import { LIMITS } from '../limits.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { TCP_NOTES, type TcpNoteCode } from '../tcp/notes.js';
import { DtlsRecordFramer } from './dtls.js';
import { DtlsReassembler } from './dtls-reassembler.js';
import { FlowNotes } from './flow-notes.js';
import { FlowSides } from './flow-sides.js';
import { HandshakeBuilder, newHandshake, type BuilderContext, type FlowFacts } from './handshake-builder.js';
import { TlsMessageFramer, type MessageFramer } from './handshake-framer.js';
import { HandshakeMemo } from './handshake-memo.js';
import { HandshakeProgress, opaqueAlertNote } from './handshake-progress.js';
import { noteOnReport, noteQuietEnd, whenIdle } from './handshake-report.js';
import type { Sslv2Hello } from './hello-messages.js';
import { IsoTime } from './iso-time.js';
import { handshakeTypeName } from './names.js';
import { RecordProtection } from './record-protection.js';
import { RenegotiationWatch } from './renegotiation-watch.js';
import { TlsRecordFramer } from './stream.js';
import type { HandshakeSink, KeyProvider, RecordFramer, RecordSink, Side } from './types.js';

export interface TlsOptions {
  keys?: KeyProvider;
  nextId: () => number;
  /** The session's shared certificates and CertificateRequests; a connection without one keeps its own. */
  memo?: HandshakeMemo;
  /** The session's time formatter (handshakes of many flows start within the same second); else the connection's. */
  clock?: IsoTime;
}

// Where they were first defined: the QUIC wiring reads them from here.
export { IDLE_AFTER_ALERT_S, IDLE_STALLED_S } from './handshake-report.js';

const NO_RANDOM = new Uint8Array(32);

export class TlsConn implements FlowConsumer, RecordSink {
  private readonly sides = new FlowSides();
  private cur: HandshakeBuilder | null = null;
  /** No more records are wanted: the handshakes of the flow are reported (or a limit was hit). */
  closed = false;
  /** An internal error stopped the flow. */
  private failed = false;
  /** The first step, made with the connection: TLS records from the byte stream, or DTLS records from datagrams. */
  private readonly records: RecordFramer;
  /**
   * The handshake framer, reset only here: at a ChangeCipherSpec and when the record framer lost its place. It,
   * the record protection and the renegotiation watch are made on first use: most flows of a hostile capture never
   * get that far, and each of them would cost a flow some hundreds of bytes before its first handshake message.
   */
  private framerMade: MessageFramer | null = null;
  private count = 0;
  private readonly notes = new FlowNotes();
  private readonly progress = new HandshakeProgress();
  private tls13 = false;
  private protectionMade: RecordProtection | null = null;
  /** The handshake message being dispatched came out of a decrypted record. */
  private inDecrypted = false;
  private renegotiationMade: RenegotiationWatch | null = null;
  private heartbeatNoted = false;
  private readonly clock: IsoTime;
  private readonly ctx: BuilderContext;
  // The random is replaced, never written into, by the builder: one zero random serves every flow until its hello.
  private readonly facts: FlowFacts = { clientRandom: NO_RANDOM, serverFlightRead: false };

  constructor(
    readonly info: FlowInfo,
    private readonly sink: HandshakeSink,
    private readonly opts: TlsOptions,
    readonly dtls: boolean,
  ) {
    this.clock = opts.clock ?? new IsoTime();
    this.ctx = { dtls, memo: opts.memo ?? new HandshakeMemo(), clock: this.clock, ...(opts.keys ? { keys: opts.keys } : {}) };
    this.records = dtls ? new DtlsRecordFramer(this) : new TlsRecordFramer(this);
  }

  private get framer(): MessageFramer {
    if (this.framerMade) return this.framerMade;
    const deliver = (dir: Dir, type: number, body: Uint8Array, frame: number, ts: number): void =>
      this.handshakeMessage(dir, type, body, frame, ts);
    return (this.framerMade = this.dtls
      ? new DtlsReassembler(deliver, (note) => this.flowNote(note))
      : new TlsMessageFramer(deliver, (_dir, note) => this.flowNote(note)));
  }

  private get protection(): RecordProtection {
    return (this.protectionMade ??= new RecordProtection(this.dtls, (n) => this.flowNote(n)));
  }

  private get renegotiation(): RenegotiationWatch {
    return (this.renegotiationMade ??= new RenegotiationWatch());
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
    if (reason === 'evicted' && !this.done) this.notes.gaveUp('flow-evicted');
    if (this.dtls) {
      try {
        this.finish();
      } catch {
        this.failed = true;
      }
      this.notes.report(this.sink);
      return;
    }
    try {
      this.records.end();
      this.finish();
    } catch (e) {
      this.internal(e);
    }
    this.records.release();
    if (this.count === 0) {
      // Only a TCP stream is given up for want of TLS: a UDP flow that is not DTLS (DNS, RTP) is simply not ours.
      if (this.records.sawRecords) this.notes.gaveUp('no-handshake');
      else if (this.records.done) this.notes.gaveUp('not-tls');
    }
    this.notes.report(this.sink);
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

  sideName(dir: Dir): string {
    return this.sides.name(dir);
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
    this.notes.add(s, this.cur);
  }

  /** A side's ChangeCipherSpec was taken up: the handshake messages after it start afresh. */
  private resync(dir: Dir, side: Side): void {
    const lost = this.streamCut(dir);
    if (lost) this.flowNote(`handshake message cut by ChangeCipherSpec from ${side}: ${lost}`);
  }

  /** Whether records of this type from this direction are protected (to the decryptor, or counted). */
  private isProtected(dir: Dir, type: number, epoch: number): boolean {
    const side = this.sides.side(dir);
    if (side === null || !this.cur) return false;
    return this.protection.isProtected(side, type, epoch, this.tls13 && this.cur.hasServerHello);
  }

  /** Whether the framer should buffer the body of a record of this type (others are skipped unread). */
  wantsBody(dir: Dir, type: number): boolean {
    if (type === 20 || type === 21 || type === 22) return true;
    if (type === 23) {
      const side = this.sides.side(dir);
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
    const b = this.cur;
    if (b && !b.emitted && frame > b.h.lastFrame) b.h.lastFrame = frame;
    const side = this.sides.side(dir);
    if (side && b?.emitted && this.renegotiation.watching) {
      if (type === 22 && this.isProtected(dir, type, epoch)) return this.encryptedRenegotiation(dir, side, frame, ts);
      if (this.renegotiation.passed()) this.closed = true;
      return;
    }
    if (body && this.isProtected(dir, type, epoch) && side) {
      const o = this.protection.open(side, type, header, body, frame, this.tls13);
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
        this.progress.finish(side);
        this.checkComplete();
      }
      return;
    }
    if (type === 20) {
      if (!side || (this.tls13 && b?.hasServerHello)) return; // TLS 1.3 compatibility CCS (RFC 8446 D.4)
      this.protection.changeCipherSpec(side);
      this.resync(dir, side);
      return;
    }
    this.plaintext(dir, side, type, body, frame, ts, false, epoch);
  }

  /** A protected record that could not be decrypted: counts toward completion; alerts are recorded as such. */
  private opaque(side: Side, type: number, len: number, frame: number, count: number): void {
    const kind = this.progress.opaque(side, type, len, count, this.tls13, !!this.cur?.h.certificateRequest);
    if (kind === 'counted') return this.checkComplete();
    this.addAlert(side, 0, 0, frame, true);
    const note = opaqueAlertNote(kind, frame);
    if (note) this.cur?.note(note);
  }

  private plaintext(dir: Dir, side: Side | null, type: number, body: Uint8Array, frame: number, ts: number, decrypted: boolean, epoch: number): void {
    // A decrypted NewSessionTicket or data from the server after the client's Finished: it accepted the client.
    const answer = decrypted && side !== null && type !== 21 && this.progress.awaitingAnswer(side, this.tls13, !!this.cur?.h.certificateRequest);
    if (answer) this.progress.serverAnswered = true;
    if (type === 22) {
      this.framer.push(dir, body, frame, ts, epoch);
    } else if (type === 21) {
      if (!side) return;
      if (body.length === 0 || body.length % 2) {
        this.flowNote(`malformed-alert from ${side}: ${body.length} bytes (frame ${frame})`);
        return;
      }
      for (let i = 0; i + 1 < body.length; i += 2) this.addAlert(side, body[i]!, body[i + 1]!, frame, false);
    } else if (type === 23 && decrypted && side) {
      this.progress.finish(side);
      this.checkComplete();
    }
    if (answer) this.checkComplete();
  }

  private addAlert(side: Side, level: number, desc: number, frame: number, encrypted: boolean): void {
    const b = this.cur;
    if (b && !b.emitted) b.alert(side, level, desc, frame, encrypted);
  }

  private newBuilder(dir: Dir, frame: number, ts: number): HandshakeBuilder | null {
    if (this.count >= LIMITS.handshakesPerFlow) {
      if (this.cur) this.cur.note(`handshakes-per-flow limit of ${LIMITS.handshakesPerFlow} hit; later handshakes ignored`);
      this.notes.gaveUp('handshakes-per-flow');
      this.emit();
      this.closed = true;
      return null;
    }
    this.count++;
    const h = newHandshake(this.opts.nextId(), this.info, this.sides.clientIsA(dir), frame, ts, this.clock.format(ts));
    const startTls = this.records.startTls;
    if (startTls) h.startTls = startTls;
    const b = new HandshakeBuilder(h, this.ctx, this.facts);
    this.notes.handTo(b);
    this.cur = b;
    this.records.handshakeBegun = true;
    this.progress.restart();
    this.protection.resetCounts();
    this.progress.serverAnswered = false;
    return b;
  }

  private emit(): void {
    const b = this.cur;
    if (!b || b.emitted) return;
    b.emitted = true;
    noteOnReport(b, this.tls13, this.facts.serverFlightRead);
    try {
      this.sink.handshake(b.h, b.certs);
    } catch {
      // A sink failure must not stop the capture; the handshake is simply not reported.
    }
  }

  /** SSL 2.0-compatible ClientHello (the first bytes of the client direction). */
  sslv2ClientHello(dir: Dir, hello: Sslv2Hello, frame: number, ts: number): void {
    this.sides.clientFrom(dir);
    const b = this.newBuilder(dir, frame, ts);
    if (b) b.sslv2Hello(hello, frame);
  }

  private handshakeMessage(dir: Dir, type: number, body: Uint8Array, frame: number, ts: number): void {
    if (this.closed) return;
    const guessed = this.sides.learn(dir, type);
    if (guessed) this.flowNote(guessed);
    const side = this.sides.side(dir)!;
    let b = this.cur;
    if (type === 1) {
      if (side !== 'client') {
        this.flowNote(`ClientHello from the server side (frame ${frame}) ignored`);
        return;
      }
      if (b && !b.emitted && b.hasClientHello && !b.hasServerHello) {
        // Second ClientHello: after a DTLS HelloVerifyRequest or a TLS 1.3 HelloRetryRequest (or a retry).
      } else {
        if (b && !b.emitted) this.emit();
        const renegotiation = this.inDecrypted && b !== null && b.emitted && b.h.complete;
        b = this.newBuilder(dir, frame, ts);
        if (!b) return;
        this.tls13 = false;
        this.facts.serverFlightRead = false;
        this.protection.newHandshake(renegotiation);
        if (renegotiation) {
          b.renegotiation = true;
          b.note(this.renegotiation.decryptedNote(frame));
        }
      }
    } else if (!b || b.emitted) {
      if (b && b.emitted && (b.h.complete || b.fatal)) return; // late messages of a finished handshake
      b = this.newBuilder(dir, frame, ts);
      if (!b) return;
    }
    if (frame > b.h.lastFrame) b.h.lastFrame = frame;
    try {
      const o = b.message(side, type, body, frame, ts, this.tls13);
      if (o?.kind === 'server-hello') {
        this.tls13 = o.tls13;
        if (o.tls13) {
          this.progress.restart();
          this.protection.resetCounts();
        }
        if (o.keys) this.protection.useKeys(o.keys, o.tls13);
      } else if (o?.kind === 'finished') {
        this.progress.finish(side);
        this.checkComplete();
      }
    } catch (e) {
      b.note(`internal-error parsing ${handshakeTypeName(type)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private checkComplete(): void {
    const b = this.cur;
    if (!b || b.emitted || !b.hasServerHello) return;
    if (!this.progress.complete(this.tls13, !!b.h.certificateRequest)) return;
    b.h.complete = true;
    this.emit();
    this.renegotiation.completed(b.h);
    if (this.tls13 || this.dtls) {
      this.closed = true;
      return;
    }
    // TLS <= 1.2: a renegotiation (RFC 5246 7.4.1.1) runs inside the session. With keys, keep decrypting to read
    // it; when a key provider is configured but has no key for this session, look at a few more records (skipped
    // by length, not buffered) so that an encrypted renegotiation is at least reported; otherwise the flow is done.
    if (this.protection.keyed()) return;
    if (this.opts.keys && LIMITS.tlsRenegotiationWatchRecords > 0) this.renegotiation.start(LIMITS.tlsRenegotiationWatchRecords);
    else this.closed = true;
  }

  /**
   * TLS <= 1.2 without keys: a protected handshake record after the handshake completed is a HelloRequest or a
   * ClientHello, i.e. a renegotiation whose messages (typically the client certificate an IIS or VPN gateway asks
   * for only then) cannot be read. Reported as a handshake of its own, marked encrypted.
   */
  private encryptedRenegotiation(dir: Dir, side: Side, frame: number, ts: number): void {
    const b = this.newBuilder(dir, frame, ts);
    if (b) {
      b.renegotiation = true;
      b.note(this.renegotiation.encrypted(b.h, side, frame));
      this.emit();
    }
    this.closed = true;
  }

  /** Live input, the flow quiet for `seconds`: a handshake that an alert ended or that stalled is reported (handshake-report.ts). */
  idle(seconds: number): void {
    const b = this.cur;
    if (this.closed || !b || b.emitted) return;
    const why = whenIdle(b, seconds);
    if (why === 'wait') return;
    this.emit();
    if (why === 'stalled') this.closed = true;
  }

  /** End of the flow: report what was left incomplete and emit the current handshake. */
  private finish(): void {
    const b = this.cur;
    if (b && !b.emitted) {
      let cut = false;
      for (const dir of [0, 1] as Dir[]) {
        const p = this.pendingMessage(dir);
        if (p) {
          cut = true;
          b.note(`truncated: the flow ended inside the ${this.sideName(dir)}'s ${p}`);
        }
      }
      if (!cut) noteQuietEnd(b, this.progress, this.tls13, this.dtls);
      this.emit();
    }
    this.closed = true;
  }
}
