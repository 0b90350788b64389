/**
 * Handshake builder, the last step: complete handshake messages of one handshake -> the Handshake model (SNI, ALPN,
 * versions, cipher, chains by SHA-256 with their DER, CertificateRequest, OCSP, alerts, notes). It parses; the
 * connection decides when a handshake starts, completes and is emitted, and acts on what message() returns.
 */
import { LIMITS } from '../limits.js';
import { addNote, type Alert, type Handshake } from '../model.js';
import type { FlowInfo } from '../tcp/types.js';
import { decompressCertificateMessage } from './crypto/compressed-certificate.js';
import type { HandshakeMemo, RequestForm } from './handshake-memo.js';
import type { IsoTime } from './iso-time.js';
import {
  parseClientHello,
  parseEncryptedExtensionsAlpn,
  parseHelloVerifyRequest,
  parseServerHello,
  type ServerHelloInfo,
  type Sslv2Hello,
} from './hello-messages.js';
import { looksLikeTls13Certificate, parseCertificateList, parseCertificateStatus, parseCompressedCertificate, parseServerKeyExchangeGroup } from './messages.js';
import { alertLevelName, alertName, cipherName, groupName, handshakeTypeName, isTls13, versionName } from './names.js';
import type { Fail } from './result.js';
import type { KeyProvider, RecordDecryptor, Side } from './types.js';

/** What the builders of one connection share. */
export interface BuilderContext {
  dtls: boolean;
  /** The handshake travels in QUIC CRYPTO frames (JA4's protocol letter is then 'q'). */
  quic?: boolean;
  memo: HandshakeMemo;
  clock: IsoTime;
  /** The key log, asked once per handshake by ClientHello random at the (final) ServerHello. */
  keys?: KeyProvider;
}

/** What one handshake of a flow leaves to the next (owned by the connection, written by its builders). */
export interface FlowFacts {
  /** The latest ClientHello's random: the key log is looked up by it. */
  clientRandom: Uint8Array;
  /**
   * TLS 1.3: the server's encrypted flight was read (EncryptedExtensions, Certificate or Finished decrypted), so an
   * empty server chain means none was sent (PSK), not that it stayed encrypted. The client's records say nothing
   * about the server's certificates.
   */
  serverFlightRead: boolean;
}

export type MessageOutcome =
  | null
  /** The final ServerHello: the version it chose, and the keys found for the handshake. */
  | { kind: 'server-hello'; tls13: boolean; keys: RecordDecryptor | null }
  /** A Finished (read in plaintext or decrypted). */
  | { kind: 'finished' };

const FINISHED: MessageOutcome = { kind: 'finished' };

/** A fresh Handshake of this flow; `clientIsA`: the client is the flow's first address. */
export function newHandshake(id: number, info: FlowInfo, clientIsA: boolean, frame: number, ts: number, time: string): Handshake {
  return {
    id,
    transport: info.transport,
    client: clientIsA ? { ...info.a } : { ...info.b },
    server: clientIsA ? { ...info.b } : { ...info.a },
    firstFrame: frame,
    lastFrame: frame,
    time,
    ts,
    serverChain: [],
    clientChain: [],
    alerts: [],
    encrypted: false,
    complete: false,
    notes: [],
    frames: {},
  };
}

export class HandshakeBuilder {
  certs = new Map<string, Uint8Array>();
  hasClientHello = false;
  hasServerHello = false;
  askedKeys = false;
  fatal = false;
  emitted = false;
  version = -1;
  helloRetry = false;
  /** Started by an encrypted handshake record after the previous handshake on the flow completed. */
  renegotiation = false;
  constructor(
    readonly h: Handshake,
    private readonly ctx: BuilderContext,
    private readonly facts: FlowFacts,
  ) {}

  note(s: string): void {
    addNote(this.h.notes, s, LIMITS.notesPerObject);
  }

  /** SSL 2.0-compatible ClientHello (the first bytes of the client direction). */
  sslv2Hello(hello: Sslv2Hello, frame: number): void {
    this.hasClientHello = true;
    this.h.clientVersion = versionName(hello.version);
    this.h.frames!.clientHello = frame;
    this.facts.clientRandom = hello.random;
    this.note(`sslv2-compatible-client-hello: ${hello.cipherSpecs} cipher specs, ${hello.challenge.length}-byte challenge`);
  }

