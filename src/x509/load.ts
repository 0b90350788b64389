import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '../limits.js';
import { children, oidToString, readTlv } from '../der/index.js';
import { OID } from './oids.js';

/** A certificate file that cannot be used at all: the CLI prints `message` (one line) and exits 2. */
export class CertificateFileError extends Error {
  override name = 'CertificateFileError';
}

export interface LoadedCertificates {
  /** DER of every certificate found, in file order (directory entries sorted by name). */
  certs: Uint8Array[];
  /** Things skipped or tolerated: text around PEM blocks, keys, CRLs, unreadable directory entries. */
  notes: string[];
}

const PEM_RE = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Certificates from PKCS#7 SignedData DER (RFC 5652 §5.1, "certs-only" .p7b as exported by Windows and ASA):
 * ContentInfo { contentType, [0] EXPLICIT SignedData { version, digestAlgorithms, encapContentInfo,
 * [0] IMPLICIT CertificateSet, ... } }. Returns null when `der` is not a SignedData ContentInfo.
 */
export function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] | null {
  const ci = readTlv(der);
  const f = ci && ci.tag === 0x30 ? children(ci.content) : null;
  if (!f || f.length < 2 || f[0]!.tag !== 0x06 || oidToString(f[0]!.content) !== OID.pkcs7SignedData) return null;
  if (f[1]!.tag !== 0xa0) return null;
  const sd = readTlv(f[1]!.content);
  const s = sd && sd.tag === 0x30 ? children(sd.content) : null;
  if (!s) return null;
  const set = s.find((x) => x.tag === 0xa0);
  if (!set) return [];
  const out: Uint8Array[] = [];
  // CertificateChoices: only the plain Certificate (a SEQUENCE) is kept; [0]..[3] alternatives are obsolete forms.
  for (const c of children(set.content) ?? []) if (c.tag === 0x30) out.push(Uint8Array.from(c.raw));
  return out;
}

/**
 * Certificates in one buffer: PEM (any number of CERTIFICATE / X509 CERTIFICATE / TRUSTED CERTIFICATE / PKCS7
 * blocks, text around them tolerated), DER certificate, or DER PKCS#7. `name` is used in notes.
 */
export function certificatesFromBytes(buf: Uint8Array, name: string): LoadedCertificates {
  const certs: Uint8Array[] = [];
  const notes: string[] = [];
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, 1 << 20)).toString('latin1');
  if (head.includes('-----BEGIN ')) {
    const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
    for (const m of text.matchAll(PEM_RE)) {
      const label = m[1]!;
      // RFC 7468 §2: headers (Proc-Type...) may precede the base64; drop lines holding ':'.
      const body = m[2]!.split(/\r?\n/).filter((l) => !l.includes(':')).join('');
      const der = new Uint8Array(Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
      if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE') {
        // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate: keep the first element.
        const t = readTlv(der);
        if (!t || t.tag !== 0x30) { notes.push(`${name}: a ${label} block is not valid DER, skipped`); continue; }
        certs.push(t.end === der.length ? der : der.slice(0, t.end));
      } else if (label === 'PKCS7' || label === 'CMS') {
        const p = certificatesFromPkcs7(der);
        if (!p) notes.push(`${name}: a ${label} block is not PKCS#7 SignedData, skipped`);
        else certs.push(...p);
      } else {
        notes.push(`${name}: ${label} block skipped (not a certificate)`);
      }
    }
    return { certs, notes };
  }
  const t = readTlv(buf);
  if (t && t.tag === 0x30) {
    const p = certificatesFromPkcs7(buf);
    if (p) return { certs: p, notes };
    if (t.end !== buf.length) notes.push(`${name}: ${buf.length - t.end} bytes after the DER certificate ignored`);
    certs.push(Uint8Array.from(t.raw));
    return { certs, notes };
  }
  return { certs, notes };
}

function readBounded(path: string): Uint8Array {
  const st = statSync(path);
  if (st.size > LIMITS.certificateFileBytes)
    throw new CertificateFileError(`${path}: file is larger than ${LIMITS.certificateFileBytes} bytes, not a certificate file`);
  return new Uint8Array(readFileSync(path));
}

/**
 * Load certificates from a file (PEM, DER, PKCS#7 in DER or PEM) or a directory (every regular file in it, not
 * recursive, as OpenSSL's -CApath and an Expressway trusted CA list export). Throws CertificateFileError with a
 * one-line message when the path cannot be read or holds no certificate at all.
 */
export function loadCertificates(path: string): LoadedCertificates {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CertificateFileError(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : 'cannot be read'}`);
  }
  const out: LoadedCertificates = { certs: [], notes: [] };
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch {
      throw new CertificateFileError(`${path}: directory cannot be read`);
    }
    if (names.length > LIMITS.certificateDirFiles) {
      out.notes.push(`${path}: only the first ${LIMITS.certificateDirFiles} of ${names.length} files read`);
      names = names.slice(0, LIMITS.certificateDirFiles);
    }
    for (const n of names) {
      const p = join(path, n);
      try {
        if (!statSync(p).isFile()) continue;
        const r = certificatesFromBytes(readBounded(p), p);
        out.certs.push(...r.certs);
        out.notes.push(...r.notes);
        if (r.certs.length === 0) out.notes.push(`${p}: no certificate in this file, skipped`);
      } catch (e) {
        out.notes.push(e instanceof CertificateFileError ? e.message : `${p}: cannot be read, skipped`);
      }
    }
    if (out.certs.length === 0) throw new CertificateFileError(`${path}: no certificate found in any file of this directory`);
    return out;
  }
  let buf: Uint8Array;
  try {
    buf = readBounded(path);
  } catch (e) {
    if (e instanceof CertificateFileError) throw e;
    throw new CertificateFileError(`${path}: cannot be read`);
  }
  const r = certificatesFromBytes(buf, path);
  if (r.certs.length === 0)
    throw new CertificateFileError(`${path}: no certificate found (expected PEM, DER or PKCS#7 .p7b)`);
  return r;
}
