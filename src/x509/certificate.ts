import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Extension, ParsedCertificate, Subtree } from './parsed-certificate.js';
import { pssParams } from './pss.js';
import type { CertificateInfo } from '../model.js';
import {
  bitLength, bytesEqual, children, integerHex, ipToString, oidToString, parseTime, readTlv, smallInt, toHex, type Tlv,
} from '../der/index.js';
import { decodeString, nameKey, parseName } from './name.js';
import { CURVES, EKU_NAMES, KEY_USAGE_BITS, OID, SIG_ALGS } from './oids.js';
import { readSpki } from './spki.js';
import { verifySignature } from './verify.js';

function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Parse a DER certificate. Never throws: a DER that is not a certificate gives ok:false with a note. The DER is
 * copied (the caller's buffer may be a reused capture chunk). Each caller keeps what it parsed (the session's
 * certificate store, a trust store): nothing is cached here.
 */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const der = Uint8Array.from(input);
  return parseOwnedCertificate(der, createHash('sha256').update(der).digest('hex'));
}

/**
 * parseCertificate for bytes the caller hands over and keeps unchanged, with their SHA-256 (hex): the session
 * passes the TLS stage's kept copy and hash, so neither the copy nor the hash is made a second time.
 */
export function parseOwnedCertificate(der: Uint8Array, sha256: string): ParsedCertificate {
  try {
    return parseUncached(der, sha256);
  } catch (e) {
    // A bug in a decoder must not take down the run: the certificate becomes unparsable with a note.
    return failed(der, sha256, `internal error while parsing: ${(e as Error).message}`);
  }
}

function failed(der: Uint8Array, sha256: string, note: string): ParsedCertificate {
  const empty = new Uint8Array(0);
  return {
    ok: false, der, sha256, version: 0, tbs: empty, sigAlgOid: '', signature: empty, spki: empty,
    subjectRaw: empty, issuerRaw: empty, subjectKey: '', issuerKey: '', notBefore: NaN, notAfter: NaN,
    extensions: [], basicConstraintsPresent: false, keyUsagePresent: false, ekuPresent: false,
    keyObject: () => null, keyError: 'certificate did not parse', sigChecks: new Map(),
    info: {
      sha256, sha1: createHash('sha1').update(der).digest('hex'), subject: '', issuer: '', serial: '',
      notBefore: '', notAfter: '', sans: [], keyUsage: [], extKeyUsage: [], key: { type: 'unknown' },
      signatureAlgorithm: '', isCA: false, selfSigned: false, pem: pemOf(der), notes: [note],
    },
  };
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : '';
}

