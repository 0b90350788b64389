/**
 * src/x509: DER → certificate view (kept by whoever parsed it: the session's certificate store, a trust store),
 * certificate file loading, chain path building, signature checks, stapled OCSP decoding. Certificates are decoded
 * with the bounds-checked DER reader of src/der (no exception escapes on hostile bytes); signatures are checked with
 * node:crypto.
 */
export { parseCertificate, parseOwnedCertificate } from './certificate.js';
export { pssParams } from './pss.js';
export type { ParsedCertificate, Extension, Subtree, SigResult } from './parsed-certificate.js';
export { verifySignature } from './verify.js';
export { buildPaths, couldIssue } from './path.js';
export type { AnchorSource, Path, PathElement, PathEnd } from './path.js';
export { loadCertificates, certificatesFromBytes, certificatesFromPkcs7, CertificateFileError } from './load.js';
export type { LoadedCertificates } from './load.js';
export { decodeOcspResponse, ocspStatusName } from './ocsp.js';
export type { OcspDecoded, OcspSingle } from './ocsp.js';
export { parseName, nameKey } from './name.js';
export { bitLength, bytesEqual, children, decodeString, ipToString, oidToString, readName, readTlv, toHex } from '../der/index.js';
export type { NameAttribute } from '../der/index.js';
export { readSpki } from './spki.js';
export type { SpkiView } from './spki.js';
export { OID, OPENSSL_SHORT_NAMES, UNDERSTOOD_EXTENSIONS, SIG_ALGS } from './oids.js';
export { renderOpensslText, opensslCompatName, opensslOneline } from './text.js';
