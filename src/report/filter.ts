/**
 * The handshake filter language shared by `--filter`/`-Y` and the interactive `/` (README "Filter expressions"):
 * Wireshark's display-filter grammar over certshark's handshakes, with certshark's own short words kept.
 *
 * - Logic: `and`/`&&`, `or`/`||`, `not`/`!`, parentheses; `not` binds tightest, then `and`, then `or`; terms side
 *   by side are ANDed (`port 7001 bad`).
 * - Comparisons: `FIELD OP VALUE` with `==`/`eq`, `!=`/`ne`, `<` `<=` `>` `>=` (`lt` ...), `contains`,
 *   `matches`/`~` (a JavaScript regular expression, case-insensitive), `FIELD in {A B}`; a Wireshark field alone
 *   tests that it has a value. Values are words or "quoted strings". Fields: filter-fields.ts.
 * - certshark's words: `port 7001`, `ip 10.77.0.0/24` (or `ip 10.0.` as a prefix), `host X`, `sni X`, `cn X`,
 *   `code X`; `bad` `warn` `ok` `info` `alert` `tcp` `udp`/`dtls` `mtls` `encrypted`; a bare verdict code; and
 *   free text (SNI, addresses, ports, version, cipher, ALPN, verdict codes, alert names, certificate names).
 *
 * A word before an operator must be a field. A lone dotted word is a field when it names one (`ip.addr` tests
 * presence), a mistake when it starts like one (`tls.sni`: an error that says to quote it), and otherwise free text,
 * so host names work unquoted (`vpn.example.com`). Case never matters.
 */
import { tokenize, FilterError, type Token } from './filter-lexer.js';
import { parseFilter } from './filter-parser.js';
import { escapeTerminal } from './escape.js';
import type { HandshakePredicate } from './filter-words.js';

export { SEVERITY_RANK, worstSeverity, worstVerdictSeverity } from './severity.js';
export type { CertLookup, HandshakePredicate } from './filter-words.js';
export { FILTER_FIELDS, filterFieldLines, type FilterField } from './filter-fields.js';

export interface CompiledFilter {
  /** The filter; when `error` is set it matches nothing, so a caller that forgets to check shows no wrong rows. */
  test: HandshakePredicate;
  /** The text with runs of blanks outside strings made one, for the status line. */
  text: string;
  /**
   * What is wrong with the expression, one line (unknown field, syntax, missing operand, unbalanced parenthesis,
   * bad number, port, address or regular expression). The command line refuses the expression (exit 2); the
   * interactive view keeps the rows of the last expression that compiled and shows this beside the prompt.
   */
  error?: string;
  /** With `error`: 0-based column in the text as given (counted in code points) where the mistake starts. */
  position?: number;
  /** With `error`: how many columns the mistake spans (at least 1; a missing operand at the end is 1). */
  length?: number;
}

const NOTHING: HandshakePredicate = () => false;

export function compileFilter(text: string): CompiledFilter {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
    return { test: parseFilter(tokens), text: normalise(text, tokens) };
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    const position = columns(text, e.start);
    const length = Math.max(1, columns(text, e.end) - position);
    return { test: NOTHING, text: text.trim().replace(/\s+/g, ' '), error: e.message, position, length };
  }
}

/** `error (column N)`, 1-based for people, terminal-safe: the one line the CLI prints after `--filter: `. */
export function formatFilterError(f: CompiledFilter): string {
  if (f.error === undefined) return '';
  return escapeTerminal(f.position === undefined ? f.error : `${f.error} (column ${f.position + 1})`);
}

/**
 * The expression and a caret line under the mistake (`^~~~`), terminal-safe (an escaped control character widens
 * the line, and the caret moves with it), for a report that may take three lines.
 */
export function filterErrorCaret(text: string, f: CompiledFilter): [string, string] {
  const cps = Array.from(text);
  const pos = Math.min(f.position ?? 0, cps.length);
  const before = Array.from(escapeTerminal(cps.slice(0, pos).join(''))).length;
  const span = Array.from(escapeTerminal(cps.slice(pos, pos + (f.length ?? 1)).join(''))).length;
  return [escapeTerminal(text), ' '.repeat(before) + '^' + '~'.repeat(Math.max(0, span - 1))];
}

function columns(text: string, utf16: number): number {
  return Array.from(text.slice(0, utf16)).length;
}

function normalise(text: string, tokens: Token[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'end') break;
    if (i > 0 && t.start > tokens[i - 1]!.end) out += ' ';
    out += text.slice(t.start, t.end);
  }
  return out;
}
