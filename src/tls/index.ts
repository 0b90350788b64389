/**
 * The TLS stage: reassembled TCP byte streams and UDP datagrams (DTLS, or QUIC through src/quic) -> Handshake
 * objects with certificate chains.
 */
import type { FlowConsumer, FlowInfo } from '../tcp/types.js';
import type { TlsOptions } from './conn.js';
import { PendingTls } from './pending-tls.js';
import type { HandshakeSink } from './types.js';
import { UdpFlow } from './udp-flow.js';

export type { HandshakeSink, KeyProvider, RecordDecryptor, DecryptResult, HandshakeKeyParams } from './types.js';
export { HandshakeMemo } from './handshake-memo.js';
export { RecordBufferPool } from './record-pool.js';
export { IsoTime } from './iso-time.js';
export { dnToString } from './dn.js';
export { cipherName, versionName, alertName, sigAlgName } from './names.js';

/**
 * A consumer for one flow: for TCP a stream parser that finds TLS on any port (also after a STARTTLS-style
 * plaintext prefix; it stays small, pending-tls.ts, until TLS can have begun), for UDP a DTLS datagram parser or a
 * QUIC connection, told apart by the first datagram. It sets `done` quickly for flows that are not TLS and once the
 * handshake has been emitted, so the flow tracker can skip the rest of the flow.
 */
export function createTlsConsumer(
  info: FlowInfo,
  sink: HandshakeSink,
  opts: TlsOptions,
): FlowConsumer {
  return info.transport === 'udp' ? new UdpFlow(info, sink, opts) : new PendingTls(info, sink, opts);
}
