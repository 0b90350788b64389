/**
 * Per-flow TLS state shared by the TCP stream parser (stream.ts) and the DTLS datagram parser (dtls.ts): who is
 * the client, the handshake being assembled, record protection per side, the key-log decryptor, completion and
 * emission. The framers call record() for every record and handshakeMessage() for every complete message.
 */
import { createHash } from 'node:crypto';
import { brotliDecompressSync, inflateSync } from 'node:zlib';
import { LIMITS } from '../limits.js';
import { addNote, type Alert, type Handshake } from '../model.js';
import type { FlowInfo, Dir } from '../tcp/types.js';
import {
  looksLikeTls13Certificate,
  parseCertificateList,
  parseCertificateRequest,
  parseCertificateStatus,
  parseClientHello,
  parseCompressedCertificate,
  parseHelloVerifyRequest,
  parseServerHello,
  type Sslv2Hello,
} from './messages.js';
import { alertLevelName, alertName, cipherName, handshakeTypeName, isTls13, versionName } from './names.js';
import type { Fail } from './result.js';
import type { HandshakeSink, KeyProvider, RecordDecryptor, Side } from './types.js';

export interface TlsOptions {
  keys?: KeyProvider;
  nextId: () => number;
}

/** Splits plaintext handshake bytes of one direction into messages (TLS: across records; DTLS: fragments). */
export interface MessageFramer {
  push(dir: Dir, data: Uint8Array, frame: number, ts: number): void;
  /** Forgets partial state of a direction; returns the name of the message that was cut, if any. */
  reset(dir: Dir): string | null;
  /** Describes a message left incomplete at the end of the flow, if any. */
  pending(dir: Dir): string | null;
}

interface SideState {
  /** TLS <= 1.2: ChangeCipherSpec seen, later records are protected. */
  ccs: boolean;
  /** Reached the end of its handshake: Finished (encrypted or decrypted) or application data. */
  finished: boolean;
  protectedRecords: number;
}

class Builder {
  h: Handshake;
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
  constructor(h: Handshake) {
    this.h = h;
  }
  note(s: string): void {
    addNote(this.h.notes, s, LIMITS.notesPerObject);
  }
}

/** Live input: seconds without packets after which a handshake ended by a fatal alert is reported. */
export const IDLE_AFTER_ALERT_S = 0.5;
/** Live input: seconds without packets after which a handshake stalled past the server's flight is reported. */
export const IDLE_STALLED_S = 3;

const SERVER_TYPES = new Set([2, 3, 4, 8, 12, 13, 14, 22]);
const CLIENT_TYPES = new Set([1, 15, 16, 5]);

/**
 * ISO 8601 of a capture time. Handshakes come in bursts within the same second, so the date and time up to the
 * second is formatted once per second and only the milliseconds are added.
 */
let isoSecond = NaN;
let isoPrefix = '';
function iso(ts: number): string {
  const ms = Math.trunc(ts * 1000); // as Date does (TimeClip truncates)
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return new Date(0).toISOString();
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond) {
    isoSecond = sec;
    isoPrefix = new Date(sec * 1000).toISOString().slice(0, -4); // "YYYY-MM-DDTHH:MM:SS."
  }
  return `${isoPrefix}${String(ms - sec * 1000).padStart(3, '0')}Z`;
}

/**
 * Values computed from bytes that come back in every handshake of a busy capture (the same certificates, the same
 * CertificateRequest), found again by their length, a key from a few of their bytes (the last four sit inside a
 * certificate's signature, so as good as random) and a full byte comparison; the first sight keeps a copy of the
 * bytes. Bounded: cleared when full. Content-addressed, so sharing between flows and captures is safe.
 */
class BytesMemo<T> {
  private readonly table = new Map<number, { bytes: Uint8Array; value: T }[]>();
  private count = 0;
  constructor(private readonly max: number) {}

