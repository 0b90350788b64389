/**
 * The one DER reader (ITU-T X.690), below every stage that reads DER: src/tls (the names of a CertificateRequest),
 * src/x509 (certificates, OCSP, certificate files) and the report writers that print a certificate field their own
 * way. Bounds-checked: bad encodings give null or a failure with its offset, never an exception.
 */
export { bitLength, bytesEqual, children, integerHex, ipToString, oidToString, parseTime, readTlv, smallInt, toHex } from './reader.js';
export type { Tlv } from './reader.js';
export { decodeString, escapeDnValue } from './strings.js';
export { DN_ATTRIBUTE_NAMES } from './attribute-names.js';
export { formatName, readName } from './name.js';
export type { FormattedName, NameAttribute, NameRead } from './name.js';