function parseUncached(der: Uint8Array, sha256: string): ParsedCertificate {
  const bad = (what: string) => failed(der, sha256, `not an X.509 certificate: ${what}`);
  const cert = readTlv(der);
  if (!cert || cert.tag !== 0x30) return bad('no outer SEQUENCE');
  const notes: string[] = [];
  if (cert.end !== der.length) notes.push(`${der.length - cert.end} bytes after the certificate ignored`);
  const top = children(cert.content);
  if (!top || top.length !== 3) return bad('Certificate is not SEQUENCE {tbs, algorithm, signature}');
  const [tbsT, algT, sigT] = top as [Tlv, Tlv, Tlv];
  if (tbsT.tag !== 0x30 || algT.tag !== 0x30 || sigT.tag !== 0x03) return bad('unexpected element types');
  const alg = children(algT.content);
  if (!alg || alg.length < 1 || alg[0]!.tag !== 0x06) return bad('malformed signatureAlgorithm');
  const sigAlgOid = oidToString(alg[0]!.content) ?? '';
  const sigAlgParams = alg[1] && alg[1].tag !== 0x05 ? alg[1].raw : undefined;
  if (sigT.content.length < 1) return bad('empty signature');
  const signature = sigT.content.subarray(1);

  const t = children(tbsT.content);
  if (!t) return bad('malformed TBSCertificate');
  let i = 0;
  let version = 1;
  if (t[0]?.tag === 0xa0) {
    const v = readTlv(t[0].content);
    const n = v && v.tag === 0x02 ? smallInt(v.content) : null;
    if (n === null) return bad('malformed version');
    version = n + 1;
    i++;
  }
  const serialT = t[i++], innerAlg = t[i++], issuerT = t[i++], validityT = t[i++], subjectT = t[i++], spkiT = t[i++];
  if (!serialT || !innerAlg || !issuerT || !validityT || !subjectT || !spkiT) return bad('TBSCertificate too short');
  if (serialT.tag !== 0x02 || issuerT.tag !== 0x30 || validityT.tag !== 0x30 || subjectT.tag !== 0x30 || spkiT.tag !== 0x30)
    return bad('unexpected TBSCertificate element types');
  if (!bytesEqual(innerAlg.raw, algT.raw)) notes.push('signature algorithm inside the certificate differs from the outer one (RFC 5280 §4.1.1.2)');
  const validity = children(validityT.content);
  const notBefore = validity && validity[0] ? parseTime(validity[0].tag, validity[0].content) : null;
  const notAfter = validity && validity[1] ? parseTime(validity[1].tag, validity[1].content) : null;
  if (notBefore === null || notAfter === null) notes.push('malformed validity dates');

  const extensions: Extension[] = [];
  for (; i < t.length; i++) {
    const el = t[i]!;
    if (el.tag !== 0xa3) continue; // [1]/[2] unique identifiers: obsolete, ignored
    const seq = readTlv(el.content);
    const exts = seq && seq.tag === 0x30 ? children(seq.content) : null;
    if (!exts) { notes.push('malformed extensions'); break; }
    for (const e of exts) {
      const f = e.tag === 0x30 ? children(e.content) : null;
      if (!f || f.length < 2 || f[0]!.tag !== 0x06) { notes.push('malformed extension'); continue; }
      const oid = oidToString(f[0]!.content) ?? '?';
      let critical = false;
      let vi = 1;
      if (f[1]!.tag === 0x01) { critical = f[1]!.content[0] !== 0; vi = 2; }
      const v = f[vi];
      if (!v || v.tag !== 0x04) { notes.push(`malformed extension ${oid}`); continue; }
      if (extensions.some((x) => x.oid === oid)) notes.push(`extension ${oid} appears twice (RFC 5280 §4.2)`);
      extensions.push({ oid, critical, value: v.content });
    }
  }

  const subject = parseName(subjectT.raw);
  const issuer = parseName(issuerT.raw);
  const info: CertificateInfo = {
    sha256,
    sha1: createHash('sha1').update(der).digest('hex'),
    subject: subject.text,
    issuer: issuer.text,
    subjectCN: subject.cn,
    issuerCN: issuer.cn,
    serial: integerHex(serialT.content),
    notBefore: iso(notBefore ?? NaN),
    notAfter: iso(notAfter ?? NaN),
    sans: [],
    keyUsage: [],
    extKeyUsage: [],
    key: describeKey(spkiT.raw, notes),
    signatureAlgorithm: sigAlgName(sigAlgOid, sigAlgParams),
    isCA: false,
    selfSigned: false,
    pem: pemOf(der),
  };

  const pc: ParsedCertificate = {
    ok: true, der, sha256, version, tbs: tbsT.raw, sigAlgOid, sigAlgParams, signature, spki: spkiT.raw,
    subjectRaw: subjectT.raw, issuerRaw: issuerT.raw, subjectKey: nameKey(subject.text), issuerKey: nameKey(issuer.text),
    notBefore: notBefore ?? NaN, notAfter: notAfter ?? NaN, extensions,
    basicConstraintsPresent: false, keyUsagePresent: false, ekuPresent: false,
    sigChecks: new Map(),
    info,
    keyObject: () => null,
  };
  let key: KeyObject | null | undefined;
  pc.keyObject = () => {
    if (key !== undefined) return key;
    try {
      key = createPublicKey({ key: Buffer.from(pc.spki), format: 'der', type: 'spki' });
    } catch (e) {
      key = null;
      pc.keyError = `public key not usable by this Node.js (${info.key.type}): ${(e as Error).message}`;
    }
    return key;
  };

  for (const e of extensions) {
    try {
      decodeExtension(pc, e, notes);
    } catch {
      notes.push(`extension ${e.oid} could not be decoded`);
    }
  }
  // Self-signed = self-issued (RFC 5280 §3.2) and the signature verifies with its own key.
  if (bytesEqual(pc.subjectRaw, pc.issuerRaw) || pc.subjectKey === pc.issuerKey) {
    // The signature check costs a key import and a verify (about 1 ms for RSA-4096 or P-521); a trust store holds
    // ~150 roots of which a run touches a few, so it runs on first read of the field (JSON output included).
    let memo: boolean | undefined;
    Object.defineProperty(info, 'selfSigned', {
      enumerable: true,
      configurable: true,
      get: () => (memo ??= verifySignature(pc, pc).ok),
      set: (v: boolean) => { memo = v; },
    });
  }
  if (notes.length) info.notes = notes;
  return pc;
}

