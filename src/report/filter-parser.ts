/**
 * Recursive descent over the tokens of filter-lexer.ts, straight to a predicate:
 *
 *   expr    = and { ("or" | "||") and }
 *   and     = unary { [ "and" | "&&" ] unary }          juxtaposition is "and"
 *   unary   = ( "not" | "!" ) unary | primary
 *   primary = "(" expr ")" | term
 *   term    = FIELD OP value | FIELD "in" "{" value { [","] value } "}"
 *           | SHORT value                               port 7001, sni vpn (the six keywords of filter-fields.ts)
 *           | WORD | STRING                             keyword, present field, verdict code or free text
 *
 * so `not` binds tighter than `and`, and `and` tighter than `or`, as in Wireshark.
 */
import { FilterError, type Token } from './filter-lexer.js';
import { FIELD_PROTOCOLS, FILTER_FIELDS, lookupField, nearest, orList, type FilterField, type Literal } from './filter-fields.js';
import { freeText, hasVerdictCode, isVerdictCode, keywordWord, type HandshakePredicate } from './filter-words.js';

const describe = (t: Token): string => (t.kind === 'end' ? 'the end' : `'${t.value}'`);

export function parseFilter(tokens: Token[]): HandshakePredicate {
  return new Parser(tokens).parse();
}