  /** An alert from `side` (`encrypted`: a protected record taken for one); a fatal one ends the handshake. */
  alert(side: Side, level: number, desc: number, frame: number, encrypted: boolean): void {
    const a: Alert = encrypted
      ? { from: side, level: 0, levelName: 'encrypted', description: 0, descriptionName: 'encrypted', frame, encrypted: true }
      : { from: side, level, levelName: alertLevelName(level), description: desc, descriptionName: alertName(desc), frame };
    if (this.h.alerts.length < 64) this.h.alerts.push(a);
    if (level === 2) this.fatal = true;
  }

  /** The key log's decryptor for this handshake, asked once; a key that exists but cannot be used is a note. */
  private keysFor(sh: ServerHelloInfo, tls13: boolean): RecordDecryptor | null {
    if (this.askedKeys || !this.ctx.keys) return null;
    this.askedKeys = true;
    let k;
    try {
      k = this.ctx.keys.forHandshake({
        clientRandom: this.facts.clientRandom,
        serverRandom: sh.random.slice(),
        version: sh.version,
        cipherSuite: sh.cipher,
        // RFC 7366 applies to TLS <= 1.2 CBC suites only; TLS 1.3 has no use for it.
        ...(tls13 ? {} : { encryptThenMac: sh.encryptThenMac }),
      });
    } catch (e) {
      k = { error: e instanceof Error ? e.message : String(e) };
    }
    if (k && 'error' in k) {
      this.note(`keylog: ${k.error}`);
      return null;
    }
    return k ?? null;
  }

  private bad(type: number, r: Fail, frame: number): null {
    const name = handshakeTypeName(type).replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
    this.note(`${r.kind}-${name}-message at offset ${r.offset} (${r.what}, frame ${frame})`);
    return null;
  }

