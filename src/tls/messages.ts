/**
 * Decoders for the handshake message bodies the TLS stage cares about. Every decoder works on the body of one
 * complete message (after the 4-byte TLS / 12-byte DTLS handshake header) and returns views into it, not copies.
 */
import { dnToString } from './dn.js';
import { certTypeName, isGrease, sigAlgName, versionRank } from './names.js';
import { EMPTY, fail, ok, Reader, type Fail, type Result } from './result.js';

/**
 * Walks an extensions block (RFC 8446 4.2): `each(type, data, end)` for every extension, `end` being the offset in
 * `exts` just after its data. Returns the first failure `each` returns, or a truncated block's failure with its
 * offset counted from `base` (where `exts` starts in the message body), or null.
 */
function eachExtension(exts: Uint8Array, base: number, each: (type: number, data: Uint8Array, end: number) => Fail | void): Fail | null {
  const e = new Reader(exts);
  while (e.remaining > 0 && !e.failed) {
    const type = e.u16('extension type');
    const data = e.vec(2, 'extension data');
    if (e.failed) break;
    const f = each(type, data, e.pos);
    if (f) return f;
  }
  return e.failed ? fail(e.failed.kind, base + e.failed.offset, e.failed.what) : null;
}

export interface ClientHelloInfo {
  legacyVersion: number;
  random: Uint8Array;
  cipherSuites: number[];
  sni?: string;
  alpn?: string[];
  /** supported_versions (RFC 8446 section 4.2.1), GREASE removed; empty when absent. */
  supportedVersions: number[];
  /** Highest version offered (supported_versions when present, else legacy_version). */
  maxVersion: number;
  cookieLength: number;
  /** The fingerprints' inputs (JA3, JA4), as views of the message: cipher_suites, 2 bytes each, in order. */
  cipherBytes: Uint8Array;
  /** Extension types in the order sent (GREASE included: each fingerprint filters). */
  extensionTypes: number[];
  /** supported_groups (RFC 8422 5.1.1 / RFC 8446 4.2.7) named_group_list, 2 bytes each; empty when absent. */
  groups: Uint8Array;
  /** ec_point_formats (RFC 8422 5.1.2), 1 byte each; empty when absent. */
  pointFormats: Uint8Array;
  /** signature_algorithms (RFC 8446 4.2.3) list, 2 bytes each, in order; empty when absent. */
  sigAlgs: Uint8Array;
  /** The first ALPN protocol name as bytes (JA4 reads its first and last byte), when the extension has one. */
  firstAlpn?: Uint8Array;
}

export interface ServerHelloInfo {
  legacyVersion: number;
  random: Uint8Array;
  cipher: number;
  /** supported_versions selection when present, else legacy_version. */
  version: number;
  /** RFC 8446 section 4.1.3: a ServerHello carrying this random is a HelloRetryRequest. */
  helloRetry: boolean;
  /** encrypt_then_mac (RFC 7366, extension 22) present: CBC records are MACed after encryption. */
  encryptThenMac: boolean;
  /** Extension types in the order sent (JA3S). */
  extensionTypes: number[];
  /** key_share (RFC 8446 4.2.8): the group of the server's share (of a HelloRetryRequest: the group it asks for). */
  keyShareGroup?: number;
  /** ALPN (RFC 7301 3.1): the one protocol the server selected (TLS <= 1.2; TLS 1.3 sends it encrypted). */
  alpn?: string;
}

const HRR_RANDOM = Uint8Array.from(
  Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'),
);

const latin1 = new TextDecoder('latin1');

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function finish<T>(r: Reader, v: T): Result<T> {
  return r.failed ? r.failed : ok(v);
}