  /** The value for these bytes; `make` computes it from the kept copy the first time. */
  get(d: Uint8Array, make: (kept: Uint8Array) => T): T {
    const n = d.length;
    const mid = n >>> 1;
    const sample = n >= 4 ? ((d[n - 4]! << 24) | (d[n - 3]! << 16) | (d[n - 2]! << 8) | d[n - 1]!) ^ (d[mid]! << 8) : 0;
    const key = (sample ^ Math.imul(n, 0x9e3779b1)) >>> 0;
    let bucket = this.table.get(key);
    if (bucket) for (const e of bucket) if (e.bytes.length === n && Buffer.compare(e.bytes, d) === 0) return e.value;
    const bytes = d.slice();
    const value = make(bytes);
    if (this.count >= this.max) {
      this.table.clear();
      this.count = 0;
      bucket = undefined;
    }
    if (bucket) bucket.push({ bytes, value });
    else this.table.set(key, [{ bytes, value }]);
    this.count++;
    return value;
  }
}

/**
 * A server asks every client for a certificate with the same CertificateRequest: its CA list is decoded once per
 * distinct message (and form) and the result shared. Larger requests (thousands of CA names) are decoded each time
 * rather than kept.
 */
type CertificateRequestResult = ReturnType<typeof parseCertificateRequest>;
type RequestForm = '1.0' | '1.2' | '1.3';
const requests = new BytesMemo<Partial<Record<RequestForm, CertificateRequestResult>>>(256);
const REQUEST_MEMO_BYTES = 16 * 1024;

function certificateRequestOf(d: Uint8Array, form: RequestForm): CertificateRequestResult {
  if (d.length > REQUEST_MEMO_BYTES) return parseCertificateRequest(d, form);
  const byForm = requests.get(d, () => ({}));
  return (byForm[form] ??= parseCertificateRequest(d, form));
}

function sha256hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Each certificate DER seen is kept once with its SHA-256: a repeated certificate costs neither a copy nor a hash. */
const interned = new BytesMemo<{ der: Uint8Array; sha: string }>(20_000);

function internCertificate(d: Uint8Array): { der: Uint8Array; sha: string } {
  return interned.get(d, (der) => ({ der, sha: sha256hex(der) }));
}

export class TlsConn {
  clientDir: Dir | -1 = -1;
  cur: Builder | null = null;
  done = false;
  /** Protocol guessed from a plaintext prefix (set by the stream parser when it resynchronises). */
  startTls: string | undefined;
  framer!: MessageFramer;
  private count = 0;
  private pendingNotes: string[] = [];
  private st: [SideState, SideState] = [
    { ccs: false, finished: false, protectedRecords: 0 },
    { ccs: false, finished: false, protectedRecords: 0 },
  ]; // index 0 client, 1 server
  private tls13 = false;
  /**
   * TLS 1.3 with a CertificateRequest: the server sent a record other than an alert after the client's Finished.
   * The server's Finished comes before the client's certificate (RFC 8446 §4.4), so only what it sends after the
   * client's flight shows that it accepted that certificate; a rejection is an alert at that point (§4.4.2.4).
   */
  private serverAnswered = false;
  /**
   * Decryptor in force per side (0 client, 1 server). TLS <= 1.2: a side's records switch to the keys of the
   * handshake being negotiated at that side's ChangeCipherSpec (RFC 5246 7.1), so in a renegotiation the new
   * messages travel under the previous keys until then; TLS 1.3: both sides use the new keys from ServerHello on.
   */
  private dec: [RecordDecryptor | null, RecordDecryptor | null] = [null, null];
  /** TLS <= 1.2: keys of the current handshake, taken up by each side at its ChangeCipherSpec. */
  private pendingDec: RecordDecryptor | null = null;
  /** The handshake message being dispatched came out of a decrypted record. */
  private inDecrypted = false;
  /** Id and version of the previous completed handshake on this flow (renegotiation notes). */
  private prevId = 0;
  private prevVersion: string | undefined;
  private prevCipher: string | undefined;
  /**
   * TLS <= 1.2 without keys: records still looked at after the handshake completed, for an encrypted
   * renegotiation (LIMITS.tlsRenegotiationWatchRecords); 0 when not watching.
   */
  private watch = 0;
  private decryptNoted = false;
  private heartbeatNoted = false;

  constructor(
    readonly info: FlowInfo,
    private readonly sink: HandshakeSink,
    private readonly opts: TlsOptions,
    readonly dtls: boolean,
  ) {}

