/**
 * The chain pane's model: one side's certificates as the trust path leaf → root. The path is the one the trust
 * engine chose and put on the model (TrustPaths, reported through ScanListener.onTrustPaths): the certificates sent
 * and those the trust store added, and the link the path lacks, shown as they are, so `E` exports the chain as
 * built. A handshake without a judged path (trust not judged) shows what was sent, in issuer order (issuer DN =
 * next subject DN, AKI = SKI when both are present), ending at the issuer it stops at as not sent: nothing is read
 * back from verdict codes. Certificates sent but not on the path are listed after it. Pure: no rendering.
 */
import type { ChainPath, CertificateInfo, Handshake, MissingLink, Severity, Side, TrustPaths, Verdict } from '../model.js';
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
      /** Why it is missing, as the trust engine said (`not-sent` without a judgement). */
      reason: MissingLink['reason'];
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
  if (judged && judged.certificates[0]?.sha256 === chain[0]) return judgedView(h, side, certs, judged, sideVerdicts);

  const certNode = (sha: string, depth: number, wireIndex: number): ChainNode => ({
    kind: 'cert',
    sha256: sha,
    cert: certs.get(sha),
    depth,
    source: 'wire',
    wireIndex,
    severity: worstSeverity(verdicts, sha),
  });

  const used = new Set<number>([0]);
  nodes.push(certNode(chain[0]!, 0, 0));
  let cur = certs.get(chain[0]!);
  for (let depth = 1; cur && cur.subject !== undefined && depth <= chain.length; depth++) {
    if (cur.selfSigned || cur.subject === cur.issuer) break;
    const issuerDn = cur.issuer;
    const aki = cur.aki;
    const matches = (c: CertificateInfo | undefined): boolean =>
      c !== undefined && c.subject === issuerDn && (aki === undefined || c.ski === undefined || c.ski === aki);
    const next = chain.findIndex((sha, j) => !used.has(j) && matches(certs.get(sha)));
    if (next < 0) {
      nodes.push({ kind: 'missing', depth, issuer: cur.issuerCN || cur.issuer, reason: 'not-sent' });
      break;
    }
    used.add(next);
    nodes.push(certNode(chain[next]!, depth, next));
    cur = certs.get(chain[next]!);
  }
  for (let j = 1; j < chain.length; j++) {
    if (!used.has(j)) nodes.push({ ...(certNode(chain[j]!, 0, j) as ChainNode & { kind: 'cert' }), unused: true });
  }
  return { side, nodes, sideVerdicts };
}

/** The path the trust judgement chose, as the model carries it; certificates sent but not on it follow. */
function judgedView(h: Handshake, side: Side, certs: CertLookup, judged: ChainPath, sideVerdicts: Verdict[]): ChainView {
  const chain = side === 'server' ? h.serverChain : h.clientChain;
  const verdicts = h.verdicts ?? [];
  const nodes: ChainNode[] = judged.certificates.map((c, depth) => ({
    kind: 'cert',
    sha256: c.sha256,
    cert: certs.get(c.sha256),
    depth,
    source: c.source,
    wireIndex: c.wireIndex,
    severity: worstSeverity(verdicts, c.sha256),
  }));
  if (judged.missing) nodes.push({ kind: 'missing', depth: judged.certificates.length, ...judged.missing });
  const on = new Set(judged.certificates.map((c) => c.sha256));
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
