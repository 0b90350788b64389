/**
 * The data model shared by every stage (DESIGN.md "Data model"). Field names are part of the JSON contract of
 * `scan --json`: add fields freely, rename none.
 */
// The code table is a leaf module (it imports nothing): the model names its union, as it names Severity.
import type { VerdictCode } from './trust/codes.js';

export interface Endpoint {
  ip: string;
  port: number;
}

export type Side = 'client' | 'server';

export interface Alert {
  from: Side;
  level: number; // 1 warning, 2 fatal
  levelName: string;
  description: number;
  descriptionName: string;
  frame: number;
  /** true when the alert travelled encrypted and its content is a guess (shown as "encrypted alert"). */
  encrypted?: boolean;
}

export interface CertificateRequestInfo {
  /** ClientCertificateType names (TLS <= 1.2), e.g. rsa_sign, ecdsa_sign. */
  types: string[];
  /** SignatureScheme names, e.g. rsa_pss_rsae_sha256. */
  sigAlgs: string[];
  /** Distinguished names of the CAs the server accepts, RFC 4514 strings. */
  authorities: string[];
  frame: number;
}

export interface OcspInfo {
  /** DER of the OCSPResponse, base64. */
  der: string;
  frame: number;
}

export interface Handshake {
  id: number;
  /** Index into ScanResult.captures of the capture the handshake came from. */
  capture?: number;
  /** 'udp' is DTLS; 'quic' a QUIC connection's TLS handshake (its CRYPTO frames, over UDP). */
  transport: 'tcp' | 'udp' | 'quic';
  /** QUIC only: the version, and what the server did before the handshake could go on. */
  quic?: QuicInfo;
  client: Endpoint;
  server: Endpoint;
  firstFrame: number;
  lastFrame: number;
  /** Capture time of the ClientHello (or the first TLS record seen), ISO 8601. */
  time: string;
  /** Capture time as seconds since the epoch (fractional). */
  ts: number;
  sni?: string;
  /**
   * The ClientHello's 32-byte random, hex: the same at every point of the path while the TLS session is end to
   * end (NAT changes addresses and ports, not this), so `compare` pairs the handshakes of two captures by it.
   */
  clientRandom?: string;
  alpn?: string[];
  /**
   * Fingerprints of the (latest) ClientHello: JA3 (MD5 hex, as tshark's tls.handshake.ja3, Zeek's ja3 package and
   * Suricata log it) and JA4 (FoxIO, e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1"). Absent for an SSL 2.0-compatible
   * ClientHello, which has neither extensions nor 2-byte cipher suites.
   */
  ja3?: string;
  ja4?: string;
  /** JA3S (MD5 hex) of the (final) ServerHello. */
  ja3s?: string;
  /**
   * Key exchange group, named as Zeek and ECS name curves ("x25519", "secp256r1", "ffdhe2048"): the ServerHello's
   * key_share in TLS 1.3, the ServerKeyExchange's named curve for an ECDHE suite in TLS <= 1.2.
   */
  keyExchangeGroup?: string;
  /** The ALPN protocol the server selected (ServerHello; in TLS 1.3 EncryptedExtensions, read with a key log). */
  negotiatedAlpn?: string;
  /** Version the client offered at most, e.g. "TLS 1.2". */
  clientVersion?: string;
  /** Negotiated version, e.g. "TLS 1.3" (from supported_versions when present). */
  version?: string;
  /** Negotiated cipher suite name, or 0x.... when unknown. */
  cipher?: string;
  /** SHA-256 (hex) of each certificate in the order the server sent them; [] when none was sent. */
  serverChain: string[];
  /** Same for the client (mutual TLS); [] when the client sent an empty Certificate or none. */
  clientChain: string[];
  /** true when the client answered a CertificateRequest with a Certificate message holding no certificate. */
  clientSentEmptyCertificate?: boolean;
  certificateRequest?: CertificateRequestInfo;
  ocsp?: OcspInfo;
  alerts: Alert[];
  /** true when the handshake travelled encrypted (TLS 1.3, or a TLS 1.2 renegotiation) and could not be decrypted. */
  encrypted: boolean;
  /**
   * true when both sides reached the end of their handshake (CCS/Finished or application data seen) and, in
   * mutual TLS 1.3, the server answered the client's certificate flight with something other than an alert
   * (its own Finished comes before it): each side then evidently accepted what the other presented.
   */
  complete: boolean;
  /** Named oddities (Zeek's "weirds"): truncation, gaps, parse errors, limits hit. */
  notes: string[];
  verdicts?: Verdict[];
  /** Protocol seen before TLS started (smtp, imap, pop3, ftp, xmpp, ldap, postgresql, ...), if any. */
  startTls?: string;
  /** Handshake frame numbers useful for reports: ClientHello, ServerHello, Certificate messages. */
  frames?: { clientHello?: number; serverHello?: number; serverCertificate?: number; clientCertificate?: number };
}

