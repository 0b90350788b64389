import { createDecipheriv, type DecipherCCM, type DecipherGCM } from 'node:crypto';
import type { AeadCipher } from './suites.js';

/** Every AEAD that TLS uses here has a 16-byte tag (RFC 5116, RFC 8439, RFC 6655 "CCM" not "CCM_8"). */
export const TAG_LENGTH = 16;

/**
 * AEAD-Open. `sealed` is ciphertext || tag. Returns the plaintext (a fresh buffer), or null when the tag does not
 * verify (wrong key, wrong nonce, corrupted record). Never throws.
 */
export function aeadOpen(
  cipher: AeadCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Buffer | null {
  if (sealed.length < TAG_LENGTH) return null;
  const ct = sealed.subarray(0, sealed.length - TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - TAG_LENGTH);
  try {
    if (cipher === 'aes-128-ccm') {
      // CCM needs the tag and the plaintext length before the data (Node crypto docs, "CCM mode").
      const d = createDecipheriv(cipher, key, nonce, { authTagLength: TAG_LENGTH }) as DecipherCCM;
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ct.length });
      const out = d.update(ct);
      d.final();
      return out;
    }
    // chacha20-poly1305 has the same setAAD/setAuthTag surface as GCM.
    const d = createDecipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: TAG_LENGTH }) as DecipherGCM;
    d.setAAD(aad);
    d.setAuthTag(tag);
    const out = d.update(ct);
    const fin = d.final();
    return fin.length === 0 ? out : Buffer.concat([out, fin]);
  } catch {
    return null;
  }
}

/** nonce = iv XOR the 64-bit big-endian sequence number left-padded to the IV length (RFC 8446 §5.3, RFC 7905 §2). */
export function xorSequence(iv: Uint8Array, seq: number, out: Uint8Array): Uint8Array {
  out.set(iv);
  const n = out.length;
  let lo = seq >>> 0;
  let hi = Math.floor(seq / 0x1_0000_0000) >>> 0;
  for (let i = 0; i < 4; i++) {
    out[n - 1 - i] ^= lo & 0xff;
    lo >>>= 8;
  }
  for (let i = 4; i < 8; i++) {
    out[n - 1 - i] ^= hi & 0xff;
    hi >>>= 8;
  }
  return out;
}

/** Writes the 8-byte big-endian sequence number at `off`. */
export function writeSeq(buf: Uint8Array, off: number, seq: number): void {
  let lo = seq >>> 0;
  let hi = Math.floor(seq / 0x1_0000_0000) >>> 0;
  for (let i = 7; i >= 4; i--) {
    buf[off + i] = lo & 0xff;
    lo >>>= 8;
  }
  for (let i = 3; i >= 0; i--) {
    buf[off + i] = hi & 0xff;
    hi >>>= 8;
  }
}
