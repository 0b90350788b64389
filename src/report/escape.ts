/**
 * Strings from the wire are data (DESIGN.md error policy). Before any of them reaches a terminal, control
 * characters are made visible: C0 controls and DEL as \xNN (tab/newline too, so a subject cannot break a table
 * row), the C1 range U+0080–U+009F (CSI/OSC introducers on some terminals), and the Unicode bidirectional
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069, "Trojan Source") as \u{NNNN}. A backslash is doubled so an
 * escaped string cannot be confused with a literal one.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\\]/g;

export function escapeTerminal(s: string): string {
  return s.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
