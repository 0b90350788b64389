/**
 * A certificate as text, the way OpenSSL's `x509 -text -nameopt compat` prints it: the decoded form an Expressway
 * shows (Maintenance > Security > Server certificate > Show (decoded)) and matches a certificate-based
 * authentication regex against (Maintenance > Security > Client certificate testing). Names are in OpenSSL's old
 * "compat" form, `C=US, O=Example, CN=host`: most significant attribute first, ", " between attributes, no spaces
 * around "=" (OpenSSL 3's default `C = US, ...` differs; Cisco's example regex `Subject:.*, CN=` expects compat).
 *
 * Every line produced is a line of OpenSSL 3.0's output, character for character (test/x509/text.test.ts checks
 * this against `openssl x509 -text -noout -nameopt compat`). Lines that carry no name are left out: key and
 * signature bytes, and extensions other than basic constraints, key usage, extended key usage, subject and
 * authority key identifiers, subject alternative names and authority information access.
 */
import type { ParsedCertificate } from './parsed-certificate.js';
import { children, oidToString, readTlv, toHex, type Tlv } from '../der/index.js';
import { OID, OPENSSL_SHORT_NAMES } from './oids.js';

/** OpenSSL's long names (OBJ_nid2ln) of extended key usages, as `-text` prints them. */
const EKU_LONG: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication', '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing', '1.3.6.1.5.5.7.3.4': 'E-mail Protection', '1.3.6.1.5.5.7.3.5': 'IPSec End System',
  '1.3.6.1.5.5.7.3.6': 'IPSec Tunnel', '1.3.6.1.5.5.7.3.7': 'IPSec User', '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing', '1.3.6.1.5.5.7.3.17': 'ipsec Internet Key Exchange',
  '2.5.29.37.0': 'Any Extended Key Usage', '1.3.6.1.4.1.311.20.2.2': 'Microsoft Smartcard Login',
  '1.3.6.1.4.1.311.10.3.4': 'Microsoft Encrypted File System', '1.3.6.1.4.1.311.10.3.3': 'Microsoft Server Gated Crypto',
  '2.16.840.1.113730.4.1': 'Netscape Server Gated Crypto', '1.3.6.1.5.2.3.4': 'PKINIT Client Auth',
  '1.3.6.1.5.2.3.5': 'Signing KDC Response',
};

const KU_LONG = ['Digital Signature', 'Non Repudiation', 'Key Encipherment', 'Data Encipherment', 'Key Agreement',
  'Certificate Sign', 'CRL Sign', 'Encipher Only', 'Decipher Only'];

/** OpenSSL's names of signature and public-key algorithms where they differ from src/x509's display names. */
const SIG_NAMES: Record<string, string> = { '1.3.101.112': 'ED25519', '1.3.101.113': 'ED448', '1.2.840.113549.1.1.10': 'rsassaPss' };
const KEY_ALG_NAMES: Record<string, string> = {
  [OID.rsaEncryption]: 'rsaEncryption', [OID.rsassaPss]: 'rsassaPss', [OID.ecPublicKey]: 'id-ecPublicKey',
  [OID.ed25519]: 'ED25519', [OID.ed448]: 'ED448', [OID.dsa]: 'dsaEncryption',
};

/**
 * Other-name types OpenSSL 3.0 names (i2v_GENERAL_NAME); others print with their OID. A UTF8String or IA5String
 * value is printed, anything else is `<unsupported>`. OpenSSL 1.1.1 printed every other-name as
 * `othername:<unsupported>`, so a pattern on a UPN depends on the OpenSSL of the Expressway release.
 */
