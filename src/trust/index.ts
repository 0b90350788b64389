/**
 * src/trust: chains + trust stores + capture time + profile → Verdict[] (codes in codes.ts). Uses src/x509 for
 * parsing and path building; judges anchors, validity at capture time, names, roles and Cisco profiles here.
 */
import type { Verdict } from '../model.js';
import type { ParsedCertificate } from '../x509/index.js';
import { judgePresented, type TrustContext } from './chain.js';
import type { Role } from './words.js';

export { VERDICT_CODES, type VerdictCode } from './codes.js';
export { TrustStore, type TrustStoreOptions, type AnchorOrigin } from './store.js';
export { judgeHandshake, ocspVerdicts } from './handshake.js';
export { checkHostname, matchDnsName, normalizeHost } from './names.js';
export type { TrustContext } from './chain.js';
export type { Profile, Role } from './words.js';

/**
 * Judge certificate files as a presented chain (`certshark check`): chain[0] is the certificate under test, the
 * rest its bundle. Same checks as a handshake minus the handshake evidence. `at: 'capture'` means now here.
 */
export function judgeChain(chain: ParsedCertificate[], role: Role, ctx: TrustContext): Verdict[] {
  return [...judgePresented(chain, role, ctx).verdicts];
}
