/**
 * The handshakes of one TLS or DTLS flow in turn, for the connection (conn.ts): which one is being built, when the
 * next begins (a ClientHello, a message after a reported one, an SSL 2.0 hello, an encrypted renegotiation), when
 * one completes, and its report to the sink. The connection routes records and owns the steps; it hands this the
 * record protection where a handshake's start, keys or completion concern it.
 */
import { LIMITS } from '../limits.js';
import type { Dir, FlowInfo } from '../tcp/types.js';
import { FlowNotes } from './flow-notes.js';
import { FlowSides } from './flow-sides.js';
import { HandshakeBuilder, newHandshake, type BuilderContext, type FlowFacts } from './handshake-builder.js';
import type { MessageFramer } from './handshake-framer.js';
import { HandshakeMemo } from './handshake-memo.js';
import { HandshakeProgress } from './handshake-progress.js';
import { noteOnReport, noteQuietEnd, whenIdle } from './handshake-report.js';
import type { Sslv2Hello } from './hello-messages.js';
import { IsoTime } from './iso-time.js';
import { handshakeTypeName } from './names.js';
import type { RecordProtection } from './record-protection.js';
import type { RecordBufferPool } from './record-pool.js';
import { RenegotiationWatch } from './renegotiation-watch.js';
import type { HandshakeSink, KeyProvider, RecordFramer, Side } from './types.js';

export interface TlsOptions {
  keys?: KeyProvider;
  nextId: () => number;
  /** The session's shared certificates and CertificateRequests; a connection without one keeps its own. */
  memo?: HandshakeMemo;
  /** The session's time formatter (handshakes of many flows start within the same second); else the connection's. */
  clock?: IsoTime;
  /** The session's record buffers given back for reuse (record-pool.ts). */
  recordPool?: RecordBufferPool;
}

const NO_RANDOM = new Uint8Array(32);

export class FlowHandshakes {
  readonly sides = new FlowSides();
  readonly notes = new FlowNotes();
  readonly progress = new HandshakeProgress();
  cur: HandshakeBuilder | null = null;
  /** Handshakes begun on the flow. */
  count = 0;
  /** The current handshake negotiated TLS 1.3. */
  tls13 = false;
  /** No more records are wanted: the handshakes of the flow are reported (or a limit was hit). */
  closed = false;
  /** Made on first use, as the connection's later steps are: most flows never complete a handshake. */
  private renegotiationMade: RenegotiationWatch | null = null;
  private readonly clock: IsoTime;
  private readonly ctx: BuilderContext;
  // The random is replaced, never written into, by the builder: one zero random serves every flow until its hello.
  private readonly facts: FlowFacts = { clientRandom: NO_RANDOM, serverFlightRead: false };

  constructor(
    private readonly info: FlowInfo,
    private readonly sink: HandshakeSink,
    private readonly opts: TlsOptions,
    private readonly dtls: boolean,
    private readonly records: RecordFramer,
  ) {
    this.clock = opts.clock ?? new IsoTime();
    this.ctx = { dtls, memo: opts.memo ?? new HandshakeMemo(), clock: this.clock, ...(opts.keys ? { keys: opts.keys } : {}) };
  }

  get renegotiation(): RenegotiationWatch {
    return (this.renegotiationMade ??= new RenegotiationWatch());
  }

  note(s: string): void {
    this.notes.add(s, this.cur);
  }

  /** The flow ended: what it gave up on, to the sink (flow-notes.ts). */
  reportGiveUps(): void {
    this.notes.report(this.sink);
  }

  alert(side: Side, level: number, desc: number, frame: number, encrypted: boolean): void {
    const b = this.cur;
    if (b && !b.emitted) b.alert(side, level, desc, frame, encrypted);
  }

  private newBuilder(dir: Dir, frame: number, ts: number, protection: RecordProtection): HandshakeBuilder | null {
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
    protection.resetCounts();
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
  sslv2ClientHello(dir: Dir, hello: Sslv2Hello, frame: number, ts: number, protection: RecordProtection): void {
    this.sides.clientFrom(dir);
    const b = this.newBuilder(dir, frame, ts, protection);
    if (b) b.sslv2Hello(hello, frame);
  }

  /** A complete handshake message; `decrypted`: it came out of a decrypted record. */
  message(dir: Dir, type: number, body: Uint8Array, frame: number, ts: number, protection: RecordProtection, decrypted: boolean): void {
    if (this.closed) return;
    const guessed = this.sides.learn(dir, type);
    if (guessed) this.note(guessed);
    const side = this.sides.side(dir)!;
    let b = this.cur;
    if (type === 1) {
      if (side !== 'client') {
        this.note(`ClientHello from the server side (frame ${frame}) ignored`);
        return;
      }
      if (b && !b.emitted && b.hasClientHello && !b.hasServerHello) {
        // Second ClientHello: after a DTLS HelloVerifyRequest or a TLS 1.3 HelloRetryRequest (or a retry).
      } else {
        if (b && !b.emitted) this.emit();
        const renegotiation = decrypted && b !== null && b.emitted && b.h.complete;
        b = this.newBuilder(dir, frame, ts, protection);
        if (!b) return;
        this.tls13 = false;
        this.facts.serverFlightRead = false;
        protection.newHandshake(renegotiation);
        if (renegotiation) {
          b.renegotiation = true;
          b.note(this.renegotiation.decryptedNote(frame));
        }
      }
    } else if (!b || b.emitted) {
      if (b && b.emitted && (b.h.complete || b.fatal)) return; // late messages of a finished handshake
      b = this.newBuilder(dir, frame, ts, protection);
      if (!b) return;
    }
    if (frame > b.h.lastFrame) b.h.lastFrame = frame;
    try {
      const o = b.message(side, type, body, frame, ts, this.tls13);
      if (o?.kind === 'server-hello') {
        this.tls13 = o.tls13;
        if (o.tls13) {
          this.progress.restart();
          protection.resetCounts();
        }
        if (o.keys) protection.useKeys(o.keys, o.tls13);
      } else if (o?.kind === 'finished') {
        this.progress.finish(side);
        this.checkComplete(protection);
      }
    } catch (e) {
      b.note(`internal-error parsing ${handshakeTypeName(type)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  checkComplete(protection: RecordProtection): void {
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
    if (protection.keyed()) return;
    if (this.opts.keys && LIMITS.tlsRenegotiationWatchRecords > 0) this.renegotiation.start(LIMITS.tlsRenegotiationWatchRecords);
    else this.closed = true;
  }

  /**
   * TLS <= 1.2 without keys: a protected handshake record after the handshake completed is a HelloRequest or a
   * ClientHello, i.e. a renegotiation whose messages (typically the client certificate an IIS or VPN gateway asks
   * for only then) cannot be read. Reported as a handshake of its own, marked encrypted.
   */
  encryptedRenegotiation(dir: Dir, side: Side, frame: number, ts: number, protection: RecordProtection): void {
    const b = this.newBuilder(dir, frame, ts, protection);
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

  /** End of the flow: report what was left incomplete and emit the current handshake. `framer`: the flow's, if made. */
  finish(framer: MessageFramer | null): void {
    const b = this.cur;
    if (b && !b.emitted) {
      let cut = false;
      for (const dir of [0, 1] as Dir[]) {
        const p = framer?.pending(dir) ?? null;
        if (p) {
          cut = true;
          b.note(`truncated: the flow ended inside the ${this.sides.name(dir)}'s ${p}`);
        }
      }
      if (!cut) noteQuietEnd(b, this.progress, this.tls13, this.dtls);
      this.emit();
    }
    this.closed = true;
  }
}
