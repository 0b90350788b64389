/**
 * A small DER walker for the distinguished names in a CertificateRequest (certificate_authorities). The TLS stage
 * must not import the X.509 libraries (DESIGN.md point 8: only src/x509 does), and a Name needs only
 * SEQUENCE / SET / OID / string decoding.
 */
import { fail, ok, type Result } from './result.js';

interface Tlv {
  tag: number;
  start: number; // offset of the tag byte
  valueStart: number;
  end: number; // offset after the value
}

/** Reads one DER TLV at `pos`, within `end`. Only single-byte tags and definite lengths (DER forbids others). */
function tlv(b: Uint8Array, pos: number, end: number): Result<Tlv> {
  if (pos + 2 > end) return fail('truncated', pos, 'DER header');
  const tag = b[pos]!;
  if ((tag & 0x1f) === 0x1f) return fail('malformed', pos, 'DER multi-byte tag');
  let len = b[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) return fail('malformed', pos + 1, 'DER length');
    if (p + n > end) return fail('truncated', p, 'DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > end) return fail('truncated', p, 'DER value');
  return ok({ tag, start: pos, valueStart: p, end: p + len });
}

/**
 * Attribute short names: RFC 4514 §3's table plus the customary names OpenSSL prints. The one table for both
 * formatters: src/x509 (later in the pipeline) uses it too, since the trust engine compares the CA names a server
 * lists here with the issuer names src/x509 formats, and the user reads both side by side.
 * test/x509/differential.test.ts pins the two formatters to the same string for the same DER.
 */
export const DN_ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
};

function oidString(b: Uint8Array, s: number, e: number): Result<string> {
  if (s >= e) return fail('malformed', s, 'empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    v = v * 128 + (c & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) return fail('malformed', i, 'OID arc too large');
    if (!(c & 0x80)) {
      parts.push(v);
      v = 0;
    } else if (i === e - 1) return fail('truncated', i, 'OID arc');
  }
  const first = parts[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return ok([...head, ...parts.slice(1)].join('.'));
}

/** Byte-per-character (ISO 8859-1). Not TextDecoder('latin1'): WHATWG maps that label to windows-1252. */
function latin1(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
}

/** Buffer's decoder: a TextDecoder would also drop a leading byte-order mark. */
function utf8(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
}

/**
 * Decode a directory string (X.520 DirectoryString and friends); null when the type is not a string type. Used for
 * names in certificates (src/x509) and in CertificateRequests alike.
 */
export function decodeString(tag: number, v: Uint8Array): string | null {
  switch (tag) {
    case 0x0c: // UTF8String
      return utf8(v);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString: treated as Latin-1, as most implementations do
    case 0x12: // NumericString
      return latin1(v);
    case 0x1e: {
      // BMPString (UCS-2 big-endian), unit by unit: lone surrogates stay as they are (a UTF-16 decoder would turn
      // them into U+FFFD).
      if (v.length % 2) return null;
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString (UCS-4 big-endian)
      if (v.length % 4) return null;
      let s = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
  }
  return null;
}

/** RFC 4514 section 2.4 escaping; control characters become \XX too so wire strings stay printable. */
export function escapeDnValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    if (',+"\\<>;='.includes(c)) out += '\\' + c;
    else if ((c === '#' || c === ' ') && i === 0) out += '\\' + c;
    else if (c === ' ' && i === s.length - 1) out += '\\ ';
    else if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(16).padStart(2, '0').toUpperCase();
    else out += c;
  }
  return out;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * DER Name -> RFC 4514 string (RDNs in reverse order, ',' between RDNs, '+' inside a multi-valued RDN; values
 * that are not strings as '#' + hex of their DER).
 */
/** Names the servers list in CertificateRequest repeat in every handshake: formatted once each (bounded). */
const formatted = new Map<string, Result<string>>();
const FORMATTED_MAX = 4096;

export function dnToString(der: Uint8Array): Result<string> {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  const hit = formatted.get(key);
  if (hit) return hit;
  const r = formatDn(der);
  if (formatted.size >= FORMATTED_MAX) formatted.clear();
  formatted.set(key, r);
  return r;
}

function formatDn(der: Uint8Array): Result<string> {
  const seq = tlv(der, 0, der.length);
  if (!seq.ok) return seq;
  if (seq.value.tag !== 0x30) return fail('malformed', 0, 'Name is not a SEQUENCE');
  if (seq.value.end !== der.length) return fail('malformed', seq.value.end, 'bytes after Name');
  const rdns: string[] = [];
  let p = seq.value.valueStart;
  while (p < seq.value.end) {
    const set = tlv(der, p, seq.value.end);
    if (!set.ok) return set;
    if (set.value.tag !== 0x31) return fail('malformed', p, 'RDN is not a SET');
    const avas: string[] = [];
    let q = set.value.valueStart;
    while (q < set.value.end) {
      const ava = tlv(der, q, set.value.end);
      if (!ava.ok) return ava;
      if (ava.value.tag !== 0x30) return fail('malformed', q, 'AttributeTypeAndValue is not a SEQUENCE');
      const oid = tlv(der, ava.value.valueStart, ava.value.end);
      if (!oid.ok) return oid;
      if (oid.value.tag !== 0x06) return fail('malformed', ava.value.valueStart, 'attribute type is not an OID');
      const oidStr = oidString(der, oid.value.valueStart, oid.value.end);
      if (!oidStr.ok) return oidStr;
      const val = tlv(der, oid.value.end, ava.value.end);
      if (!val.ok) return val;
      const raw = der.subarray(val.value.valueStart, val.value.end);
      const s = decodeString(val.value.tag, raw);
      const type = DN_ATTRIBUTE_NAMES[oidStr.value] ?? oidStr.value;
      avas.push(`${type}=${s === null ? '#' + hex(der.subarray(val.value.start, val.value.end)) : escapeDnValue(s)}`);
      q = ava.value.end;
    }
    rdns.push(avas.join('+'));
    p = set.value.end;
  }
  return ok(rdns.reverse().join(','));
}
