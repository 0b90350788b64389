import type { HashName } from '../../keys/hkdf.js';

/** Node cipher names used by the record decryptors. */
export type AeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
export type CbcCipher = 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

export interface Tls13Suite {
  name: string;
  cipher: AeadCipher;
  keyLength: number;
  hash: HashName;
}

/** RFC 8446 §B.4. TLS_AES_128_CCM_8_SHA256 (0x1305, 8-byte tag) is deliberately absent: nothing deploys it. */
export const TLS13_SUITES: ReadonlyMap<number, Tls13Suite> = new Map([
  [0x1301, { name: 'TLS_AES_128_GCM_SHA256', cipher: 'aes-128-gcm', keyLength: 16, hash: 'sha256' }],
  [0x1302, { name: 'TLS_AES_256_GCM_SHA384', cipher: 'aes-256-gcm', keyLength: 32, hash: 'sha384' }],
  [0x1303, { name: 'TLS_CHACHA20_POLY1305_SHA256', cipher: 'chacha20-poly1305', keyLength: 32, hash: 'sha256' }],
  [0x1304, { name: 'TLS_AES_128_CCM_SHA256', cipher: 'aes-128-ccm', keyLength: 16, hash: 'sha256' }],
]);

/**
 * A TLS <= 1.2 suite as far as record protection is concerned.
 * - gcm: RFC 5288, 4-byte implicit salt from the key block + 8-byte explicit nonce in each record.
 * - chacha: RFC 7905, 12-byte IV from the key block XOR the sequence number, no explicit nonce.
 * - cbc: MAC-then-encrypt (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366) with HMAC-`mac`.
 * `prf` is the TLS 1.2 PRF hash (RFC 5246 §5: SHA-256 unless the suite says SHA384); TLS 1.0/1.1 always use
 * the MD5/SHA-1 PRF. `tls12Only`: AEAD and SHA-256/384 suites exist only from TLS 1.2 on.
 */
export type Tls12Suite =
  | { name: string; kind: 'gcm'; cipher: 'aes-128-gcm' | 'aes-256-gcm'; keyLength: number; prf: HashName; tls12Only: true }
  | { name: string; kind: 'chacha'; cipher: 'chacha20-poly1305'; keyLength: 32; prf: 'sha256'; tls12Only: true }
  | {
      name: string;
      kind: 'cbc';
      cipher: CbcCipher;
      keyLength: number;
      blockLength: number;
      mac: 'sha1' | 'sha256' | 'sha384';
      macLength: number;
      prf: HashName;
      tls12Only: boolean;
    };

function gcm(name: string, bits: 128 | 256): Tls12Suite {
  return bits === 128
    ? { name, kind: 'gcm', cipher: 'aes-128-gcm', keyLength: 16, prf: 'sha256', tls12Only: true }
    : { name, kind: 'gcm', cipher: 'aes-256-gcm', keyLength: 32, prf: 'sha384', tls12Only: true };
}
function chacha(name: string): Tls12Suite {
  return { name, kind: 'chacha', cipher: 'chacha20-poly1305', keyLength: 32, prf: 'sha256', tls12Only: true };
}
function cbc(name: string, cipher: CbcCipher, mac: 'sha1' | 'sha256' | 'sha384'): Tls12Suite {
  const keyLength = cipher === 'aes-128-cbc' ? 16 : cipher === 'aes-256-cbc' ? 32 : 24;
  const blockLength = cipher === 'des-ede3-cbc' ? 8 : 16;
  const macLength = mac === 'sha1' ? 20 : mac === 'sha256' ? 32 : 48;
  return {
    name, kind: 'cbc', cipher, keyLength, blockLength, mac, macLength,
    prf: mac === 'sha384' ? 'sha384' : 'sha256',
    tls12Only: mac !== 'sha1',
  };
}

/** The suites seen in practice (IANA TLS Cipher Suites registry); RC4, NULL, export and CCM suites are not decrypted. */
export const TLS12_SUITES: ReadonlyMap<number, Tls12Suite> = new Map([
  // AES-GCM (RFC 5288, RFC 5289)
  [0x009c, gcm('TLS_RSA_WITH_AES_128_GCM_SHA256', 128)],
  [0x009d, gcm('TLS_RSA_WITH_AES_256_GCM_SHA384', 256)],
  [0x009e, gcm('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 128)],
  [0x009f, gcm('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 256)],
  [0x00a2, gcm('TLS_DHE_DSS_WITH_AES_128_GCM_SHA256', 128)],
  [0x00a3, gcm('TLS_DHE_DSS_WITH_AES_256_GCM_SHA384', 256)],
  [0x00a8, gcm('TLS_PSK_WITH_AES_128_GCM_SHA256', 128)],
  [0x00a9, gcm('TLS_PSK_WITH_AES_256_GCM_SHA384', 256)],
  [0xc02b, gcm('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 128)],
  [0xc02c, gcm('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 256)],
  [0xc02d, gcm('TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256', 128)],
  [0xc02e, gcm('TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384', 256)],
  [0xc02f, gcm('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 128)],
  [0xc030, gcm('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 256)],
  [0xc031, gcm('TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256', 128)],
  [0xc032, gcm('TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384', 256)],
  // ChaCha20-Poly1305 (RFC 7905)
  [0xcca8, chacha('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256')],
  [0xcca9, chacha('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256')],
  [0xccaa, chacha('TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256')],
  [0xccab, chacha('TLS_PSK_WITH_CHACHA20_POLY1305_SHA256')],
  [0xccac, chacha('TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256')],
  [0xccad, chacha('TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256')],
  [0xccae, chacha('TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256')],
  // AES-CBC with HMAC-SHA1 (RFC 3268, RFC 4492, RFC 4279)
  [0x002f, cbc('TLS_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0035, cbc('TLS_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x0032, cbc('TLS_DHE_DSS_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0038, cbc('TLS_DHE_DSS_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x0033, cbc('TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0039, cbc('TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x008c, cbc('TLS_PSK_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x008d, cbc('TLS_PSK_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc004, cbc('TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc005, cbc('TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc009, cbc('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc00a, cbc('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc00e, cbc('TLS_ECDH_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc00f, cbc('TLS_ECDH_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc013, cbc('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc014, cbc('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  // AES-CBC with HMAC-SHA256/384 (RFC 5246, RFC 5289)
  [0x003c, cbc('TLS_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x003d, cbc('TLS_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256')],
  [0x0067, cbc('TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x006b, cbc('TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256')],
  [0xc023, cbc('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0xc024, cbc('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
  [0xc027, cbc('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0xc028, cbc('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
  // 3DES, still met on old appliances
  [0x000a, cbc('TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
  [0x0016, cbc('TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
  [0xc012, cbc('TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
]);

/** "0xc02f" style, for notes about suites not in the tables. */
export function suiteHex(suite: number): string {
  return '0x' + suite.toString(16).padStart(4, '0');
}
