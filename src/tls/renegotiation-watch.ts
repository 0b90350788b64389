/**
 * Renegotiation inside a TLS <= 1.2 session (RFC 5246 7.4.1.1): what the previous completed handshake of the flow
 * was, and, without keys, how many more records are looked at for an encrypted renegotiation (the client
 * certificate an IIS or VPN gateway asks for only then) after the handshake completed.
 */
import type { Handshake } from '../model.js';
import type { Side } from './types.js';

export class RenegotiationWatch {
  private prevId = 0;
  private prevVersion: string | undefined;
  private prevCipher: string | undefined;
  /** Records still to look at (LIMITS.tlsRenegotiationWatchRecords); 0 when not watching. */
  private left = 0;

  /** A handshake of the flow completed. */
  completed(h: Handshake): void {
    this.prevId = h.id;
    this.prevVersion = h.version;
    this.prevCipher = h.cipher;
  }

  /** Look at the next `records` records (skipped by length, not buffered). */
  start(records: number): void {
    this.left = records;
  }

  get watching(): boolean {
    return this.left > 0;
  }

  /** A record that is not a renegotiation went by; true when that was the last one to look at. */
  passed(): boolean {
    return --this.left === 0;
  }

  /** A ClientHello decrypted with the previous handshake's keys. */
  decryptedNote(frame: number): string {
    return (
      `renegotiation of handshake #${this.prevId}: this ClientHello (frame ${frame}) and what follows travelled ` +
      'encrypted under the previous keys and were decrypted with the key log'
    );
  }

  /**
   * A protected handshake record while watching: a HelloRequest or a ClientHello, i.e. a renegotiation that cannot
   * be read. Fills in the handshake reported for it (marked encrypted) and stops watching.
   */
  encrypted(h: Handshake, side: Side, frame: number): string {
    this.left = 0;
    h.encrypted = true;
    if (this.prevVersion) h.version = this.prevVersion;
    if (this.prevCipher) h.cipher = this.prevCipher;
    return (
      `renegotiated-under-encryption: the ${side} sent an encrypted handshake record at frame ${frame} after ` +
      `handshake #${this.prevId} completed; the renegotiation (and any client certificate in it) can only be read ` +
      'with the key log of the session (CLIENT_RANDOM lines: SSLKEYLOGFILE, openssl s_client -keylogfile)'
    );
  }
}
