/**
 * TLS fingerprints analysts search by: JA3 and JA3S (Salesforce, BSD-3-Clause) and JA4 (FoxIO, BSD-3-Clause; the
 * client fingerprint only: JA4S, JA4X and the rest of JA4+ are under the FoxIO License 1.1 and left out).
 * Computed from the views parseClientHello / parseServerHello keep, once per hello.
 */
import * as crypto from 'node:crypto';
import type { ClientHelloInfo, ServerHelloInfo } from './hello-messages.js';
import { isGrease } from './names.js';

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/** The 2-byte values of a list view, GREASE (RFC 8701) removed. */
function values16(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) {
    const v = u16(b, i);
    if (!isGrease(v)) out.push(v);
  }
  return out;
}

const noGrease = (a: number[]): number[] => a.filter((v) => !isGrease(v));
/** crypto.hash (Node >= 20.12) is about three times faster than a Hash object for one short input. */
const digest: (alg: string, s: string) => string =
  typeof crypto.hash === 'function'
    ? (alg, s) => crypto.hash(alg, s, 'hex')
    : (alg, s) => crypto.createHash(alg).update(s).digest('hex');
const md5 = (s: string): string => digest('md5', s);

/**
 * JA3: MD5 of "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurveFormats", decimal values joined by '-',
 * GREASE removed. The version is the legacy client_version (771 for a TLS 1.3 ClientHello), as the original does.
 */
export function ja3String(ch: ClientHelloInfo): string {
  const formats: number[] = [];
  for (const f of ch.pointFormats) formats.push(f);
  return [
    ch.legacyVersion,
    values16(ch.cipherBytes).join('-'),
    noGrease(ch.extensionTypes).join('-'),
    values16(ch.groups).join('-'),
    formats.join('-'),
  ].join(',');
}

/** JA3S: MD5 of "SSLVersion,Cipher,Extensions" of the ServerHello (legacy_version, 771 in TLS 1.3). */
export function ja3sString(sh: ServerHelloInfo): string {
  return `${sh.legacyVersion},${sh.cipher},${noGrease(sh.extensionTypes).join('-')}`;
}

export const ja3 = (ch: ClientHelloInfo): string => md5(ja3String(ch));
export const ja3s = (sh: ServerHelloInfo): string => md5(ja3sString(sh));

const JA4_VERSIONS: Record<number, string> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2',
  0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
const sha12 = (s: string): string => digest('sha256', s).slice(0, 12);
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** JA4 "first and last characters of the first ALPN value": the bytes themselves when alphanumeric, else hex. */
function alpnPart(a: Uint8Array | undefined): string {
  if (!a || a.length === 0) return '00';
  const first = a[0]!;
  const last = a[a.length - 1]!;
  if (isAlnum(first) && isAlnum(last)) return String.fromCharCode(first, last);
  const hex = Buffer.from(a).toString('hex');
  return hex[0]! + hex[hex.length - 1]!;
}

/**
 * JA4 (FoxIO technical_details/JA4.md): `t|d`, version (highest supported_versions entry, else legacy_version),
 * `d` SNI / `i` none, cipher and extension counts, ALPN first/last characters; then the truncated SHA-256 of the
 * sorted cipher list; then of the sorted extension list (without SNI and ALPN) '_' the signature algorithms in
 * their order. GREASE is ignored everywhere. `maxVersion` ranks DTLS versions by age, not by numeric value.
 */
export function ja4(ch: ClientHelloInfo, dtls: boolean, quic = false): string {
  const ciphers = values16(ch.cipherBytes);
  const exts = noGrease(ch.extensionTypes);
  const a =
    (quic ? 'q' : dtls ? 'd' : 't') +
    (JA4_VERSIONS[ch.maxVersion] ?? '00') +
    (exts.includes(0) ? 'd' : 'i') +
    two(ciphers.length) +
    two(exts.length) +
    alpnPart(ch.firstAlpn);
  const b = ciphers.length ? sha12(ciphers.map(hex4).sort().join(',')) : '000000000000';
  const sorted = exts.filter((t) => t !== 0 && t !== 0x10).map(hex4).sort();
  const sigs = values16(ch.sigAlgs).map(hex4);
  const c = sorted.length ? sha12(sorted.join(',') + (sigs.length ? `_${sigs.join(',')}` : '')) : '000000000000';
  return `${a}_${b}_${c}`;
}
