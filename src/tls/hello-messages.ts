/**
 * Decoders for the hello messages (ClientHello, ServerHello, DTLS HelloVerifyRequest, the SSL 2.0-compatible
 * CLIENT-HELLO) and EncryptedExtensions, which carries the rest of the ServerHello's extensions in TLS 1.3. They
 * feed the handshake model and the fingerprints; the other messages are in messages.ts. Every decoder works on the
 * body of one complete message and returns views into it, not copies.
 */
import { eachExtension } from './extensions.js';
import { isGrease, versionRank } from './names.js';
import { EMPTY, fail, finish, ok, Reader, type Result } from './result.js';

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

/** RFC 6347 4.2.1 HelloVerifyRequest: server_version, cookie. */
export function parseHelloVerifyRequest(body: Uint8Array): Result<{ version: number; cookie: Uint8Array }> {
  const r = new Reader(body);
  const version = r.u16('server_version');
  const cookie = r.vec(1, 'cookie');
  return finish(r, { version, cookie });
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

