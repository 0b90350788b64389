import { children, oidToString, readTlv, type Tlv } from '../der/index.js';
import { OID } from './oids.js';

/** A SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) taken apart: views into the input. */
export interface SpkiView {
  algorithmOid: string;
  /** AlgorithmIdentifier parameters (an EC curve OID, DSA domain parameters), when present. */
  parameters?: Tlv;
  /** subjectPublicKey BIT STRING value without its unused-bits octet. */
  key: Uint8Array;
  /** RSA keys (rsaEncryption, RSASSA-PSS): modulus and exponent INTEGER contents; null when the key is malformed. */
  rsa?: { modulus: Uint8Array; exponent?: Uint8Array } | null;
}

/** null when the element is not SEQUENCE { SEQUENCE { OID, ... }, BIT STRING }. */
export function readSpki(spki: Uint8Array): SpkiView | null {
  const s = readTlv(spki);
  const f = s ? children(s.content) : null;
  const alg = f && f[0] && f[0].tag === 0x30 ? children(f[0].content) : null;
  if (!f || !alg || !alg[0] || alg[0].tag !== 0x06 || !f[1] || f[1].tag !== 0x03) return null;
  const oid = oidToString(alg[0].content) ?? '?';
  const view: SpkiView = { algorithmOid: oid, key: f[1].content.subarray(1) };
  if (alg[1]) view.parameters = alg[1];
  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    const rsa = readTlv(view.key);
    const n = rsa && rsa.tag === 0x30 ? children(rsa.content) : null;
    view.rsa = n && n[0] && n[0].tag === 0x02 ? { modulus: n[0].content, exponent: n[1]?.content } : null;
  }
  return view;
}
