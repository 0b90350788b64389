import type { CaptureSummary, CertificateInfo, Handshake, ScanResult, Severity, Verdict } from '../model.js';
import { escapeTerminal as esc } from './escape.js';
import { worstSeverity } from './filter.js';

export interface TextOptions {
  color: boolean;
  /** Show every verdict, including ok/info ones. */
  verbose?: boolean;
}

const SGR: Record<Severity | 'dim' | 'bold', string> = {
  ok: '32',
  info: '36',
  warning: '33',
  error: '31',
  dim: '2',
  bold: '1',
};

/** Badges read without colour too (NO_COLOR, logs): a word and a symbol. */
export const BADGE: Record<Severity, string> = { ok: '✓ OK', info: 'i INFO', warning: '! WARN', error: '✗ ERROR' };

/** `s` in the colour of a severity (or dim/bold) when colour is on. */
export function paint(o: { color: boolean }, kind: keyof typeof SGR, s: string): string {
  return o.color ? `\x1b[${SGR[kind]}m${s}\x1b[0m` : s;
}

export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

function certLine(c: CertificateInfo | undefined, sha: string, idx: number): string {
  if (!c) return `[${idx}] (certificate ${sha.slice(0, 16)}… not available)`;
  const name = esc(c.subjectCN ?? c.subject);
  const issuer = esc(c.issuerCN ?? c.issuer);
  const key = c.key.type + (c.key.curve ? ` ${c.key.curve}` : c.key.bits ? ` ${c.key.bits}` : '');
  const valid = c.notBefore ? `${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}` : '';
  return `[${idx}] ${name}  ← issued by ${issuer}  ${valid}  ${key}  sha256 ${sha.slice(0, 16)}…`;
}

