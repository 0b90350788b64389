/**
 * JA3, JA4 and JA3S of hellos whose fingerprint inputs were seen before, found without hashing: the clients of a
 * busy capture send the same cipher list, extensions, groups and signature algorithms in every ClientHello (only
 * the random, session id and key shares change, and no fingerprint reads those). The inputs are copied into one
 * scratch buffer that is the memo's key; a hit costs that copy and one comparison. Owned by the session's
 * HandshakeMemo, never module-level.
 */
import { BytesMemo } from './bytes-memo.js';
import { ja3, ja3s, ja4 } from './fingerprints.js';
import type { ClientHelloInfo, ServerHelloInfo } from './hello-messages.js';
import { grown } from './grow-buffer.js';

export interface ClientFingerprints {
  ja3: string;
  ja4: string;
}

/** Hellos larger than this (thousands of ciphers or extensions) are fingerprinted each time rather than kept. */
const MAX_KEY = 4096;

export class FingerprintMemo {
  private readonly clients = new BytesMemo<ClientFingerprints>(4096);
  private readonly servers = new BytesMemo<string>(4096);
  private scratch: Uint8Array = new Uint8Array(512);
  private n = 0;

  client(ch: ClientHelloInfo, dtls: boolean, quic = false): ClientFingerprints {
    this.n = 0;
    this.u16((dtls ? 1 : 0) | (quic ? 2 : 0));
    this.u16(ch.legacyVersion);
    this.u16(ch.maxVersion);
    this.bytes(ch.cipherBytes);
    this.u16(ch.extensionTypes.length);
    for (const t of ch.extensionTypes) this.u16(t);
    this.bytes(ch.groups);
    this.bytes(ch.pointFormats);
    this.bytes(ch.sigAlgs);
    if (ch.firstAlpn) this.bytes(ch.firstAlpn);
    else this.u16(0xffff);
    const make = (): ClientFingerprints => ({ ja3: ja3(ch), ja4: ja4(ch, dtls, quic) });
    if (this.n > MAX_KEY) return make();
    return this.clients.get(this.scratch.subarray(0, this.n), make);
  }

  server(sh: ServerHelloInfo): string {
    this.n = 0;
    this.u16(sh.legacyVersion);
    this.u16(sh.cipher);
    for (const t of sh.extensionTypes) this.u16(t);
    if (this.n > MAX_KEY) return ja3s(sh);
    return this.servers.get(this.scratch.subarray(0, this.n), () => ja3s(sh));
  }

  private room(k: number): void {
    this.scratch = grown(this.scratch, 0, this.n, this.n + k, Infinity, 0);
  }

  private u16(v: number): void {
    this.room(2);
    this.scratch[this.n++] = v >>> 8;
    this.scratch[this.n++] = v & 0xff;
  }

  /** A length (so that two lists cannot run into each other) and the bytes. */
  private bytes(b: Uint8Array): void {
    this.u16(b.length);
    this.room(b.length);
    this.scratch.set(b, this.n);
    this.n += b.length;
  }
}