  side(dir: Dir): Side | null {
    if (this.clientDir === -1) return null;
    return dir === this.clientDir ? 'client' : 'server';
  }

  sideName(dir: Dir): string {
    return this.side(dir) ?? (dir === 0 ? 'first' : 'second');
  }

  hasHandshake(): boolean {
    return this.cur !== null;
  }

  note(s: string): void {
    if (this.cur && !this.cur.emitted) this.cur.note(s);
    else if (this.pendingNotes.length < 8) this.pendingNotes.push(s);
  }

  private ss(side: Side): SideState {
    return this.st[side === 'client' ? 0 : 1];
  }

  private decFor(side: Side): RecordDecryptor | null {
    return this.dec[side === 'client' ? 0 : 1];
  }

  /** A side's ChangeCipherSpec: its later records are under the keys negotiated in the current handshake. */
  private switchKeys(dir: Dir, side: Side): void {
    this.ss(side).ccs = true;
    this.dec[side === 'client' ? 0 : 1] = this.pendingDec;
    const lost = this.framer.reset(dir);
    if (lost) this.note(`handshake message cut by ChangeCipherSpec from ${side}: ${lost}`);
  }

  /** Whether records of this type from this direction are protected (to the decryptor, or counted). */
  private isProtected(dir: Dir, type: number, epoch: number): boolean {
    const side = this.side(dir);
    if (side === null || !this.cur) return false;
    if (this.dtls && epoch >= 0) return epoch > 0;
    if (this.tls13 && this.cur.hasServerHello) return type === 23;
    return this.ss(side).ccs;
  }

  /** Whether the framer should buffer the body of a record of this type (others are skipped unread). */
  wantsBody(dir: Dir, type: number): boolean {
    if (type === 20 || type === 21 || type === 22) return true;
    if (type === 23) {
      const side = this.side(dir);
      return side !== null && this.decFor(side) !== null && this.isProtected(dir, 23, -1);
    }
    return false;
  }

  /**
   * One record. `body` is a view valid during the call, or null when the framer skipped it (length `len`).
   * `epoch` is the DTLS epoch, -1 for TLS.
   */
  record(dir: Dir, type: number, header: Uint8Array, body: Uint8Array | null, len: number, frame: number, ts: number, epoch = -1): void {
    if (this.done) return;
    const b = this.cur;
    if (b && !b.emitted && frame > b.h.lastFrame) b.h.lastFrame = frame;
    const side = this.side(dir);
    if (this.watch > 0 && side && b?.emitted) {
      if (type === 22 && this.isProtected(dir, type, epoch)) return this.encryptedRenegotiation(dir, side, frame, ts);
      if (--this.watch === 0) this.done = true;
      return;
    }
    if (body && this.isProtected(dir, type, epoch) && side) {
      const d = this.decFor(side);
      // A protected ChangeCipherSpec only occurs in a renegotiation (under the previous keys); without keys it is
      // tolerated as is.
      if (type === 20 && !this.dtls && !d) return;
      if (d) {
        let r;
        try {
          r = d.decrypt(side, type, header, body);
        } catch (e) {
          r = { ok: false as const, reason: e instanceof Error ? e.message : String(e) };
        }
        if (r.ok) {
          if (type === 20 && !this.dtls && !this.tls13) {
            this.switchKeys(dir, side);
            return;
          }
          this.inDecrypted = true;
          try {
            this.plaintext(dir, side, r.contentType, r.plaintext, frame, ts, true);
          } finally {
            this.inDecrypted = false;
          }
          return;
        }
        if (!this.decryptNoted) {
          this.decryptNoted = true;
          this.note(`decryption-failed (${side} record, frame ${frame}): ${r.reason}`);
        }
        // Sequence numbers (and TLS 1.0's chained IVs) are now out of step: this side stays opaque.
        this.dec[side === 'client' ? 0 : 1] = null;
        if (type === 20 && !this.dtls) return;
      }
      this.opaque(dir, side, type, len, frame);
      return;
    }
    if (!body) {
      if (side && this.isProtected(dir, type, epoch)) this.opaque(dir, side, type, len, frame);
      else if (type === 24 && !this.heartbeatNoted) {
        this.heartbeatNoted = true;
        this.note(`heartbeat-record from ${this.sideName(dir)} side (${len} bytes, frame ${frame})`);
      } else if (type === 23 && side && b && b.hasServerHello) {
        // Application data without a ChangeCipherSpec seen (lost in a gap, or a capture that starts late).
        this.ss(side).finished = true;
        this.checkComplete();
      }
      return;
    }
    if (type === 20) {
      if (!side || (this.tls13 && b?.hasServerHello)) return; // TLS 1.3 compatibility CCS (RFC 8446 D.4)
      this.switchKeys(dir, side);
      return;
    }
    this.plaintext(dir, side, type, body, frame, ts, false);
  }

