import { formatName, readName, toHex, type FormattedName } from '../der/index.js';

export { decodeString } from '../der/index.js';

export type ParsedName = FormattedName;

/** Format a Name (RDNSequence) DER element. Malformed names give text '#<hex>' rather than failing. */
export function parseName(raw: Uint8Array): ParsedName {
  const r = readName(raw);
  return r.ok ? formatName(r.rdns) : { text: '#' + toHex(raw), attrs: [] };
}

/**
 * Comparison key for names per RFC 5280 §7.1 in its common simplification: case-insensitive, internal white
 * space collapsed. Used only when the DER of issuer and subject differ (different string types for the same name).
 */
export function nameKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
