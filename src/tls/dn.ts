/**
 * The distinguished names of a CertificateRequest (certificate_authorities) as RFC 4514 strings, decoded by the
 * project's one DER reader (src/der, below this stage), so a CA name a server lists reads exactly as the issuer
 * name of a certificate.
 */
import { formatName, readName } from '../der/index.js';
import { fail, ok, type Result } from './result.js';

/** DER Name -> RFC 4514 string; a DER that is not a Name is a malformed result with the offset of the fault. */
export function dnToString(der: Uint8Array): Result<string> {
  const r = readName(der);
  return r.ok ? ok(formatName(r.rdns).text) : fail('malformed', r.offset, r.what);
}