const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }

  private next(): Token {
    const t = this.toks[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }

  parse(): HandshakePredicate {
    if (this.peek().kind === 'end') return () => true;
    const p = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.unexpected(t);
    return p;
  }

  /** Can `t` begin a term? */
  private startsTerm(t: Token): boolean {
    return t.kind === 'word' || t.kind === 'string' || t.kind === '(' || t.kind === 'not';
  }

  /** What to say about a token that cannot stand where it is. */
  private unexpected(t: Token): FilterError {
    switch (t.kind) {
      case ')':
        return new FilterError("')' has no '(' to close", t.start, t.end);
      case 'op':
        return new FilterError(`'${t.value}' needs a field before it, e.g. 'tcp.port ${t.value} 443'`, t.start, t.end);
      case 'and':
      case 'or':
        return new FilterError(`'${t.value}' needs a term before it`, t.start, t.end);
      case 'in':
        return new FilterError("'in' needs a field before it, e.g. 'tcp.port in {443 7001}'", t.start, t.end);
      default:
        return new FilterError(`unexpected ${describe(t)}`, t.start, t.end);
    }
  }

  /** After `and`, `or`, `not`: a term must follow. */
  private needTerm(after: Token): void {
    const t = this.peek();
    if (this.startsTerm(t)) return;
    if (t.kind === 'end' || t.kind === ')' || t.kind === 'and' || t.kind === 'or') {
      throw new FilterError(`'${after.value}' needs a term after it`, t.start, t.end);
    }
    throw this.unexpected(t);
  }

  private or(): HandshakePredicate {
    const parts = [this.and()];
    while (this.peek().kind === 'or') {
      const op = this.next();
      this.needTerm(op);
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (h, c) => parts.some((p) => p(h, c));
  }

  private and(): HandshakePredicate {
    const parts = [this.unary()];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'and') {
        this.next();
        this.needTerm(t);
      } else if (!this.startsTerm(t)) {
        break;
      }
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : (h, c) => parts.every((p) => p(h, c));
  }

  private unary(): HandshakePredicate {
    const t = this.peek();
    if (t.kind === 'not') {
      this.next();
      this.needTerm(t);
      const p = this.nested(t, () => this.unary());
      return (h, c) => !p(h, c);
    }
    return this.primary();
  }

  private primary(): HandshakePredicate {
    const t = this.peek();
    if (t.kind === '(') {
      this.next();
      const first = this.peek();
      if (first.kind === ')') throw new FilterError("'()' holds nothing", t.start, first.end);
      if (first.kind === 'end') throw new FilterError("the '(' here is never closed", t.start, t.end);
      if (!this.startsTerm(first)) throw this.unexpected(first);
      const p = this.nested(t, () => this.or());
      const close = this.peek();
      if (close.kind === ')') {
        this.next();
        return p;
      }
      if (close.kind === 'end') throw new FilterError("the '(' here is never closed", t.start, t.end);
      throw this.unexpected(close);
    }
    if (t.kind === 'word' || t.kind === 'string') return this.term();
    throw this.unexpected(t);
  }

  /**
   * Parentheses and `not` recurse: bounded, so a pasted `((((...` or `!!!!...` is an error and not a stack
   * overflow (the CLI and the view must never crash on what is typed).
   */
  private nested<T>(at: Token, f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new FilterError(`nested deeper than ${MAX_DEPTH} levels`, at.start, at.end);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private term(): HandshakePredicate {
    const t = this.next();
    // A quoted string is always text to look for, never a keyword or a field.
    if (t.kind === 'string') return freeText(t.value.toLowerCase());
    const lower = t.value.toLowerCase();
    const after = this.peek();
    if (after.kind === 'op') {
      const f = this.field(t);
      this.next();
      return f.compare(after.op, after, this.value(after, f));
    }
    if (after.kind === 'in') {
      const f = this.field(t);
      this.next();
      return this.set(f, after);
    }
    const f = lookupField(lower);
    if (f?.short) {
      if (after.kind === 'word' || after.kind === 'string') {
        this.next();
        return f.compare(f.short, t, literal(after));
      }
      throw new FilterError(`'${t.value}' needs a value, e.g. '${f.example}'`, t.start, t.end);
    }
    const kw = keywordWord(lower);
    if (kw) return kw;
    if (f?.wireshark) return f.exists;
    if (isVerdictCode(lower)) return hasVerdictCode(lower);
    const dot = lower.indexOf('.');
    if (dot > 0 && FIELD_PROTOCOLS.has(lower.slice(0, dot))) {
      throw new FilterError(
        `unknown field '${t.value}'${suggest(t.value)}; to look for it as text, quote it: "${t.value}"`,
        t.start,
        t.end,
      );
    }
    // Anything else is free text, dotted or not: host names (`vpn.example.com`), addresses, codes in part.
    return freeText(lower);
  }

  /** The field a word before an operator names. */
  private field(t: Token): FilterField {
    const f = lookupField(t.value);
    if (f) return f;
    throw new FilterError(`unknown field '${t.value}'${suggest(t.value)}`, t.start, t.end);
  }

  /** The value after an operator. */
  private value(op: Token, f: FilterField): Literal {
    const t = this.peek();
    if (t.kind === 'word' || t.kind === 'string') {
      this.next();
      return literal(t);
    }
    throw new FilterError(`'${op.value}' needs a value after it, e.g. '${exampleOf(f, op.value)}'`, t.start, t.end);
  }

  /** `field in {a b c}`: any value equal to any member. */
  private set(f: FilterField, inTok: Token): HandshakePredicate {
    const open = this.peek();
    if (open.kind !== '{') throw new FilterError(`'in' needs a set in braces after it, e.g. '${f.name} in {${setExample(f)}}'`, open.start, open.end);
    this.next();
    const members: HandshakePredicate[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') break;
      if (t.kind === ',' && members.length > 0) {
        this.next();
        continue;
      }
      if (t.kind === 'word' || t.kind === 'string') {
        this.next();
        members.push(f.compare('==', inTok, literal(t)));
        continue;
      }
      if (t.kind === 'end') throw new FilterError("the '{' here is never closed", open.start, open.end);
      throw new FilterError(`a set holds values, not ${describe(t)}`, t.start, t.end);
    }
    const close = this.next();
    if (members.length === 0) throw new FilterError("'{}' holds nothing", open.start, close.end);
    return (h, c) => members.some((m) => m(h, c));
  }
}

function literal(t: Token): Literal {
  return { text: t.value, start: t.start, end: t.end };
}

/** "(did you mean a, b or c?)"; when nothing is near, the fields of the same protocol, or all of them. */
function suggest(word: string): string {
  const names = FILTER_FIELDS.map((f) => f.name);
  const near = nearest(word, names, 3);
  if (near.length > 0) return ` (did you mean ${orList(near)}?)`;
  const dot = word.indexOf('.');
  const proto = dot > 0 ? word.slice(0, dot + 1).toLowerCase().replace(/^ssl\./, 'tls.') : '';
  const same = proto === '' ? [] : names.filter((n) => n.toLowerCase().startsWith(proto));
  return same.length > 0 ? ` (${proto.slice(0, -1)} fields: ${same.join(', ')})` : ` (fields: ${names.join(', ')})`;
}

/** `f op value` with the value of the field's example: what to write after an operator. */
function exampleOf(f: FilterField, op: string): string {
  return `${f.name} ${op} ${exampleValue(f)}`;
}

function exampleValue(f: FilterField): string {
  const rest = f.example.slice(f.name.length + 1);
  const m = /^(==|!=|<=|>=|<|>|contains|matches)\s+(.*)$/.exec(rest);
  return m ? m[2]! : rest;
}

function setExample(f: FilterField): string {
  return f.type === 'port' ? '443 7001' : exampleValue(f);
}
