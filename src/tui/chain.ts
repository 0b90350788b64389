/**
 * The chain pane's model: one side's certificates as the trust path leaf → root. When the session reported the
 * path the trust judgement chose (ScanListener.onTrustPaths), that path is shown as is: the certificates sent and
 * those the trust store added, so `E` exports the chain as built. Without it (a listener without trust paths, an
 * unjudged handshake) the path is rebuilt here the way a relying party would (issuer DN = next subject DN, AKI =
 * SKI when both are present), from what was on the wire plus what the verdicts say (src/trust/codes.ts), and:
 * - a certificate a verdict names (subject = its sha256) that is not on the wire is shown as coming from the trust
 *   store, when its subject is the issuer of the top of the wire path;
 * - when the path stops below a self-signed root, the missing link is shown, worded from the side's verdicts
 *   (`missing-intermediate`, `untrusted-root`, `chain-trusted`);
 * - certificates sent but not on the path are listed after it (`unused-certificate`, `chain-out-of-order`).
 * Pure: no rendering.
 */
import type { CertificateInfo, Handshake, Severity, Side, TrustPaths, Verdict } from '../model.js';
import type { CertLookup } from './filter.js';
import { worstSeverity } from './format.js';

export type ChainNode =
  | {
      kind: 'cert';
      sha256: string;
      cert?: CertificateInfo;
      depth: number;
      source: 'wire' | 'store';
      /** Position in the Certificate message, for wire certificates. */
      wireIndex?: number;
      /** Sent, but not on the path from the leaf. */
      unused?: boolean;
      severity?: Severity;
    }
  | {
      kind: 'missing';
      depth: number;
      /** Issuer the path needs next (CN, or the DN when it has no CN). */
      issuer: string;
      /** How the verdicts explain the gap. */
      reason: 'missing-intermediate' | 'untrusted-root' | 'trusted-anchor' | 'not-sent';
    };

export interface ChainView {
  side: Side;
  nodes: ChainNode[];
  /** Verdicts whose subject is this side (chain-level). */
  sideVerdicts: Verdict[];
}

/** The judged paths by handshake id. */
export type PathLookup = { get(id: number): TrustPaths | undefined };

const NO_PATHS: PathLookup = { get: () => undefined };

export function buildChainView(h: Handshake, side: Side, certs: CertLookup, paths: PathLookup = NO_PATHS): ChainView {
  const chain = side === 'server' ? h.serverChain : h.clientChain;
  const verdicts = h.verdicts ?? [];
  const sideVerdicts = verdicts.filter((v) => v.subject === side);
  const nodes: ChainNode[] = [];
  if (chain.length === 0) return { side, nodes, sideVerdicts };
  const judged = paths.get(h.id)?.[side];
  if (judged && judged.length > 0 && judged[0] === chain[0]) return judgedView(h, side, certs, judged, sideVerdicts);

  const certNode = (sha: string, depth: number, source: 'wire' | 'store', wireIndex?: number): ChainNode => ({
    kind: 'cert',
    sha256: sha,
    cert: certs.get(sha),
    depth,
    source,
    wireIndex,
    severity: worstSeverity(verdicts, sha),
  });

  const used = new Set<number>([0]);
  nodes.push(certNode(chain[0]!, 0, 'wire', 0));
  let cur = certs.get(chain[0]!);
  const onPath = new Set<string>([chain[0]!]);
  // Verdict subjects that are certificates not sent on the wire: candidates for trust-store certificates.
  const storeCandidates = verdicts
    .map((v) => v.subject)
    .filter((s) => s !== 'server' && s !== 'client' && s !== 'handshake' && !chain.includes(s));

  for (let depth = 1; cur && cur.subject !== undefined && depth <= chain.length + 8; depth++) {
    if (cur.selfSigned || cur.subject === cur.issuer) break;
    const issuerDn = cur.issuer;
    const aki = cur.aki;
    const matches = (c: CertificateInfo | undefined): boolean =>
      c !== undefined && c.subject === issuerDn && (aki === undefined || c.ski === undefined || c.ski === aki);
    let next = -1;
    for (let j = 0; j < chain.length; j++) {
      if (!used.has(j) && matches(certs.get(chain[j]!))) {
        next = j;
        break;
      }
    }
    if (next >= 0) {
      used.add(next);
      onPath.add(chain[next]!);
      nodes.push(certNode(chain[next]!, depth, 'wire', next));
      cur = certs.get(chain[next]!);
      continue;
    }
    const store = storeCandidates.find((s) => !onPath.has(s) && matches(certs.get(s)));
    if (store !== undefined) {
      onPath.add(store);
      nodes.push(certNode(store, depth, 'store'));
      cur = certs.get(store);
      continue;
    }
    nodes.push({ kind: 'missing', depth, issuer: cur.issuerCN || cur.issuer, reason: gapReason(sideVerdicts) });
    break;
  }
  for (let j = 1; j < chain.length; j++) {
    if (!used.has(j)) nodes.push({ ...(certNode(chain[j]!, 0, 'wire', j) as ChainNode & { kind: 'cert' }), unused: true });
  }
  return { side, nodes, sideVerdicts };
}

