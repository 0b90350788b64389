/**
 * The QUIC stage, a transport beside src/tcp: UDP datagrams of one flow -> the CRYPTO streams of its QUIC
 * connection (RFC 9000, RFC 9001; versions 1 and 2, RFC 9369), which the TLS stage's handshake framer reads like
 * the handshake bytes of TLS records. It imports nothing from the stages after it: the Handshake keys come from the
 * TLS handshake through useHandshakeSecrets.
 */
export { QuicConn, type QuicSink, type Space } from './conn.js';
export { couldBeClientInitial, looksLikeQuic } from './packet.js';
export { quicVersionName } from './versions.js';
