import React, { useMemo } from 'react';
import type { CaptureSummary, Handshake } from '../../model.js';
import { giveUpOf } from '../../tls/give-ups.js';
import { escapeControl } from '../escape.js';
import { badge, fit, formatBytes, formatElapsed, type Line } from '../format.js';
import { SEVERITY_RANK } from '../../report/index.js';
import { isStream, waitingForPackets, type TuiState } from '../state.js';
import { Lines } from './Lines.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The loading indicator: a bar of bytes read when the size is known; for a pipe or a live capture a spinner and
 * the time it has been running, which tick on the App's clock while nothing arrives ("waiting for packets… 12s");
 * the end of a stream reads "capture ended".
 */
export function progressText(state: TuiState, barWidth = 20): string {
  if (state.error !== undefined) return `error: ${escapeControl(state.error)}`;
  const p = state.progress;
  const spin = SPINNER[state.ticks % SPINNER.length];
  if (state.done) {
    const size = p ? ` ${formatBytes(p.bytesRead)}` : '';
    return isStream(state) ? `capture ended${size}` : `loaded${size}`;
  }
  if (waitingForPackets(state)) return state.elapsedMs < 1000 ? `${spin} starting…` : `${spin} waiting for packets… ${formatElapsed(state.elapsedMs)}`;
  if (p && p.totalBytes !== undefined && p.totalBytes > 0) {
    const f = Math.max(0, Math.min(1, p.bytesRead / p.totalBytes));
    const filled = Math.round(f * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${Math.floor(f * 100)}% ${formatBytes(p.bytesRead)} of ${formatBytes(p.totalBytes)}`;
  }
  return `${spin} reading… ${formatBytes(p?.bytesRead ?? 0)} · ${formatElapsed(state.elapsedMs)}`;
}

/** Counts of the oddities worth a glance: truncation, gaps, encrypted TLS 1.3, other notes. */
export function notesSummary(handshakes: readonly Handshake[], captureNotes: number): string {
  let truncated = 0;
  let gaps = 0;
  let encrypted = 0;
  let other = 0;
  for (const h of handshakes) {
    if (h.encrypted) encrypted++;
    for (const n of h.notes) {
      if (/trunc/i.test(n)) truncated++;
      else if (/gap/i.test(n)) gaps++;
      else other++;
    }
  }
  const parts: string[] = [];
  if (truncated) parts.push(`${truncated} truncated`);
  if (gaps) parts.push(`${gaps} gaps`);
  if (encrypted) parts.push(`${encrypted} TLS 1.3 without key log`);
  if (other) parts.push(`${other} other notes`);
  if (captureNotes) parts.push(`${captureNotes} capture notes`);
  return parts.join(', ');
}

/**
 * The capture notes that count flows given up (src/tls/give-ups.ts: "flow-evicted: 100000 flows …"), summed over
 * the captures: "gave up: 100,000 flow-evicted, 1 tcp-buffer-limit". The notes themselves are in the text report and
 * the JSON.
 */
export function giveUpSummary(captures: readonly CaptureSummary[]): string {
  const counts = new Map<string, number>();
  for (const c of captures)
    for (const n of c.notes) {
      const code = giveUpOf(n);
      const m = code === undefined ? null : /^[a-z0-9-]+: (\d+) flows? /.exec(n);
      if (m) counts.set(code!, (counts.get(code!) ?? 0) + Number(m[1]));
    }
  return [...counts].map(([code, n]) => `${n.toLocaleString('en-US')} ${code}`).join(', ');
}

export function TitleBar({ state, width }: { state: TuiState; width: number }): React.JSX.Element {
  const right = progressText(state);
  let left = ` certshark  ${escapeControl(state.title)}`;
  // A long capture name gives way to the progress (what is happening matters more than the whole path); the
  // progress itself is cut only when even "certshark" would not fit beside it.
  const room = width - Array.from(right).length - 2;
  if (Array.from(left).length > room) left = fit(left, Math.max(12, room));
  const gap = Math.max(1, width - Array.from(left).length - Array.from(right).length - 1);
  const line: Line = [
    { text: left, bold: true, inverse: true },
    { text: ' '.repeat(gap), inverse: true },
    { text: right + ' ', inverse: true, color: state.error !== undefined ? 'red' : undefined },
  ];
  return <Lines lines={[line]} height={1} width={width} />;
}

export function StatusBar({ state, width }: { state: TuiState; width: number }): React.JSX.Element {
  const captureNotes = state.captures.reduce((n, c) => n + c.notes.length + (c.truncated ? 1 : 0), 0);
  const notes = useMemo(() => notesSummary(state.handshakes, captureNotes), [state.handshakes, captureNotes]);
  const gaveUp = useMemo(() => giveUpSummary(state.captures), [state.captures]);
  // While loading the progress events count; once done the capture summaries are authoritative.
  const p = state.progress;
  const fromCaptures = state.done && state.captures.length > 0;
  const packets = fromCaptures ? state.captures.reduce((n, c) => n + c.packets, 0) : p?.packets;
  const bytes = fromCaptures ? state.captures.reduce((n, c) => n + c.bytes, 0) : p?.bytesRead;
  const total = fromCaptures ? undefined : p?.totalBytes;
  const parts = [
    packets !== undefined ? `${packets.toLocaleString('en-US')} packets` : '',
    bytes !== undefined ? formatBytes(bytes) + (total !== undefined ? ` of ${formatBytes(total)}` : '') : '',
    `${state.handshakes.length.toLocaleString('en-US')} handshake${state.handshakes.length === 1 ? '' : 's'}` +
      (state.rows.length !== state.handshakes.length || state.group ? ` (${state.rows.length.toLocaleString('en-US')} rows)` : ''),
    state.marks.size ? `${state.marks.size} marked` : '',
    state.filterText ? `filter: ${escapeControl(state.filterText)}` : '',
    notes ? `notes: ${notes}` : '',
    gaveUp ? `gave up: ${gaveUp}` : '',
  ].filter((x) => x !== '');
  // The capture process's last line (subprocess text, escaped): a failure first, where it cannot be missed; a
  // remark such as "Capturing on 'lo'" after the counts.
  const cs = state.captureStatus;
  // Findings across the capture (src/trust/consistency.ts: one server, different certificates), once it is read:
  // the first of them in short, worst first, and how many more; the details are in the text report and JSON.
  const findings = state.captures.flatMap((c) => c.findings ?? []).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const seg: Line = [];
  if (findings.length) {
    const f = findings[0]!;
    const where = [f.key.server ? `${f.key.server.ip}:${f.key.server.port}` : '', f.key.sni ?? ''].filter(Boolean).join(' ');
    const b = badge(f.severity);
    const text = `${b.text} ${escapeControl(where)}: ${f.variants.length + f.moreVariants} different certificates${findings.length > 1 ? ` (+${findings.length - 1} more findings)` : ''}`;
    seg.push({ text: ' ' + text, color: b.color, bold: f.severity !== 'info' }, { text: ' ·' });
  }
  let line: Line;
  if (state.message)
    line = [{ text: fit(' ' + escapeControl(state.message.text), width), color: state.message.tone === 'error' ? 'red' : 'green', bold: true }];
  else if (cs?.tone === 'error')
    line = [{ text: ` ✗ ${escapeControl(cs.text)}`, color: 'red', bold: true }, ...seg, { text: ' · ' + parts.join(' · ') }];
  else line = [...seg, { text: ' ' + [...parts, ...(cs ? [escapeControl(cs.text)] : [])].join(' · ') }];
  return <Lines lines={[line]} height={1} width={width} />;
}

/** The hints line for terminals narrower than KEY_HINTS: the keys an engineer needs first, q and ? last to go. */
export const KEY_HINTS_SHORT = '↑↓ move  Tab pane  Enter zoom  / filter  e export  y copy  ? help  q quit';

export const KEY_HINTS = '↑↓/jk move  Tab pane  Enter expand  / filter  Space mark  e export  E/W chain  y copy  s sort  g group  ? help  q quit';
