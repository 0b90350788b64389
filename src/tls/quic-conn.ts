/**
 * The TLS stage's wiring for a QUIC flow: the QUIC stage (src/quic) takes the place of the record framer and
 * record protection, and its CRYPTO streams feed the same handshake framer (one per packet-number space, since a
 * message never spans spaces) and the same handshake builder as TLS. The builder's key callback at the ServerHello
 * hands the key log's handshake secrets to the QUIC packet protection, so the Handshake packets open from then on.
 */
import type { SessionSecrets } from '../keys/keylog.js';
import { QuicConn, type QuicSink, type Space } from '../quic/index.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { IDLE_AFTER_ALERT_S, IDLE_STALLED_S, type TlsOptions } from './conn.js';
import { HandshakeBuilder, newHandshake, type BuilderContext, type FlowFacts } from './handshake-builder.js';
import { TlsMessageFramer } from './handshake-framer.js';
import { HandshakeMemo } from './handshake-memo.js';
import { IsoTime } from './iso-time.js';
import { handshakeTypeName } from './names.js';
import type { HandshakeSink, KeyProvider, Side } from './types.js';

/** CONNECTION_CLOSE codes 0x0100-0x01ff carry a TLS alert (RFC 9001 §4.8). */
const CRYPTO_ERROR = 0x100;

export class QuicTlsConn implements FlowConsumer {
  private readonly quic: QuicConn;
  private readonly framers: Record<Space, TlsMessageFramer>;
  private readonly clock: IsoTime;
  private readonly ctx: BuilderContext;
  private readonly facts: FlowFacts = { clientRandom: new Uint8Array(32), serverFlightRead: false };
  private cur: HandshakeBuilder | null = null;
  private pendingNotes: string[] = [];
  /** Past its handshake, by side (0 client, 1 server): its Finished read, or a 1-RTT packet seen. */
  private finished = [false, false];
  private closed = false;

  constructor(
    readonly info: FlowInfo,
    private readonly sink: HandshakeSink,
    private readonly opts: TlsOptions,
  ) {
    this.clock = opts.clock ?? new IsoTime();
    const keys: KeyProvider = { forHandshake: (p) => this.handshakeKeys(p.clientRandom, p.cipherSuite) };
    this.ctx = { dtls: false, quic: true, memo: opts.memo ?? new HandshakeMemo(), clock: this.clock, keys };
    const make = (space: Space) =>
      new TlsMessageFramer(
        (dir, type, body, frame, ts) => this.message(dir, type, body, frame, ts),
        (_dir, n) => this.flowNote(`${n} (QUIC ${space} CRYPTO stream)`),
      );
    this.framers = { initial: make('initial'), handshake: make('handshake') };
    const events: QuicSink = {
      crypto: (dir, space, data, frame, ts) => this.framers[space].push(dir, data, frame, ts, -1),
      oneRtt: (dir) => this.oneRtt(dir),
      close: (dir, code, application, reason, frame) => this.close(dir, code, application, reason, frame),
      restart: (frame) => this.restart(frame),
      note: (s) => this.flowNote(s),
    };
    this.quic = new QuicConn(events);
  }

  get done(): boolean {
    return this.closed || this.quic.rejected;
  }

  /** Bytes the QUIC connection holds: CRYPTO data out of order, Handshake packets waiting for keys. */
  get heldBytes(): number {
    return this.quic.heldBytes;
  }

  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void {
    if (this.done) return;
    const b = this.cur;
    if (b && !b.emitted && frame > b.h.lastFrame) b.h.lastFrame = frame;
    try {
      this.quic.datagram(dir, chunk, frame, ts);
    } catch (e) {
      // No exception escapes a packet (DESIGN.md style 3): the flow stops with a note.
      this.flowNote(`internal-error: ${e instanceof Error ? e.message : String(e)}`);
      this.finish();
    }
  }

  gap(): void {
    // Datagrams are whole or missing; a missing one is a CRYPTO gap the reassembly waits on.
  }

  end(_reason: FlowEndReason): void {
    try {
      this.finish();
    } catch {
      this.closed = true;
    }
  }

  /**
   * Live input: as for TLS (conn.ts idle), a handshake ended by a fatal alert is reported after a short quiet
   * time, one stalled after the server's flight after a longer one.
   */
  idle(seconds: number): void {
    const b = this.cur;
    if (this.closed || !b || b.emitted) return;
    if (b.fatal ? seconds >= IDLE_AFTER_ALERT_S : seconds >= IDLE_STALLED_S && b.hasServerHello) {
      if (!b.fatal) b.note(`reported while the flow was still open, after ${seconds} s without packets; later packets of this flow were not read`);
      this.emit();
      this.closed = true;
    }
  }

  private side(dir: Dir): Side {
    return dir === this.quic.clientDir ? 'client' : 'server';
  }

  private flowNote(s: string): void {
    if (this.cur && !this.cur.emitted) this.cur.note(s);
    else if (this.pendingNotes.length < 8) this.pendingNotes.push(s);
  }

