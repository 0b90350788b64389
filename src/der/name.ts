/**
 * X.501 Name (RDNSequence) decoding, for the names of certificates (src/x509), of CertificateRequests (src/tls) and
 * of the report writers that print names their own way (Zeek's RFC 2253 form): one walk over the DER, in the
 * bounds-checked reader. Attribute values are views into the input.
 */
import { DN_ATTRIBUTE_NAMES } from './attribute-names.js';
import { children, oidToString, readTlv, toHex } from './reader.js';
import { decodeString, escapeDnValue } from './strings.js';

export interface NameAttribute {
  oid: string;
  /** Value element: tag, content and the whole element (views). */
  tag: number;
  content: Uint8Array;
  raw: Uint8Array;
}

/** The RDNs in encoding order, each a list of attributes; or where and why the DER is not a Name. */
export type NameRead = { ok: true; rdns: NameAttribute[][] } | { ok: false; offset: number; what: string };

export function readName(der: Uint8Array): NameRead {
  const bad = (offset: number, what: string): NameRead => ({ ok: false, offset, what });
  const seq = readTlv(der);
  if (!seq) return bad(0, 'Name is not a DER element');
  if (seq.tag !== 0x30) return bad(0, 'Name is not a SEQUENCE');
  if (seq.end !== der.length) return bad(seq.end, 'bytes after Name');
  const rdns: NameAttribute[][] = [];
  const base = seq.content.byteOffset - der.byteOffset;
  const sets = children(seq.content);
  if (!sets) return bad(base, 'RDN is not a DER element');
  for (const set of sets) {
    if (set.tag !== 0x31) return bad(base + set.start, 'RDN is not a SET');
    const avas = children(set.content);
    const at = set.content.byteOffset - der.byteOffset;
    if (!avas) return bad(at, 'AttributeTypeAndValue is not a DER element');
    const rdn: NameAttribute[] = [];
    for (const ava of avas) {
      const f = ava.tag === 0x30 ? children(ava.content) : null;
      if (!f) return bad(at + ava.start, 'AttributeTypeAndValue is not a SEQUENCE');
      if (f.length !== 2 || f[0]!.tag !== 0x06) return bad(at + ava.start, 'AttributeTypeAndValue is not {OID, value}');
      const oid = oidToString(f[0]!.content);
      if (oid === null) return bad(at + ava.start, 'malformed attribute type OID');
      rdn.push({ oid, tag: f[1]!.tag, content: f[1]!.content, raw: f[1]!.raw });
    }
    rdns.push(rdn);
  }
  return { ok: true, rdns };
}

export interface FormattedName {
  /** RFC 4514 string: RDNs in reverse order of the encoding, ',' between RDNs, '+' inside a multi-valued RDN. */
  text: string;
  /** Value of the last commonName attribute (the most specific one). */
  cn?: string;
  /** Every attribute in encoding order (short name, value), for callers that compare or display. */
  attrs: { type: string; value: string }[];
}

/** RFC 4514 form of a decoded Name; values that are not strings as '#' + hex of their DER. */
export function formatName(rdns: readonly NameAttribute[][]): FormattedName {
  const attrs: { type: string; value: string }[] = [];
  const parts: string[] = [];
  let cn: string | undefined;
  for (const rdn of rdns) {
    const rdnParts: string[] = [];
    for (const a of rdn) {
      const type = DN_ATTRIBUTE_NAMES[a.oid] ?? a.oid;
      const str = decodeString(a.tag, a.content);
      const value = str ?? '#' + toHex(a.raw);
      attrs.push({ type, value });
      if (a.oid === COMMON_NAME && str !== null) cn = str;
      rdnParts.push(`${type}=${str === null ? value : escapeDnValue(value)}`);
    }
    parts.push(rdnParts.join('+'));
  }
  return { text: parts.reverse().join(','), cn, attrs };
}

const COMMON_NAME = '2.5.4.3';