/** RFC 5246 7.4.1.2 / RFC 8446 4.1.2 (DTLS adds a cookie after session_id, RFC 6347 4.2.1). */
export function parseClientHello(body: Uint8Array, dtls: boolean): Result<ClientHelloInfo> {
  const r = new Reader(body);
  const legacyVersion = r.u16('client_version');
  const random = r.bytes(32, 'random');
  const sid = r.vec(1, 'session_id');
  if (sid.length > 32) return fail('malformed', r.pos - sid.length - 1, 'session_id longer than 32');
  let cookieLength = 0;
  if (dtls) cookieLength = r.vec(1, 'cookie').length;
  const cs = r.vec(2, 'cipher_suites');
  if (r.failed) return r.failed;
  if (cs.length % 2) return fail('malformed', r.pos - cs.length - 2, 'odd cipher_suites length');
  const cipherSuites: number[] = [];
  for (let i = 0; i < cs.length; i += 2) cipherSuites.push((cs[i]! << 8) | cs[i + 1]!);
  r.vec(1, 'compression_methods');
  const info: ClientHelloInfo = {
    legacyVersion,
    random,
    cipherSuites,
    supportedVersions: [],
    maxVersion: legacyVersion,
    cookieLength,
    cipherBytes: cs,
    extensionTypes: [],
    groups: EMPTY,
    pointFormats: EMPTY,
    sigAlgs: EMPTY,
  };
  if (r.failed) return r.failed;
  if (r.remaining === 0) return ok(info); // extensions are optional (SSL 3.0, old clients)
  const exts = r.vec(2, 'extensions');
  if (r.failed) return r.failed;
  const bad = eachExtension(exts, body.length - exts.length, (type, data) => {
    const x = new Reader(data);
    info.extensionTypes.push(type);
    if (type === 0) {
      // server_name, RFC 6066 section 3: first host_name entry
      const list = new Reader(x.vec(2, 'server_name_list'));
      while (list.remaining > 0 && !list.failed) {
        const nt = list.u8('name_type');
        const name = list.vec(2, 'host_name');
        if (!list.failed && nt === 0 && info.sni === undefined) info.sni = latin1.decode(name);
      }
      if (list.failed || x.failed) return fail('malformed', body.length - r.remaining, 'server_name extension');
    } else if (type === 16) {
      // ALPN, RFC 7301 section 3.1
      const list = new Reader(x.vec(2, 'protocol_name_list'));
      const names: string[] = [];
      while (list.remaining > 0 && !list.failed) {
        const n = list.vec(1, 'protocol_name');
        if (!list.failed) {
          if (names.length === 0) info.firstAlpn = n;
          names.push(latin1.decode(n));
        }
      }
      if (list.failed || x.failed) return fail('malformed', body.length - r.remaining, 'ALPN extension');
      info.alpn = names;
    } else if (type === 43) {
      const v = x.vec(1, 'supported_versions');
      if (x.failed || v.length % 2) return fail('malformed', body.length - r.remaining, 'supported_versions');
      for (let i = 0; i < v.length; i += 2) {
        const ver = (v[i]! << 8) | v[i + 1]!;
        if (!isGrease(ver)) info.supportedVersions.push(ver);
      }
    } else if (type === 10 || type === 13) {
      // A malformed list leaves the fingerprint without it rather than failing the ClientHello.
      const v = x.vec(2, type === 10 ? 'named_group_list' : 'supported_signature_algorithms');
      if (!x.failed && v.length % 2 === 0) {
        if (type === 10) info.groups = v;
        else info.sigAlgs = v;
      }
    } else if (type === 11) {
      const v = x.vec(1, 'ec_point_format_list');
      if (!x.failed) info.pointFormats = v;
    }
  });
  if (bad) return bad;
  let best = -1;
  for (const v of info.supportedVersions) {
    const rank = versionRank(v);
    if (rank > best) {
      best = rank;
      info.maxVersion = v;
    }
  }
  return ok(info);
}

/** RFC 5246 7.4.1.3 / RFC 8446 4.1.3. */
export function parseServerHello(body: Uint8Array): Result<ServerHelloInfo> {
  const r = new Reader(body);
  const legacyVersion = r.u16('server_version');
  const random = r.bytes(32, 'random');
  // TLS 1.3 drafts up to 21 sent their version here and dropped session_id and compression_method
  // (draft-ietf-tls-tls13-21 4.1.3); draft 22 put them back, behind legacy_version 0x0303, for middlebox
  // compatibility.
  const draftForm = legacyVersion >> 8 === 0x7f && (legacyVersion & 0xff) <= 21;
  const sid = draftForm ? new Uint8Array(0) : r.vec(1, 'session_id');
  const cipher = r.u16('cipher_suite');
  if (!draftForm) r.u8('compression_method');
  if (r.failed) return r.failed;
  if (sid.length > 32) return fail('malformed', 35, 'session_id longer than 32');
  const info: ServerHelloInfo = {
    legacyVersion,
    random,
    cipher,
    version: legacyVersion,
    helloRetry: bytesEqual(random, HRR_RANDOM),
    encryptThenMac: false,
    extensionTypes: [],
  };
  if (r.remaining === 0) return ok(info);
  const exts = r.vec(2, 'extensions');
  if (r.failed) return r.failed;
  const bad = eachExtension(exts, body.length - exts.length, (type, data) => {
    info.extensionTypes.push(type);
    if (type === 43) {
      if (data.length !== 2) return fail('malformed', body.length - r.remaining, 'supported_versions');
      info.version = (data[0]! << 8) | data[1]!;
    } else if (type === 22) {
      info.encryptThenMac = true;
    } else if (type === 51 && data.length >= 2) {
      info.keyShareGroup = (data[0]! << 8) | data[1]!;
    } else if (type === 40 && info.keyShareGroup === undefined && data.length >= 4 && data.length === 4 + ((data[2]! << 8) | data[3]!)) {
      // key_share's number up to draft-ietf-tls-tls13-22 (and Google's experiment variants of it): a KeyShareEntry.
      info.keyShareGroup = (data[0]! << 8) | data[1]!;
    } else if (type === 16) {
      const a = selectedAlpn(data);
      if (a !== undefined) info.alpn = a;
    }
  });
  return bad ?? ok(info);
}

