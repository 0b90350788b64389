import type { KeyObject } from 'node:crypto';
import type { CertificateInfo } from '../model.js';

export interface Extension {
  oid: string;
  critical: boolean;
  /** extnValue content (the DER inside the OCTET STRING), a view. */
  value: Uint8Array;
}

/** A GeneralSubtree base of a name constraint (RFC 5280 §4.2.1.10), in the forms checked here. */
export type Subtree =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'ip'; addr: Uint8Array; mask: Uint8Array }
  | { type: 'dirName'; raw: Uint8Array }
  | { type: 'uri'; value: string }
  | { type: 'other'; tag: number };

export interface ParsedCertificate {
  info: CertificateInfo;
  /** false when the DER did not parse as a certificate: only info.sha256/sha1/pem/notes are meaningful. */
  ok: boolean;
  der: Uint8Array;
  sha256: string;
  version: number;
  /** TBSCertificate element (header included): the signed bytes. Views into `der`. */
  tbs: Uint8Array;
  sigAlgOid: string;
  /** Parameters element of the outer signatureAlgorithm (RSASSA-PSS parameters), when present. */
  sigAlgParams?: Uint8Array;
  /** Signature BIT STRING value without the unused-bits octet. */
  signature: Uint8Array;
  /** SubjectPublicKeyInfo element. */
  spki: Uint8Array;
  subjectRaw: Uint8Array;
  issuerRaw: Uint8Array;
  /** Normalised forms of subject/issuer for the fallback comparison (RFC 5280 §7.1). */
  subjectKey: string;
  issuerKey: string;
  notBefore: number;
  notAfter: number;
  extensions: Extension[];
  basicConstraintsPresent: boolean;
  keyUsagePresent: boolean;
  ekuPresent: boolean;
  nameConstraints?: { permitted: Subtree[]; excluded: Subtree[] };
  /** Public key as a node KeyObject, created on first use; null with keyError when node cannot import it. */
  keyObject(): KeyObject | null;
  keyError?: string;
  /** Signature checks against issuers already done (sha256 of the issuer → result). */
  sigChecks: Map<string, SigResult>;
}

export type SigResult = { ok: true } | { ok: false; kind: 'bad' | 'unsupported'; detail: string };