function sigAlgName(oid: string, params?: Uint8Array): string {
  const a = SIG_ALGS[oid];
  if (!a) return oid;
  if (a.family === 'pss') {
    const p = pssParams(params);
    return p ? `rsassaPss(${p.hash}, salt ${p.saltLength})` : 'rsassaPss';
  }
  return a.name;
}

const KEY_TYPES: Record<string, string> = {
  [OID.rsaEncryption]: 'RSA', [OID.rsassaPss]: 'RSA-PSS', [OID.ecPublicKey]: 'EC', [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448', [OID.dsa]: 'DSA', '1.3.101.110': 'X25519', '1.3.101.111': 'X448',
  '2.16.840.1.101.3.4.3.17': 'ML-DSA-44', '2.16.840.1.101.3.4.3.18': 'ML-DSA-65', '2.16.840.1.101.3.4.3.19': 'ML-DSA-87',
};

function describeKey(spki: Uint8Array, notes: string[]): CertificateInfo['key'] {
  const k = readSpki(spki);
  if (!k) {
    notes.push('malformed SubjectPublicKeyInfo');
    return { type: 'unknown' };
  }
  const oid = k.algorithmOid;
  const type = KEY_TYPES[oid] ?? oid;
  if (k.rsa !== undefined) {
    if (!k.rsa) { notes.push('malformed RSA public key'); return { type }; }
    return { type, bits: bitLength(k.rsa.modulus) };
  }
  const p = k.parameters;
  if (oid === OID.ecPublicKey) {
    const curveOid = p && p.tag === 0x06 ? oidToString(p.content) : null;
    const curve = curveOid ? (CURVES[curveOid] ?? curveOid) : 'explicit parameters';
    const sizes: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, 'P-192': 192, 'P-224': 224, secp256k1: 256 };
    return { type, curve, bits: sizes[curve] };
  }
  if (oid === OID.ed25519) return { type, bits: 256 };
  if (oid === OID.ed448) return { type, bits: 456 };
  if (oid === OID.dsa) {
    const d = p && p.tag === 0x30 ? children(p.content) : null;
    return d && d[0] ? { type, bits: bitLength(d[0].content) } : { type };
  }
  return { type };
}

/** GeneralName (RFC 5280 §4.2.1.6) to the model's typed SAN entry. */
function generalName(g: Tlv): { type: string; value: string } {
  const n = g.tag & 0x1f;
  const str = (c: Uint8Array) => Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1');
  switch (n) {
    case 1: return { type: 'email', value: str(g.content) };
    case 2: return { type: 'dns', value: str(g.content) };
    case 6: return { type: 'uri', value: str(g.content) };
    case 7: return { type: 'ip', value: ipToString(g.content) };
    case 4: {
      const inner = readTlv(g.content);
      return { type: 'dirName', value: inner ? parseName(inner.raw).text : '#' + toHex(g.content) };
    }
    case 0: {
      // otherName: type-id and [0] EXPLICIT value; UPN (MS) and SmtpUTF8Mailbox are common in client certificates.
      const f = children(g.content);
      const oid = f && f[0] && f[0].tag === 0x06 ? oidToString(f[0].content) : null;
      const v = f && f[1] ? readTlv(f[1].content) : null;
      const s = v ? decodeString(v.tag, v.content) : null;
      return { type: 'other', value: `${oid ?? '?'}:${s ?? (v ? '#' + toHex(v.raw) : '')}` };
    }
    case 8: return { type: 'rid', value: oidToString(g.content) ?? '#' + toHex(g.content) };
    default: return { type: 'other', value: `[${n}]#${toHex(g.content)}` };
  }
}

function subtrees(c: Uint8Array, notes: string[]): Subtree[] {
  const out: Subtree[] = [];
  for (const st of children(c) ?? []) {
    const f = st.tag === 0x30 ? children(st.content) : null;
    const base = f && f[0];
    if (!base) { notes.push('malformed name constraint'); continue; }
    const n = base.tag & 0x1f;
    const str = Buffer.from(base.content).toString('latin1');
    if (n === 2) out.push({ type: 'dns', value: str });
    else if (n === 1) out.push({ type: 'email', value: str });
    else if (n === 6) out.push({ type: 'uri', value: str });
    else if (n === 7 && (base.content.length === 8 || base.content.length === 32)) {
      const h = base.content.length / 2;
      out.push({ type: 'ip', addr: base.content.subarray(0, h), mask: base.content.subarray(h) });
    } else if (n === 4) {
      const inner = readTlv(base.content);
      if (inner) out.push({ type: 'dirName', raw: inner.raw });
    } else out.push({ type: 'other', tag: n });
  }
  return out;
}

