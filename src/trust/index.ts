/**
 * src/trust: chains + trust stores + capture time + profile → Verdict[] (codes in codes.ts). Uses src/x509 for
 * parsing and path building; judges anchors, validity at capture time, names, roles and Cisco profiles here.
 */
import type { Verdict } from '../model.js';
import { couldIssue, type ParsedCertificate } from '../x509/index.js';
import { judgePresented, type TrustContext } from './chain.js';
import type { Role } from './words.js';

export { VERDICT_CODES, type VerdictCode } from './codes.js';
export { TrustStore, type TrustStoreOptions, type AnchorOrigin } from './store.js';
export { judgeHandshake, judgeHandshakeWithPaths, ocspVerdicts, type HandshakeJudgement } from './handshake.js';
export { CertificateConsistency } from './consistency.js';
export { EvidenceMemo } from './evidence.js';
export { lintCaList, CaListNeeds, type CaListLint, type CaListEntry, type CaListNeedsResult, type MissingCa, type NeededEntry } from './ca-list.js';
export { compileAuthPattern, testAuthPattern, PatternError, type AuthPatternResult } from './auth-pattern.js';
export { checkHostname, matchDnsName, normalizeHost } from './names.js';
export type { TrustContext } from './chain.js';
export type { Profile, Role } from './words.js';
export { expresswayRules, ACCEPTED_VERSIONS, type ExpresswayRules } from './expressway.js';
export { CHROME_ROOT_POLICY, CA_CUTOFFS } from './eku-sunset.js';

/**
 * Judge certificate files as a presented chain (`certshark check`): chain[0] is the certificate under test, the
 * rest its bundle. Same checks as a handshake minus the handshake evidence. `at: 'capture'` means now here.
 */
export function judgeChain(chain: ParsedCertificate[], role: Role, ctx: TrustContext): Verdict[] {
  return judgePresented(leafFirst(chain), role, ctx).verdicts;
}

/**
 * A bundle file may list its CA first (as many CA downloads do). When the first certificate issued another one
 * in the bundle, the certificate under test is the first one that issued none; it moves to the front.
 */
export function leafFirst(chain: ParsedCertificate[]): ParsedCertificate[] {
  const first = chain[0];
  if (!first || chain.length < 2) return chain;
  const issuesAnother = (c: ParsedCertificate) => chain.some((o) => o !== c && o.sha256 !== c.sha256 && couldIssue(c, o));
  if (!issuesAnother(first)) return chain;
  const leaf = chain.find((c) => c.ok && !issuesAnother(c));
  return leaf ? [leaf, ...chain.filter((c) => c !== leaf)] : chain;
}