  /**
   * One complete handshake message of `side`. `tls13`: the connection negotiated TLS 1.3 (the Certificate and
   * CertificateRequest forms). What the connection must act on comes back: a ServerHello (with the keys found for
   * it), a Finished.
   */
  message(side: Side, type: number, body: Uint8Array, frame: number, ts: number, tls13: boolean): MessageOutcome {
    const h = this.h;
    switch (type) {
      case 1: {
        const r = parseClientHello(body, this.ctx.dtls);
        if (!r.ok) return this.bad(type, r, frame);
        const ch = r.value;
        if (this.hasClientHello) {
          if (ch.cookieLength > 0) this.note('hello-verify-request: the second ClientHello carries the cookie');
        } else {
          h.time = this.ctx.clock.format(ts);
          h.ts = ts;
          h.firstFrame = Math.min(h.firstFrame, frame);
        }
        this.hasClientHello = true;
        h.frames!.clientHello = frame;
        this.facts.clientRandom = ch.random.slice();
        // The ClientHello random, hex: the same bytes at both ends of an untouched TLS session (certshark compare).
        h.clientRandom = Buffer.from(ch.random).toString('hex');
        if (ch.sni !== undefined) h.sni = ch.sni;
        if (ch.alpn) h.alpn = ch.alpn;
        h.clientVersion = versionName(ch.maxVersion);
        const fp = this.ctx.memo.fingerprints.client(ch, this.ctx.dtls, this.ctx.quic);
        h.ja3 = fp.ja3;
        h.ja4 = fp.ja4;
        return null;
      }
      case 2: {
        const r = parseServerHello(body);
        if (!r.ok) return this.bad(type, r, frame);
        const sh = r.value;
        h.version = versionName(sh.version);
        h.cipher = cipherName(sh.cipher);
        h.frames!.serverHello = frame;
        h.ja3s = this.ctx.memo.fingerprints.server(sh);
        this.version = sh.version;
        if (sh.helloRetry) {
          this.helloRetry = true;
          this.note(`hello-retry-request (frame ${frame})`);
          return null;
        }
        this.helloRetry = false;
        this.hasServerHello = true;
        if (sh.keyShareGroup !== undefined) h.keyExchangeGroup = groupName(sh.keyShareGroup);
        if (sh.alpn !== undefined) h.negotiatedAlpn = sh.alpn;
        const t13 = isTls13(sh.version);
        if (t13 && this.ctx.dtls) this.note('dtls-1.3: the rest of the handshake is encrypted (not decrypted)');
        return { kind: 'server-hello', tls13: t13, keys: this.keysFor(sh, t13) };
      }
      case 3: {
        const r = parseHelloVerifyRequest(body);
        if (!r.ok) return this.bad(type, r, frame);
        this.note(`hello-verify-request: ${r.value.cookie.length}-byte cookie (frame ${frame})`);
        return null;
      }
      case 11:
        return this.certificate(side, body, frame, tls13, type);
      case 25: {
        const r = parseCompressedCertificate(body);
        if (!r.ok) return this.bad(type, r, frame);
        const { algorithm, uncompressedLength, data } = r.value;
        const out = decompressCertificateMessage(algorithm, uncompressedLength, data);
        if (!out.ok) {
          if (out.kind === 'limit') this.note(`compressed-certificate of ${uncompressedLength} bytes exceeds the limit; skipped`);
          else if (out.kind === 'unsupported') {
            this.note(`compressed-certificate with ${algorithm === 3 ? 'zstd' : `algorithm ${algorithm}`}: not decompressed`);
          } else this.note(`malformed-compressed-certificate (frame ${frame}): ${out.reason}`);
          return null;
        }
        return this.certificate(side, out.body, frame, true, type);
      }
      case 13: {
        const v = this.version;
        const forms: RequestForm[] =
          tls13 ? ['1.3'] : v === 0x0303 || v === 0xfefd ? ['1.2'] : v >= 0 ? ['1.0'] : ['1.2', '1.0'];
        let r = this.ctx.memo.certificateRequest(body, forms[0]!);
        if (!r.ok && forms[1]) r = this.ctx.memo.certificateRequest(body, forms[1]);
        if (!r.ok) return this.bad(type, r, frame);
        h.certificateRequest = { types: r.value.types, sigAlgs: r.value.sigAlgs, authorities: r.value.authorities, frame };
        for (const p of r.value.problems) this.note(p);
        return null;
      }
      case 22: {
        const r = parseCertificateStatus(body);
        if (!r.ok) return this.bad(type, r, frame);
        if (r.value) h.ocsp = { der: Buffer.from(r.value).toString('base64'), frame };
        return null;
      }
      case 20:
        if (side === 'server') this.facts.serverFlightRead = true;
        return FINISHED;
      case 8: {
        if (side === 'server') this.facts.serverFlightRead = true;
        const r = parseEncryptedExtensionsAlpn(body);
        if (!r.ok) return this.bad(type, r, frame);
        if (r.value !== undefined) h.negotiatedAlpn = r.value;
        return null;
      }
      case 12: {
        // Only an ECDHE_RSA/ECDSA or ECDH_anon suite's ServerKeyExchange starts with ECParameters: DHE's starts
        // with dh_p, ECDHE_PSK's with a psk_identity_hint (RFC 5489 2).
        if (side !== 'server' || !h.cipher || !/_ECDHE_(RSA|ECDSA)_|_ECDH_anon_/.test(h.cipher)) return null;
        const r = parseServerKeyExchangeGroup(body);
        if (!r.ok) return this.bad(type, r, frame);
        if (r.value !== null) h.keyExchangeGroup = groupName(r.value);
        return null;
      }
      default:
        return null;
    }
  }

  private certificate(side: Side, body: Uint8Array, frame: number, tls13: boolean, type: number): null {
    const h = this.h;
    let r = parseCertificateList(body, tls13);
    if (!r.ok && !this.hasServerHello) {
      // Version unknown (mid-flow capture): the message's own lengths tell the form.
      const alt = parseCertificateList(body, looksLikeTls13Certificate(body));
      if (alt.ok) r = alt;
    }
    if (!r.ok) return this.bad(type === 25 ? 11 : type, r, frame);
    if (tls13 && side === 'server') this.facts.serverFlightRead = true;
    let ders = r.value;
    if (ders.length > LIMITS.certificatesPerChain) {
      this.note(`certificates-per-chain limit: ${ders.length} certificates from ${side}, kept the first ${LIMITS.certificatesPerChain}`);
      ders = ders.slice(0, LIMITS.certificatesPerChain);
    }
    const chain: string[] = [];
    for (const d of ders) {
      const known = this.ctx.memo.certificate(d);
      if (!this.certs.has(known.sha)) this.certs.set(known.sha, known.der);
      chain.push(known.sha);
    }
    if (side === 'server') {
      if (h.serverChain.length) this.note(`second server Certificate message (frame ${frame}) replaced the first`);
      h.serverChain = chain;
      h.frames!.serverCertificate = frame;
    } else {
      h.clientChain = chain;
      h.frames!.clientCertificate = frame;
      if (chain.length === 0) h.clientSentEmptyCertificate = true;
    }
    return null;
  }
}
