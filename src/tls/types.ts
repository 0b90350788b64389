import type { Handshake } from '../model.js';

/**
 * What the TLS stage emits: one handshake, once, when it is finished (both sides past their Finished /
 * ChangeCipherSpec, or application data seen) or when its flow ends. `certificates` maps the SHA-256 (hex) of
 * every certificate named in handshake.serverChain / clientChain to a copy of its DER.
 */
export interface HandshakeSink {
  handshake(h: Handshake, certificates: Map<string, Uint8Array>): void;
}
