/** The text report of `certshark compare`: pairs in time order, differences marked, findings last. */
import type { CaptureSummary, CertificateInfo, Handshake, Verdict } from '../model.js';
import type { ChainDifference, ComparePair, Comparison } from './compare.js';
import { escapeTerminal as esc } from './escape.js';
import { worstSeverity } from './severity.js';
import { BADGE, paint, renderCapturesText, shortTime, type TextOptions } from './text.js';

type Certs = (sha256: string) => CertificateInfo | undefined;

const RESULT_WORD: Record<ComparePair['result'], string> = { same: 'same', changed: 'CHANGED', 'only-a': 'only at A', 'only-b': 'only at B' };

function endpointLine(o: TextOptions, where: 'A' | 'B', h: Handshake): string {
  const sev = worstSeverity(h);
  const alerts = h.alerts.filter((a) => !a.encrypted).map((a) => `${a.from} alert ${a.descriptionName}`);
  return `    ${where} #${h.id}  ${h.client.ip}:${h.client.port} → ${h.server.ip}:${h.server.port}  ${h.version ?? h.clientVersion ?? 'TLS ?'}  ` +
    `${paint(o, sev, BADGE[sev])}${alerts.length ? `  ${alerts.join(', ')}` : ''}`;
}

function certName(c: CertificateInfo | undefined, sha: string | undefined): string {
  if (sha === undefined) return '(none)';
  if (!c) return `certificate ${sha.slice(0, 16)}…`;
  return `${esc(c.subjectCN ?? c.subject)} ← issued by ${esc(c.issuerCN ?? c.issuer)}  sha256 ${sha.slice(0, 16)}…`;
}

function chainSummary(chain: string[], certs: Certs): string {
  if (!chain.length) return 'none';
  const names = chain.map((s) => esc(certs(s)?.subjectCN ?? certs(s)?.subject ?? s.slice(0, 16)));
  return `${names.join(' ← ')} (${chain.length})`;
}

function differenceLines(o: TextOptions, d: ChainDifference, certs: Certs): string[] {
  const at = d.positions.map((i) => (i === 0 ? 'the leaf' : `[${i}]`));
  const where = at.length > 1 ? `${at.slice(0, -1).join(', ')} and ${at.at(-1)}` : at[0];
  const out = [`    ${paint(o, 'warning', `${d.side} chain differs`)} at ${where}:`];
  for (const i of d.positions) {
    out.push(`      [${i}] A ${certName(certs(d.a[i] ?? ''), d.a[i])}`);
    out.push(`          B ${certName(certs(d.b[i] ?? ''), d.b[i])}`);
  }
  return out;
}

function verdictLines(o: TextOptions, where: 'A' | 'B', vs: Verdict[] | undefined): string[] {
  const out: string[] = [];
  for (const v of vs ?? []) {
    if (!o.verbose && (v.severity === 'ok' || v.severity === 'info')) continue;
    out.push(`      ${where} ${paint(o, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
  }
  return out;
}

export function renderCompareText(
  c: Comparison, byId: Map<number, Handshake>, certs: Certs, captures: [CaptureSummary, CaptureSummary], o: TextOptions,
): string {
  const out: string[] = [];
  out.push(paint(o, 'bold', `A (client side): ${esc(captures[0].file)}`));
  out.push(paint(o, 'bold', `B (server side): ${esc(captures[1].file)}`));
  out.push(c.clockOffset
    ? `clock offset: B ${c.clockOffset.seconds >= 0 ? '+' : '−'}${Math.abs(c.clockOffset.seconds).toFixed(3)} s against A (from ${c.clockOffset.pairs} handshakes matched by random); window ${c.window} s`
    : `clock offset: unknown (no handshake matched by random; clocks assumed equal); window ${c.window} s`);
  out.push('');
  c.pairs.forEach((p, i) => {
    const ha = p.a !== undefined ? byId.get(p.a) : undefined;
    const hb = p.b !== undefined ? byId.get(p.b) : undefined;
    const first = (ha ?? hb)!;
    const kind = p.result === 'same' ? 'ok' : p.result === 'changed' ? 'error' : 'warning';
    const how = p.match === 'client-random' ? 'by ClientHello random' : p.match === 'sni-time' ? 'by name and time' : '';
    const sni = first.sni !== undefined ? `  SNI ${esc(first.sni)}` : '';
    out.push(`${paint(o, kind, RESULT_WORD[p.result].padEnd(9))} ${paint(o, 'bold', `pair ${i + 1}  ${shortTime(first.time)}${sni}`)}${how ? `  (${how}${p.delay !== undefined ? `, B ${(p.delay * 1000).toFixed(1)} ms after A` : ''})` : ''}`);
    if (ha) out.push(endpointLine(o, 'A', ha));
    if (hb) out.push(endpointLine(o, 'B', hb));
    if (p.result === 'same' && ha && hb && !p.notCompared?.includes('server')) out.push(`    server chain: ${chainSummary(ha.serverChain, certs)}, the same at both`);
    else if (!hb && ha) out.push(`    server chain at A: ${chainSummary(ha.serverChain, certs)}`);
    else if (!ha && hb) out.push(`    server chain at B: ${chainSummary(hb.serverChain, certs)}`);
    for (const d of p.differences ?? []) out.push(...differenceLines(o, d, certs));
    for (const s of p.notCompared ?? []) out.push(`    ${s} chain not compared: encrypted at one end (give --keylog)`);
    if (p.reason) out.push(`    why: ${p.reason}`);
    if (ha) out.push(...verdictLines(o, 'A', ha.verdicts));
    if (hb) out.push(...verdictLines(o, 'B', hb.verdicts));
    out.push('');
  });
  out.push(renderCapturesText(captures, o).trimEnd());
  const counts = { same: 0, changed: 0, 'only-a': 0, 'only-b': 0 };
  for (const p of c.pairs) counts[p.result]++;
  out.push(`${c.pairs.length} entr${c.pairs.length === 1 ? 'y' : 'ies'}: ${counts.same} same, ${counts.changed} changed, ${counts['only-a']} only at A, ${counts['only-b']} only at B`);
  if (c.findings.length) {
    out.push('across both captures:');
    for (const f of c.findings) {
      out.push(`  ${paint(o, f.severity, BADGE[f.severity])} ${f.code}: ${esc(f.message)}`);
      if (f.fix) out.push(`      fix: ${esc(f.fix)}`);
    }
  } else out.push('across both captures: nothing to report');
  return out.join('\n') + '\n';
}
