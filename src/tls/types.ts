import type { Dir } from '../tcp/types.js';
import type { Sslv2Hello } from './hello-messages.js';
import type { Handshake } from '../model.js';
import type { SessionSecrets } from '../keys/keylog.js';
import type { GiveUpCode } from './give-ups.js';

/**
 * What the TLS stage emits: one handshake, once, when it is finished (both sides past their Finished /
 * ChangeCipherSpec, or application data seen) or when its flow ends. `certificates` maps the SHA-256 (hex) of
 * every certificate named in handshake.serverChain / clientChain to a copy of its DER.
 */
export interface HandshakeSink {
  handshake(h: Handshake, certificates: Map<string, Uint8Array>): void;
  /** Once per code and flow, when the flow ends: what its TLS parsing gave up on (give-ups.ts), for the capture. */
  gaveUp?(code: GiveUpCode): void;
}

export type Side = 'client' | 'server';

/** Result of decrypting one protected record. */
export type DecryptResult =
  | { ok: true; contentType: number; plaintext: Uint8Array }
  | { ok: false; reason: string };

/**
 * Decrypts the protected records of one handshake, keeping per-direction sequence numbers itself. The TLS parser
 * feeds it, in order, every record a side sends once that side's records are protected: in TLS 1.3 every
 * application_data (23) record after ServerHello (the compatibility ChangeCipherSpec is not fed); in TLS 1.2
 * every record after that side's ChangeCipherSpec. `header` is the 5-byte record header (the AEAD additional
 * data in TLS 1.3), `body` the record fragment.
 */
export interface RecordDecryptor {
  decrypt(from: Side, contentType: number, header: Uint8Array, body: Uint8Array): DecryptResult;
}

export interface HandshakeKeyParams {
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** Negotiated version: 0x0304 for TLS 1.3, 0x0303 for TLS 1.2, ... */
  version: number;
  cipherSuite: number;
  /**
   * The ServerHello's encrypt_then_mac extension (RFC 7366) for TLS <= 1.2 CBC suites: true present, false absent.
   * Undefined when the parser cannot tell (the decryptor then detects it from the first record that verifies).
   */
  encryptThenMac?: boolean;
}

/**
 * Source of session secrets (an NSS key log). The parser asks once per handshake, right after the (final)
 * ServerHello. null: no secret for this client_random; {error}: a secret exists but cannot be used (a note).
 */
export interface KeyProvider {
  forHandshake(p: HandshakeKeyParams): RecordDecryptor | { error: string } | null;
  /**
   * The key log's raw secrets for this ClientHello random: QUIC protects packets, not records, and derives its
   * keys from the handshake traffic secrets with its own labels (RFC 9001 §5.1).
   */
  secrets?(clientRandom: Uint8Array): SessionSecrets | undefined;
}

/**
 * What a record framer (stream.ts, dtls.ts) hands its records to: the connection that owns it. `body` is a view
 * valid during the call, or null when the framer skipped the record unread (length `len`); `epoch` is the DTLS
 * epoch, -1 for TLS.
 */
export interface RecordSink {
  /** The connection needs no more records. */
  readonly closed: boolean;
  record(dir: Dir, type: number, header: Uint8Array, body: Uint8Array | null, len: number, frame: number, ts: number, epoch?: number): void;
  sslv2ClientHello(dir: Dir, hello: Sslv2Hello, frame: number, ts: number): void;
  /** Whether the body of a record of this type is wanted (others are skipped by length, never buffered). */
  wantsBody(dir: Dir, type: number): boolean;
  /** The stream of this direction was cut (a gap, a bad record header): returns the handshake message lost, if any. */
  streamCut(dir: Dir): string | null;
  /** A handshake message of this direction left incomplete so far, if any. */
  pendingMessage(dir: Dir): string | null;
  /** "client", "server", or which direction while the sides are not known (for notes). */
  sideName(dir: Dir): string;
  flowNote(s: string): void;
}

/** The first step of the TLS stage for one flow: bytes or datagrams -> records, handed to a RecordSink. */
export interface RecordFramer {
  /** Nothing on this flow looks like TLS (any more). */
  readonly done: boolean;
  /** A TLS (DTLS) record was found in either direction. */
  readonly sawRecords: boolean;
  /** Protocol of a plaintext prefix before TLS (STARTTLS and friends), once guessed. */
  readonly startTls: string | undefined;
  /** Set by the owner once a handshake has begun on the flow: an alert or ChangeCipherSpec may then start a direction. */
  handshakeBegun: boolean;
  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void;
  gap(dir: Dir, bytes: number, frame: number): void;
  /** The flow ended: hand on what partial records still hold. */
  end(): void;
  /** Drops buffers once the flow needs nothing more. */
  release(): void;
}
