/**
 * Parse results of the TLS stage (DESIGN.md style point 2): truncated (the bytes end early) and malformed (a
 * length or value that cannot be right) are different outcomes; throwing is reserved for bugs.
 */
export type Fail = { ok: false; kind: 'truncated' | 'malformed'; offset: number; what: string };
export type Result<T> = { ok: true; value: T } | Fail;

export function fail(kind: 'truncated' | 'malformed', offset: number, what: string): Fail {
  return { ok: false, kind, offset, what };
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/**
 * Bounds-checked big-endian reader over one message body. Every read checks the remaining length first and
 * records the first failure; callers test `failed` after a group of reads instead of after each one.
 */
export class Reader {
  pos: number;
  failed: Fail | null = null;
  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  private need(n: number, what: string): boolean {
    if (this.failed) return false;
    if (this.pos + n > this.end) {
      this.failed = fail('truncated', this.pos, what);
      return false;
    }
    return true;
  }
  u8(what: string): number {
    if (!this.need(1, what)) return 0;
    return this.buf[this.pos++]!;
  }
  u16(what: string): number {
    if (!this.need(2, what)) return 0;
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u24(what: string): number {
    if (!this.need(3, what)) return 0;
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }
  /** A view of the next n bytes (no copy). */
  bytes(n: number, what: string): Uint8Array {
    if (!this.need(n, what)) return EMPTY;
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A length-prefixed vector (prefix of 1, 2 or 3 bytes) as a view. */
  vec(prefix: 1 | 2 | 3, what: string): Uint8Array {
    const n = prefix === 1 ? this.u8(what) : prefix === 2 ? this.u16(what) : this.u24(what);
    return this.bytes(n, what);
  }
  skip(n: number, what: string): void {
    if (this.need(n, what)) this.pos += n;
  }
}

export const EMPTY = new Uint8Array(0);

/** The value read, or the reader's first failure: the last line of a decoder that read a group of fields. */
export function finish<T>(r: Reader, v: T): Result<T> {
  return r.failed ? r.failed : ok(v);
}

export function u16at(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}
export function u24at(b: Uint8Array, i: number): number {
  return (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
}
