/** Small pure formatting helpers shared by the panes. Every wire string goes through escapeControl first. */
import type { Handshake, Severity, Verdict } from '../model.js';
import { escapeControl } from './escape.js';

/** A run of text with one style; a line is an array of them. Colours are dropped under NO_COLOR by the renderer. */
export interface Seg {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}
export type Line = Seg[];

import { SEVERITY_RANK, worstVerdictSeverity as worstSeverity } from '../report/filter.js';

export { SEVERITY_RANK, worstSeverity };

export interface Badge {
  text: string;
  color: string;
}

/** A verdict badge reads without colour: a symbol and a word, with the colour only as a second cue. */
export function badge(sev: Severity | undefined): Badge {
  switch (sev) {
    case 'error':
      return { text: '✗ BAD', color: 'red' };
    case 'warning':
      return { text: '! WARN', color: 'yellow' };
    case 'ok':
      return { text: '✓ OK', color: 'green' };
    case 'info':
      return { text: 'i INFO', color: 'cyan' };
    default:
      return { text: '· ----', color: 'gray' };
  }
}

/** The badge of a handshake: its worst verdict; encrypted TLS 1.3 without verdicts says so. */
export function handshakeBadge(h: Handshake): Badge {
  const sev = worstSeverity(h.verdicts);
  if (sev === undefined && h.encrypted) return { text: '? ENC', color: 'gray' };
  return badge(sev);
}

/** Truncate to `width` columns (by code point) with an ellipsis, then pad. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const cps = Array.from(s);
  let t: string;
  if (cps.length > width) t = width === 1 ? '…' : cps.slice(0, width - 1).join('') + '…';
  else t = s;
  const pad = width - Math.min(cps.length, width);
  return align === 'left' ? t + ' '.repeat(pad) : ' '.repeat(pad) + t;
}

/** Escape, then fit: the usual path for a wire string into a column. */
export function cell(s: string | undefined, width: number, align: 'left' | 'right' = 'left'): string {
  return fit(s === undefined ? '' : escapeControl(s), width, align);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** Time of day (UTC) from the ISO capture time, to match with device logs: HH:MM:SS.mmm. */
export function timeOfDay(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(iso);
  return m ? m[1]! : iso;
}

/** "TLS 1.2" → "TLS1.2" for the narrow column. */
export function shortVersion(v: string | undefined): string {
  return v === undefined ? '' : v.replace(/^TLS /, 'TLS').replace(/^DTLS /, 'DTLS').replace(/^SSL /, 'SSL');
}

export function keyText(k: { type: string; bits?: number; curve?: string } | undefined): string {
  if (!k) return '';
  return [k.type, k.bits !== undefined ? String(k.bits) : '', k.curve ?? ''].filter((x) => x !== '').join(' ');
}

/** Date part of an ISO time, for the compact validity column. */
export function day(iso: string | undefined): string {
  return iso === undefined ? '?' : iso.slice(0, 10);
}

/** Common name, or the whole DN when it has none. */
export function cnOf(cn: string | undefined, dn: string | undefined): string {
  if (cn !== undefined && cn !== '') return cn;
  return dn ?? '?';
}

/** Elapsed time the way a stopwatch reads: 12s, 3m 05s, 1h 02m. */
export function formatElapsed(ms: number): string {
  const t = Math.max(0, Math.floor(ms / 1000));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m ${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h ${String(Math.floor(t / 60) % 60).padStart(2, '0')}m`;
}