const OTHER_NAMES: Record<string, string> = {
  '1.3.6.1.4.1.311.20.2.3': 'UPN', '1.3.6.1.5.5.7.8.9': 'SmtpUTF8Mailbox', '1.3.6.1.5.5.7.8.5': 'XmppAddr',
  '1.3.6.1.5.5.7.8.7': 'SRVName', '1.3.6.1.5.5.7.8.8': 'NAIRealm',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const hexColons = (b: Uint8Array) => (toHex(b).toUpperCase().match(/../g) ?? []).join(':');

/**
 * X509_NAME_oneline: `/C=US/O=Example/CN=host`, each attribute with its short name, every octet of the value
 * outside ' '..'~' as \xHH and '/' or '+' behind a backslash (OpenSSL 3.0 crypto/x509/x509_obj.c). A
 * GeneralString of 4-octet units prints only the octets that are not all zero in every unit, as OpenSSL does.
 */
export function opensslOneline(nameDer: Uint8Array): string {
  const seq = readTlv(nameDer);
  const rdns = seq && seq.tag === 0x30 ? children(seq.content) : null;
  if (!rdns) return '';
  let out = '';
  for (const rdn of rdns) {
    let first = true;
    for (const ava of (rdn.tag === 0x31 ? children(rdn.content) : null) ?? []) {
      const f = ava.tag === 0x30 ? children(ava.content) : null;
      if (!f || f.length < 2 || f[0]!.tag !== 0x06) continue;
      const oid = oidToString(f[0]!.content) ?? '';
      // The attributes of one multi-valued RDN are joined with '+'.
      out += (first ? '/' : '+') + (OPENSSL_SHORT_NAMES[oid] ?? oid) + '=' + onelineValue(f[1]!);
      first = false;
    }
  }
  return out;
}

function onelineValue(v: Tlv): string {
  const q = v.content;
  const doit = [true, true, true, true];
  if (v.tag === 0x1b && q.length % 4 === 0) {
    const nz = [false, false, false, false];
    for (let j = 0; j < q.length; j++) if (q[j] !== 0) nz[j & 3] = true;
    if (!(nz[0] || nz[1] || nz[2])) doit[0] = doit[1] = doit[2] = false;
  }
  let s = '';
  for (let j = 0; j < q.length; j++) {
    if (!doit[j & 3]) continue;
    const n = q[j]!;
    if (n < 0x20 || n > 0x7e) s += '\\x' + n.toString(16).toUpperCase().padStart(2, '0');
    else if (n === 0x2f || n === 0x2b) s += '\\' + String.fromCharCode(n);
    else s += String.fromCharCode(n);
  }
  return s;
}

/**
 * X509_NAME_print (XN_FLAG_COMPAT): the oneline form with each '/' that starts a one- or two-letter upper-case
 * attribute name (`/C=`, `/CN=`, `/DC=`) turned into ", ". Others stay as they are, so an e-mail attribute reads
 * `CN=host/emailAddress=a@b`, exactly as on an Expressway.
 */
export function opensslCompatName(nameDer: Uint8Array): string {
  const b = opensslOneline(nameDer);
  if (!b) return '';
  const up = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
  let out = '';
  let c = 1;
  for (let s = 1; ; s++) {
    const end = s >= b.length;
    if (end || (b[s] === '/' && up(b[s + 1]) && (b[s + 2] === '=' || (up(b[s + 2]) && b[s + 3] === '=')))) {
      out += b.slice(c, s);
      if (end) break;
      out += ', ';
      c = s + 1;
    }
  }
  return out;
}

function asn1Time(ms: number): string {
  if (!Number.isFinite(ms)) return 'Bad time value';
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/** ossl_serial_number_print: decimal and hex when the value fits an int64, else colon-separated hex bytes. */
function serialLines(der: Uint8Array): string[] {
  const t = readTlv(der);
  const cert = t ? children(t.content) : null;
  const tbs = cert && cert[0] ? children(cert[0].content) : null;
  const el = tbs ? tbs[tbs[0]?.tag === 0xa0 ? 1 : 0] : undefined;
  if (!el || el.tag !== 0x02 || el.content.length === 0) return ['        Serial Number: (Empty)'];
  const c = el.content;
  const neg = (c[0]! & 0x80) !== 0;
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (neg) v -= 1n << BigInt(c.length * 8);
  if (v >= -(1n << 63n) && v < 1n << 63n) {
    const mag = v < 0n ? -v : v;
    const sign = v < 0n ? '-' : '';
    return [`        Serial Number: ${sign}${mag} (${sign}0x${mag.toString(16)})`];
  }
  // ASN1_INTEGER holds the magnitude without the sign octet.
  let mag = v < 0n ? -v : v;
  const bytes: number[] = [];
  while (mag > 0n) { bytes.unshift(Number(mag & 0xffn)); mag >>= 8n; }
  return ['        Serial Number:', `            ${neg ? ' (Negative)' : ''}${bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')}`];
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length === 16) {
    const w: string[] = [];
    for (let i = 0; i < 16; i += 2) w.push(((b[i]! << 8) | b[i + 1]!).toString(16).toUpperCase());
    return w.join(':');
  }
  return '<invalid>';
}

/** One GeneralName as i2v_GENERAL_NAME names it (`DNS:`, `IP Address:`, `othername: UPN::`...). */
function generalNameText(g: Tlv): string {
  switch (g.tag & 0x1f) {
    case 0: {
      const f = children(g.content);
      const oid = f && f[0] && f[0].tag === 0x06 ? oidToString(f[0].content) : null;
      if (!oid) return 'othername:<unsupported>';
      const v = f && f[1] ? readTlv(f[1].content) : null;
      const printable = v && (v.tag === 0x0c || v.tag === 0x16);
      return `othername: ${OTHER_NAMES[oid] ?? oid}::${printable ? latin1(v.content) : '<unsupported>'}`;
    }
    case 1: return `email:${latin1(g.content)}`;
    case 2: return `DNS:${latin1(g.content)}`;
    case 3: return 'X400Name:<unsupported>';
    case 4: {
      const inner = readTlv(g.content);
      // OpenSSL formats the directory name into a 256-byte buffer.
      return `DirName:${inner ? opensslOneline(inner.raw).slice(0, 255) : ''}`;
    }
    case 5: return 'EdiPartyName:<unsupported>';
    case 6: return `URI:${latin1(g.content)}`;
    case 7: return `IP Address:${ipText(g.content)}`;
    case 8: return `Registered ID:${oidToString(g.content) ?? ''}`;
    default: return '';
  }
}

/** Lines of the extensions rendered here: [header name, value lines]. */
function extensionLines(pc: ParsedCertificate): string[] {
  const out: string[] = [];
  for (const e of pc.extensions) {
    const el = readTlv(e.value);
    if (!el) continue;
    let name: string | undefined;
    let values: string[] = [];
    switch (e.oid) {
      case OID.basicConstraints: {
        const f = children(el.content) ?? [];
        const ca = f.some((x) => x.tag === 0x01 && x.content[0] !== 0);
        const pl = f.find((x) => x.tag === 0x02);
        name = 'X509v3 Basic Constraints';
        values = [`CA:${ca ? 'TRUE' : 'FALSE'}${pl && pl.content.length < 7 ? `, pathlen:${parseInt(toHex(pl.content) || '0', 16)}` : ''}`];
        break;
      }
      case OID.keyUsage: {
        if (el.tag !== 0x03 || el.content.length < 1) break;
        const bytes = el.content.subarray(1);
        name = 'X509v3 Key Usage';
        values = [KU_LONG.filter((_, bit) => (bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))).join(', ')];
        break;
      }
      case OID.extKeyUsage: {
        name = 'X509v3 Extended Key Usage';
        values = [(children(el.content) ?? []).filter((x) => x.tag === 0x06).map((x) => { const o = oidToString(x.content) ?? ''; return EKU_LONG[o] ?? o; }).join(', ')];
        break;
      }
      case OID.subjectAltName: {
        name = 'X509v3 Subject Alternative Name';
        values = [(children(el.content) ?? []).map(generalNameText).join(', ')];
        break;
      }
      case OID.subjectKeyIdentifier:
        if (el.tag !== 0x04) break;
        name = 'X509v3 Subject Key Identifier';
        values = [hexColons(el.content)];
        break;
      case OID.authorityKeyIdentifier: {
        // Only the common keyid-only form: with an issuer and serial OpenSSL prints labelled lines.
        const f = children(el.content) ?? [];
        if (f.length !== 1 || f[0]!.tag !== 0x80) break;
        name = 'X509v3 Authority Key Identifier';
        values = [hexColons(f[0]!.content)];
        break;
      }
      case OID.authorityInfoAccess: {
        name = 'Authority Information Access';
        for (const ad of children(el.content) ?? []) {
          const f = children(ad.content);
          if (!f || f.length < 2 || f[0]!.tag !== 0x06) continue;
          const m = oidToString(f[0]!.content);
          const label = m === OID.caIssuers ? 'CA Issuers' : m === OID.ocsp ? 'OCSP' : m ?? '';
          values.push(`${label} - ${generalNameText(f[1]!)}`);
        }
        break;
      }
    }
    if (!name) continue;
    out.push(`            ${name}: ${e.critical ? 'critical' : ''}`);
    for (const v of values) out.push(`                ${v}`);
  }
  return out;
}

