/**
 * Two captures of one path (`certshark compare`): A nearer the client, B nearer the server. Pairs the handshakes
 * seen at both points and names what happened between them: the same TLS session end to end, a session
 * terminated in between (a proxy or load balancer), or one re-signed by an inspecting device. Pure: handshakes
 * and certificates in, pairs and findings out.
 */
import type { CertificateInfo, Handshake, Severity, Side, Verdict } from '../model.js';
import { COMPARE_FINDING_CODES, type CompareFindingCode } from './compare-codes.js';

export type PairMatch = 'client-random' | 'sni-time';
export type PairResult = 'same' | 'changed' | 'only-a' | 'only-b';

/** How one side's chain differs between A and B, certificate by certificate (index 0 is the leaf). */
export interface ChainDifference {
  side: Side;
  /** Positions where the certificates differ (one chain longer counts its extra positions). */
  positions: number[];
  a: string[];
  b: string[];
}

export interface ComparePair {
  /** Handshake ids (unique over both captures). */
  a?: number;
  b?: number;
  match?: PairMatch;
  result: PairResult;
  /** Only for `changed`. */
  differences?: ChainDifference[];
  /** Only for `only-a` / `only-b`: the likely reason. */
  reason?: string;
  /** Sides whose chain could not be compared (it travelled encrypted at one end). */
  notCompared?: Side[];
  /** The A handshake's time, else B's moved onto A's clock: the order of the report. */
  ts: number;
  /** b.ts - a.ts, seconds (paired only). */
  delay?: number;
}

export interface CompareFinding extends Omit<Verdict, 'code'> {
  code: CompareFindingCode;
  /** Indexes into Comparison.pairs of the pairs the finding is about. */
  pairs: number[];
}

export interface Comparison {
  /** Pairing window, seconds. */
  window: number;
  /**
   * How far B's clock is ahead of A's (seconds, median over the pairs matched by random), and over how many
   * pairs; absent when no pair matched by random (time pairing then assumes the clocks agree).
   */
  clockOffset?: { seconds: number; pairs: number };
  pairs: ComparePair[];
  findings: CompareFinding[];
}

export const DEFAULT_WINDOW_S = 5;

/** Time pairing looks at this many nearest handshakes of the same name at B for each one at A. */
const NEAREST = 8;

/** Ports where an inspecting device breaks the Cisco collaboration and VPN paths (traversal zone, SIP-TLS, ...). */
const PINNED_PORTS = [7001, 5061, 8443];

type Certs = (sha256: string) => CertificateInfo | undefined;

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A side's chain says something only when it was seen: an empty chain in an encrypted handshake is unknown. */
function visible(h: Handshake, side: Side): boolean {
  const chain = side === 'server' ? h.serverChain : h.clientChain;
  return chain.length > 0 || !h.encrypted;
}

function chainDifference(side: Side, a: string[], b: string[]): ChainDifference | undefined {
  const positions: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) positions.push(i);
  return positions.length ? { side, positions, a, b } : undefined;
}

function judgePair(p: ComparePair, ha: Handshake, hb: Handshake): void {
  const differences: ChainDifference[] = [];
  const notCompared: Side[] = [];
  for (const side of ['server', 'client'] as const) {
    if (!visible(ha, side) || !visible(hb, side)) {
      notCompared.push(side);
      continue;
    }
    const d = chainDifference(side, side === 'server' ? ha.serverChain : ha.clientChain, side === 'server' ? hb.serverChain : hb.clientChain);
    if (d) differences.push(d);
  }
  p.result = differences.length ? 'changed' : 'same';
  if (differences.length) p.differences = differences;
  if (notCompared.length) p.notCompared = notCompared;
}

/** The name two handshakes of one connection share on both sides of a terminating device. */
function nameKey(h: Handshake): string {
  return h.sni !== undefined ? `sni:${h.sni.toLowerCase()}` : `port:${h.transport}/${h.server.port}`;
}

function span(hs: Handshake[]): [number, number] | undefined {
  if (!hs.length) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hs) {
    lo = Math.min(lo, h.ts);
    hi = Math.max(hi, h.ts);
  }
  return [lo, hi];
}

