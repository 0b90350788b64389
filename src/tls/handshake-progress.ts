/**
 * How far each side of the current handshake got, for the connection (conn.ts) to decide when it is complete. A
 * side is finished at its Finished (read, or counted encrypted) or at application data. A protected record that
 * cannot be decrypted still tells something by its type and length: where a Finished or the server's answer to a
 * client certificate is due, 19 bytes is an encrypted alert (2-byte alert + content type + 16-byte AEAD tag, RFC
 * 8446 5.2), typically a peer rejecting a certificate.
 */
import type { Side } from './types.js';

/** What a protected record that could not be decrypted was taken for: an alert (of three kinds) or a counted record. */
export type OpaqueKind = 'alert' | 'client-abort' | 'server-refusal' | 'counted';

/** A TLS 1.3 encrypted alert's record length. */
const ENCRYPTED_ALERT = 19;

export class HandshakeProgress {
  private client = false;
  private server = false;
  /**
   * TLS 1.3 with a CertificateRequest: the server sent a record other than an alert after the client's Finished.
   * The server's Finished comes before the client's certificate (RFC 8446 §4.4), so only what it sends after the
   * client's flight shows that it accepted that certificate; a rejection is an alert at that point (§4.4.2.4).
   */
  serverAnswered = false;

  finished(side: Side): boolean {
    return side === 'client' ? this.client : this.server;
  }

  finish(side: Side): void {
    if (side === 'client') this.client = true;
    else this.server = true;
  }

  /** Both sides start over: a new handshake, or TLS 1.3 negotiated (its encrypted records are counted afresh). */
  restart(): void {
    this.client = false;
    this.server = false;
  }

  /** The sides that have not finished, client first. */
  open(): Side[] {
    return (['client', 'server'] as const).filter((x) => !this.finished(x));
  }

  /** Both sides finished and, for TLS 1.3 with a CertificateRequest, the server answered the client's flight. */
  complete(tls13: boolean, certificateRequest: boolean): boolean {
    return this.client && this.server && !(tls13 && certificateRequest && !this.serverAnswered);
  }

  /** TLS 1.3 with a CertificateRequest, client's Finished seen, and a record of `side` would be the server's answer. */
  awaitingAnswer(side: Side, tls13: boolean, certificateRequest: boolean): boolean {
    return tls13 && side === 'server' && !this.serverAnswered && this.client && certificateRequest;
  }

  /** Mutual TLS 1.3 with both Finished seen and nothing from the server after them. */
  unanswered(tls13: boolean, certificateRequest: boolean): boolean {
    return tls13 && certificateRequest && !this.serverAnswered && this.client && this.server;
  }

  /**
   * A protected record of `side` that could not be decrypted (`count`: that side's protected records so far). An
   * alert changes nothing here (the caller records it); a counted record may be the server's answer, and a
   * handshake or data record finishes its side.
   */
  opaque(side: Side, type: number, len: number, count: number, tls13: boolean, certificateRequest: boolean): OpaqueKind {
    if (type === 21 && len !== 2) return 'alert';
    // The client aborted instead of sending its Finished; typically it rejected the server's certificate.
    if (tls13 && side === 'client' && count === 1 && !this.client && len === ENCRYPTED_ALERT) return 'client-abort';
    if (this.awaitingAnswer(side, tls13, certificateRequest)) {
      // As for the client: an alert instead of a ticket or data.
      if (len === ENCRYPTED_ALERT) return 'server-refusal';
      this.serverAnswered = true;
    }
    if (type === 22 || type === 23) this.finish(side);
    return 'counted';
  }
}

/** The note that explains an alert inferred from a record's length, if it needs one. */
export function opaqueAlertNote(kind: OpaqueKind, frame: number): string | null {
  if (kind === 'client-abort') return `client's first encrypted record is 19 bytes (frame ${frame}): most likely an encrypted alert`;
  if (kind === 'server-refusal') {
    return `server's first encrypted record after the client's Finished is 19 bytes (frame ${frame}): most likely an alert refusing the client certificate`;
  }
  return null;
}
