/**
 * A PHP preg pattern (PCRE, `/regex/flags`) as a JavaScript RegExp with the same meaning, for the Expressway's
 * certificate-based authentication regex: Cisco's Expressway administrator guide says the Regex field "must
 * conform to PHP regex guidelines" and gives `/(Subject:.*, CN=(?<Group1>.*))/m` as its example.
 *
 * What differs between PCRE and JavaScript and is translated: the delimiters and modifiers (i m s x U D A; u and
 * S X n accepted), `.` (PCRE's does match \r), `$` without /m (PCRE's also matches before a final newline),
 * \A \z \Z \h \H \R \e \a \x{hh}, (?P<name>…) and (?'name'…), (?P=name) \k{name} \g{name} \g1, comments (?#…),
 * and a ']' first in a character class (literal in PCRE, an empty class in JavaScript). What JavaScript cannot
 * express is refused with a message rather than silently matched differently: atomic groups, possessive
 * quantifiers, recursion, conditionals, branch reset, inline modifiers, \K \G \Q \E \X \C.
 */

export class PatternError extends Error {
  override name = 'PatternError';
}

export interface TranslatedPattern {
  regex: RegExp;
  /** The pattern between the delimiters, and the modifiers after them. */
  body: string;
  modifiers: string;
  /** Names of the named groups, in order. */
  groups: string[];
  /** Remarks for the user (missing delimiters, modifiers without effect here). */
  notes: string[];
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const END = '(?![\\s\\S])';
const END_OR_FINAL_NL = '(?=\\n?(?![\\s\\S]))';
/** Escapes whose meaning JavaScript shares (letters only; other characters escape themselves in both). */
const SAME_ESCAPES = new Set([...'dDwWsSbBnrtfv0123456789ck']);

/** Split `/body/mods` as PHP does (pcre_get_compiled_regex_cache): delimiter, unescaped end delimiter, modifiers. */
function splitDelimiters(pattern: string, notes: string[]): { body: string; modifiers: string } {
  const p = pattern.replace(/^\s+/, '');
  const d = p[0];
  if (d === undefined) throw new PatternError('the pattern is empty');
  if (/[A-Za-z0-9\\]/.test(d)) {
    notes.push('the pattern has no delimiters: PHP, and so the Expressway, needs it written between them, as /…/ (Cisco\'s example is /(Subject:.*, CN=(?<Group1>.*))/m); tested here as /' + p + '/');
    return { body: p, modifiers: '' };
  }
  const close = CLOSERS[d] ?? d;
  let i = 1;
  if (close === d) {
    while (i < p.length && p[i] !== d) i += p[i] === '\\' && i + 1 < p.length ? 2 : 1;
  } else {
    let depth = 1;
    for (; i < p.length; i++) {
      if (p[i] === '\\' && i + 1 < p.length) { i++; continue; }
      if (p[i] === close && --depth === 0) break;
      if (p[i] === d) depth++;
    }
  }
  if (i >= p.length) throw new PatternError(`no ending delimiter '${close}' found`);
  return { body: p.slice(1, i), modifiers: p.slice(i + 1) };
}

export function translatePhpPattern(pattern: string): TranslatedPattern {
  const notes: string[] = [];
  const { body, modifiers } = splitDelimiters(pattern, notes);
  const mods = new Set<string>();
  for (const m of modifiers) {
    if (m === ' ' || m === '\n' || m === '\r') continue;
    if (!'imsxADSUXJun'.includes(m)) throw new PatternError(`unknown modifier '${m}'`);
    mods.add(m);
  }
  const ungreedy = mods.has('U');
  const extended = mods.has('x');
  const groups: string[] = [];
  let out = '';
  let i = 0;
  let inClass = false;
  let classStart = false;
  /** The last thing emitted was a quantifier: a following '+' would be possessive, a '?' lazy. */
  let quantified = false;

  const unsupported = (what: string) => {
    throw new PatternError(`${what} is PCRE syntax that JavaScript cannot express; rewrite the pattern without it`);
  };
  const quantifier = (q: string) => {
    let lazy = ungreedy;
    if (body[i] === '?') { lazy = !lazy; i++; } else if (body[i] === '+') unsupported(`the possessive quantifier ${q}+`);
    out += q + (lazy ? '?' : '');
    quantified = true;
  };

  while (i < body.length) {
    const c = body[i]!;
    if (inClass) {
      if (c === ']' && !classStart) { inClass = false; out += c; i++; quantified = false; continue; }
      if (c === ']') { out += '\\]'; i++; classStart = false; continue; }
      if (c === '^' && classStart && out.endsWith('[')) { out += c; i++; continue; }
      classStart = false;
      if (c === '[' && body[i + 1] === ':') {
        const m = /^\[:(\^?)(alpha|digit|alnum|space|upper|lower|punct|xdigit|word|blank|cntrl|graph|print):\]/.exec(body.slice(i));
        if (!m) unsupported('this POSIX class');
        const cls: Record<string, string> = {
          alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', lower: 'a-z',
          punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', graph: '!-~', print: ' -~',
        };
        if (m![1]) unsupported('a negated POSIX class');
        out += cls[m![2]!];
        i += m![0].length;
        continue;
      }
      if (c === '\\') {
        const e = body[i + 1] ?? '';
        if (e === 'h') out += ' \\t';
        else if (e === 's') out += '\\t\\n\\v\\f\\r ';
        else if (e === 'e') out += '\\x1b';
        else if (e === 'a') out += '\\x07';
        else if (e === 'x' && body[i + 2] === '{') { out += braceHex(); continue; }
        else if (/[A-Za-z]/.test(e) && !SAME_ESCAPES.has(e) && e !== 'x') unsupported(`\\${e} in a character class`);
        else out += '\\' + e;
        i += 2;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    if (extended && /\s/.test(c)) { i++; continue; }
    if (extended && c === '#') { while (i < body.length && body[i] !== '\n') i++; continue; }
    if (c === '[') { inClass = true; classStart = true; out += c; i++; if (body[i] === '^') { out += '^'; i++; } quantified = false; continue; }
    if (c === '*' || c === '+' || c === '?') {
      if (quantified && c === '+') unsupported('a possessive quantifier');
      i++;
      quantifier(c);
      continue;
    }
    if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(body.slice(i));
      if (m) { i += m[0].length; quantifier(m[0]); continue; }
      out += '\\{';
      i++;
      quantified = false;
      continue;
    }
    quantified = false;
    if (c === '.') { out += mods.has('s') ? '[\\s\\S]' : '[^\\n]'; i++; continue; }
    if (c === '$') { out += mods.has('m') ? '(?=\\n|(?![\\s\\S]))' : mods.has('D') ? END : END_OR_FINAL_NL; i++; continue; }
    // PCRE's multiline ^ matches after a newline only when something follows it (not after a final newline).
    if (c === '^') { out += mods.has('m') ? '(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))' : '(?<![\\s\\S])'; i++; continue; }
    if (c === '(' && body[i + 1] === '?') {
      const rest = body.slice(i + 2);
      let m: RegExpExecArray | null;
      if ((m = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest)) || (m = /^'([A-Za-z_][A-Za-z0-9_]*)'/.exec(rest))) {
        groups.push(m[1]!);
        out += `(?<${m[1]}>`;
        i += 2 + m[0].length;
        continue;
      }
      if ((m = /^P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) { out += `\\k<${m[1]}>`; i += 2 + m[0].length; continue; }
      if (rest.startsWith('#')) { const e = body.indexOf(')', i); if (e < 0) throw new PatternError('missing ) after a (?# comment'); i = e + 1; continue; }
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
        const n = rest.startsWith('<') ? 4 : 3;
        out += body.slice(i, i + n);
        i += n;
        continue;
      }
      if (rest.startsWith('>')) unsupported('an atomic group (?>…)');
      if (rest.startsWith('|')) unsupported('a branch reset group (?|…)');
      if (rest.startsWith('(')) unsupported('a conditional group (?(…)…)');
      if (/^(R|[+-]?\d|&|P>)/.test(rest)) unsupported('a recursive or subroutine call');
      unsupported(`the inline modifier group (?${rest.slice(0, 3)}…; put modifiers after the closing delimiter instead`);
    }
    if (c === '(') {
      out += c;
      i++;
      continue;
    }
    if (c === '\\') {
      const e = body[i + 1];
      if (e === undefined) throw new PatternError('the pattern ends with a backslash');
      let m: RegExpExecArray | null;
      const rest = body.slice(i + 1);
      if (e === 'A') { out += '(?<![\\s\\S])'; i += 2; continue; }
      if (e === 'z') { out += END; i += 2; continue; }
      if (e === 'Z') { out += END_OR_FINAL_NL; i += 2; continue; }
      if (e === 'h') { out += '[ \\t]'; i += 2; continue; }
      if (e === 'H') { out += '[^ \\t]'; i += 2; continue; }
      if (e === 'R') { out += '(?:\\r\\n|[\\n\\v\\f\\r\\x85])'; i += 2; continue; }
      if (e === 'e') { out += '\\x1b'; i += 2; continue; }
      if (e === 'a') { out += '\\x07'; i += 2; continue; }
      if (e === 'x' && body[i + 2] === '{') { out += braceHex(); continue; }
      if ((m = /^[kg]\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest)) || (m = /^k'([A-Za-z_][A-Za-z0-9_]*)'/.exec(rest))) { out += `\\k<${m[1]}>`; i += 1 + m[0].length; continue; }
      if ((m = /^g\{?(\d+)\}?/.exec(rest))) { out += `\\${m[1]}`; i += 1 + m[0].length; continue; }
      if (e === 'N') { out += '[^\\n]'; i += 2; continue; }
      // PCRE's \s is ASCII white space (without UCP); JavaScript's also matches U+00A0 and other Unicode spaces.
      if (e === 's') { out += '[\\t\\n\\v\\f\\r ]'; i += 2; continue; }
      if (e === 'S') { out += '[^\\t\\n\\v\\f\\r ]'; i += 2; continue; }
      if ('KGQEXC'.includes(e)) unsupported(`\\${e}`);
      if (e === 'p' || e === 'P') unsupported(`the Unicode property \\${e}{…}`);
      if (/[A-Za-z]/.test(e) && !SAME_ESCAPES.has(e) && e !== 'x') throw new PatternError(`\\${e} is not an escape PCRE knows`);
      out += '\\' + e;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) throw new PatternError('missing terminating ] for a character class');

  function braceHex(): string {
    const m = /^\\x\{([0-9A-Fa-f]{1,4})\}/.exec(body.slice(i));
    if (!m) throw new PatternError('\\x{…} wants one to four hex digits here');
    i += m[0].length;
    return '\\u' + m[1]!.padStart(4, '0');
  }

  if (mods.has('A')) out = `(?<![\\s\\S])(?:${out})`;
  if (mods.has('u')) notes.push('the u modifier: the certificate text is matched as characters already');
  let regex: RegExp;
  try {
    regex = new RegExp(out, mods.has('i') ? 'i' : '');
  } catch (e) {
    throw new PatternError(((e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')));
  }
  return { regex, body, modifiers, groups, notes };
}
