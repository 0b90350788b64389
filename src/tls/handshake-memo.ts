/**
 * What the handshakes of one session share: each certificate DER kept once with its SHA-256, and the CA lists of
 * the CertificateRequests a server sends every client. Owned by the session (or by a connection made without
 * one), never module-level, so two sessions in one process do not see each other's bytes.
 */
import { createHash } from 'node:crypto';
import { BytesMemo } from './bytes-memo.js';
import { FingerprintMemo } from './fingerprint-memo.js';
import { parseCertificateRequest } from './messages.js';

export type CertificateRequestResult = ReturnType<typeof parseCertificateRequest>;
export type RequestForm = '1.0' | '1.2' | '1.3';

/** Larger requests (thousands of CA names) are decoded each time rather than kept. */
const REQUEST_MEMO_BYTES = 16 * 1024;

export class HandshakeMemo {
  /** A repeated certificate costs neither a copy nor a hash. */
  private readonly certificates = new BytesMemo<{ der: Uint8Array; sha: string }>(20_000);
  /** Decoded once per distinct message (and form), the result shared. */
  private readonly requests = new BytesMemo<Partial<Record<RequestForm, CertificateRequestResult>>>(256);
  /** JA3/JA4/JA3S of hellos with inputs seen before. */
  readonly fingerprints = new FingerprintMemo();

  /** The kept copy of this DER and its SHA-256 (hex); `d` may be a view the caller reuses. */
  certificate(d: Uint8Array): { der: Uint8Array; sha: string } {
    return this.certificates.get(d, (der) => ({ der, sha: createHash('sha256').update(der).digest('hex') }));
  }

  certificateRequest(d: Uint8Array, form: RequestForm): CertificateRequestResult {
    if (d.length > REQUEST_MEMO_BYTES) return parseCertificateRequest(d, form);
    const byForm = this.requests.get(d, () => ({}));
    return (byForm[form] ??= parseCertificateRequest(d, form));
  }
}
