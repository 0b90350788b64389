/**
 * HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1), below both the TLS stage (TLS 1.3 record keys)
 * and the QUIC stage (Initial and Handshake packet keys, RFC 9001 §5): one module, so both derive keys the same way.
 */
import { createHmac } from 'node:crypto';

export type HashName = 'sha256' | 'sha384';

/** HKDF-Expand (RFC 5869 §2.3) with HMAC-`hash`; `prk` is already a pseudorandom key (a TLS 1.3 secret). */
export function hkdfExpand(hash: HashName | 'sha1' | 'md5', prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let prev: Uint8Array = new Uint8Array(0);
  let filled = 0;
  for (let i = 1; filled < length; i++) {
    const h = createHmac(hash, prk);
    h.update(prev);
    h.update(info);
    h.update(Uint8Array.of(i));
    prev = h.digest();
    const n = Math.min(prev.length, length - filled);
    out.set(prev.subarray(0, n), filled);
    filled += n;
  }
  return out;
}

/** HKDF-Extract (RFC 5869 §2.2): HMAC-`hash` keyed by the salt over the input keying material. */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return createHmac(hash, salt).update(ikm).digest();
}

/**
 * HKDF-Expand-Label (RFC 8446 §7.1): the info is struct { uint16 length; opaque label<7..255> = "tls13 " + label;
 * opaque context<0..255>; }.
 */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = Buffer.from('tls13 ' + label, 'latin1');
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}
