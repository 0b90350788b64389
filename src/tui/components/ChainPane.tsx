import React from 'react';
import type { Handshake, Side } from '../../model.js';
import { buildChainView, type ChainNode, type ChainView } from '../chain.js';
import { escapeControl } from '../escape.js';
import { badge, cnOf, day, keyText, worstSeverity, type Line } from '../format.js';
import { selectedHandshake, type TuiState } from '../state.js';
import { Lines } from './Lines.js';

/** The missing link in words; the short form when the long one does not fit (the details pane says it in full). */
const MISSING_TEXT: Record<
  Extract<ChainNode, { kind: 'missing' }>['reason'],
  (issuer: string, side: Side) => { text: string; short: string; color: string }
> = {
  'missing-intermediate': (i, side) => ({
    text: `✗ MISSING LINK  ${i}: not sent by the ${side} and not in the trust store`,
    short: `✗ MISSING LINK  ${i}: not sent, not in store`,
    color: 'red',
  }),
  'untrusted-root': (i) => ({
    text: `✗ NOT TRUSTED  ${i}: this root is not in the trust store`,
    short: `✗ NOT TRUSTED  ${i}: not in store`,
    color: 'red',
  }),
  'not-sent': (i) => ({ text: `? ${i}: not sent (trust not judged)`, short: `? ${i}: not sent`, color: 'yellow' }),
};

function sideHeading(view: ChainView, h: Handshake): Line {
  const chain = view.side === 'server' ? h.serverChain : h.clientChain;
  const title = view.side === 'server' ? 'Server chain' : 'Client chain';
  const sev = worstSeverity(view.sideVerdicts);
  const b = badge(sev);
  // The codes that earned the badge: next to "✗ BAD", a passed check such as name-match reads as a problem.
  const codes = view.sideVerdicts.filter((v) => v.severity === sev).map((v) => v.code);
  const line: Line = [{ text: `${title} (${chain.length} sent) `, bold: true }];
  if (sev !== undefined) line.push({ text: b.text, color: b.color, bold: true }, { text: codes.length ? ' ' + codes.join(', ') : '' });
  return line;
}

/** Lines of the chain pane and, for each line, the index of the selectable certificate it shows (or -1). */
export function chainLines(state: TuiState, width = Number.MAX_SAFE_INTEGER): { lines: Line[]; owner: number[] } {
  const h = selectedHandshake(state);
  const lines: Line[] = [];
  const owner: number[] = [];
  if (!h) return { lines: [[{ text: 'No handshake selected.', dim: true }]], owner: [-1] };
  const focused = state.focus === 'chain';
  let k = 0;
  for (const side of ['server', 'client'] as const) {
    const view = buildChainView(h, side, state.certs, state.paths);
    lines.push(sideHeading(view, h));
    owner.push(-1);
    if (view.nodes.length === 0) {
      let why: string;
      if (side === 'server') why = h.encrypted ? 'encrypted (TLS 1.3; give --keylog to see it)' : 'no certificate seen';
      else if (h.clientSentEmptyCertificate) why = 'the client answered the certificate request with an empty Certificate';
      else if (h.certificateRequest) why = 'the server asked for a client certificate; none was seen';
      else why = 'not requested';
      lines.push([{ text: `  ${why}`, dim: true }]);
      owner.push(-1);
      continue;
    }
    for (const n of view.nodes) {
      const indent = '  ' + '   '.repeat(n.depth) + (n.depth > 0 ? '└─ ' : '');
      if (n.kind === 'missing') {
        const m = MISSING_TEXT[n.reason](escapeControl(n.issuer), side);
        const text = Array.from(indent + m.text).length <= width ? m.text : m.short;
        lines.push([{ text: indent }, { text, color: m.color, bold: true }]);
        owner.push(-1);
        continue;
      }
      const idx = k++;
      const selected = idx === state.chainCursor;
      const c = n.cert;
      const tag = n.source === 'store' ? '[store]' : n.unused ? `[sent #${n.wireIndex}, not on path]` : `[wire #${n.wireIndex}]`;
      const b = badge(n.severity);
      const marked = state.marks.has(n.sha256) ? '*' : ' ';
      const name = c ? escapeControl(cnOf(c.subjectCN, c.subject)) : `${n.sha256.slice(0, 16)}… (not parsed)`;
      const issuer = c && c.issuer !== undefined ? escapeControl(cnOf(c.issuerCN, c.issuer)) : '?';
      const line: Line = [
        { text: (selected ? '>' : ' ') + marked + indent.slice(2) },
        { text: tag + ' ', color: n.source === 'store' ? 'cyan' : undefined, dim: n.source === 'wire' && !n.unused },
        { text: name, bold: true, inverse: selected && focused },
        { text: `  ← ${issuer}  ${day(c?.notBefore)}..${day(c?.notAfter)}  ${keyText(c?.key)}` },
      ];
      // Narrow terminal: the key (in the details pane anyway) goes before the validity is cut.
      const used = line.reduce((n, seg) => n + Array.from(seg.text).length, 0);
      if (used > width) line[3] = { text: `  ← ${issuer}  ${day(c?.notBefore)}..${day(c?.notAfter)}` };
      // A badge only where a verdict names this certificate: "· ----" on every healthy node read as "unknown".
      if (n.severity !== undefined) line.push({ text: '  ' }, { text: b.text, color: b.color, bold: true });
      lines.push(line);
      owner.push(idx);
    }
  }
  return { lines, owner };
}

export function ChainPane({ state, height, width }: { state: TuiState; height: number; width: number }): React.JSX.Element {
  const { lines, owner } = chainLines(state, width);
  const at = Math.max(0, owner.indexOf(state.chainCursor));
  const top = Math.max(0, Math.min(at - Math.floor(height / 2), lines.length - height));
  return <Lines lines={lines.slice(Math.max(0, top))} height={height} width={width} />;
}
