/**
 * A UDP flow carries DTLS or QUIC, told apart by its first datagram: a QUIC long header (form and fixed bits set,
 * a version read here) starts a QUIC connection, anything else goes to the DTLS record framer (whose content
 * types 20-25 never have the high bit). Five bytes are looked at, so other UDP costs nothing more; a flow that only
 * looks like QUIC is dropped once its Initials fail to decrypt.
 */
import { looksLikeQuic } from '../quic/index.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { TlsConn, type TlsOptions } from './conn.js';
import { QuicTlsConn } from './quic-conn.js';
import type { HandshakeSink } from './types.js';

export class UdpFlow implements FlowConsumer {
  private inner: FlowConsumer | null = null;

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
      this.inner = looksLikeQuic(chunk) ? new QuicTlsConn(this.info, this.sink, this.opts) : new TlsConn(this.info, this.sink, this.opts, true);
    }
    this.inner.data(dir, chunk, frame, ts);
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