  /** A protected record that could not be decrypted: counts toward completion; alerts are recorded as such. */
  private opaque(dir: Dir, side: Side, type: number, len: number, frame: number): void {
    const s = this.ss(side);
    s.protectedRecords++;
    if (type === 21 && len !== 2) {
      this.addAlert(side, 0, 0, frame, true);
      return;
    }
    if (this.tls13 && side === 'client' && s.protectedRecords === 1 && !s.finished && len === 19) {
      // 19 bytes = 2-byte alert + content type + 16-byte AEAD tag: the client aborted instead of sending its
      // Finished (RFC 8446 5.2); typically it rejected the server's certificate.
      this.addAlert(side, 0, 0, frame, true);
      this.cur?.note(`client's first encrypted record is 19 bytes (frame ${frame}): most likely an encrypted alert`);
      return;
    }
    if (this.awaitingServerAnswer(side)) {
      if (len === 19) {
        // As for the client above: 2-byte alert + content type + 16-byte tag, instead of a ticket or data.
        this.addAlert(side, 0, 0, frame, true);
        this.cur?.note(`server's first encrypted record after the client's Finished is 19 bytes (frame ${frame}): most likely an alert refusing the client certificate`);
        return;
      }
      this.serverAnswered = true;
    }
    if (type === 22 || type === 23) s.finished = true;
    this.checkComplete();
  }

  /** TLS 1.3 with a CertificateRequest, client's Finished seen, and this is the server's next record. */
  private awaitingServerAnswer(side: Side): boolean {
    return this.tls13 && side === 'server' && !this.serverAnswered && this.ss('client').finished && !!this.cur?.h.certificateRequest;
  }

  private plaintext(dir: Dir, side: Side | null, type: number, body: Uint8Array, frame: number, ts: number, decrypted: boolean): void {
    // A decrypted NewSessionTicket or data from the server after the client's Finished: it accepted the client.
    const answer = decrypted && side !== null && type !== 21 && this.awaitingServerAnswer(side);
    if (answer) this.serverAnswered = true;
    if (type === 22) {
      this.framer.push(dir, body, frame, ts);
    } else if (type === 21) {
      if (!side) return;
      if (body.length === 0 || body.length % 2) {
        this.note(`malformed-alert from ${side}: ${body.length} bytes (frame ${frame})`);
        return;
      }
      for (let i = 0; i + 1 < body.length; i += 2) this.addAlert(side, body[i]!, body[i + 1]!, frame, false);
    } else if (type === 23 && decrypted && side) {
      this.ss(side).finished = true;
      this.checkComplete();
    }
    if (answer) this.checkComplete();
  }

  private addAlert(side: Side, level: number, desc: number, frame: number, encrypted: boolean): void {
    const b = this.cur;
    if (!b || b.emitted) return;
    const a: Alert = encrypted
      ? { from: side, level: 0, levelName: 'encrypted', description: 0, descriptionName: 'encrypted', frame, encrypted: true }
      : { from: side, level, levelName: alertLevelName(level), description: desc, descriptionName: alertName(desc), frame };
    if (b.h.alerts.length < 64) b.h.alerts.push(a);
    if (level === 2) b.fatal = true;
  }