/** A server's ALPN extension data: a protocol_name_list of exactly one name (RFC 7301 3.1), else undefined. */
function selectedAlpn(data: Uint8Array): string | undefined {
  const x = new Reader(data);
  const list = new Reader(x.vec(2, 'protocol_name_list'));
  const name = list.vec(1, 'protocol_name');
  if (x.failed || list.failed || x.remaining || list.remaining || name.length === 0) return undefined;
  return latin1.decode(name);
}

/** EncryptedExtensions (RFC 8446 4.3.1): the ALPN protocol the server selected, if any. */
export function parseEncryptedExtensionsAlpn(body: Uint8Array): Result<string | undefined> {
  const r = new Reader(body);
  const exts = r.vec(2, 'extensions');
  if (r.failed) return r.failed;
  let alpn: string | undefined;
  const bad = eachExtension(exts, 2, (type, data) => {
    if (type === 16) alpn = selectedAlpn(data);
  });
  return bad ?? ok(alpn);
}

/**
 * ServerKeyExchange of an ECDHE suite (RFC 8422 5.4): ServerECDHParams begins with ECParameters, curve_type
 * named_curve (3) and the NamedCurve. null for the other curve types (explicit curves, deprecated).
 */
export function parseServerKeyExchangeGroup(body: Uint8Array): Result<number | null> {
  const r = new Reader(body);
  const curveType = r.u8('curve_type');
  if (r.failed) return r.failed;
  if (curveType !== 3) return ok(null);
  const group = r.u16('namedcurve');
  return finish(r, group);
}

/** RFC 6347 4.2.1 HelloVerifyRequest: server_version, cookie. */
export function parseHelloVerifyRequest(body: Uint8Array): Result<{ version: number; cookie: Uint8Array }> {
  const r = new Reader(body);
  const version = r.u16('server_version');
  const cookie = r.vec(1, 'cookie');
  return finish(r, { version, cookie });
}

/**
 * Certificate message: TLS <= 1.2 (RFC 5246 7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
 * TLS 1.3 (RFC 8446 4.4.2): certificate_request_context<0..255>, then entries of cert_data<1..2^24-1> and
 * extensions<0..2^16-1>. Returns views of each DER.
 */
export function parseCertificateList(body: Uint8Array, tls13: boolean): Result<Uint8Array[]> {
  const r = new Reader(body);
  if (tls13) r.vec(1, 'certificate_request_context');
  const total = r.u24('certificate_list length');
  if (r.failed) return r.failed;
  if (total !== r.remaining) return fail('malformed', r.pos - 3, 'certificate_list length');
  const certs: Uint8Array[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    const der = r.vec(3, 'certificate length');
    if (tls13) r.vec(2, 'certificate extensions');
    const f = r.failed as Fail | null;
    if (f) return fail('malformed', f.offset, f.what);
    if (der.length === 0) return fail('malformed', start, 'zero-length certificate');
    certs.push(der);
  }
  return ok(certs);
}

/** Decides the Certificate form from its own lengths when the version is unknown (mid-flow capture). */
export function looksLikeTls13Certificate(body: Uint8Array): boolean {
  if (body.length < 4) return false;
  const ctx = body[0]!;
  if (1 + ctx + 3 > body.length) return false;
  const p = 1 + ctx;
  const total = (body[p]! << 16) | (body[p + 1]! << 8) | body[p + 2]!;
  return total === body.length - p - 3;
}

export interface CertificateRequestParsed {
  types: string[];
  sigAlgs: string[];
  authorities: string[];
  /** DNs that failed to decode, as notes. */
  problems: string[];
}

function parseAuthorities(data: Uint8Array, out: CertificateRequestParsed, base: number): Result<void> {
  const r = new Reader(data);
  while (r.remaining > 0) {
    const at = r.pos;
    const dn = r.vec(2, 'DistinguishedName');
    if (r.failed) return fail(r.failed.kind, base + r.failed.offset, r.failed.what);
    const s = dnToString(dn);
    if (s.ok) out.authorities.push(s.value);
    else out.problems.push(`malformed-distinguished-name at offset ${base + at + 2 + s.offset}: ${s.what}`);
  }
  return ok(undefined);
}

function sigAlgList(data: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) out.push(sigAlgName((data[i]! << 8) | data[i + 1]!));
  return out;
}

