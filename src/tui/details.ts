/**
 * The details pane as lines: the trust explanation for the selected certificate (its own verdicts, its chain's,
 * the handshake's) with the fix hints, then the certificate field by field as Wireshark shows it, then the
 * handshake. Pure; wrapped to the pane width so the reducer can bound scrolling.
 */
import type { CertificateInfo, Handshake, Side, Verdict } from '../model.js';
import { buildChainView, certNodes, selectableCerts, type PathLookup } from './chain.js';
import { escapeControl } from './escape.js';
import type { CertLookup } from './filter.js';
import { badge, keyText, type Line } from './format.js';

/** What the details pane needs from the state (kept structural to avoid a cycle with state.ts). */
export interface DetailsInput {
  rows: readonly { hs: number }[];
  cursor: number;
  handshakes: readonly Handshake[];
  certs: CertLookup;
  paths?: PathLookup;
  chainCursor: number;
}

/** Word-wrap plain text to width; long words are cut. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(8, width);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      let wd = word;
      while (Array.from(wd).length > w) {
        if (line !== '') {
          out.push(line);
          line = '';
        }
        const cps = Array.from(wd);
        out.push(cps.slice(0, w).join(''));
        wd = cps.slice(w).join('');
      }
      if (line === '') line = wd;
      else if (Array.from(line).length + 1 + Array.from(wd).length <= w) line += ' ' + wd;
      else {
        out.push(line);
        line = wd;
      }
    }
    out.push(line);
  }
  return out;
}

const LABEL = 20;

function kv(out: Line[], label: string, value: string | undefined, width: number, color?: string): void {
  if (value === undefined || value === '') return;
  const lines = wrap(value, width - LABEL);
  lines.forEach((l, i) =>
    out.push([{ text: (i === 0 ? label : '').padEnd(LABEL), dim: true }, { text: l, color }]),
  );
}

function heading(out: Line[], text: string): void {
  out.push([{ text, bold: true }]);
}

function verdictLines(out: Line[], v: Verdict, width: number): void {
  const b = badge(v.severity);
  const msg = wrap(escapeControl(v.message), Math.max(8, width - 9));
  out.push([{ text: ' ' + b.text.padEnd(7), color: b.color, bold: true }, { text: v.code, bold: true }]);
  for (const l of msg) out.push([{ text: ' '.repeat(9) + l }]);
  if (v.fix) {
    const fix = wrap('fix: ' + escapeControl(v.fix), Math.max(8, width - 9));
    for (const l of fix) out.push([{ text: ' '.repeat(9) + l, color: 'cyan' }]);
  }
}

function certLines(out: Line[], c: CertificateInfo, where: string, width: number): void {
  const e = escapeControl;
  heading(out, `Certificate  ${where}`);
  if (c.notes && c.notes.length > 0) kv(out, '  Notes', c.notes.map(e).join('; '), width, 'yellow');
  kv(out, '  Subject', c.subject === undefined ? undefined : e(c.subject), width);
  kv(out, '  Issuer', c.issuer === undefined ? undefined : e(c.issuer), width);
  kv(out, '  Serial', c.serial, width);
  if (c.notBefore || c.notAfter) kv(out, '  Validity', `${c.notBefore ?? '?'}  →  ${c.notAfter ?? '?'}`, width);
  if (c.sans && c.sans.length > 0) kv(out, '  Subject alt names', c.sans.map((s) => `${s.type}:${e(s.value)}`).join(', '), width);
  if (c.keyUsage && c.keyUsage.length > 0) kv(out, '  Key usage', c.keyUsage.join(', '), width);
  if (c.extKeyUsage && c.extKeyUsage.length > 0) kv(out, '  Ext. key usage', c.extKeyUsage.join(', '), width);
  if (c.isCA !== undefined)
    kv(out, '  Basic constraints', c.isCA ? `CA:TRUE${c.pathLen !== undefined ? `, pathlen:${c.pathLen}` : ''}` : 'CA:FALSE', width);
  kv(out, '  Public key', keyText(c.key), width);
  kv(out, '  Signature alg.', c.signatureAlgorithm, width);
  if (c.selfSigned !== undefined) kv(out, '  Self-signed', c.selfSigned ? 'yes' : 'no', width);
  kv(out, '  SHA-1', c.sha1, width);
  kv(out, '  SHA-256', c.sha256, width);
  kv(out, '  Subject key id', c.ski, width);
  kv(out, '  Authority key id', c.aki, width);
  if (c.aia) {
    if (c.aia.ocsp.length > 0) kv(out, '  AIA OCSP', c.aia.ocsp.map(e).join(', '), width);
    if (c.aia.caIssuers.length > 0) kv(out, '  AIA CA issuers', c.aia.caIssuers.map(e).join(', '), width);
  }
  if (c.crlDistributionPoints && c.crlDistributionPoints.length > 0)
    kv(out, '  CRL dist. points', c.crlDistributionPoints.map(e).join(', '), width);
  if (c.sctCount !== undefined) kv(out, '  SCTs', String(c.sctCount), width);
}

function handshakeLines(out: Line[], h: Handshake, width: number): void {
  const e = escapeControl;
  heading(out, `Handshake #${h.id}`);
  kv(out, '  Connection', `${h.client.ip}:${h.client.port} → ${h.server.ip}:${h.server.port} (${h.transport === 'udp' ? 'DTLS/UDP' : h.transport === 'quic' ? `${h.quic?.version ?? 'QUIC'}/UDP` : 'TCP'})`, width);
  kv(out, '  Time', h.time, width);
  kv(out, '  SNI', h.sni === undefined ? '(none sent)' : e(h.sni), width);
  kv(out, '  Version', `${h.version ?? '?'}${h.clientVersion && h.clientVersion !== h.version ? ` (client offered ${h.clientVersion})` : ''}`, width);
  kv(out, '  Cipher', h.cipher, width);
  if (h.alpn && h.alpn.length > 0) kv(out, '  ALPN', h.alpn.map(e).join(', '), width);
  if (h.startTls) kv(out, '  STARTTLS', e(h.startTls), width);
  const f = h.frames;
  const frames = [
    `first ${h.firstFrame}`,
    f?.clientHello !== undefined ? `ClientHello ${f.clientHello}` : '',
    f?.serverHello !== undefined ? `ServerHello ${f.serverHello}` : '',
    f?.serverCertificate !== undefined ? `server Certificate ${f.serverCertificate}` : '',
    f?.clientCertificate !== undefined ? `client Certificate ${f.clientCertificate}` : '',
    `last ${h.lastFrame}`,
  ].filter((x) => x !== '');
  kv(out, '  Frames', frames.join(', '), width);
  for (const a of h.alerts)
    kv(out, '  Alert', `${a.from} ${a.encrypted ? 'encrypted alert' : `${a.levelName} ${a.descriptionName} (${a.description})`}, frame ${a.frame}`, width, 'red');
  if (h.certificateRequest) {
    const cr = h.certificateRequest;
    kv(out, '  Cert. request', `frame ${cr.frame}; types ${cr.types.join(', ') || '-'}`, width);
    kv(out, '  Accepted CAs', cr.authorities.length === 0 ? '(any)' : cr.authorities.map(e).join(' | '), width);
  }
  if (h.clientSentEmptyCertificate) kv(out, '  Client cert.', 'empty Certificate message (no certificate sent)', width, 'yellow');
  if (h.encrypted) kv(out, '  Encrypted', 'TLS 1.3: certificates are encrypted; give --keylog to see them', width, 'yellow');
  if (!h.complete) kv(out, '  Complete', 'no (handshake did not finish in the capture)', width, 'yellow');
  for (const n of h.notes) kv(out, '  Note', e(n), width, 'yellow');
}

export function detailsLines(s: DetailsInput, width: number): Line[] {
  const out: Line[] = [];
  const r = s.rows[s.cursor];
  const h = r === undefined ? undefined : s.handshakes[r.hs];
  if (!h) {
    out.push([{ text: 'No handshake selected.', dim: true }]);
    return out;
  }
  const shas = selectableCerts(h, s.certs, s.paths);
  const sha = shas[Math.min(s.chainCursor, shas.length - 1)];
  const nServer = certNodes(buildChainView(h, 'server', s.certs, s.paths)).length;
  const side: Side | undefined = sha === undefined ? undefined : Math.min(s.chainCursor, shas.length - 1) < nServer ? 'server' : 'client';
  const verdicts = h.verdicts ?? [];
  const relevant = [
    ...verdicts.filter((v) => sha !== undefined && v.subject === sha),
    ...verdicts.filter((v) => side !== undefined && v.subject === side),
    ...verdicts.filter((v) => v.subject === 'handshake'),
    ...verdicts.filter((v) => side === undefined && (v.subject === 'server' || v.subject === 'client')),
  ];
  heading(out, sha === undefined ? 'Trust' : `Trust (${side} chain)`);
  if (h.verdicts === undefined) out.push([{ text: '  not judged yet', dim: true }]);
  else if (relevant.length === 0) out.push([{ text: '  no findings for this certificate', dim: true }]);
  // Problems first: on a 24-line terminal the pane shows a dozen lines, and "the client rejected the server's
  // certificate" must not sit below the checks that passed. Stable, so equal severities keep the trust order.
  const order: Record<Verdict['severity'], number> = { error: 0, warning: 1, info: 2, ok: 3 };
  relevant.sort((a, b) => order[a.severity] - order[b.severity]);
  for (const v of relevant) verdictLines(out, v, width);
  out.push([]);
  if (sha !== undefined) {
    const c = s.certs.get(sha);
    const wire = (side === 'server' ? h.serverChain : h.clientChain).indexOf(sha);
    const where = `[${side} chain, ${wire >= 0 ? `#${wire} on the wire` : 'from the trust store'}]`;
    if (c) certLines(out, c, where, width);
    else out.push([{ text: `Certificate ${sha} ${where}: not parsed yet`, dim: true }]);
    out.push([]);
  }
  handshakeLines(out, h, width);
  return out;
}

export function detailsLineCount(s: DetailsInput, width: number): number {
  return detailsLines(s, width).length;
}
