/**
 * The one place that makes strings from the wire safe for a terminal (DESIGN.md, error policy: "strings from the
 * wire are data"). A certificate subject, a SAN, an SNI or an ALPN value is attacker-chosen: an ESC in it could move
 * the cursor, recolour the screen, set the window title (OSC 0) or write the clipboard (OSC 52), and a Unicode
 * bidi override could make `moc.evil` read as `live.com`. Used by the text report, the CLI and the TUI alike.
 *
 * Escaped, as visible text:
 * - C0 controls U+0000–U+001F and DEL U+007F → `\xNN` (so `\x1b]0;pwned\x07` shows as typed, not as a title change);
 * - C1 controls U+0080–U+009F → `\xNN` (U+009B is a one-character CSI on terminals that honour 8-bit controls);
 * - bidi embeddings/overrides U+202A–U+202E, isolates U+2066–U+2069 and the marks U+200E, U+200F, U+061C → `\u{NNNN}`;
 * - lone UTF-16 surrogates → `\u{NNNN}` (they would be printed as U+FFFD and hide what was there).
 * A backslash is left as is: RFC 4514 DN strings use it for their own escapes, and doubling it would misquote them.
 */
export function escapeTerminal(s: string): string {
  // Fast path: most strings are plain printable ASCII.
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) break;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      out += '\\x' + hex(c, 2);
    } else if (
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x200e ||
      c === 0x200f ||
      c === 0x061c
    ) {
      out += '\\u{' + hex(c, 4) + '}';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += '\\u{' + hex(c, 4) + '}';
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\u{' + hex(c, 4) + '}';
    } else {
      out += s[i]!;
    }
  }
  return out;
}

function hex(c: number, width: number): string {
  return c.toString(16).padStart(width, '0');
}