function onlyReason(h: Handshake, here: 'a' | 'b', other: [number, number] | undefined, offset: number, window: number): string {
  const there = here === 'a' ? 'B' : 'A';
  // On the other capture's clock:
  const t = here === 'a' ? h.ts + offset : h.ts - offset;
  if (!other) return `capture ${there} holds no handshake at all: it was not running, or filtered this traffic out`;
  if (t < other[0] - window || t > other[1] + window)
    return `outside the time capture ${there} covers: it was not running yet or any more`;
  if (here === 'a') {
    if (h.serverChain.length > 0 || h.complete)
      return 'answered between the capture points: a device in the path completed it without connecting on to the server side (a proxy answering itself, or the connection went elsewhere)';
    return 'not seen at B: filtered or dropped between the capture points, or it took another path';
  }
  return 'not seen at A: a connection made by a device between the capture points (a proxy, a health check), or it came from another path';
}

/**
 * Pairs the handshakes of A (nearer the client) and B (nearer the server). First by ClientHello random: the same
 * ClientHello at both points is the same TLS session, whatever NAT did to addresses and ports; its timing gives
 * the clocks' offset. The rest by name (SNI, else server port) and time within `window` seconds on the corrected
 * clock, nearest first: two sessions of a device that terminates TLS.
 */
export function compareHandshakes(a: Handshake[], b: Handshake[], certs: Certs, opts: { window?: number } = {}): Comparison {
  const window = opts.window ?? DEFAULT_WINDOW_S;
  const pairs: ComparePair[] = [];
  const usedA = new Set<Handshake>();
  const usedB = new Set<Handshake>();
  const byRandom = new Map<string, Handshake[]>();
  for (const h of b) {
    if (!h.clientRandom) continue;
    const l = byRandom.get(h.clientRandom);
    if (l) l.push(h);
    else byRandom.set(h.clientRandom, [h]);
  }
  const delays: number[] = [];
  const randomPairs: Array<[Handshake, Handshake]> = [];
  for (const ha of a) {
    if (!ha.clientRandom) continue;
    const hb = byRandom.get(ha.clientRandom)?.find((x) => !usedB.has(x));
    if (!hb) continue;
    usedA.add(ha);
    usedB.add(hb);
    randomPairs.push([ha, hb]);
    delays.push(hb.ts - ha.ts);
  }
  const clockOffset = delays.length ? { seconds: median(delays), pairs: delays.length } : undefined;
  const offset = clockOffset?.seconds ?? 0;
  for (const [ha, hb] of randomPairs) {
    const p: ComparePair = { a: ha.id, b: hb.id, match: 'client-random', result: 'same', ts: ha.ts, delay: hb.ts - ha.ts };
    judgePair(p, ha, hb);
    pairs.push(p);
  }

  // Time pairing: every candidate pair within the window, nearest on the corrected clock first.
  const restA = a.filter((h) => !usedA.has(h));
  const restB = b.filter((h) => !usedB.has(h));
  const byName = new Map<string, Handshake[]>();
  for (const h of restB) {
    const k = nameKey(h);
    const l = byName.get(k);
    if (l) l.push(h);
    else byName.set(k, [h]);
  }
  for (const l of byName.values()) l.sort((x, y) => x.ts - y.ts);
  // Busy servers have hundreds of handshakes of one name within a window: each A handshake considers only its
  // nearest few at B, so the work stays proportional to the handshakes.
  const candidates: Array<{ ha: Handshake; hb: Handshake; gap: number }> = [];
  for (const ha of restA) {
    const l = byName.get(nameKey(ha));
    if (!l) continue;
    const t = ha.ts + offset;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid]!.ts < t) lo = mid + 1;
      else hi = mid;
    }
    let left = lo - 1;
    let right = lo;
    for (let k = 0; k < NEAREST && (left >= 0 || right < l.length); k++) {
      const gl = left >= 0 ? t - l[left]!.ts : Infinity;
      const gr = right < l.length ? l[right]!.ts - t : Infinity;
      const gap = Math.min(gl, gr);
      if (gap > window) break;
      candidates.push({ ha, hb: gl <= gr ? l[left--]! : l[right++]!, gap });
    }
  }
  candidates.sort((x, y) => x.gap - y.gap || x.ha.ts - y.ha.ts);
  for (const { ha, hb } of candidates) {
    if (usedA.has(ha) || usedB.has(hb)) continue;
    usedA.add(ha);
    usedB.add(hb);
    const p: ComparePair = { a: ha.id, b: hb.id, match: 'sni-time', result: 'same', ts: ha.ts, delay: hb.ts - ha.ts };
    judgePair(p, ha, hb);
    pairs.push(p);
  }
  const spanA = span(a);
  const spanB = span(b);
  for (const h of a) if (!usedA.has(h)) pairs.push({ a: h.id, result: 'only-a', reason: onlyReason(h, 'a', spanB, offset, window), ts: h.ts });
  for (const h of b) if (!usedB.has(h)) pairs.push({ b: h.id, result: 'only-b', reason: onlyReason(h, 'b', spanA, offset, window), ts: h.ts - offset });
  pairs.sort((x, y) => x.ts - y.ts || (x.a ?? x.b ?? 0) - (y.a ?? y.b ?? 0));

  const byId = new Map<number, Handshake>();
  for (const h of [...a, ...b]) byId.set(h.id, h);
  const findings = findingsOf(pairs, byId, b, certs, window, clockOffset);
  return { window, ...(clockOffset ? { clockOffset } : {}), pairs, findings };
}