export interface QuicInfo {
  /** "QUIC v1", "QUIC v2". */
  version: string;
  /** The server answered the first Initial with a Retry (address validation). */
  retry?: boolean;
  /** The versions a Version Negotiation packet from the server offered. */
  offeredVersions?: string[];
}

export interface CertificateInfo {
  sha256: string;
  sha1: string;
  subject: string;
  issuer: string;
  /** Common name of subject/issuer, for compact display. */
  subjectCN?: string;
  issuerCN?: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sans: { type: string; value: string }[];
  keyUsage: string[];
  extKeyUsage: string[];
  key: { type: string; bits?: number; curve?: string };
  signatureAlgorithm: string;
  isCA: boolean;
  pathLen?: number;
  aki?: string;
  ski?: string;
  selfSigned: boolean;
  aia?: { ocsp: string[]; caIssuers: string[] };
  crlDistributionPoints?: string[];
  sctCount?: number;
  pem: string;
  /** Parse problems; a certificate that failed to parse has only sha256, sha1, pem and notes. */
  notes?: string[];
}

export type Severity = 'ok' | 'info' | 'warning' | 'error';

export interface Verdict {
  /** One of the stable codes of src/trust/codes.ts (the JSON contract: added freely, never renamed). */
  code: VerdictCode;
  severity: Severity;
  /** 'server' | 'client' for a chain-level verdict, or a certificate's sha256, or 'handshake'. */
  subject: string;
  message: string;
  fix?: string;
}

/** One leaf certificate among several presented for the same server name or address (src/trust/consistency.ts). */
export interface CertificateVariant {
  /** SHA-256 of the leaf certificate. */
  sha256: string;
  /** Ids of the handshakes that saw it, the first LIMITS.consistencyIdsPerVariant of them. */
  handshakes: number[];
  /** How many more handshakes saw it than `handshakes` lists. */
  moreHandshakes: number;
  /** Server addresses (ip:port, IPv6 in brackets) that presented it, the first few; `moreServers` counts the
   *  handshakes that saw it at further addresses. */
  servers: string[];
  moreServers: number;
  /** Capture times of the first and the last handshake that saw it, ISO 8601. */
  firstTime: string;
  lastTime: string;
  /** Worst severity of the server-side verdicts of those handshakes. */
  worst: Severity;
}

/**
 * A finding about a capture as a whole, not one handshake: the shape of a Verdict (subject 'capture') plus what
 * the handshakes had in common and the variants seen.
 */
export interface CaptureFinding extends Verdict {
  /** The server name (SNI) and/or server address the handshakes shared. */
  key: { sni?: string; server?: Endpoint };
  variants: CertificateVariant[];
  /** Variants seen beyond the ones listed (a cap keeps memory bounded). */
  moreVariants: number;
}