/** How the verdicts explain the end of a path below a self-signed root. */
function gapReason(sideVerdicts: Verdict[]): Extract<ChainNode, { kind: 'missing' }>['reason'] {
  const has = (code: string) => sideVerdicts.some((v) => v.code === code);
  return has('missing-intermediate')
    ? 'missing-intermediate'
    : has('untrusted-root')
      ? 'untrusted-root'
      : has('chain-trusted')
        ? 'trusted-anchor'
        : 'not-sent';
}

/** The path the trust judgement chose, as reported by the session; certificates sent but not on it follow. */
function judgedView(h: Handshake, side: Side, certs: CertLookup, judged: readonly string[], sideVerdicts: Verdict[]): ChainView {
  const chain = side === 'server' ? h.serverChain : h.clientChain;
  const verdicts = h.verdicts ?? [];
  const nodes: ChainNode[] = [];
  judged.forEach((sha, depth) => {
    const at = chain.indexOf(sha);
    nodes.push({
      kind: 'cert',
      sha256: sha,
      cert: certs.get(sha),
      depth,
      // A certificate both sent and in the store counts as sent: that is what the peer did.
      source: at >= 0 ? 'wire' : 'store',
      wireIndex: at >= 0 ? at : undefined,
      severity: worstSeverity(verdicts, sha),
    });
  });
  const top = certs.get(judged[judged.length - 1]!);
  const trusted = sideVerdicts.some((v) => v.code === 'chain-trusted');
  // The path ends at a trust anchor (trusted) or at a self-signed root: nothing is missing. Otherwise the issuer
  // of its last certificate is, worded from the verdicts.
  if (top && !top.selfSigned && top.subject !== top.issuer && !trusted)
    nodes.push({ kind: 'missing', depth: judged.length, issuer: top.issuerCN || top.issuer, reason: gapReason(sideVerdicts) });
  const on = new Set(judged);
  for (let j = 1; j < chain.length; j++) {
    if (on.has(chain[j]!)) continue;
    on.add(chain[j]!);
    nodes.push({ kind: 'cert', sha256: chain[j]!, cert: certs.get(chain[j]!), depth: 0, source: 'wire', wireIndex: j, unused: true, severity: worstSeverity(verdicts, chain[j]!) });
  }
  return { side, nodes, sideVerdicts };
}

/** The certificates of a view in display order, for the chain cursor. */
export function certNodes(view: ChainView): (ChainNode & { kind: 'cert' })[] {
  return view.nodes.filter((n): n is ChainNode & { kind: 'cert' } => n.kind === 'cert');
}

/** Server chain then client chain: the chain pane's selectable items. */
export function selectableCerts(h: Handshake | undefined, certs: CertLookup, paths?: PathLookup): string[] {
  if (!h) return [];
  return [...certNodes(buildChainView(h, 'server', certs, paths)), ...certNodes(buildChainView(h, 'client', certs, paths))].map(
    (n) => n.sha256,
  );
}

/** Lines the chain pane needs for a handshake: per side a heading and its nodes (or one line saying why none). */
export function chainLineCount(h: Handshake | undefined, certs: CertLookup, paths?: PathLookup): number {
  if (!h) return 1;
  let n = 0;
  for (const side of ['server', 'client'] as const) n += 1 + Math.max(1, buildChainView(h, side, certs, paths).nodes.length);
  return n;
}
