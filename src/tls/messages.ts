/**
 * Decoders for the handshake messages after the hellos (ServerKeyExchange, Certificate, CertificateRequest,
 * CertificateStatus, CompressedCertificate); the hellos are in hello-messages.ts. Every decoder works on the body of
 * one complete message (after the 4-byte TLS / 12-byte DTLS handshake header) and returns views into it, not copies.
 */
import { dnToString } from './dn.js';
import { eachExtension } from './extensions.js';
import { certTypeName, sigAlgName } from './names.js';
import { EMPTY, fail, finish, ok, Reader, type Fail, type Result } from './result.js';

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

export { EMPTY };