  private oneRtt(dir: Dir): void {
    // With the side's Handshake keys its Finished (and Certificate) are read from the packets themselves.
    if (this.quic.hasHandshakeKeys(dir)) return;
    this.finished[this.side(dir) === 'client' ? 0 : 1] = true;
    this.checkComplete();
  }

  private close(dir: Dir, code: number, application: boolean, reason: string, frame: number): void {
    const b = this.cur;
    if (!b || b.emitted) return;
    const side = this.side(dir);
    if (!application && code >= CRYPTO_ERROR && code < CRYPTO_ERROR + 0x100) b.alert(side, 2, code - CRYPTO_ERROR, frame, false);
    else b.note(`connection-close from the ${side}: ${application ? 'application ' : ''}error 0x${code.toString(16)}${reason ? ` "${reason}"` : ''} (frame ${frame})`);
  }

  private restart(frame: number): void {
    this.emit();
    this.cur = null;
    this.flowNote(`new QUIC connection on the same addresses and ports (frame ${frame})`);
    this.finished = [false, false];
    this.framers.initial.reset(0);
    this.framers.initial.reset(1);
    this.framers.handshake.reset(0);
    this.framers.handshake.reset(1);
  }

  /** The builder's key callback (at the ServerHello): the QUIC packet keys from the key log's secrets. */
  private handshakeKeys(clientRandom: Uint8Array, cipherSuite: number): { error: string } | null {
    const s: SessionSecrets | undefined = this.opts.keys?.secrets?.(clientRandom);
    const c = s?.clientHandshakeTrafficSecret;
    const sv = s?.serverHandshakeTrafficSecret;
    const problem = c || sv ? this.quic.useHandshakeSecrets(cipherSuite, c, sv) : s ? 'key log has no handshake secret for this session' : null;
    if (problem || (!c && !sv)) this.quic.noHandshakeKeys();
    return problem ? { error: problem } : null;
  }

  private message(dir: Dir, type: number, body: Uint8Array, frame: number, ts: number): void {
    if (this.closed) return;
    const side = this.side(dir);
    let b = this.cur;
    if (!b || b.emitted) {
      if (b?.emitted) return; // late messages of a reported handshake
      b = this.newBuilder(frame, ts);
    }
    if (frame > b.h.lastFrame) b.h.lastFrame = frame;
    try {
      const o = b.message(side, type, body, frame, ts, true);
      if (o?.kind === 'finished') {
        this.finished[side === 'client' ? 0 : 1] = true;
        this.checkComplete();
      }
    } catch (e) {
      b.note(`internal-error parsing ${handshakeTypeName(type)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private newBuilder(frame: number, ts: number): HandshakeBuilder {
    const clientIsA = this.quic.clientDir === 0;
    const h = newHandshake(this.opts.nextId(), this.info, clientIsA, frame, ts, this.clock.format(ts));
    h.transport = 'quic';
    const b = new HandshakeBuilder(h, this.ctx, this.facts);
    for (const n of this.pendingNotes) b.note(n);
    this.pendingNotes = [];
    this.facts.serverFlightRead = false;
    this.cur = b;
    return b;
  }

  private checkComplete(): void {
    const b = this.cur;
    if (!b || b.emitted || !b.hasServerHello || !this.finished[0] || !this.finished[1]) return;
    b.h.complete = true;
    this.emit();
    this.closed = true;
  }

  private emit(): void {
    const b = this.cur;
    if (!b || b.emitted) return;
    b.emitted = true;
    const h = b.h;
    const q = this.quic;
    if (q.version) h.quic = { version: q.version.name, ...(q.retry ? { retry: true } : {}), ...(q.offeredVersions ? { offeredVersions: q.offeredVersions } : {}) };
    // As TLS 1.3 without keys: the certificates travel in Handshake packets that could not be opened.
    if (b.hasServerHello && !b.helloRetry && h.serverChain.length === 0 && !this.facts.serverFlightRead) h.encrypted = true;
    if (!b.hasClientHello) b.note('no ClientHello seen (capture started mid-handshake or it was lost)');
    try {
      this.sink.handshake(h, b.certs);
    } catch {
      // A sink failure must not stop the capture; the handshake is simply not reported.
    }
  }

  /** End of the flow: say what was left incomplete and report the handshake. */
  private finish(): void {
    const b = this.cur;
    if (b && !b.emitted) {
      for (const space of ['initial', 'handshake'] as const) {
        for (const dir of [0, 1] as Dir[]) {
          const p = this.framers[space].pending(dir);
          if (p) b.note(`truncated: the flow ended inside the ${this.side(dir)}'s ${p} (QUIC ${space} CRYPTO stream)`);
        }
      }
      if (b.hasClientHello && !b.hasServerHello && !b.fatal && !b.helloRetry) {
        b.note('no-server-hello: the flow ended without an answer to the ClientHello (none was sent, or it was not captured)');
      } else if (b.hasServerHello && !b.fatal && b.h.alerts.length === 0) {
        const open = (['client', 'server'] as const).filter((_, i) => !this.finished[i]);
        if (open.length) b.note(`incomplete: the flow ended before the ${open.join(' and ')} finished the handshake`);
      }
      this.emit();
    }
    this.closed = true;
  }
}
