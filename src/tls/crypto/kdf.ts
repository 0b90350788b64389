import { createHmac } from 'node:crypto';
import type { HashName } from '../../keys/hkdf.js';

export { hkdfExpand, hkdfExpandLabel, type HashName } from '../../keys/hkdf.js';

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
