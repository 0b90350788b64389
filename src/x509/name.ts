import { children, oidToString, readTlv, toHex } from './der.js';
import { DN_ATTRS, OID } from './oids.js';

/** Decode a directory string (X.520 DirectoryString and friends); null when the type is not a string type. */
export function decodeString(tag: number, c: Uint8Array): string | null {
  const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  switch (tag) {
    case 0x0c: // UTF8String
      return b.toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x12: // NumericString
      return b.toString('latin1');
    case 0x14: // TeletexString: in practice Latin-1 (what OpenSSL and browsers assume)
      return b.toString('latin1');
    case 0x1e: { // BMPString: UCS-2 big endian
      if (c.length % 2) return null;
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case 0x1c: { // UniversalString: UCS-4 big endian
      if (c.length % 4) return null;
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return null;
  }
}

/** RFC 4514 §2.4 escaping; control characters become \XX so wire strings never reach a terminal raw. */
function escapeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(16).padStart(2, '0').toUpperCase();
    else if (',+"\\<>;='.includes(ch)) out += '\\' + ch;
    else if ((i === 0 && (ch === '#' || ch === ' ')) || (i === v.length - 1 && ch === ' ')) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

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
      rdnParts.push(`${type}=${str === null ? value : escapeValue(value)}`);
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