/**
 * CertificateRequest. form '1.0' (TLS 1.0/1.1, SSL 3.0, DTLS 1.0): certificate_types, certificate_authorities;
 * '1.2' (RFC 5246 7.4.4) adds supported_signature_algorithms; '1.3' (RFC 8446 4.3.2): context + extensions
 * signature_algorithms (13) and certificate_authorities (47).
 */
export function parseCertificateRequest(body: Uint8Array, form: '1.0' | '1.2' | '1.3'): Result<CertificateRequestParsed> {
  const out: CertificateRequestParsed = { types: [], sigAlgs: [], authorities: [], problems: [] };
  const r = new Reader(body);
  if (form === '1.3') {
    r.vec(1, 'certificate_request_context');
    const exts = r.vec(2, 'extensions');
    if (r.failed) return r.failed;
    const base = r.pos - exts.length;
    const bad = eachExtension(exts, base, (type, data, end) => {
      const x = new Reader(data);
      const at = base + end - data.length;
      if (type === 13) {
        const list = x.vec(2, 'supported_signature_algorithms');
        if (x.failed || list.length % 2) return fail('malformed', at, 'signature_algorithms');
        out.sigAlgs = sigAlgList(list);
      } else if (type === 47) {
        const list = x.vec(2, 'certificate_authorities');
        if (x.failed) return fail('malformed', at, 'certificate_authorities');
        const a = parseAuthorities(list, out, at + 2);
        if (!a.ok) return a;
      }
    });
    if (bad) return bad;
  } else {
    const types = r.vec(1, 'certificate_types');
    for (const t of types) out.types.push(certTypeName(t));
    if (form === '1.2') {
      const list = r.vec(2, 'supported_signature_algorithms');
      if (!r.failed && list.length % 2) return fail('malformed', r.pos - list.length, 'odd signature_algorithms length');
      out.sigAlgs = sigAlgList(list);
    }
    const cas = r.vec(2, 'certificate_authorities');
    if (r.failed) return r.failed;
    const a = parseAuthorities(cas, out, r.pos - cas.length);
    if (!a.ok) return a;
  }
  return finish(r, out);
}

/** CertificateStatus, RFC 6066 section 8: status_type ocsp(1), OCSPResponse<1..2^24-1>. null for other types. */
export function parseCertificateStatus(body: Uint8Array): Result<Uint8Array | null> {
  const r = new Reader(body);
  const type = r.u8('status_type');
  if (r.failed) return r.failed;
  if (type !== 1) return ok(null);
  const resp = r.vec(3, 'OCSPResponse');
  return finish(r, resp);
}

/** CompressedCertificate, RFC 8879 section 4. */
export function parseCompressedCertificate(
  body: Uint8Array,
): Result<{ algorithm: number; uncompressedLength: number; data: Uint8Array }> {
  const r = new Reader(body);
  const algorithm = r.u16('algorithm');
  const uncompressedLength = r.u24('uncompressed_length');
  const data = r.vec(3, 'compressed_certificate_message');
  if (!r.failed && r.remaining) return fail('malformed', r.pos, 'bytes after compressed_certificate_message');
  return finish(r, { algorithm, uncompressedLength, data });
}

export interface Sslv2Hello {
  version: number;
  cipherSpecs: number;
  challenge: Uint8Array;
  /** The challenge right-aligned in 32 bytes, as SSL 3.0+ servers use it for client_random (RFC 5246 E.2). */
  random: Uint8Array;
}

/**
 * SSL 2.0-compatible CLIENT-HELLO (RFC 6101 appendix E, RFC 5246 appendix E.2): `msg` is the record body after
 * the 2-byte header: msg_type(1) version(2) cipher_spec_length(2) session_id_length(2) challenge_length(2), then
 * cipher specs (3 bytes each), session id, challenge (16..32 bytes).
 */
export function parseSslv2ClientHello(msg: Uint8Array): Result<Sslv2Hello> {
  const r = new Reader(msg);
  const type = r.u8('msg_type');
  const version = r.u16('version');
  const csLen = r.u16('cipher_spec_length');
  const sidLen = r.u16('session_id_length');
  const chLen = r.u16('challenge_length');
  if (r.failed) return r.failed;
  if (type !== 1) return fail('malformed', 0, 'not a CLIENT-HELLO');
  if (csLen % 3 || csLen === 0) return fail('malformed', 3, 'cipher_spec_length');
  if (chLen < 16 || chLen > 32) return fail('malformed', 7, 'challenge_length');
  r.skip(csLen, 'cipher_specs');
  r.skip(sidLen, 'session_id');
  const challenge = r.bytes(chLen, 'challenge');
  if (r.failed) return r.failed;
  const random = new Uint8Array(32);
  random.set(challenge, 32 - challenge.length);
  return ok({ version, cipherSpecs: csLen / 3, challenge, random });
}

export { EMPTY };