function verdictLines(o: TextOptions, vs: Verdict[], indent: string): string[] {
  const lines: string[] = [];
  for (const v of vs) {
    if (!o.verbose && (v.severity === 'ok' || v.severity === 'info') && v.code !== 'chain-trusted' && v.code !== 'certificates-encrypted')
      continue;
    lines.push(`${indent}${paint(o, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
    if (v.fix && v.severity !== 'ok') lines.push(`${indent}    fix: ${esc(v.fix)}`);
  }
  return lines;
}

export function handshakeTitle(h: Handshake): string {
  const proto = h.transport === 'udp' ? 'UDP' : h.transport === 'quic' ? 'QUIC' : 'TCP';
  const parts = [
    `#${h.id}`,
    shortTime(h.time),
    `${h.client.ip}:${h.client.port} → ${h.server.ip}:${h.server.port}`,
    proto,
    h.version ?? h.clientVersion ?? 'TLS ?',
  ];
  if (h.sni) parts.push(`SNI ${esc(h.sni)}`);
  if (h.startTls) parts.push(`after ${h.startTls} STARTTLS`);
  return parts.join('  ');
}

/** The lines of one handshake, for a report printed while the capture is read. */
export function renderHandshakeText(h: Handshake, cert: (sha256: string) => CertificateInfo | undefined, o: TextOptions): string {
  const out: string[] = [];
  const sev = worstSeverity(h);
  out.push(`${paint(o, sev, BADGE[sev].padEnd(7))} ${paint(o, 'bold', handshakeTitle(h))}`);
  if (h.cipher) out.push(`    cipher ${h.cipher}${h.alpn?.length ? `  ALPN ${h.alpn.map(esc).join(',')}` : ''}`);
  for (const side of ['server', 'client'] as const) {
    const chain = side === 'server' ? h.serverChain : h.clientChain;
    if (chain.length === 0) {
      if (side === 'server' && h.encrypted) out.push(`    server chain: encrypted (${h.version ?? 'TLS'}; give --keylog to decrypt)`);
      else if (side === 'client' && h.clientSentEmptyCertificate) out.push('    client chain: empty Certificate message (no client certificate sent)');
      else if (side === 'server') out.push('    server chain: none seen');
      continue;
    }
    out.push(`    ${side} chain (${chain.length}):`);
    chain.forEach((sha, i) => out.push('      ' + certLine(cert(sha), sha, i)));
  }
  if (h.certificateRequest) {
    const names = h.certificateRequest.authorities;
    out.push(`    server asked for a client certificate; accepted CAs: ${names.length ? names.map(esc).join(' | ') : '(any)'}`);
  }
  for (const a of h.alerts) {
    const dir = a.from === 'client' ? 'client → server' : 'server → client';
    // An encrypted alert has neither a level nor a description to print: it is one opaque record.
    out.push(a.encrypted ? `    alert ${dir}: encrypted (frame ${a.frame})` : `    alert ${dir}: ${a.levelName} ${a.descriptionName} (frame ${a.frame})`);
  }
  out.push(...verdictLines(o, h.verdicts ?? [], '    '));
  for (const n of h.notes) out.push(`    note: ${esc(n)}`);
  out.push('');
  return out.join('\n') + '\n';
}

/** The capture lines (format, packets, truncation, notes): known once the capture has been read. */
export function renderCapturesText(captures: CaptureSummary[], o: TextOptions): string {
  const out: string[] = [];
  for (const c of captures) {
    if (c.error) continue;
    out.push(
      paint(o, 'bold', esc(c.file)) +
        `  ${c.format}  ${c.linkTypes.join(',') || 'no link types'}  ${c.packets} packets  ${c.bytes} bytes`,
    );
    if (c.truncated) out.push(`  ${paint(o, 'warning', '! truncated')}: ${esc(c.truncated.message)}`);
    if (c.stopped) out.push(`  stopped: ${esc(c.stopped)}`);
    for (const n of c.notes) out.push(`  note: ${esc(n)}`);
    // Capture-level findings are few and each sums up many handshakes: shown at every severity.
    if (c.findings?.length) {
      out.push(`  across the capture's handshakes:`);
      for (const f of c.findings) {
        out.push(`  ${paint(o, f.severity, BADGE[f.severity])} ${f.code}: ${esc(f.message)}`);
        if (f.fix && f.severity !== 'ok') out.push(`      fix: ${esc(f.fix)}`);
      }
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

export interface Tally {
  handshakes: number;
  certificates: number;
  bySeverity: Record<Severity, number>;
  /** Handshakes whose certificates stayed encrypted (TLS 1.3 without a key log): nothing was judged. */
  encrypted: number;
}

export function newTally(): Tally {
  return { handshakes: 0, certificates: 0, bySeverity: { ok: 0, info: 0, warning: 0, error: 0 }, encrypted: 0 };
}

/** A handshake none of whose certificates could be read: it is counted apart, not as ok. */
export function unjudged(h: Handshake): boolean {
  return h.encrypted && h.serverChain.length === 0 && h.clientChain.length === 0;
}

export function tallyHandshake(t: Tally, h: Handshake): void {
  t.handshakes++;
  const sev = worstSeverity(h);
  if (unjudged(h) && (sev === 'ok' || sev === 'info')) t.encrypted++;
  else t.bySeverity[sev]++;
}

/** The last line: handshakes by their worst verdict, then the certificates they presented. */
export function renderTallyText(t: Tally): string {
  const c = t.bySeverity;
  const parts = [`${c.error} with errors`, `${c.warning} with warnings`, `${c.ok + c.info} ok`];
  if (t.encrypted) parts.push(`${t.encrypted} encrypted (certificates not readable, not judged)`);
  return `${t.handshakes} handshake(s): ${parts.join(', ')}; ${t.certificates} unique certificate(s)\n`;
}

/** The whole report at once: handshakes, then the captures they came from, then the totals. */
export function renderText(r: ScanResult, o: TextOptions): string {
  const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
  const t = newTally();
  t.certificates = r.certificates.length;
  let s = '';
  for (const h of r.handshakes) {
    tallyHandshake(t, h);
    s += renderHandshakeText(h, (sha) => certs.get(sha), o);
  }
  return s + renderCapturesText(r.captures, o) + renderTallyText(t);
}
