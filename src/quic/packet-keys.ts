/**
 * QUIC packet protection keys (RFC 9001 §5): Initial secrets from the client's first Destination Connection ID and
 * the version's salt (§5.2), and per secret the AEAD key, IV and header-protection key (§5.1), with the version's
 * labels. Handshake packets use the same derivation from the key log's handshake traffic secrets. Only node:crypto
 * ciphers are used: AES-GCM / AES-CCM / ChaCha20-Poly1305 for the payload, AES-ECB / ChaCha20 for the header mask.
 */
import { createCipheriv, createDecipheriv, type CipherCCMTypes, type CipherGCMTypes } from 'node:crypto';
import { hkdfExpandLabel, hkdfExtract, type HashName } from '../keys/hkdf.js';
import type { QuicVersion } from './versions.js';

interface QuicSuite {
  hash: HashName;
  aead: CipherGCMTypes | CipherCCMTypes | 'chacha20-poly1305';
  keyLength: number;
  hp: 'aes-128-ecb' | 'aes-256-ecb' | 'chacha20';
}

/** The TLS 1.3 cipher suites QUIC uses (RFC 9001 §5.3; AES-128-CCM is in GnuTLS's default list). */
const SUITES = new Map<number, QuicSuite>([
  [0x1301, { hash: 'sha256', aead: 'aes-128-gcm', keyLength: 16, hp: 'aes-128-ecb' }],
  [0x1302, { hash: 'sha384', aead: 'aes-256-gcm', keyLength: 32, hp: 'aes-256-ecb' }],
  [0x1303, { hash: 'sha256', aead: 'chacha20-poly1305', keyLength: 32, hp: 'chacha20' }],
  [0x1304, { hash: 'sha256', aead: 'aes-128-ccm', keyLength: 16, hp: 'aes-128-ecb' }],
]);

/** Initial packets are always protected with AEAD_AES_128_GCM (RFC 9001 §5.2). */
export const INITIAL_SUITE = 0x1301;

export interface PacketKeys {
  readonly suite: QuicSuite;
  readonly hp: Uint8Array;
  /** Derived on first use: a packet whose header protection already fails (reserved bits) never needs them. */
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

export const TAG_LENGTH = 16;

/** Key, IV and header-protection key from one secret; null for a cipher suite QUIC does not use. */
export function packetKeys(cipherSuite: number, secret: Uint8Array, version: QuicVersion): PacketKeys | null {
  const suite = SUITES.get(cipherSuite);
  if (!suite) return null;
  const none = new Uint8Array(0);
  const p = version.labelPrefix;
  let key: Uint8Array | undefined;
  let iv: Uint8Array | undefined;
  return {
    suite,
    hp: hkdfExpandLabel(suite.hash, secret, `${p} hp`, none, suite.keyLength),
    get key() {
      return (key ??= hkdfExpandLabel(suite.hash, secret, `${p} key`, none, suite.keyLength));
    },
    get iv() {
      return (iv ??= hkdfExpandLabel(suite.hash, secret, `${p} iv`, none, 12));
    },
  };
}

/** The hash of a suite, to check a key log secret's length against it. */
export function suiteHashLength(cipherSuite: number): number | null {
  const s = SUITES.get(cipherSuite);
  return s ? (s.hash === 'sha256' ? 32 : 48) : null;
}

/** initial_secret (RFC 9001 §5.2), from which each side's Initial secret is expanded. */
export function initialSecret(version: QuicVersion, dcid: Uint8Array): Uint8Array {
  return hkdfExtract('sha256', version.salt, dcid);
}

/** client_initial_secret or server_initial_secret (RFC 9001 §5.2). */
export function sideInitialSecret(initial: Uint8Array, side: 'client' | 'server'): Uint8Array {
  return hkdfExpandLabel('sha256', initial, side === 'client' ? 'client in' : 'server in', new Uint8Array(0), 32);
}

/** Both sides' Initial secrets. */
export function initialSecrets(version: QuicVersion, dcid: Uint8Array): { client: Uint8Array; server: Uint8Array } {
  const initial = initialSecret(version, dcid);
  return { client: sideInitialSecret(initial, 'client'), server: sideInitialSecret(initial, 'server') };
}

/** The 5-byte header-protection mask from a 16-byte sample (RFC 9001 §5.4.3, §5.4.4). */
export function headerMask(k: PacketKeys, sample: Uint8Array): Uint8Array {
  if (k.suite.hp === 'chacha20') {
    // The sample is the 4-byte little-endian block counter followed by the 12-byte nonce: node's 16-byte IV.
    return createCipheriv('chacha20', k.hp, sample).update(new Uint8Array(5));
  }
  const c = createCipheriv(k.suite.hp, k.hp, null);
  c.setAutoPadding(false);
  return c.update(sample).subarray(0, 5);
}

/**
 * Opens a packet's payload (ciphertext followed by the 16-byte tag) with the packet number `pn` and the unprotected
 * header as additional data (RFC 9001 §5.3); null when it does not authenticate (wrong keys, damaged packet).
 */
export function openPayload(k: PacketKeys, pn: number, header: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < TAG_LENGTH) return null;
  const nonce = Uint8Array.from(k.iv);
  // The 62-bit packet number, left-padded to the IV's length, XORed into its last 8 bytes.
  const hi = Math.floor(pn / 0x1_0000_0000);
  const lo = pn >>> 0;
  for (let i = 0; i < 4; i++) {
    nonce[4 + i]! ^= (hi >>> (24 - 8 * i)) & 0xff;
    nonce[8 + i]! ^= (lo >>> (24 - 8 * i)) & 0xff;
  }
  const ct = sealed.subarray(0, sealed.length - TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - TAG_LENGTH);
  try {
    const a = k.suite.aead;
    if (a === 'aes-128-ccm') {
      const d = createDecipheriv(a, k.key, nonce, { authTagLength: TAG_LENGTH });
      d.setAuthTag(tag);
      d.setAAD(header, { plaintextLength: ct.length });
      return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
    }
    const d = createDecipheriv(a as CipherGCMTypes, k.key, nonce, { authTagLength: TAG_LENGTH });
    d.setAAD(header);
    d.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
  } catch {
    return null;
  }
}
