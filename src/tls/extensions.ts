/**
 * The extensions block that hellos, EncryptedExtensions and the TLS 1.3 CertificateRequest share (RFC 8446 4.2):
 * one walker, so that every message reports a truncated block at the same offsets.
 */
import { fail, Reader, type Fail } from './result.js';

/**
 * Walks an extensions block (RFC 8446 4.2): `each(type, data, end)` for every extension, `end` being the offset in
 * `exts` just after its data. Returns the first failure `each` returns, or a truncated block's failure with its
 * offset counted from `base` (where `exts` starts in the message body), or null.
 */
export function eachExtension(exts: Uint8Array, base: number, each: (type: number, data: Uint8Array, end: number) => Fail | void): Fail | null {
  const e = new Reader(exts);
  while (e.remaining > 0 && !e.failed) {
    const type = e.u16('extension type');
    const data = e.vec(2, 'extension data');
    if (e.failed) break;
    const f = each(type, data, e.pos);
    if (f) return f;
  }
  return e.failed ? fail(e.failed.kind, base + e.failed.offset, e.failed.what) : null;
}
