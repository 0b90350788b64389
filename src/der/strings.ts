/** Directory strings (X.520 DirectoryString and friends) and RFC 4514 escaping, for every name certshark prints. */

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