/** The certificate as `openssl x509 -text -noout -nameopt compat` prints it (the lines described above). */
export function renderOpensslText(pc: ParsedCertificate): string {
  if (!pc.ok) return '';
  const lines = ['Certificate:', '    Data:', `        Version: ${pc.version} (0x${(pc.version - 1).toString(16)})`, ...serialLines(pc.der)];
  // OpenSSL 3.0 ends the RSA-PSS line with the indent of the parameter lines that follow (left out here).
  lines.push(`        Signature Algorithm: ${SIG_NAMES[pc.sigAlgOid] ?? pc.info.signatureAlgorithm.replace(/\(.*$/, '')}${pc.sigAlgOid === OID.rsassaPss ? ' '.repeat(8) : ''}`);
  lines.push(`        Issuer: ${opensslCompatName(pc.issuerRaw)}`);
  lines.push('        Validity', `            Not Before: ${asn1Time(pc.notBefore)}`, `            Not After : ${asn1Time(pc.notAfter)}`);
  lines.push(`        Subject: ${opensslCompatName(pc.subjectRaw)}`);
  lines.push('        Subject Public Key Info:');
  const spki = readTlv(pc.spki);
  const alg = spki ? children(spki.content)?.[0] : undefined;
  const algOid = alg ? oidToString(children(alg.content)?.[0]?.content ?? new Uint8Array(0)) : null;
  if (algOid) lines.push(`            Public Key Algorithm: ${KEY_ALG_NAMES[algOid] ?? algOid}`);
  const k = pc.info.key;
  if ((k.type === 'RSA' || k.type === 'EC') && k.bits) lines.push(`                Public-Key: (${k.bits} bit)`);
  const ext = extensionLines(pc);
  if (pc.extensions.length) lines.push('        X509v3 extensions:', ...ext);
  lines.push(`    Signature Algorithm: ${SIG_NAMES[pc.sigAlgOid] ?? pc.info.signatureAlgorithm.replace(/\(.*$/, '')}`);
  return lines.join('\n') + '\n';
}
