/**
 * What the connection (conn.ts) says of a handshake as it reports it, and, when the report comes because the flow
 * ended or went quiet rather than because the handshake completed, why it stopped short: what is missing from it
 * (the server's certificates, the client's) is then not mistaken for something the peer did not send.
 */
import type { HandshakeBuilder } from './handshake-builder.js';
import type { HandshakeProgress } from './handshake-progress.js';

/** Live input: seconds without packets after which a handshake ended by a fatal alert is reported. */
export const IDLE_AFTER_ALERT_S = 0.3;
/** Live input: seconds without packets after which a handshake stalled past the server's flight is reported. */
export const IDLE_STALLED_S = 3;

/**
 * The handshake is being reported: a TLS 1.3 one whose server flight was not read has its certificates encrypted
 * (the model says so), and one without a ClientHello says why its client-side facts are missing.
 */
export function noteOnReport(b: HandshakeBuilder, tls13: boolean, serverFlightRead: boolean): void {
  const h = b.h;
  if (tls13 && b.hasServerHello && !b.helloRetry && h.serverChain.length === 0 && !serverFlightRead) {
    h.encrypted = true;
  }
  if (!b.hasClientHello && !b.renegotiation) b.note('no ClientHello seen (capture started mid-handshake or it was lost)');
}

/**
 * End of the flow, no handshake message cut (that has its own "truncated" note): a note on why the handshake
 * stopped short when nothing else (an alert, a renegotiation) says so.
 */
export function noteQuietEnd(b: HandshakeBuilder, progress: HandshakeProgress, tls13: boolean, dtls: boolean): void {
  const quiet = !b.fatal && b.h.alerts.length === 0 && !b.renegotiation;
  if (quiet && b.hasClientHello && !b.hasServerHello && !b.helloRetry) {
    b.note('no-server-hello: the flow ended without an answer to the ClientHello (none was sent, or it was not captured)');
  } else if (quiet && b.hasServerHello && !dtls && !b.h.notes.some((n) => n.startsWith('truncated'))) {
    const open = progress.open();
    if (open.length) b.note(`incomplete: the flow ended before the ${open.join(' and ')} finished the handshake`);
  }
  // Mutual TLS 1.3 with both Finished but no answer from the server (a close_notify of the client's may have
  // crossed its ticket on the wire): the capture does not show whether the client certificate was accepted.
  if (!b.fatal && progress.unanswered(tls13, !!b.h.certificateRequest))
    b.note("no-server-answer: the server sent nothing after the client's certificate and Finished, so whether it accepted the client certificate is not in the capture");
}

/**
 * Live input, the flow quiet for `seconds` with a handshake not reported yet: 'alert' once IDLE_AFTER_ALERT_S have
 * passed after a fatal alert (the connection is over, RFC 8446 6.2, whether or not the peers close it); 'stalled'
 * (with a note) after IDLE_STALLED_S past the server's flight (a client showing "Untrusted Server Certificate" and
 * waiting for its user): the flow is then not followed further, so the rest cannot make a second, partial
 * handshake out of it. Else 'wait'. A file is never read this way: its flows end when the capture does.
 */
export function whenIdle(b: HandshakeBuilder, seconds: number): 'wait' | 'alert' | 'stalled' {
  if (b.fatal) return seconds >= IDLE_AFTER_ALERT_S ? 'alert' : 'wait';
  if (seconds < IDLE_STALLED_S || !b.hasServerHello) return 'wait';
  b.note(`reported while the flow was still open, after ${seconds} s without packets; later packets of this flow were not read`);
  return 'stalled';
}