  private newBuilder(dir: Dir, frame: number, ts: number): Builder | null {
    if (this.count >= LIMITS.handshakesPerFlow) {
      if (this.cur) this.cur.note(`handshakes-per-flow limit of ${LIMITS.handshakesPerFlow} hit; later handshakes ignored`);
      this.emit();
      this.done = true;
      return null;
    }
    this.count++;
    const clientIsA = this.clientDir === -1 ? dir === 0 : this.clientDir === 0;
    const h: Handshake = {
      id: this.opts.nextId(),
      transport: this.info.transport,
      client: clientIsA ? { ...this.info.a } : { ...this.info.b },
      server: clientIsA ? { ...this.info.b } : { ...this.info.a },
      firstFrame: frame,
      lastFrame: frame,
      time: iso(ts),
      ts,
      serverChain: [],
      clientChain: [],
      alerts: [],
      encrypted: false,
      complete: false,
      notes: [],
      frames: {},
    };
    if (this.startTls) h.startTls = this.startTls;
    const b = new Builder(h);
    for (const n of this.pendingNotes) b.note(n);
    this.pendingNotes = [];
    this.cur = b;
    for (const s of this.st) {
      s.finished = false;
      s.protectedRecords = 0;
    }
    this.serverAnswered = false;
    return b;
  }

  private emit(): void {
    const b = this.cur;
    if (!b || b.emitted) return;
    b.emitted = true;
    const h = b.h;
    if (this.tls13 && b.hasServerHello && !b.helloRetry && h.serverChain.length === 0 && !this.serverFlightRead) {
      h.encrypted = true;
    }
    if (!b.hasClientHello && !b.renegotiation) b.note('no ClientHello seen (capture started mid-handshake or it was lost)');
    try {
      this.sink.handshake(h, b.certs);
    } catch {
      // A sink failure must not stop the capture; the handshake is simply not reported.
    }
  }

  /**
   * TLS 1.3: the server's encrypted flight was read (EncryptedExtensions, Certificate or Finished decrypted), so an
   * empty server chain means none was sent (PSK), not that it stayed encrypted. The client's records say nothing
   * about the server's certificates.
   */
  private serverFlightRead = false;

  /** SSL 2.0-compatible ClientHello (the first bytes of the client direction). */
  sslv2ClientHello(dir: Dir, hello: Sslv2Hello, frame: number, ts: number): void {
    if (this.clientDir === -1) this.clientDir = dir;
    const b = this.newBuilder(dir, frame, ts);
    if (!b) return;
    b.hasClientHello = true;
    b.h.clientVersion = versionName(hello.version);
    b.h.frames!.clientHello = frame;
    this.clientRandom = hello.random;
    b.note(`sslv2-compatible-client-hello: ${hello.cipherSpecs} cipher specs, ${hello.challenge.length}-byte challenge`);
  }

  private clientRandom: Uint8Array = new Uint8Array(32);

