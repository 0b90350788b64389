/** Object identifiers certshark names (RFC 5280, RFC 4055, RFC 5758, RFC 8410, FIPS 204, CA/B Forum). */

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  dsa: '1.2.840.10040.4.1',
  mgf1: '1.2.840.113549.1.1.8',
  // extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  pkcs7SignedData: '1.2.840.113549.1.7.2',
  commonName: '2.5.4.3',
} as const;

/** Critical extensions a path validator here understands (RFC 5280 §4.2: unknown critical → reject). */
export const UNDERSTOOD_EXTENSIONS = new Set<string>([
  OID.subjectKeyIdentifier, OID.keyUsage, OID.subjectAltName, OID.issuerAltName, OID.basicConstraints,
  OID.nameConstraints, OID.crlDistributionPoints, OID.certificatePolicies, OID.policyMappings,
  OID.authorityKeyIdentifier, OID.policyConstraints, OID.extKeyUsage, OID.freshestCrl, OID.inhibitAnyPolicy,
  OID.authorityInfoAccess, OID.sctList,
]);

export const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.113549.2.5': 'md5',
};

/** Signature algorithm OID → display name, node digest (null: the key type implies it), family. */
export const SIG_ALGS: Record<string, { name: string; hash: string | null; family: 'rsa' | 'pss' | 'ecdsa' | 'eddsa' | 'dsa' | 'mldsa' }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2', family: 'rsa' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5', family: 'rsa' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1', family: 'rsa' },
  '1.3.14.3.2.29': { name: 'sha1WithRSAEncryption', hash: 'sha1', family: 'rsa' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224', family: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256', family: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384', family: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512', family: 'rsa' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: null, family: 'pss' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1', family: 'ecdsa' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224', family: 'ecdsa' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256', family: 'ecdsa' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384', family: 'ecdsa' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512', family: 'ecdsa' },
  '1.3.101.112': { name: 'Ed25519', hash: null, family: 'eddsa' },
  '1.3.101.113': { name: 'Ed448', hash: null, family: 'eddsa' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1', family: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256', family: 'dsa' },
  '2.16.840.1.101.3.4.3.17': { name: 'ML-DSA-44', hash: null, family: 'mldsa' },
  '2.16.840.1.101.3.4.3.18': { name: 'ML-DSA-65', hash: null, family: 'mldsa' },
  '2.16.840.1.101.3.4.3.19': { name: 'ML-DSA-87', hash: null, family: 'mldsa' },
};

export const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.3.132.0.10': 'secp256k1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
};

export const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.5': 'ipsecEndSystem',
  '1.3.6.1.5.5.7.3.6': 'ipsecTunnel',
  '1.3.6.1.5.5.7.3.7': 'ipsecUser',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.5.5.7.3.17': 'ipsecIKE',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.4.1.311.20.2.2': 'msSmartcardLogin',
  '1.3.6.1.4.1.311.10.3.4': 'msEFS',
};

export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;

/** Attribute types with RFC 4514 §3 short names: the one table every name is formatted with (src/der). */
export { DN_ATTRIBUTE_NAMES as DN_ATTRS } from '../der/index.js';

/** OpenSSL's short names (OBJ_nid2sn) for name attributes, as `openssl x509 -text` and Zeek's logs print
 * them; an attribute OpenSSL does not know prints as its OID. */
export const OPENSSL_SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory', '2.5.4.17': 'postalCode', '2.5.4.41': 'name', '2.5.4.42': 'GN',
  '2.5.4.43': 'initials', '2.5.4.44': 'generationQualifier', '2.5.4.45': 'x500UniqueIdentifier',
  '2.5.4.46': 'dnQualifier', '2.5.4.65': 'pseudonym', '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress', '1.2.840.113549.1.9.2': 'unstructuredName',
  '0.9.2342.19200300.100.1.1': 'UID', '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL', '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};