function dn(c: CertificateInfo | undefined, sha: string): string {
  return c ? c.subject : `certificate ${sha.slice(0, 16)}…`;
}

function ids(list: number[]): string {
  const shown = list.slice(0, 8).map((i) => `#${i}`).join(', ');
  return list.length > 8 ? `${shown} and ${list.length - 8} more` : shown;
}

function findingsOf(
  pairs: ComparePair[], byId: Map<number, Handshake>, b: Handshake[], certs: Certs, window: number,
  clockOffset: Comparison['clockOffset'],
): CompareFinding[] {
  const findings: CompareFinding[] = [];
  // What the server side ever sent: certificates and the names that issued them.
  const sentB = new Set<string>();
  const subjectsB = new Set<string>();
  for (const h of b) {
    for (const s of [...h.serverChain, ...h.clientChain]) {
      sentB.add(s);
      const c = certs(s);
      if (c) subjectsB.add(c.subject);
    }
  }
  const randomMatched = pairs.some((p) => p.match === 'client-random');

  // tls-interception: terminated sessions (paired by time, or at A only when nothing matched by random) whose
  // client side got a leaf the server side never sent, from an issuer the server side never sent either.
  const resigners = new Map<string, { pairs: number[]; ids: number[]; leaf: string; real?: string; ports: Set<number>; refused: number }>();
  pairs.forEach((p, i) => {
    // At A only with no session crossing at all: still re-signed when the server side did send chains, none of
    // them this one (an empty B says nothing about what the server sent).
    const terminated = p.match === 'sni-time' || (p.result === 'only-a' && !randomMatched && sentB.size > 0);
    if (!terminated || p.a === undefined) return;
    if (p.match === 'sni-time' && !p.differences?.some((d) => d.side === 'server' && d.positions.includes(0))) return;
    const ha = byId.get(p.a)!;
    const leafSha = ha.serverChain[0];
    if (leafSha === undefined || sentB.has(leafSha)) return;
    const leaf = certs(leafSha);
    if (!leaf || subjectsB.has(leaf.issuer)) return;
    const key = leaf.issuer;
    let g = resigners.get(key);
    if (!g) resigners.set(key, (g = { pairs: [], ids: [], leaf: leafSha, ports: new Set(), refused: 0 }));
    g.pairs.push(i);
    g.ids.push(ha.id);
    g.ports.add(ha.server.port);
    if (ha.alerts.some((al) => al.from === 'client' && al.level === 2)) g.refused++;
    if (g.real === undefined && p.b !== undefined) g.real = byId.get(p.b)!.serverChain[0];
  });
  for (const [issuer, g] of resigners) {
    const leaf = certs(g.leaf);
    const real = g.real !== undefined ? certs(g.real) : undefined;
    const pinned = [...g.ports].filter((x) => PINNED_PORTS.includes(x));
    const parts = [
      `${g.ids.length} handshake${g.ids.length === 1 ? '' : 's'} at A (${ids(g.ids)}) ended at a device between the capture points that re-signs TLS:`,
      `the client side received ${dn(leaf, g.leaf)} issued by ${issuer}, a CA the server side never sent`,
    ];
    if (real) parts.push(`(the server sent ${real.subject} issued by ${real.issuer})`);
    let msg = `${parts.join(' ')}.`;
    if (g.refused) msg += ` The client refused ${g.refused} of them with a fatal alert.`;
    const fix = pinned.length
      ? `on the traversal zone and SIP-TLS paths mutual TLS cannot pass an inspecting device: exempt ports ${PINNED_PORTS.join('/')} (seen here: ${pinned.join(', ')}) from decryption on it, or trust the inspection CA (${issuer}) on the clients where policy allows`
      : `exempt this traffic from decryption on the inspecting device, or trust the inspection CA (${issuer}) on the clients where policy allows`;
    findings.push({ code: 'tls-interception', severity: COMPARE_FINDING_CODES['tls-interception'].severity, subject: 'compare', message: msg, fix, pairs: g.pairs });
  }

  // Terminated but not re-signed by an unknown CA: a proxy or load balancer holding the server's certificate.
  const intercepted = new Set([...resigners.values()].flatMap((g) => g.pairs));
  const terminated = pairs.map((p, i) => [p, i] as const).filter(([p, i]) => p.match === 'sni-time' && !intercepted.has(i));
  if (terminated.length) {
    // A chain that travelled encrypted (TLS 1.3 without a key log) was not compared: it is neither same nor changed.
    const unseen = terminated.filter(([p]) => p.notCompared?.includes('server')).length;
    const changed = terminated.filter(([p]) => p.result === 'changed').length;
    const same = terminated.length - unseen - changed;
    const idsA = terminated.map(([p]) => p.a!);
    const what: string[] = [];
    if (same) what.push(changed || unseen ? `${same} arrived with the same chains` : 'the chains arrived unchanged (a load balancer or reverse proxy holding the server\'s certificate and key, not interception by re-signing)');
    if (changed) what.push(`${changed} arrived with a different chain`);
    if (unseen) what.push(`${unseen} could not be compared: the certificates travelled encrypted (TLS 1.3; give --keylog with the secrets of both sessions)`);
    const msg = `${terminated.length} handshake${terminated.length === 1 ? '' : 's'} at A (${ids(idsA)}) paired with B by name and time only: their ClientHello randoms differ, so the TLS sessions were terminated between the capture points and a new one was opened to the server; ${what.join('; ')}`;
    findings.push({
      code: 'tls-terminated-in-path', severity: changed ? 'warning' : COMPARE_FINDING_CODES['tls-terminated-in-path'].severity, subject: 'compare', message: msg,
      fix: 'mutual TLS (a traversal zone, SIP-TLS) ends at that device: the client certificate the server sees is the device\'s, if any; exempt the path from termination if the peers must authenticate each other',
      pairs: terminated.map(([, i]) => i),
    });
  }

  // The same session cannot carry different certificates at two points.
  const altered = pairs.map((p, i) => [p, i] as const).filter(([p]) => p.match === 'client-random' && p.result === 'changed');
  if (altered.length) {
    const sides = new Set(altered.flatMap(([p]) => p.differences!.map((d) => d.side)));
    findings.push({
      code: 'chain-altered-in-path', severity: COMPARE_FINDING_CODES['chain-altered-in-path'].severity, subject: 'compare',
      message: `${altered.length} handshake${altered.length === 1 ? '' : 's'} (${ids(altered.map(([p]) => p.a!))}) have the same ClientHello random at both points but a different ${[...sides].join(' and ')} chain: an untouched TLS session cannot change, so one of the captures is damaged or a device rewrote the handshake in flight`,
      fix: 'capture again at both points at the same time; if the difference stays, name the device between them that alters TLS handshakes',
      pairs: altered.map(([, i]) => i),
    });
  }

  if (clockOffset && Math.abs(clockOffset.seconds) > window) {
    const s = clockOffset.seconds;
    findings.push({
      code: 'clock-offset', severity: COMPARE_FINDING_CODES['clock-offset'].severity, subject: 'compare',
      message: `capture B's clock runs ${Math.abs(s).toFixed(3)} s ${s > 0 ? 'ahead of' : 'behind'} A's (median over ${clockOffset.pairs} handshakes matched by random), more than the ${window} s window; pairing by time used the corrected clock`,
      fix: 'synchronise both capture hosts with NTP; until then compare times across the two captures only after this correction',
      pairs: pairs.flatMap((p, i) => (p.match === 'client-random' ? [i] : [])),
    });
  }
  return findings;
}