  handshakeMessage(dir: Dir, type: number, body: Uint8Array, frame: number, ts: number): void {
    if (this.done) return;
    if (this.clientDir === -1) {
      if (CLIENT_TYPES.has(type)) this.clientDir = dir;
      else this.clientDir = dir === 0 ? 1 : 0;
      if (type !== 1 && type !== 2) {
        this.note(`capture-started-mid-handshake: first message seen is ${handshakeTypeName(type)} (side guessed)`);
      }
    }
    const side = this.side(dir)!;
    let b = this.cur;
    if (type === 1) {
      if (side !== 'client') {
        this.note(`ClientHello from the server side (frame ${frame}) ignored`);
        return;
      }
      if (b && !b.emitted && b.hasClientHello && !b.hasServerHello) {
        // Second ClientHello: after a DTLS HelloVerifyRequest or a TLS 1.3 HelloRetryRequest (or a retry).
      } else {
        if (b && !b.emitted) this.emit();
        const renegotiation = this.inDecrypted && b !== null && b.emitted && b.h.complete;
        b = this.newBuilder(dir, frame, ts);
        if (!b) return;
        this.tls13 = false;
        this.serverFlightRead = false;
        this.pendingDec = null;
        if (renegotiation) {
          b.renegotiation = true;
          b.note(
            `renegotiation of handshake #${this.prevId}: this ClientHello (frame ${frame}) and what follows travelled ` +
              'encrypted under the previous keys and were decrypted with the key log',
          );
        } else if (!this.dec[0] && !this.dec[1]) this.st.forEach((s) => (s.ccs = false));
      }
    } else if (!b || b.emitted) {
      if (b && b.emitted && (b.h.complete || b.fatal)) return; // late messages of a finished handshake
      b = this.newBuilder(dir, frame, ts);
      if (!b) return;
    }
    if (frame > b.h.lastFrame) b.h.lastFrame = frame;
    try {
      this.message(b, side, type, body, frame, ts);
    } catch (e) {
      b.note(`internal-error parsing ${handshakeTypeName(type)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private bad(b: Builder, type: number, r: Fail, frame: number): void {
    const name = handshakeTypeName(type).replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
    b.note(`${r.kind}-${name}-message at offset ${r.offset} (${r.what}, frame ${frame})`);
  }

  private message(b: Builder, side: Side, type: number, body: Uint8Array, frame: number, ts: number): void {
    const h = b.h;
    switch (type) {
      case 1: {
        const r = parseClientHello(body, this.dtls);
        if (!r.ok) return this.bad(b, type, r, frame);
        const ch = r.value;
        if (b.hasClientHello) {
          if (ch.cookieLength > 0) b.note('hello-verify-request: the second ClientHello carries the cookie');
        } else {
          h.time = iso(ts);
          h.ts = ts;
          h.firstFrame = Math.min(h.firstFrame, frame);
        }
        b.hasClientHello = true;
        h.frames!.clientHello = frame;
        this.clientRandom = ch.random.slice();
        h.clientRandom = Buffer.from(ch.random).toString('hex');
        if (ch.sni !== undefined) h.sni = ch.sni;
        if (ch.alpn) h.alpn = ch.alpn;
        h.clientVersion = versionName(ch.maxVersion);
        return;
      }
      case 2: {
        const r = parseServerHello(body);
        if (!r.ok) return this.bad(b, type, r, frame);
        const sh = r.value;
        h.version = versionName(sh.version);
        h.cipher = cipherName(sh.cipher);
        h.frames!.serverHello = frame;
        b.version = sh.version;
        if (sh.helloRetry) {
          b.helloRetry = true;
          b.note(`hello-retry-request (frame ${frame})`);
          return;
        }
        b.helloRetry = false;
        b.hasServerHello = true;
        this.tls13 = isTls13(sh.version);
        if (this.tls13) this.st.forEach((s) => ((s.protectedRecords = 0), (s.finished = false)));
        if (this.tls13 && this.dtls) b.note('dtls-1.3: the rest of the handshake is encrypted (not decrypted)');
        if (!b.askedKeys && this.opts.keys) {
          b.askedKeys = true;
          let k;
          try {
            k = this.opts.keys.forHandshake({
              clientRandom: this.clientRandom,
              serverRandom: sh.random.slice(),
              version: sh.version,
              cipherSuite: sh.cipher,
              // RFC 7366 applies to TLS <= 1.2 CBC suites only; TLS 1.3 has no use for it.
              ...(this.tls13 ? {} : { encryptThenMac: sh.encryptThenMac }),
            });
          } catch (e) {
            k = { error: e instanceof Error ? e.message : String(e) };
          }
          if (k && 'error' in k) b.note(`keylog: ${k.error}`);
          else if (k) {
            this.decryptNoted = false;
            // TLS 1.3 (RFC 8446 7.3): every record after ServerHello is under the handshake keys; TLS <= 1.2: at
            // each side's ChangeCipherSpec.
            if (this.tls13) this.dec = [k, k];
            else this.pendingDec = k;
          }
        }
        return;
      }
      case 3: {
        const r = parseHelloVerifyRequest(body);
        if (!r.ok) return this.bad(b, type, r, frame);
        b.note(`hello-verify-request: ${r.value.cookie.length}-byte cookie (frame ${frame})`);
        return;
      }
      case 11:
        return this.certificate(b, side, body, frame, this.tls13, type);
      case 25: {
        const r = parseCompressedCertificate(body);
        if (!r.ok) return this.bad(b, type, r, frame);
        const { algorithm, uncompressedLength, data } = r.value;
        if (uncompressedLength > LIMITS.tlsHandshakeMessageBytes) {
          b.note(`compressed-certificate of ${uncompressedLength} bytes exceeds the limit; skipped`);
          return;
        }
        let out: Uint8Array;
        try {
          if (algorithm === 1) out = inflateSync(data, { maxOutputLength: uncompressedLength });
          else if (algorithm === 2) out = brotliDecompressSync(data, { maxOutputLength: uncompressedLength });
          else {
            b.note(`compressed-certificate with ${algorithm === 3 ? 'zstd' : `algorithm ${algorithm}`}: not decompressed`);
            return;
          }
        } catch (e) {
          b.note(`malformed-compressed-certificate (frame ${frame}): ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        if (out.length !== uncompressedLength) {
          b.note(`malformed-compressed-certificate: ${out.length} bytes instead of ${uncompressedLength}`);
          return;
        }
        return this.certificate(b, side, out, frame, true, type);
      }
      case 13: {
        const v = b.version;
        const forms: ('1.0' | '1.2' | '1.3')[] =
          this.tls13 ? ['1.3'] : v === 0x0303 || v === 0xfefd ? ['1.2'] : v >= 0 ? ['1.0'] : ['1.2', '1.0'];
        let r = certificateRequestOf(body, forms[0]!);
        if (!r.ok && forms[1]) r = certificateRequestOf(body, forms[1]);
        if (!r.ok) return this.bad(b, type, r, frame);
        h.certificateRequest = { types: r.value.types, sigAlgs: r.value.sigAlgs, authorities: r.value.authorities, frame };
        for (const p of r.value.problems) b.note(p);
        return;
      }
      case 22: {
        const r = parseCertificateStatus(body);
        if (!r.ok) return this.bad(b, type, r, frame);
        if (r.value) h.ocsp = { der: Buffer.from(r.value).toString('base64'), frame };
        return;
      }
      case 20:
        if (side === 'server') this.serverFlightRead = true;
        this.ss(side).finished = true;
        this.checkComplete();
        return;
      case 8:
        if (side === 'server') this.serverFlightRead = true;
        return;
      default:
        return;
    }
  }

