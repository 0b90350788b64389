/**
 * A certificate's fields as Zeek's X.509 analyser reports them (x509.log, Zeek 6/7 `X509::Certificate`), so values
 * compare equal to Zeek's own: names as OpenSSL's X509_NAME_print_ex with XN_FLAG_RFC2253 prints them (most
 * specific RDN first, `,` between RDNs, `+` inside one, OpenSSL's short attribute names such as `emailAddress`,
 * RFC 2253 escapes, bytes above 0x7f as `\XX`), the serial in upper-case hex, algorithm names as OpenSSL's long
 * names (`rsaEncryption`, `id-ecPublicKey`, `sha256WithRSAEncryption`), curves as OpenSSL's short names
 * (`prime256v1`, `secp384r1`), key lengths as OpenSSL counts them (an EC key: the bits of the group order; other
 * key types: EVP_PKEY_bits, the public key's size for ML-DSA).
 */
import type { CertificateInfo } from '../model.js';
import {
  bitLength, children, decodeString, OID, OPENSSL_SHORT_NAMES, oidToString, parseCertificate, readName, readSpki, SIG_ALGS, toHex,
  type NameAttribute, type ParsedCertificate,
} from '../x509/index.js';
import { pemToDer } from './export.js';

export interface ZeekCertificate {
  version?: number;
  serial?: string;
  subject?: string;
  issuer?: string;
  notValidBefore?: number;
  notValidAfter?: number;
  keyAlg?: string;
  sigAlg?: string;
  keyType?: string;
  keyLength?: number;
  exponent?: string;
  curve?: string;
  san?: { dns: string[]; uri: string[]; email: string[]; ip: string[] };
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** DNS names a host name is checked against (x509_check_cert_hostname): subject CNs and SAN dNSNames. */
  hostNames: string[];
}

/** OpenSSL's long names (OBJ_nid2ln) of public-key algorithms. */
const KEY_ALG_LN: Record<string, string> = {
  [OID.rsaEncryption]: 'rsaEncryption', [OID.rsassaPss]: 'rsassaPss', [OID.ecPublicKey]: 'id-ecPublicKey',
  [OID.ed25519]: 'ED25519', [OID.ed448]: 'ED448', [OID.dsa]: 'dsaEncryption',
  '2.16.840.1.101.3.4.3.17': 'ML-DSA-44', '2.16.840.1.101.3.4.3.18': 'ML-DSA-65', '2.16.840.1.101.3.4.3.19': 'ML-DSA-87',
};

/** Signature algorithms whose OpenSSL long name differs from src/x509's display name. */
const SIG_ALG_LN: Record<string, string> = {
  '1.3.101.112': 'ED25519', '1.3.101.113': 'ED448', '1.2.840.10040.4.3': 'dsaWithSHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256', '1.3.14.3.2.29': 'sha1WithRSA',
};

/** OpenSSL's short names of named curves, and the bits of each group's order. */
const CURVE_SN: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.7': ['prime256v1', 256], '1.3.132.0.34': ['secp384r1', 384], '1.3.132.0.35': ['secp521r1', 521],
  '1.2.840.10045.3.1.1': ['prime192v1', 192], '1.3.132.0.33': ['secp224r1', 224], '1.3.132.0.10': ['secp256k1', 256],
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256], '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};

/** The Zeek view of a certificate of the model (parsed again from its PEM; writers keep the views they need). */
export function zeekCertificate(info: CertificateInfo): ZeekCertificate {
  const der = info.pem ? pemToDer(info.pem) : null;
  const pc = der ? parseCertificate(der) : null;
  if (!pc || !pc.ok) return { hostNames: [] };
  return zeekOfParsed(pc);
}

