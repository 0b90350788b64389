/**
 * Consistency across the handshakes of one capture: the same server name (SNI), or the same server address and
 * name, answered with different leaf certificates. In the field that is an Expressway cluster whose peers carry
 * different certificates, a load-balancer pool with one member out of step, an ASA failover pair whose standby
 * still has the temporary self-signed certificate, or a renewal installed on some servers only: the symptom is a
 * failure "now and then", which no single handshake explains.
 *
 * The session feeds every judged handshake to `add`; nothing of the handshake is kept but its id, time, server
 * address and worst server-side severity, under the caps of LIMITS (names and addresses, variants per key,
 * handshake ids per variant), so memory stays bounded on a capture of 100,000 handshakes.
 */
import type { CaptureFinding, CertificateInfo, CertificateVariant, Endpoint, Handshake, Severity } from '../model.js';
import { LIMITS } from '../limits.js';
import { VERDICT_CODES } from './codes.js';
import { clean } from './words.js';

const RANK: Record<Severity, number> = { info: 0, ok: 1, warning: 2, error: 3 };

interface Variant {
  sha256: string;
  ids: number[];
  count: number;
  servers: Set<string>;
  moreServers: number;
  firstTs: number;
  lastTs: number;
  firstTime: string;
  lastTime: string;
  worst: Severity;
}

interface Group {
  sni?: string;
  server?: Endpoint;
  variants: Map<string, Variant>;
  moreVariants: number;
  /** Every server address this key was seen at (for a name: more than one means several servers answer it). */
  servers: Set<string>;
}

function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Worst severity of what was said about the server's side: its chain and certificates, and alerts about it. */
function serverOutcome(h: Handshake): Severity {
  let worst: Severity = 'ok';
  for (const v of h.verdicts ?? []) {
    if (v.subject !== 'server' && !h.serverChain.includes(v.subject)) continue;
    if (RANK[v.severity] > RANK[worst]) worst = v.severity;
  }
  return worst;
}

export class CertificateConsistency {
  private readonly byName = new Map<string, Group>();
  private readonly byEndpoint = new Map<string, Group>();
  /** Handshakes whose name or address was not tracked because LIMITS.consistencyKeys was reached. */
  private untracked = 0;

  /** Record one finished handshake (its server leaf); handshakes without a server certificate are ignored. */
  add(h: Handshake): void {
    const leaf = h.serverChain[0];
    if (!leaf) return;
    const server = endpointText(h.server);
    const sni = h.sni ? h.sni.toLowerCase().replace(/\.$/, '') : undefined;
    const outcome = serverOutcome(h);
    let kept = sni === undefined || this.record(this.byName, sni, { sni }, h, leaf, server, outcome);
    // A server address with several names is virtual hosting, not an inconsistency: the address key holds the name.
    kept = this.record(this.byEndpoint, `${h.server.ip}\u0000${h.server.port}\u0000${sni ?? ''}`, { sni, server: h.server }, h, leaf, server, outcome) && kept;
    if (!kept) this.untracked++;
  }

  /** false when the key was new and the cap on keys was reached (the handshake is not compared there). */
  private record(map: Map<string, Group>, key: string, init: Pick<Group, 'sni' | 'server'>, h: Handshake, leaf: string, server: string, outcome: Severity): boolean {
    let g = map.get(key);
    if (!g) {
      if (this.byName.size + this.byEndpoint.size >= LIMITS.consistencyKeys) return false;
      g = { ...init, variants: new Map(), moreVariants: 0, servers: new Set() };
      map.set(key, g);
    }
    if (g.servers.size < LIMITS.consistencyServersPerVariant + 1) g.servers.add(server);
    let v = g.variants.get(leaf);
    if (!v) {
      if (g.variants.size >= LIMITS.consistencyVariantsPerKey) {
        g.moreVariants++;
        return true;
      }
      v = { sha256: leaf, ids: [], count: 0, servers: new Set(), moreServers: 0, firstTs: h.ts, lastTs: h.ts, firstTime: h.time, lastTime: h.time, worst: outcome };
      g.variants.set(leaf, v);
    }
    v.count++;
    if (v.ids.length < LIMITS.consistencyIdsPerVariant) v.ids.push(h.id);
    if (v.servers.has(server)) { /* known */ } else if (v.servers.size < LIMITS.consistencyServersPerVariant) v.servers.add(server);
    else v.moreServers++;
    // Handshakes finish out of capture order (parallel flows): keep the earliest and latest times seen.
    if (h.ts < v.firstTs) { v.firstTs = h.ts; v.firstTime = h.time; }
    if (h.ts > v.lastTs) { v.lastTs = h.ts; v.lastTime = h.time; }
    if (RANK[outcome] > RANK[v.worst]) v.worst = outcome;
    return true;
  }

  /** Notes about the check itself (a cap reached), for the capture's notes. */
  notes(): string[] {
    return this.untracked > 0
      ? [`certificate consistency: more than ${LIMITS.consistencyKeys} server names and addresses; ${this.untracked} handshake(s) at further ones were not compared`]
      : [];
  }

