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

/** P_hash (RFC 5246 §5): HMAC_hash(secret, A(i) + seed) with A(0) = seed, A(i) = HMAC_hash(secret, A(i-1)). */
function pHash(hash: 'sha256' | 'sha384' | 'sha1' | 'md5', secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Uint8Array = seed;
  let filled = 0;
  while (filled < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    const n = Math.min(block.length, length - filled);
    out.set(block.subarray(0, n), filled);
    filled += n;
  }
  return out;
}

/**
 * The TLS PRF. TLS 1.2 (RFC 5246 §5): P_<prfHash>(secret, label + seed). TLS 1.0/1.1 (RFC 2246 §5, RFC 4346 §5):
 * P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed), S1 and S2 the two halves of the secret (sharing the
 * middle byte when its length is odd).
 */
export function tlsPrf(
  version: number,
  prfHash: HashName,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const l = Buffer.from(label, 'latin1');
  const labelSeed = new Uint8Array(l.length + seed.length);
  labelSeed.set(l, 0);
  labelSeed.set(seed, l.length);
  if (version >= 0x0303) return pHash(prfHash, secret, labelSeed, length);
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), labelSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelSeed, length);
  for (let i = 0; i < length; i++) md5[i] = md5[i]! ^ sha1[i]!;
  return md5;
}
