/**
 * Zeek's ASCII log format (the writer's defaults, docs.zeek.org "Zeek Logs" / logging framework): a header of
 * `#separator \x09`, `#set_separator ,`, `#empty_field (empty)`, `#unset_field -`, `#path`, `#open`, `#fields`,
 * `#types`; one tab-separated line per record; `#close` at the end. Values are formatted as Zeek's ASCII formatter
 * does: `T`/`F`, times as seconds with six decimals, `-` for an unset field, `(empty)` for an empty string or
 * vector, vector elements joined by `,`. Bytes that would break a line or a column (the separators, control
 * characters, anything outside printable ASCII) are written as `\xNN`, as Zeek does; a string that is exactly `-`
 * gets its first character escaped so it does not read as unset.
 */

export type ZeekType = 'time' | 'string' | 'addr' | 'port' | 'count' | 'bool' | 'vector[string]' | 'vector[addr]';

export interface ZeekField {
  name: string;
  type: ZeekType;
}

/** A value as given to a line: undefined is unset (`-`). */
export type ZeekValue = string | number | boolean | readonly string[] | undefined;

const SEPARATOR = '\t';
const SET_SEPARATOR = ',';
const EMPTY = '(empty)';
const UNSET = '-';

/** The header lines up to #types; `open` is the #open stamp (Zeek's %Y-%m-%d-%H-%M-%S). */
export function zeekHeader(path: string, fields: readonly ZeekField[], open: Date): string {
  return [
    '#separator \\x09',
    `#set_separator${SEPARATOR}${SET_SEPARATOR}`,
    `#empty_field${SEPARATOR}${EMPTY}`,
    `#unset_field${SEPARATOR}${UNSET}`,
    `#path${SEPARATOR}${path}`,
    `#open${SEPARATOR}${zeekStamp(open)}`,
    `#fields${SEPARATOR}${fields.map((f) => f.name).join(SEPARATOR)}`,
    `#types${SEPARATOR}${fields.map((f) => f.type).join(SEPARATOR)}`,
  ].join('\n') + '\n';
}

export function zeekFooter(close: Date): string {
  return `#close${SEPARATOR}${zeekStamp(close)}\n`;
}

/** Zeek writes #open/#close in local time; certshark writes UTC so logs from sensors in several zones agree. */
function zeekStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

/** One record as a line, the values in the order of `fields`. */
export function zeekLine(fields: readonly ZeekField[], values: readonly ZeekValue[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    if (i) out += SEPARATOR;
    out += formatValue(fields[i]!.type, values[i]);
  }
  return out + '\n';
}

function formatValue(type: ZeekType, v: ZeekValue): string {
  if (v === undefined) return UNSET;
  switch (type) {
    case 'bool':
      return v ? 'T' : 'F';
    case 'time':
      return (v as number).toFixed(6);
    case 'count':
    case 'port':
      return String(v);
    case 'vector[string]':
    case 'vector[addr]': {
      const list = v as readonly string[];
      if (list.length === 0) return EMPTY;
      return list.map((s) => (s === '' ? EMPTY : escapeZeek(s, true))).join(SET_SEPARATOR);
    }
    default: {
      const s = String(v);
      if (s === '') return EMPTY;
      if (s === UNSET) return '\\x2d';
      return escapeZeek(s, false);
    }
  }
}

/**
 * Escapes as Zeek's ASCII writer: the separator, the set separator inside a vector element, control characters
 * and every byte outside printable ASCII (UTF-8 is written byte by byte) as `\xNN` with lower-case hex digits.
 */
export function escapeZeek(s: string, inSet: boolean): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || (inSet && c === 0x2c)) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte < 0x20 || byte > 0x7e || (inSet && byte === 0x2c)) out += '\\x' + byte.toString(16).padStart(2, '0');
    else out += String.fromCharCode(byte);
  }
  return out;
}
