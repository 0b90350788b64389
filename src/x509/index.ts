/**
 * src/x509: DER → certificate view (parsed once per SHA-256), certificate file loading, chain path building,
 * signature checks, stapled OCSP decoding. Certificates are decoded with the bounds-checked DER reader in der.ts
 * (no exception escapes on hostile bytes); signatures are checked with node:crypto.
 */
export { parseCertificate, clearCertificateCache, pssParams } from './certificate.js';
export type { ParsedCertificate, Extension, Subtree, SigResult } from './certificate.js';
export { verifySignature } from './verify.js';
export { buildPaths, couldIssue } from './path.js';
export type { AnchorSource, Path, PathElement, PathEnd } from './path.js';
export { loadCertificates, certificatesFromBytes, certificatesFromPkcs7, CertificateFileError } from './load.js';
export type { LoadedCertificates } from './load.js';
export { decodeOcspResponse, ocspStatusName } from './ocsp.js';
export type { OcspDecoded, OcspSingle } from './ocsp.js';
export { parseName, nameKey, decodeString } from './name.js';
export { bitLength, bytesEqual, children, ipToString, oidToString, readTlv, toHex } from './der.js';
export { OID, OPENSSL_SHORT_NAMES, UNDERSTOOD_EXTENSIONS, SIG_ALGS } from './oids.js';
export { renderOpensslText, opensslCompatName, opensslOneline } from './text.js';
