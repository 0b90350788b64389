/**
 * Text forms of IP addresses, computed once per flow (never per packet).
 */

/** Dotted quad for 4 bytes, RFC 5952 text for 16 bytes; any other length gives hex bytes joined by ':'. */
export function formatAddress(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length === 16) return formatIPv6(b);
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ':' : '') + b[i]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * RFC 5952 section 4: lower-case hex, leading zeros dropped, the longest run of two or more all-zero groups
 * shortened to "::" (the first run on a tie), a lone zero group never shortened. Section 5: IPv4-mapped addresses
 * (::ffff:0:0/96) end in dotted-quad form, as tshark and every stack print them.
 */
function formatIPv6(b: Uint8Array): string {
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (b[2 * i]! << 8) | b[2 * i + 1]!;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += g[i]!.toString(16);
  }
  return s;
}
