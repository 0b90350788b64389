/**
 * The handshake list as rows: filtered, sorted, and optionally grouped (same server address and same server chain
 * collapse into one row with a count — a capture of a flapping tunnel holds hundreds of identical handshakes).
 * Rows hold indices into the handshake array, not copies, so 100,000 handshakes cost 100,000 small objects once
 * per filter/sort change and nothing per keystroke.
 */
import type { Handshake } from '../model.js';
import type { CertLookup, HandshakePredicate } from './filter.js';
import { SEVERITY_RANK, worstSeverity } from './format.js';

export const SORT_KEYS = ['no', 'time', 'client', 'server', 'sni', 'version', 'chain', 'verdict', 'alerts'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface SortSpec {
  key: SortKey;
  desc: boolean;
}

export interface ListRow {
  /** Index into the handshake array. */
  hs: number;
  /** Handshakes this row stands for (1 unless grouped). */
  count: number;
  /** Group key when grouping is on. */
  group?: string;
  /** A member shown under its expanded group. */
  member?: boolean;
  /**
   * On a group row: the member with the worst verdict and the first member with an alert, when not the first
   * member. The row shows their badge and alert: one warning among ten identical handshakes must not hide.
   */
  worst?: number;
  alerted?: number;
}

export function groupKey(h: Handshake): string {
  return `${h.transport} ${h.server.ip} ${h.server.port} ${h.serverChain.join(',')}`;
}

function compareIp(a: string, b: string): number {
  // Numeric for IPv4 so 10.0.0.9 sorts before 10.0.0.10; lexical otherwise.
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpStr(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareHandshakes(key: SortKey, a: Handshake, b: Handshake): number {
  let d = 0;
  switch (key) {
    case 'no':
      break;
    case 'time':
      d = a.ts - b.ts;
      break;
    case 'client':
      d = compareIp(a.client.ip, b.client.ip) || a.client.port - b.client.port;
      break;
    case 'server':
      d = compareIp(a.server.ip, b.server.ip) || a.server.port - b.server.port;
      break;
    case 'sni':
      d = cmpStr(a.sni, b.sni);
      break;
    case 'version':
      d = cmpStr(a.version, b.version);
      break;
    case 'chain':
      d = a.serverChain.length + a.clientChain.length - (b.serverChain.length + b.clientChain.length);
      break;
    case 'verdict': {
      const sa = worstSeverity(a.verdicts);
      const sb = worstSeverity(b.verdicts);
      d = (sa === undefined ? -1 : SEVERITY_RANK[sa]) - (sb === undefined ? -1 : SEVERITY_RANK[sb]);
      break;
    }
    case 'alerts':
      d = a.alerts.length - b.alerts.length;
      break;
  }
  return d !== 0 ? d : a.id - b.id;
}

function severityRank(h: Handshake): number {
  const sev = worstSeverity(h.verdicts);
  return sev === undefined ? -1 : SEVERITY_RANK[sev];
}

export interface RowSpec {
  filter: HandshakePredicate;
  sort: SortSpec;
  group: boolean;
  expanded: ReadonlySet<string>;
}

export function deriveRows(handshakes: readonly Handshake[], certs: CertLookup, spec: RowSpec): ListRow[] {
  const idx: number[] = [];
  for (let i = 0; i < handshakes.length; i++) if (spec.filter(handshakes[i]!, certs)) idx.push(i);
  const { key, desc } = spec.sort;
  // Handshakes arrive in the order they finish, not by number (a slow handshake #3 finishes after #4): even the
  // default order, number ascending, is a sort. Skipped when the arrival order already is the sorted one.
  const cmp = (i: number, j: number) => {
    const d = compareHandshakes(key, handshakes[i]!, handshakes[j]!);
    return desc ? -d : d;
  };
  let sorted = true;
  for (let k = 1; k < idx.length && sorted; k++) if (cmp(idx[k - 1]!, idx[k]!) > 0) sorted = false;
  if (!sorted) idx.sort(cmp);
  if (!spec.group) return idx.map((hs) => ({ hs, count: 1 }));
  const groups = new Map<string, number[]>();
  const order: string[] = [];
  for (const i of idx) {
    const k = groupKey(handshakes[i]!);
    let g = groups.get(k);
    if (!g) {
      g = [];
      groups.set(k, g);
      order.push(k);
    }
    g.push(i);
  }
  const rows: ListRow[] = [];
  for (const k of order) {
    const g = groups.get(k)!;
    const row: ListRow = { hs: g[0]!, count: g.length, group: k };
    if (g.length > 1) {
      let worst = g[0]!;
      let rank = severityRank(handshakes[worst]!);
      for (const m of g) {
        const r = severityRank(handshakes[m]!);
        if (r > rank) {
          worst = m;
          rank = r;
        }
      }
      if (worst !== row.hs) row.worst = worst;
      const alerted = g.find((m) => handshakes[m]!.alerts.length > 0);
      if (alerted !== undefined && alerted !== row.hs) row.alerted = alerted;
    }
    rows.push(row);
    if (g.length > 1 && spec.expanded.has(k)) {
      for (const m of g) rows.push({ hs: m, count: 1, group: k, member: true });
    }
  }
  return rows;
}

/**
 * The rows after handshakes were appended to the array, when the order is number ascending and nothing is grouped:
 * the new rows are sorted and merged in (one pass over the existing rows, no full sort per batch), so a handshake
 * that finished late still lands at its number.
 */
export function appendRows(
  rows: readonly ListRow[],
  handshakes: readonly Handshake[],
  from: number,
  certs: CertLookup,
  filter: HandshakePredicate,
): ListRow[] {
  const added: ListRow[] = [];
  for (let i = from; i < handshakes.length; i++) if (filter(handshakes[i]!, certs)) added.push({ hs: i, count: 1 });
  if (added.length === 0) return rows.slice();
  const id = (r: ListRow) => handshakes[r.hs]!.id;
  added.sort((a, b) => id(a) - id(b));
  const last = rows.at(-1);
  if (last === undefined || id(last) < id(added[0]!)) return rows.concat(added);
  const out: ListRow[] = new Array(rows.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < rows.length && j < added.length) out[k++] = id(rows[i]!) <= id(added[j]!) ? rows[i++]! : added[j++]!;
  while (i < rows.length) out[k++] = rows[i++]!;
  while (j < added.length) out[k++] = added[j++]!;
  return out;
}