  private certificate(b: Builder, side: Side, body: Uint8Array, frame: number, tls13: boolean, type: number): void {
    const h = b.h;
    let r = parseCertificateList(body, tls13);
    if (!r.ok && !this.cur?.hasServerHello) {
      // Version unknown (mid-flow capture): the message's own lengths tell the form.
      const alt = parseCertificateList(body, looksLikeTls13Certificate(body));
      if (alt.ok) r = alt;
    }
    if (!r.ok) return this.bad(b, type === 25 ? 11 : type, r, frame);
    if (tls13 && side === 'server') this.serverFlightRead = true;
    let ders = r.value;
    if (ders.length > LIMITS.certificatesPerChain) {
      b.note(`certificates-per-chain limit: ${ders.length} certificates from ${side}, kept the first ${LIMITS.certificatesPerChain}`);
      ders = ders.slice(0, LIMITS.certificatesPerChain);
    }
    const chain: string[] = [];
    for (const d of ders) {
      const known = internCertificate(d);
      if (!b.certs.has(known.sha)) b.certs.set(known.sha, known.der);
      chain.push(known.sha);
    }
    if (side === 'server') {
      if (h.serverChain.length) b.note(`second server Certificate message (frame ${frame}) replaced the first`);
      h.serverChain = chain;
      h.frames!.serverCertificate = frame;
    } else {
      h.clientChain = chain;
      h.frames!.clientCertificate = frame;
      if (chain.length === 0) h.clientSentEmptyCertificate = true;
    }
  }

  private checkComplete(): void {
    const b = this.cur;
    if (!b || b.emitted || !b.hasServerHello) return;
    const c = this.st[0];
    const s = this.st[1];
    if (!(c.finished && s.finished)) return;
    if (this.tls13 && b.h.certificateRequest && !this.serverAnswered) return;
    b.h.complete = true;
    this.emit();
    this.prevId = b.h.id;
    this.prevVersion = b.h.version;
    this.prevCipher = b.h.cipher;
    if (this.tls13 || this.dtls) {
      this.done = true;
      return;
    }
    // TLS <= 1.2: a renegotiation (RFC 5246 7.4.1.1) runs inside the session. With keys, keep decrypting to read
    // it; when a key provider is configured but has no key for this session, look at a few more records (skipped
    // by length, not buffered) so that an encrypted renegotiation is at least reported; otherwise the flow is done.
    if (this.dec[0] || this.dec[1]) return;
    if (this.opts.keys && LIMITS.tlsRenegotiationWatchRecords > 0) this.watch = LIMITS.tlsRenegotiationWatchRecords;
    else this.done = true;
  }

