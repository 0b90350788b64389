/**
 * Tokens of the filter language (filter.ts): words, quoted strings, parentheses, set braces, the logical and the
 * comparison operators, each with where it stands in the text so an error can point at it.
 */

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'matches';

export type Token =
  | { kind: 'word' | 'string'; value: string; start: number; end: number }
  | { kind: 'op'; op: CompareOp; value: string; start: number; end: number }
  | { kind: '(' | ')' | '{' | '}' | ',' | 'and' | 'or' | 'not' | 'in' | 'end'; value: string; start: number; end: number };

/**
 * A mistake in the expression, at [start, end) of the text (UTF-16 offsets; compileFilter turns them into
 * columns). Thrown inside the lexer and the parser only, to unwind a recursive descent at the first mistake, and
 * caught by compileFilter: it never leaves this module.
 */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number = start,
  ) {
    super(message);
  }
}

/** Word spellings of operators, as Wireshark has them (`eq`, `ne`, ...); matched case-insensitively. */
const WORD_OPS: Record<string, CompareOp> = {
  eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', contains: 'contains', matches: 'matches',
};
const LOGICAL = new Set(['and', 'or', 'not', 'in']);

/**
 * Characters that end a word. Everything else, dots, colons, slashes, dashes and underscores included, is part of
 * one: `10.77.0.0/24`, `fd00::/8`, `missing-intermediate` and `tls.handshake.type` are single words.
 */
const DELIMITERS = new Set([...'(){},"\'=!&|<>~']);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const two = text.slice(i, i + 2);
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ',') {
      out.push({ kind: c, value: c, start, end: ++i });
    } else if (c === '"' || c === "'") {
      const s = readString(text, i);
      out.push({ kind: 'string', value: s.value, start, end: s.end });
      i = s.end;
    } else if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', op: two, value: two, start, end: (i += 2) });
    } else if (c === '<' || c === '>') {
      out.push({ kind: 'op', op: c, value: c, start, end: ++i });
    } else if (c === '~') {
      // Wireshark's spelling of `matches`.
      out.push({ kind: 'op', op: 'matches', value: c, start, end: ++i });
    } else if (two === '&&') {
      out.push({ kind: 'and', value: two, start, end: (i += 2) });
    } else if (two === '||') {
      out.push({ kind: 'or', value: two, start, end: (i += 2) });
    } else if (c === '!') {
      out.push({ kind: 'not', value: c, start, end: ++i });
    } else if (c === '=') {
      throw new FilterError("'=' is not an operator: compare with '=='", start, start + 1);
    } else if (c === '&') {
      throw new FilterError("a single '&': write 'and' or '&&'", start, start + 1);
    } else if (c === '|') {
      throw new FilterError("a single '|': write 'or' or '||'", start, start + 1);
    } else {
      while (i < n && !/\s/.test(text[i]!) && !DELIMITERS.has(text[i]!)) i++;
      const value = text.slice(start, i);
      const lower = value.toLowerCase();
      const op = WORD_OPS[lower];
      if (op) out.push({ kind: 'op', op, value, start, end: i });
      else if (LOGICAL.has(lower)) out.push({ kind: lower as 'and' | 'or' | 'not' | 'in', value, start, end: i });
      else out.push({ kind: 'word', value, start, end: i });
    }
  }
  out.push({ kind: 'end', value: '', start: n, end: n });
  return out;
}

/**
 * A string in double or single quotes. `\"`, `\'` and `\\` are escapes; any other backslash is kept with the
 * character after it, so a regular expression reads the same whether written `"vpn\.example"` or, as Wireshark
 * wants it, `"vpn\\.example"`.
 */
function readString(text: string, open: number): { value: string; end: number } {
  const q = text[open]!;
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === q) return { value, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      const d = text[i + 1]!;
      value += d === q || d === '\\' || d === '"' || d === "'" ? d : c + d;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new FilterError(`the string opened here is never closed (a ${q} is missing)`, open, text.length);
}
