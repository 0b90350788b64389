/** Recognising what a non-capture file is, so "not a capture" errors can say what it looks like. */

const CAPTURE_MAGICS: number[][] = [
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xcd, 0x34],
  [0x34, 0xcd, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
  [0x1f, 0x8b],
];

/** true when `head` (fewer than 4 bytes) is the beginning of a capture or gzip magic: a cut file, not a wrong one. */
export function isMagicPrefix(head: Uint8Array): boolean {
  return CAPTURE_MAGICS.some((m) => head.length <= m.length && head.every((b, i) => b === m[i]));
}

/** true when `head` starts with a pcap (any byte order or timestamp resolution) or pcapng magic. */
export function isCaptureMagic(head: Uint8Array): boolean {
  return CAPTURE_MAGICS.some((m) => m.length === 4 && head.length >= 4 && m.every((b, i) => head[i] === b));
}

function startsWith(head: Uint8Array, s: string | number[]): boolean {
  const bytes = typeof s === 'string' ? Array.from(s, (c) => c.charCodeAt(0)) : s;
  if (head.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[i] !== bytes[i]) return false;
  return true;
}

function asciiLower(head: Uint8Array): string {
  let s = '';
  for (const b of head) s += String.fromCharCode(b).toLowerCase();
  return s;
}

/** A guess at what the bytes are, or undefined. */
export function guessFormat(head: Uint8Array): string | undefined {
  const text = asciiLower(head).replace(/^\ufeff|^[\s]+/, '');
  if (text.startsWith('-----begin')) return 'a PEM file (certificate or key), not a capture; try `certshark check`';
  if (text.startsWith('<!doctype') || text.startsWith('<html')) return 'an HTML page (a download that went wrong?)';
  if (text.startsWith('<?xml')) return 'an XML document';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'a zip archive; unzip it first';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip-compressed data';
  if (startsWith(head, 'BZh')) return 'bzip2-compressed data; decompress it first';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz-compressed data; decompress it first';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd-compressed data; decompress it first';
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'a 7-Zip archive; extract it first';
  if (startsWith(head, 'snoop\0\0\0')) return 'a Solaris snoop capture (convert with `editcap -F pcapng`)';
  if (startsWith(head, 'GMBU')) return 'a Microsoft Network Monitor capture (convert with `editcap -F pcapng`)';
  if (startsWith(head, 'btsnoop\0')) return 'a btsnoop Bluetooth capture';
  if (startsWith(head, 'XCP\0')) return 'a Sniffer/NetXray capture (convert with `editcap -F pcapng`)';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'an ELF executable';
  if (startsWith(head, '%PDF')) return 'a PDF document';
  if (head[0] === 0x30 && head[1] === 0x82) return 'DER (a certificate or key?), not a capture; try `certshark check`';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
  // ERF (Endace) has no magic: a 16-byte record header whose type byte (offset 8) is small and whose record
  // length (offset 10, big-endian) is at least 16.
  if (head.length >= 12 && head[8] > 0 && head[8] < 0x30 && ((head[10] << 8) | head[11]) >= 16 && !isText(head)) {
    return 'possibly an Endace ERF capture (convert with `editcap -F pcapng`)';
  }
  if (isText(head)) return 'text, not a capture';
  return undefined;
}

function isText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const b of head) {
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b === 0x7f) return false;
  }
  return true;
}

/** One line: the first bytes in hex and, when recognisable, what the file looks like. */
export function describeBadMagic(head: Uint8Array): string {
  const hex = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const guess = guessFormat(head);
  return `not a pcap or pcapng capture (starts with ${hex || 'nothing'})${guess ? `: looks like ${guess}` : ''}`;
}
