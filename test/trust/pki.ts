/** Test PKI built with @peculiar/x509 on node's WebCrypto: keys generated once per file, certificates on demand. */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

export type Keys = CryptoKeyPair & { alg: Algorithm & Record<string, unknown> };

export async function ecKeys(namedCurve: 'P-256' | 'P-384' = 'P-256'): Promise<Keys> {
  const alg = { name: 'ECDSA', namedCurve, hash: namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384' };
  const k = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  return Object.assign(k, { alg });
}
export async function rsaKeys(bits = 2048, hash = 'SHA-256', pss = false): Promise<Keys> {
  const alg = { name: pss ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash, ...(pss ? { saltLength: 32 } : {}) };
  const k = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  return Object.assign(k, { alg });
}
export async function edKeys(): Promise<Keys> {
  const alg = { name: 'Ed25519' };
  const k = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  return Object.assign(k, { alg });
}

export const CAPTURE = Date.UTC(2025, 5, 1); // 2025-06-01, the fixed "capture time" of these tests
const DAY = 86_400_000;

export interface CertSpec {
  name: string; // e.g. "CN=leaf.example.com"
  keys: Keys;
  issuer?: { name: string; keys: Keys };
  ca?: boolean;
  pathLen?: number;
  ku?: number;
  eku?: string[];
  sans?: { type: 'dns' | 'ip' | 'email'; value: string }[];
  notBefore?: number;
  notAfter?: number;
  serial?: string;
  extra?: x509.Extension[];
  noKeyIds?: boolean;
}

let serial = 1;
export async function cert(s: CertSpec): Promise<Uint8Array> {
  const iss = s.issuer ?? { name: s.name, keys: s.keys };
  const exts: x509.Extension[] = [];
  if (s.ca !== undefined) exts.push(new x509.BasicConstraintsExtension(s.ca, s.pathLen, true));
  if (s.ku !== undefined) exts.push(new x509.KeyUsagesExtension(s.ku, true));
  else if (s.ca) exts.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  if (s.eku) exts.push(new x509.ExtendedKeyUsageExtension(s.eku));
  if (s.sans) exts.push(new x509.SubjectAlternativeNameExtension(s.sans));
  if (!s.noKeyIds) {
    exts.push(await x509.SubjectKeyIdentifierExtension.create(s.keys.publicKey));
    exts.push(await x509.AuthorityKeyIdentifierExtension.create(iss.keys.publicKey));
  }
  exts.push(...(s.extra ?? []));
  const c = await x509.X509CertificateGenerator.create({
    serialNumber: s.serial ?? (serial++).toString(16).padStart(4, '0'),
    subject: s.name,
    issuer: iss.name,
    notBefore: new Date(s.notBefore ?? CAPTURE - 150 * DAY),
    notAfter: new Date(s.notAfter ?? CAPTURE + 200 * DAY),
    signingAlgorithm: iss.keys.alg,
    publicKey: s.keys.publicKey,
    signingKey: iss.keys.privateKey,
    extensions: exts,
  });
  return new Uint8Array(c.rawData);
}

export const EKU = { server: '1.3.6.1.5.5.7.3.1', client: '1.3.6.1.5.5.7.3.2' };
export const KU = x509.KeyUsageFlags;

/** DER of a nameConstraints value permitting the given DNS subtrees (RFC 5280 §4.2.1.10), hand-encoded. */
export function nameConstraints(permittedDns: string[], excludedDns: string[] = []): x509.Extension {
  const tlv = (tag: number, body: Uint8Array): Uint8Array => {
    const len = body.length < 128 ? [body.length] : [0x81, body.length];
    return Uint8Array.from([tag, ...len, ...body]);
  };
  const subtrees = (names: string[]) => names.map((n) => tlv(0x30, tlv(0x82, new TextEncoder().encode(n))));
  const cat = (a: Uint8Array[]) => Uint8Array.from(a.flatMap((x) => [...x]));
  const parts: Uint8Array[] = [];
  if (permittedDns.length) parts.push(tlv(0xa0, cat(subtrees(permittedDns))));
  if (excludedDns.length) parts.push(tlv(0xa1, cat(subtrees(excludedDns))));
  return new x509.Extension('2.5.29.30', true, tlv(0x30, cat(parts)));
}

export function toPem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}