  /**
   * The findings, once the capture has been read: one per server name answered with different leaves at more
   * than one address, and one per server address (and name) that itself presented different leaves.
   */
  findings(cert: (sha256: string) => CertificateInfo | undefined): CaptureFinding[] {
    const out: CaptureFinding[] = [];
    for (const g of this.byEndpoint.values()) if (g.variants.size > 1) out.push(this.finding(g, 'address', cert));
    for (const g of this.byName.values()) if (g.variants.size > 1 && g.servers.size > 1) out.push(this.finding(g, 'name', cert));
    return out;
  }

  private finding(g: Group, kind: 'name' | 'address', cert: (sha256: string) => CertificateInfo | undefined): CaptureFinding {
    const vs = [...g.variants.values()].sort((a, b) => a.firstTs - b.firstTs);
    const name = g.sni !== undefined ? clean(g.sni) : undefined;
    const where = kind === 'name'
      ? `The server name ${name}`
      : `The server ${endpointText(g.server!)}${name !== undefined ? ` (name ${name})` : ' (no SNI)'}`;
    const outcomes = new Set(vs.map((v) => v.worst));
    const differ = outcomes.size > 1;
    const infos = vs.map((v) => cert(v.sha256));
    // A renewal: same subject, and the older certificate's last handshake precedes the newer one's first.
    const sameSubject = infos.every((c) => c && c.subject === infos[0]?.subject);
    const renewal = sameSubject && vs.every((v, i) => i === 0 || vs[i - 1]!.lastTs <= v.firstTs);
    const perAddress = kind === 'name' && vs.every((v) => v.servers.size === 1 && v.moreServers === 0) &&
      new Set(vs.map((v) => [...v.servers][0])).size === vs.length;

    const list = vs.map((v, i) => `[${i + 1}] ${describe(infos[i], v, kind === 'name')}`).join('; ');
    const extra = g.moreVariants ? `; and ${g.moreVariants} handshake(s) with further certificates not listed` : '';
    let why: string;
    // Warnings may only mean that these peers accepted what a stricter one would refuse (evidence over rules):
    // errors make the failure certain for the peers seen, warnings for a stricter peer.
    const worstSeen = vs.some((v) => v.worst === 'error') ? 'error' : 'warning';
    if (differ)
      why = `The verdicts differ by certificate (${vs.map((v, i) => `[${i + 1}] ${v.worst}`).join(', ')}), so whether a connection works depends on which server answers: ${
        worstSeen === 'error' ? 'an intermittent failure' : 'these peers accepted every one, but a stricter peer would fail intermittently'
      }.`;
    else if (renewal) why = 'They have the same subject and the capture saw one replace the other: a renewal installed during the capture (check that every server got the new one).';
    else if (perAddress)
      why = 'Each address presented its own certificate, as cluster peers with individual certificates do; ' +
        (vs[0]!.worst === 'error' || vs[0]!.worst === 'warning'
          ? `here every one of them has ${vs[0]!.worst}s of its own (see the verdicts of the handshakes).`
          : 'that is fine when each is valid for the name and trusted by every peer.');
    else if (kind === 'address') why = 'One address presenting several certificates is a load-balancer pool (or failover pair) whose members are out of step, or a half-finished renewal.';
    else why = 'Several servers answer for this name with different certificates: cluster peers with different certificates, a load-balancer pool out of step, or a half-finished renewal.';

    const severity: Severity = differ ? 'warning' : renewal || perAddress ? 'info' : VERDICT_CODES[kind === 'name' ? 'server-name-certificates-differ' : 'server-address-certificates-differ'];
    const fix = kind === 'address'
      ? `Install the same certificate and chain on every server behind ${endpointText(g.server!)} (each pool member, both units of a failover pair), or finish the renewal on all of them.`
      : `If these are cluster peers with their own certificates, make sure each is valid for ${name} and chains to a CA every peer trusts; otherwise install the same certificate on every server that answers for ${name}.`;
    return {
      code: kind === 'name' ? 'server-name-certificates-differ' : 'server-address-certificates-differ',
      severity,
      subject: 'capture',
      message: `${where} presented ${vs.length + (g.moreVariants ? '+' : '')} different leaf certificates in this capture: ${list}${extra}. ${why}`,
      fix,
      key: kind === 'name' ? { sni: g.sni } : { ...(g.sni !== undefined ? { sni: g.sni } : {}), server: g.server },
      variants: vs.map((v): CertificateVariant => ({
        sha256: v.sha256, handshakes: v.ids, moreHandshakes: v.count - v.ids.length, servers: [...v.servers],
        moreServers: v.moreServers, firstTime: v.firstTime, lastTime: v.lastTime, worst: v.worst,
      })),
      moreVariants: g.moreVariants,
    };
  }
}

function describe(c: CertificateInfo | undefined, v: Variant, withServers: boolean): string {
  const who = c
    ? `${clean(c.subjectCN ?? c.subject)} ← ${c.selfSigned ? 'self-signed' : clean(c.issuerCN ?? c.issuer)}, serial ${c.serial}, ${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}`
    : 'certificate';
  const ids = v.ids.map((id) => `#${id}`).join(', ') + (v.count > v.ids.length ? ` and ${v.count - v.ids.length} more` : '');
  const at = [...v.servers].join(', ') + (v.moreServers ? ` and ${v.moreServers} more` : '');
  return `${who}, sha256 ${v.sha256.slice(0, 16)}…, in handshake${v.count > 1 ? 's' : ''} ${ids}${withServers ? ` at ${at}` : ''}`;
}