export interface CaptureSummary {
  file: string;
  format: string; // pcap, pcap-ns, pcapng, and "+gzip"
  linkTypes: string[];
  packets: number;
  bytes: number;
  truncated?: { atOffset: number; message: string };
  notes: string[];
  /** Counters of things skipped on purpose: unknown link types, non-IP, ... */
  skipped?: Record<string, number>;
  /** Set when the file could not be read at all (not a capture, missing): the one-line reason. */
  error?: string;
  /** Set when reading was stopped before the input ended (Ctrl-C, `-c`, `-a duration:`): why. */
  stopped?: string;
  /**
   * Findings about the capture as a whole, known once it has been read (so `scan --json` writes captures[] after
   * the handshakes): the same server name or address presenting different leaf certificates.
   */
  findings?: CaptureFinding[];
}

export interface ScanResult {
  certshark: string;
  captures: CaptureSummary[];
  handshakes: Handshake[];
  certificates: CertificateInfo[];
}

/** Push a note, respecting LIMITS.notesPerObject (the last slot says how many were dropped). */
export function addNote(notes: string[], note: string, max = 32): void {
  if (notes.length < max - 1) {
    notes.push(note);
  } else if (notes.length === max - 1) {
    notes.push('further notes omitted');
  }
}

export interface ScanProgress {
  file: string;
  /** Index of the capture among those of the scan. */
  capture?: number;
  bytesRead: number;
  /** Size of the input when known (a file); undefined for stdin. */
  totalBytes?: number;
  packets: number;
  handshakes: number;
}

/** One certificate of a judged path: sent in the handshake (its position in the Certificate message) or added
 *  from the trust store. A certificate both sent and in the store counts as sent: that is what the peer did. */
export interface PathCertificate {
  sha256: string;
  source: 'wire' | 'store';
  wireIndex?: number;
}

/**
 * Where a judged path stops short of a trust anchor or a self-signed root: the issuer it needs next (its CN, else
 * its DN) and why it is not there: `missing-intermediate` (the sender's own issuer was neither sent nor in the
 * store), `untrusted-root` (the CA at the top of what was found is not trusted, or, on an Expressway, the root
 * above a trusted CA is not in the list), `not-sent` (no judgement says more: trust not judged, or too deep).
 */
export interface MissingLink {
  issuer: string;
  reason: 'missing-intermediate' | 'untrusted-root' | 'not-sent';
}

/** The chain trust built for one side (src/trust chose it among every path it found), leaf first. */
export interface ChainPath {
  certificates: PathCertificate[];
  missing?: MissingLink;
}

/** The path each side's chain of one handshake was judged on: sent and trust-store certificates, the missing link. */
export interface TrustPaths {
  /** Handshake.id */
  id: number;
  server?: ChainPath;
  client?: ChainPath;
}

/**
 * What a scan session reports while it runs (src/session.ts), for the TUI to render as the capture loads.
 * Events are batched: at most a few per second.
 */
export interface ScanListener {
  onProgress?(p: ScanProgress): void;
  /** New handshakes (already judged, verdicts filled) and the certificates first seen with them. */
  onHandshakes?(handshakes: Handshake[], newCertificates: CertificateInfo[]): void;
  /**
   * The trust paths of the handshakes reported next, and the trust-store certificates (`--ca`, system or public
   * roots) on those paths not reported before. Those are not in the capture, so ScanResult.certificates does not
   * hold them; the interactive view shows and exports the chain as built with them.
   */
  onTrustPaths?(paths: TrustPaths[], storeCertificates: CertificateInfo[]): void;
  /**
   * A line from the capture process feeding the scan (dumpcap or tcpdump on stderr: "Capturing on 'lo'", a
   * permission error). Subprocess text: shown escaped, and only the last line of it.
   */
  onStatus?(text: string, tone?: 'info' | 'error'): void;
  onDone?(result: ScanResult): void;
  /** The input could not be read at all (not a capture, missing file): one line. */
  onError?(message: string): void;
}