function decodeExtension(pc: ParsedCertificate, e: Extension, notes: string[]): void {
  const info = pc.info;
  const el = readTlv(e.value);
  if (!el) { notes.push(`extension ${e.oid} is not valid DER`); return; }
  switch (e.oid) {
    case OID.basicConstraints: {
      pc.basicConstraintsPresent = true;
      const f = children(el.content) ?? [];
      for (const x of f) {
        if (x.tag === 0x01) info.isCA = x.content[0] !== 0;
        else if (x.tag === 0x02) {
          const n = smallInt(x.content);
          if (n !== null) info.pathLen = n;
        }
      }
      break;
    }
    case OID.keyUsage: {
      pc.keyUsagePresent = true;
      if (el.tag !== 0x03 || el.content.length < 1) { notes.push('malformed keyUsage'); break; }
      const bytes = el.content.subarray(1);
      KEY_USAGE_BITS.forEach((name, bit) => {
        const b = bytes[bit >> 3];
        if (b !== undefined && b & (0x80 >> (bit & 7))) info.keyUsage.push(name);
      });
      break;
    }
    case OID.extKeyUsage: {
      pc.ekuPresent = true;
      for (const x of children(el.content) ?? []) {
        if (x.tag !== 0x06) continue;
        const oid = oidToString(x.content) ?? '?';
        info.extKeyUsage.push(EKU_NAMES[oid] ?? oid);
      }
      break;
    }
    case OID.subjectAltName:
      for (const g of children(el.content) ?? []) info.sans.push(generalName(g));
      break;
    case OID.subjectKeyIdentifier:
      if (el.tag === 0x04) info.ski = toHex(el.content);
      break;
    case OID.authorityKeyIdentifier:
      for (const x of children(el.content) ?? []) if (x.tag === 0x80) info.aki = toHex(x.content);
      break;
    case OID.authorityInfoAccess: {
      const aia = { ocsp: [] as string[], caIssuers: [] as string[] };
      for (const ad of children(el.content) ?? []) {
        const f = children(ad.content);
        if (!f || f.length < 2 || f[0]!.tag !== 0x06) continue;
        const m = oidToString(f[0]!.content);
        const loc = generalName(f[1]!).value;
        if (m === OID.ocsp) aia.ocsp.push(loc);
        else if (m === OID.caIssuers) aia.caIssuers.push(loc);
      }
      info.aia = aia;
      break;
    }
    case OID.crlDistributionPoints: {
      const out: string[] = [];
      for (const dp of children(el.content) ?? []) {
        const f = children(dp.content) ?? [];
        const dpn = f.find((x) => x.tag === 0xa0);
        if (!dpn) continue;
        const full = readTlv(dpn.content);
        if (full && full.tag === 0xa0) for (const g of children(full.content) ?? []) out.push(generalName(g).value);
      }
      info.crlDistributionPoints = out;
      break;
    }
    case OID.sctList: {
      // RFC 6962 §3.3: OCTET STRING holding a TLS-encoded SignedCertificateTimestampList (u16 length, u16-prefixed SCTs).
      if (el.tag !== 0x04 || el.content.length < 2) break;
      const c = el.content;
      const total = (c[0]! << 8) | c[1]!;
      let off = 2, n = 0;
      const end = Math.min(c.length, 2 + total);
      while (off + 2 <= end) {
        const l = (c[off]! << 8) | c[off + 1]!;
        off += 2 + l;
        if (off > end) break;
        n++;
      }
      info.sctCount = n;
      break;
    }
    case OID.nameConstraints: {
      const nc = { permitted: [] as Subtree[], excluded: [] as Subtree[] };
      for (const x of children(el.content) ?? []) {
        if (x.tag === 0xa0) nc.permitted = subtrees(x.content, notes);
        else if (x.tag === 0xa1) nc.excluded = subtrees(x.content, notes);
      }
      pc.nameConstraints = nc;
      break;
    }
  }
}