  /**
   * TLS <= 1.2 without keys: a protected handshake record after the handshake completed is a HelloRequest or a
   * ClientHello, i.e. a renegotiation whose messages (typically the client certificate an IIS or VPN gateway asks
   * for only then) cannot be read. Reported as a handshake of its own, marked encrypted.
   */
  private encryptedRenegotiation(dir: Dir, side: Side, frame: number, ts: number): void {
    this.watch = 0;
    const b = this.newBuilder(dir, frame, ts);
    if (b) {
      b.renegotiation = true;
      b.h.encrypted = true;
      if (this.prevVersion) b.h.version = this.prevVersion;
      if (this.prevCipher) b.h.cipher = this.prevCipher;
      b.note(
        `renegotiated-under-encryption: the ${side} sent an encrypted handshake record at frame ${frame} after ` +
          `handshake #${this.prevId} completed; the renegotiation (and any client certificate in it) can only be read ` +
          'with the key log of the session (CLIENT_RANDOM lines: SSLKEYLOGFILE, openssl s_client -keylogfile)',
      );
      this.emit();
    }
    this.done = true;
  }

  /**
   * Live input, the flow quiet for `seconds`: a handshake that a fatal alert ended is reported after
   * IDLE_AFTER_ALERT_S (the connection is over, RFC 8446 6.2, whether or not the peers close it); one that stalled
   * after the server's flight (a client showing "Untrusted Server Certificate" and waiting for its user) after
   * IDLE_STALLED_S, with a note, and the flow is not followed further, so the rest cannot make a second, partial
   * handshake out of it. A file is never read this way: its flows end when the capture does.
   */
  idle(seconds: number): void {
    const b = this.cur;
    if (this.done || !b || b.emitted) return;
    if (b.fatal) {
      if (seconds >= IDLE_AFTER_ALERT_S) this.emit();
      return;
    }
    if (seconds < IDLE_STALLED_S || !b.hasServerHello) return;
    b.note(`reported while the flow was still open, after ${seconds} s without packets; later packets of this flow were not read`);
    this.emit();
    this.done = true;
  }

  /** End of the flow: report what was left incomplete and emit the current handshake. */
  end(): void {
    const b = this.cur;
    if (b && !b.emitted) {
      let cut = false;
      for (const dir of [0, 1] as Dir[]) {
        const p = this.framer.pending(dir);
        if (p) {
          cut = true;
          b.note(`truncated: the flow ended inside the ${this.sideName(dir)}'s ${p}`);
        }
      }
      // Say why a handshake stopped short when nothing else does (no alert, no cut message): what is missing from
      // it (the server's certificates, the client's) is then not mistaken for something the peer did not send.
      const quiet = !cut && !b.fatal && b.h.alerts.length === 0 && !b.renegotiation;
      if (quiet && b.hasClientHello && !b.hasServerHello && !b.helloRetry) {
        b.note('no-server-hello: the flow ended without an answer to the ClientHello (none was sent, or it was not captured)');
      } else if (quiet && b.hasServerHello && !this.dtls && !b.h.notes.some((n) => n.startsWith('truncated'))) {
        const open = (['client', 'server'] as const).filter((x) => !this.ss(x).finished);
        if (open.length) b.note(`incomplete: the flow ended before the ${open.join(' and ')} finished the handshake`);
      }
      // Mutual TLS 1.3 with both Finished but no answer from the server (a close_notify of the client's may have
      // crossed its ticket on the wire): the capture does not show whether the client certificate was accepted.
      if (!cut && !b.fatal && this.tls13 && b.h.certificateRequest && !this.serverAnswered && this.ss('client').finished && this.ss('server').finished)
        b.note("no-server-answer: the server sent nothing after the client's certificate and Finished, so whether it accepted the client certificate is not in the capture");
      this.emit();
    }
    this.done = true;
  }
}
