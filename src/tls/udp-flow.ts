/**
 * A UDP flow carries DTLS or QUIC, told apart by its first datagram: a QUIC long header (form and fixed bits set,
 * a version read here) starts a QUIC connection, anything else goes to the DTLS record framer (whose content
 * types 20-25 never have the high bit). Five bytes are looked at, so other UDP costs nothing more; a flow that only
 * looks like QUIC is dropped once its Initials fail to decrypt.
 */
import { couldBeClientInitial, looksLikeQuic } from '../quic/index.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { TlsConn, type TlsOptions } from './conn.js';
import { QuicTlsConn } from './quic-conn.js';
import type { HandshakeSink } from './types.js';

/**
 * What a QUIC flow leaves once it is done (its handshake reported, or not QUIC after all): the tracker keeps the
 * flow to skip its later packets, and need not keep the connection's buffers with it. Stateless, so shared.
 */
const FINISHED: FlowConsumer = { done: true, data() {}, gap() {}, end() {} };

/** Datagrams shaped like QUIC looked at for a client's first Initial before the flow is given up. */
const QUIC_CANDIDATES = 3;

export class UdpFlow implements FlowConsumer {
  private inner: FlowConsumer | null = null;
  /** QUIC-shaped datagrams seen before one that can be a client's first Initial (then the connection is made). */
  private quicShaped = 0;

  constructor(
    private readonly info: FlowInfo,
    private readonly sink: HandshakeSink,
    private readonly opts: TlsOptions,
  ) {}

  get done(): boolean {
    return this.inner !== null && this.inner.done;
  }

  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void {
    if (!this.inner) {
      if (this.quicShaped === 0 && !looksLikeQuic(chunk)) this.inner = new TlsConn(this.info, this.sink, this.opts, true);
      else if (couldBeClientInitial(chunk)) this.inner = new QuicTlsConn(this.info, this.sink, this.opts);
      else {
        // A QUIC connection is made only for a datagram that can open one: the flow's others cost a counter.
        if (++this.quicShaped >= QUIC_CANDIDATES) this.inner = FINISHED;
        return;
      }
    }
    this.inner.data(dir, chunk, frame, ts);
    // A DTLS connection reports at the end of its flow; a QUIC one has reported by the time it is done.
    if (this.inner.done && this.inner instanceof QuicTlsConn) this.inner = FINISHED;
  }

  gap(dir: Dir, bytes: number, frame: number): void {
    this.inner?.gap(dir, bytes, frame);
  }

  end(reason: FlowEndReason): void {
    this.inner?.end(reason);
  }

  idle(seconds: number): void {
    this.inner?.idle?.(seconds);
  }
}