/** The Zeek view of a parsed certificate. */
export function zeekOfParsed(pc: ParsedCertificate): ZeekCertificate {
  const info = pc.info;
  const z: ZeekCertificate = {
    version: pc.version,
    serial: info.serial ? info.serial.toUpperCase() : undefined,
    subject: rfc2253(pc.subjectRaw),
    issuer: rfc2253(pc.issuerRaw),
    notValidBefore: Number.isFinite(pc.notBefore) ? pc.notBefore / 1000 : undefined,
    notValidAfter: Number.isFinite(pc.notAfter) ? pc.notAfter / 1000 : undefined,
    sigAlg: SIG_ALG_LN[pc.sigAlgOid] ?? SIG_ALGS[pc.sigAlgOid]?.name ?? (pc.sigAlgOid || undefined),
    hostNames: [],
  };
  Object.assign(z, keyFields(pc.spki));
  const sans = info.sans;
  if (pc.extensions.some((e) => e.oid === OID.subjectAltName)) {
    z.san = {
      dns: sans.filter((s) => s.type === 'dns').map((s) => s.value),
      uri: sans.filter((s) => s.type === 'uri').map((s) => s.value),
      email: sans.filter((s) => s.type === 'email').map((s) => s.value),
      ip: sans.filter((s) => s.type === 'ip').map((s) => s.value),
    };
  }
  if (pc.basicConstraintsPresent) z.basicConstraints = { ca: info.isCA, pathLen: info.pathLen };
  z.hostNames = [...commonNames(pc.subjectRaw), ...(z.san?.dns ?? [])];
  return z;
}

function keyFields(spki: Uint8Array): Partial<ZeekCertificate> {
  const k = readSpki(spki);
  if (!k) return {};
  const oid = k.algorithmOid === '?' ? '' : k.algorithmOid;
  const keyAlg = KEY_ALG_LN[oid] ?? oid;
  const p = k.parameters;
  if (k.rsa !== undefined) {
    if (!k.rsa || !k.rsa.exponent) return { keyAlg, keyType: 'rsa' };
    return { keyAlg, keyType: 'rsa', keyLength: bitLength(k.rsa.modulus), exponent: BigInt('0x' + (toHex(k.rsa.exponent) || '0')).toString() };
  }
  if (oid === OID.dsa) {
    const d = p && p.tag === 0x30 ? children(p.content) : null;
    return { keyAlg, keyType: 'dsa', keyLength: d && d[0] ? bitLength(d[0].content) : undefined };
  }
  if (oid === OID.ecPublicKey) {
    const c = p && p.tag === 0x06 ? oidToString(p.content) : null;
    const known = c ? CURVE_SN[c] : undefined;
    return { keyAlg, keyType: 'ecdsa', curve: known?.[0] ?? c ?? undefined, keyLength: known?.[1] };
  }
  // Other key types: Zeek names the type after the algorithm; OpenSSL's EVP_PKEY_bits is 253 for Ed25519, 456
  // for Ed448 and the size of the public key for ML-DSA.
  const keyLength = oid === OID.ed25519 ? 253 : oid === OID.ed448 ? 456 : k.key.length * 8;
  return { keyAlg, keyType: keyAlg, keyLength };
}

/** The RDNs of a Name, as the one DER reader decodes them; null when the DER is not a Name. */
function rdnsOf(nameDer: Uint8Array): NameAttribute[][] | null {
  const r = readName(nameDer);
  return r.ok ? r.rdns : null;
}

function commonNames(nameDer: Uint8Array): string[] {
  const out: string[] = [];
  for (const rdn of rdnsOf(nameDer) ?? []) {
    for (const a of rdn) {
      if (a.oid !== '2.5.4.3') continue;
      const v = decodeString(a.tag, a.content);
      if (v !== null) out.push(v);
    }
  }
  return out;
}

/** X509_NAME_print_ex(XN_FLAG_RFC2253). */
export function rfc2253(nameDer: Uint8Array): string {
  const rdns = rdnsOf(nameDer);
  if (!rdns) return '';
  const parts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--) {
    parts.push(rdns[i]!.map((a) => {
      const sn = OPENSSL_SHORT_NAMES[a.oid];
      const text = sn ? decodeString(a.tag, a.content) : null;
      // Unknown attributes (XN_FLAG_DUMP_UNKNOWN_FIELDS) and values of a non-string type: the DER in hex.
      if (!sn || text === null) return `${sn ?? a.oid}=#${toHex(a.raw).toUpperCase()}`;
      return `${sn}=${escapeValue(text)}`;
    }).join('+'));
  }
  return parts.join(',');
}

/** ASN1_STRFLGS_RFC2253: RFC 2253 specials behind a backslash, control characters and bytes above 0x7f as \XX. */
function escapeValue(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (b < 0x20 || b >= 0x7f) out += '\\' + b.toString(16).toUpperCase().padStart(2, '0');
    else if (',+"\\<>;'.includes(c)) out += '\\' + c;
    else if ((c === '#' && i === 0) || (c === ' ' && (i === 0 || i === bytes.length - 1))) out += '\\' + c;
    else out += c;
  }
  return out;
}
