import { children, oidToString, readTlv, toHex } from './der.js';
import { DN_ATTRS, OID } from './oids.js';
// One decoder and one RFC 4514 escaping for names, whether they come from a certificate or a CertificateRequest.
import { decodeString, escapeDnValue } from '../tls/dn.js';

export { decodeString };

export interface ParsedName {
  /** RFC 4514 string: RDNs in reverse order of the encoding, comma separated. */
  text: string;
  /** Values of the last commonName attribute (the most specific one). */
  cn?: string;
  /** Every attribute in encoding order, for callers that compare or display. */
  attrs: { type: string; value: string }[];
}

/** Format a Name (RDNSequence) DER element. Malformed names give text '#<hex>' rather than failing. */
export function parseName(raw: Uint8Array): ParsedName {
  const seq = readTlv(raw);
  const rdns = seq && seq.tag === 0x30 ? children(seq.content) : null;
  if (!rdns) return { text: '#' + toHex(raw), attrs: [] };
  const attrs: { type: string; value: string }[] = [];
  const parts: string[] = [];
  let cn: string | undefined;
  for (const rdn of rdns) {
    const avas = rdn.tag === 0x31 ? children(rdn.content) : null;
    if (!avas) return { text: '#' + toHex(raw), attrs: [] };
    const rdnParts: string[] = [];
    for (const ava of avas) {
      const f = ava.tag === 0x30 ? children(ava.content) : null;
      if (!f || f.length < 2 || f[0]!.tag !== 0x06) return { text: '#' + toHex(raw), attrs: [] };
      const oid = oidToString(f[0]!.content) ?? '?';
      const type = DN_ATTRS[oid] ?? oid;
      const str = decodeString(f[1]!.tag, f[1]!.content);
      const value = str ?? '#' + toHex(f[1]!.raw);
      attrs.push({ type, value });
      if (oid === OID.commonName && str !== null) cn = str;
      rdnParts.push(`${type}=${str === null ? value : escapeDnValue(value)}`);
    }
    parts.push(rdnParts.join('+'));
  }
  return { text: parts.reverse().join(','), cn, attrs };
}

/**
 * Comparison key for names per RFC 5280 §7.1 in its common simplification: case-insensitive, internal white
 * space collapsed. Used only when the DER of issuer and subject differ (different string types for the same name).
 */
export function nameKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
