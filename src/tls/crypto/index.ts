/**
 * TLS record decryption from key logs (TLS 1.0-1.3) and RFC 8879 certificate decompression.
 * The TLS parser consumes this through the KeyProvider / RecordDecryptor interfaces of ../types.ts.
 */
export { parseKeyLog, loadKeyLog, type KeyLog, type SessionSecrets } from '../../keys/keylog.js';
export { KeyLogProvider, type ExtraKeyParams } from './provider.js';
export { Tls13Decryptor, type Tls13Secrets } from './tls13.js';
export { Tls12Decryptor } from './tls12.js';
export { TLS12_SUITES, TLS13_SUITES, type Tls12Suite, type Tls13Suite } from './suites.js';
export { hkdfExpandLabel, tlsPrf } from './kdf.js';
export { decompressCertificateMessage, CERT_COMPRESSION, type DecompressResult } from './compressed-certificate.js';
