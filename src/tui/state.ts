/**
 * UI state as a pure reducer over discriminated-union actions (DESIGN.md point 9). Side effects — writing files,
 * OSC 52, quitting — happen in the components, which report the outcome back as actions. Nothing here renders,
 * reads the clock or touches the file system, so every behaviour is tested by feeding actions.
 */
import * as path from 'node:path';
import type { CaptureSummary, CertificateInfo, Handshake, ScanProgress, ScanResult, TrustPaths } from '../model.js';
import { buildChainView, certNodes, chainLineCount, selectableCerts } from './chain.js';
import { PathIndex } from './trust-paths.js';
import { compileFilter, type CompiledFilter } from './filter.js';
// File names from certificate names go through the one sanitiser, in src/report (DESIGN.md error policy).
import { sanitizeFileName } from '../report/sanitize.js';
import { layout, type Layout, type Pane, type Viewport } from './layout.js';
import { appendRows, deriveRows, SORT_KEYS, type ListRow, type SortSpec } from './rows.js';
import { detailsLineCount } from './details.js';
import { helpScrollMax } from './help.js';

/**
 * What an export writes: `e` the marked certificates (or the selected one); `E` the selected side's chain as built,
 * leaf to root, with the trust store's CAs (what a trusted CA list needs); `W` that chain as the peer sent it, in
 * its order (what the peer did).
 */
export type ExportKind = 'selection' | 'built' | 'sent';

export interface ExportRequest {
  /** Certificates to write, in order. */
  shas: string[];
  kind: ExportKind;
}

export type Mode =
  | { kind: 'normal' }
  /** `scroll`: the first help line shown, when the help does not fit the screen. */
  | { kind: 'help'; scroll: number }
  /**
   * `before`: the filter to restore on Esc. `error`: what is wrong with the text typed so far; while it is set the
   * list keeps the last filter that compiled (never a silent empty list) and Enter does not apply it.
   */
  | { kind: 'filter'; before: string }
  | { kind: 'export'; request: ExportRequest; path: string }
  | { kind: 'confirm-overwrite'; request: ExportRequest; path: string };

export interface Message {
  text: string;
  tone: 'info' | 'error';
}

export interface TuiState {
  title: string;
  exportDir: string;
  viewport: Viewport;
  handshakes: Handshake[];
  certs: ReadonlyMap<string, CertificateInfo>;
  /** The path each handshake's chains were judged on, by handshake id (when the session reported them). */
  paths: PathIndex;
  progress?: ScanProgress;
  /** Progress events and clock ticks seen: drive the spinner when the total size is unknown (stdin, live). */
  ticks: number;
  /** Time since the view started, from the App's clock (the reducer reads no clock). */
  elapsedMs: number;
  /** The latest line from the capture process (ScanListener.onStatus). */
  captureStatus?: Message;
  done: boolean;
  error?: string;
  captures: CaptureSummary[];
  filterText: string;
  /** The filter the rows are derived from: the last text that compiled. */
  filter: CompiledFilter;
  /** Set while filterText does not compile (typing `ip.addr ==`): shown beside the prompt; the rows keep `filter`. */
  filterError?: { message: string; position: number };
  sort: SortSpec;
  group: boolean;
  expanded: ReadonlySet<string>;
  rows: ListRow[];
  cursor: number;
  scrollTop: number;
  focus: Pane;
  zoom?: Pane;
  /** Index into the selected handshake's selectable certificates (server chain, then client chain). */
  chainCursor: number;
  detailsScroll: number;
  marks: ReadonlySet<string>;
  mode: Mode;
  message?: Message;
}

export type Action =
  | {
      type: 'scan-batch';
      handshakes: Handshake[];
      certificates: CertificateInfo[];
      paths?: TrustPaths[];
      progress?: ScanProgress;
      progressEvents?: number;
      status?: Message;
      done?: ScanResult;
      error?: string;
    }
  /** About once a second while the scan runs: the elapsed time and the spinner. */
  | { type: 'clock'; elapsedMs: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'move'; delta: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'focus-next'; back?: boolean }
  | { type: 'enter' }
  | { type: 'toggle-mark' }
  | { type: 'clear-marks' }
  | { type: 'sort-next' }
  | { type: 'sort-reverse' }
  | { type: 'group-toggle' }
  | { type: 'help-toggle' }
  | { type: 'help-scroll'; delta: number }
  | { type: 'filter-open' }
  | { type: 'filter-change'; text: string }
  | { type: 'filter-apply'; text: string }
  | { type: 'filter-cancel' }
  | { type: 'export-open'; what: ExportKind }
  | { type: 'export-exists'; path: string }
  | { type: 'export-edit' }
  | { type: 'export-cancel' }
  | { type: 'export-done'; path: string; count: number }
  | { type: 'message'; text: string; tone?: 'info' | 'error' };

export interface InitOptions {
  title: string;
  exportDir: string;
  columns: number;
  rows: number;
  /** `--filter`: applied from the start, as the `/` prompt applies it. */
  filter?: string;
}


/** The list's order when the view opens (also the frame shown while Ink loads, index.ts). */
export const INITIAL_SORT: SortSpec = { key: 'no', desc: false };

export function initialState(o: InitOptions): TuiState {
  const given = o.filter === undefined || o.filter.trim() === '' ? undefined : compileFilter(o.filter);
  // The command line refuses a bad filter before the view opens; should one arrive all the same, the view shows
  // why and every handshake rather than silently none.
  const ok = given !== undefined && given.error === undefined;
  const filter = ok ? given : compileFilter('');
  return {
    title: o.title,
    exportDir: o.exportDir,
    viewport: { columns: o.columns, rows: o.rows },
    handshakes: [],
    certs: new Map(),
    paths: PathIndex.EMPTY,
    ticks: 0,
    elapsedMs: 0,
    done: false,
    captures: [],
    filterText: ok ? o.filter!.trim() : '',
    filter,
    sort: { ...INITIAL_SORT },
    group: false,
    expanded: new Set(),
    rows: [],
    cursor: 0,
    scrollTop: 0,
    focus: 'list',
    chainCursor: 0,
    detailsScroll: 0,
    marks: new Set(),
    mode: { kind: 'normal' },
    message: given?.error !== undefined ? { text: `filter not applied: ${given.error}`, tone: 'error' } : undefined,
  };
}

export function currentLayout(s: TuiState): Layout {
  return layout(s.viewport, s.zoom, s.rows.length, chainLineCount(selectedHandshake(s), s.certs, s.paths));
}

/** Input of unknown size, read as it comes: a pipe, stdin, a live capture (a file reports its size). */
export function isStream(s: TuiState): boolean {
  return s.progress !== undefined && s.progress.totalBytes === undefined;
}

/** Nothing read yet: no packet, no handshake (a pipe or a live capture still quiet). */
export function waitingForPackets(s: TuiState): boolean {
  return !s.done && s.error === undefined && s.handshakes.length === 0 && (s.progress?.packets ?? 0) === 0;
}

export function selectedHandshake(s: TuiState): Handshake | undefined {
  const r = s.rows[s.cursor];
  return r === undefined ? undefined : s.handshakes[r.hs];
}

/** The certificate under the chain cursor (the server leaf by default). */
export function selectedCert(s: TuiState): string | undefined {
  const shas = selectableCerts(selectedHandshake(s), s.certs, s.paths);
  return shas[Math.min(s.chainCursor, shas.length - 1)];
}

/** What `e` and `y` act on: the marked certificates, or the selected one. */
export function exportSelection(s: TuiState): string[] {
  if (s.marks.size > 0) return [...s.marks];
  const sel = selectedCert(s);
  return sel === undefined ? [] : [sel];
}

/** The side whose chain `E` and `W` export: the one holding the chain cursor. */
function selectedSide(s: TuiState, h: Handshake): 'server' | 'client' {
  const server = certNodes(buildChainView(h, 'server', s.certs, s.paths)).length;
  return s.chainCursor >= server && h.clientChain.length > 0 ? 'client' : 'server';
}

/**
 * What `E` acts on: the chain holding the selected certificate as built, leaf → root as the pane shows it: the
 * certificates sent on the path and the trust store's CAs above them; certificates sent but not on the path are
 * not part of it.
 */
export function builtChainSelection(s: TuiState): string[] {
  const h = selectedHandshake(s);
  if (!h) return [];
  return certNodes(buildChainView(h, selectedSide(s, h), s.certs, s.paths))
    .filter((n) => !n.unused)
    .map((n) => n.sha256);
}

/** What `W` acts on: the same side's chain exactly as the peer sent it, in its order. */
export function sentChainSelection(s: TuiState): string[] {
  const h = selectedHandshake(s);
  if (!h) return [];
  return selectedSide(s, h) === 'client' ? [...h.clientChain] : [...h.serverChain];
}

/** The proposed export path: the export folder plus a name derived from the leaf's CN through the sanitiser. */
export function proposeExportPath(s: TuiState, req: ExportRequest): string {
  const first = req.shas[0] === undefined ? undefined : s.certs.get(req.shas[0]);
  const base = sanitizeFileName(first?.subjectCN ?? first?.sha256.slice(0, 16) ?? 'certificate');
  let name: string;
  if (req.kind === 'built') name = `${base}-chain.pem`;
  else if (req.kind === 'sent') name = `${base}-as-sent.pem`;
  else if (req.shas.length > 1) name = `${base}-and-${req.shas.length - 1}-more.pem`;
  else name = `${base}.pem`;
  return path.join(s.exportDir, name);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** Keep the cursor row visible, with the list's height from the layout. */
function scrolled(s: TuiState): TuiState {
  const h = Math.max(1, currentLayout(s).listRows);
  let top = s.scrollTop;
  if (s.cursor < top) top = s.cursor;
  if (s.cursor >= top + h) top = s.cursor - h + 1;
  top = Math.max(0, Math.min(top, Math.max(0, s.rows.length - h)));
  return top === s.scrollTop ? s : { ...s, scrollTop: top };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/**
 * The filter text as typed. While it does not compile (half typed: `ip.addr ==`) the rows stay those of the last
 * text that did, rather than none or all, and the error is kept for the prompt.
 */
function withFilterText(s: TuiState, text: string): TuiState {
  const f = compileFilter(text);
  if (f.error !== undefined) return { ...s, filterText: text, filterError: { message: f.error, position: f.position ?? 0 } };
  return rederive({ ...s, filterText: text, filter: f, filterError: undefined });
}

/** Re-derive the rows after the filter, sort, grouping or data changed, keeping the selected handshake. */
function rederive(s: TuiState): TuiState {
  const prev = s.rows[s.cursor];
  const rows = deriveRows(s.handshakes, s.certs, {
    filter: s.filter.test,
    sort: s.sort,
    group: s.group,
    expanded: s.expanded,
  });
  let cursor = 0;
  if (prev !== undefined) {
    const at = rows.findIndex((r) => r.hs === prev.hs && !!r.member === !!prev.member);
    cursor = at >= 0 ? at : rows.findIndex((r) => r.hs === prev.hs);
    if (cursor < 0) cursor = Math.min(s.cursor, Math.max(0, rows.length - 1));
  }
  const moved = rows[cursor]?.hs !== prev?.hs;
  return scrolled({
    ...s,
    rows,
    cursor,
    chainCursor: moved ? 0 : s.chainCursor,
    detailsScroll: moved ? 0 : s.detailsScroll,
  });
}

function selectRow(s: TuiState, cursor: number): TuiState {
  const c = clamp(cursor, 0, Math.max(0, s.rows.length - 1));
  if (c === s.cursor) return s;
  return scrolled({ ...s, cursor: c, chainCursor: 0, detailsScroll: 0, message: undefined });
}

function moveIn(s: TuiState, delta: number): TuiState {
  switch (s.focus) {
    case 'list':
      return selectRow(s, s.cursor + delta);
    case 'chain': {
      const n = selectableCerts(selectedHandshake(s), s.certs, s.paths).length;
      const c = clamp(s.chainCursor + delta, 0, Math.max(0, n - 1));
      return c === s.chainCursor ? s : { ...s, chainCursor: c, detailsScroll: 0 };
    }
    case 'details': {
      const lay = currentLayout(s);
      const total = detailsLineCount(s, lay.detailsColumns);
      const d = clamp(s.detailsScroll + delta, 0, Math.max(0, total - lay.detailsRows));
      return d === s.detailsScroll ? s : { ...s, detailsScroll: d };
    }
  }
}

function pageSize(s: TuiState): number {
  const lay = currentLayout(s);
  const h = s.focus === 'list' ? lay.listRows : s.focus === 'chain' ? lay.chainRows : lay.detailsRows;
  return Math.max(1, h - 1);
}

const PANES: Pane[] = ['list', 'chain', 'details'];

export function reducer(s: TuiState, a: Action): TuiState {
  switch (a.type) {
    case 'scan-batch': {
      let next: TuiState = {
        ...s,
        progress: a.progress ?? s.progress,
        ticks: s.ticks + (a.progressEvents ?? (a.progress ? 1 : 0)),
        error: a.error ?? s.error,
        captureStatus: a.status ?? s.captureStatus,
      };
      if (a.paths && a.paths.length > 0) next = { ...next, paths: s.paths.with(a.paths) };
      let certs = s.certs;
      const newCerts = [...a.certificates, ...(a.done?.certificates ?? [])].filter((c) => !certs.has(c.sha256));
      if (newCerts.length > 0) {
        const m = new Map(certs);
        for (const c of newCerts) m.set(c.sha256, c);
        certs = m;
      }
      let handshakes = s.handshakes;
      if (a.handshakes.length > 0) handshakes = handshakes.concat(a.handshakes);
      let replaced = false;
      if (a.done) {
        next = { ...next, done: true, captures: a.done.captures };
        // The final result replaces the batches when it holds more (a listener that joined late). One that holds
        // fewer is a scan that did not keep its handshakes (a long live capture, retain: false): the view keeps
        // what it was shown.
        if (a.done.handshakes.length > handshakes.length) {
          handshakes = a.done.handshakes;
          replaced = true;
        }
      }
      if (handshakes === s.handshakes && certs === s.certs) return next;
      next = { ...next, handshakes, certs };
      const ordered = s.sort.key === 'no' && !s.sort.desc && !s.group;
      // New certificates can change what a text filter matches on earlier handshakes only in the rare case a
      // certificate arrives after its handshake; the final batch re-derives everything anyway.
      if (ordered && !replaced && !a.done) {
        const rows = appendRows(s.rows, handshakes, s.handshakes.length, certs, s.filter.test);
        // A late handshake merged in above the cursor shifts the rows: the cursor stays on its handshake.
        const prev = s.rows[s.cursor];
        let cursor = s.cursor;
        if (prev !== undefined && rows[cursor]?.hs !== prev.hs) cursor = rows.findIndex((r) => r.hs === prev.hs);
        return scrolled({ ...next, rows, cursor });
      }
      return rederive(next);
    }
    case 'clock':
      if (s.done || s.error !== undefined) return s;
      return { ...s, elapsedMs: a.elapsedMs, ticks: s.ticks + 1 };
    case 'resize': {
      if (a.columns === s.viewport.columns && a.rows === s.viewport.rows) return s;
      return scrolled({ ...s, viewport: { columns: a.columns, rows: a.rows } });
    }
    case 'move':
      return moveIn(s, a.delta);
    case 'page':
      return moveIn(s, a.direction * pageSize(s));
    case 'home':
      return moveIn(s, -Number.MAX_SAFE_INTEGER / 2);
    case 'end':
      return moveIn(s, Number.MAX_SAFE_INTEGER / 2);
    case 'focus-next': {
      const visible = s.zoom ? [s.zoom] : PANES;
      const i = visible.indexOf(s.focus);
      const n = visible.length;
      const focus = visible[(((i < 0 ? 0 : i) + (a.back ? -1 : 1)) % n + n) % n]!;
      return { ...s, focus, zoom: s.zoom ? focus : undefined };
    }
    case 'enter': {
      const r = s.rows[s.cursor];
      if (s.focus === 'list' && r && r.group !== undefined && r.count > 1 && !r.member) {
        const expanded = new Set(s.expanded);
        if (expanded.has(r.group)) expanded.delete(r.group);
        else expanded.add(r.group);
        return rederive({ ...s, expanded });
      }
      // Otherwise Enter expands the focused pane to the whole screen, and back.
      return scrolled({ ...s, zoom: s.zoom ? undefined : s.focus, detailsScroll: 0 });
    }
    case 'toggle-mark': {
      const h = selectedHandshake(s);
      if (!h) return s;
      const target = s.focus === 'list' ? [...h.serverChain, ...h.clientChain] : [selectedCert(s)].filter((x) => x !== undefined);
      if (target.length === 0) return s;
      const marks = new Set(s.marks);
      const all = target.every((x) => marks.has(x));
      for (const x of target) {
        if (all) marks.delete(x);
        else marks.add(x);
      }
      if (sameSet(marks, s.marks)) return s;
      const moved = s.focus === 'list' ? selectRow({ ...s, marks }, s.cursor + 1) : { ...s, marks };
      return { ...moved, marks, message: { text: `${marks.size} certificate${marks.size === 1 ? '' : 's'} marked`, tone: 'info' } };
    }
    case 'clear-marks':
      return { ...s, marks: new Set(), message: { text: 'marks cleared', tone: 'info' } };
    case 'sort-next': {
      const i = SORT_KEYS.indexOf(s.sort.key);
      const sort = { key: SORT_KEYS[(i + 1) % SORT_KEYS.length]!, desc: false };
      return rederive({ ...s, sort, message: { text: `sorted by ${sort.key}`, tone: 'info' } });
    }
    case 'sort-reverse': {
      const sort = { ...s.sort, desc: !s.sort.desc };
      return rederive({ ...s, sort, message: { text: `sorted by ${sort.key}${sort.desc ? ' (descending)' : ''}`, tone: 'info' } });
    }
    case 'group-toggle':
      return rederive({
        ...s,
        group: !s.group,
        message: { text: s.group ? 'grouping off' : 'grouped: same server and same chain', tone: 'info' },
      });
    case 'help-toggle':
      return { ...s, mode: s.mode.kind === 'help' ? { kind: 'normal' } : { kind: 'help', scroll: 0 } };
    case 'help-scroll': {
      if (s.mode.kind !== 'help') return s;
      const max = helpScrollMax(s.viewport.columns, currentLayout(s).bodyRows);
      const scroll = clamp(s.mode.scroll + a.delta, 0, max);
      return scroll === s.mode.scroll ? s : { ...s, mode: { kind: 'help', scroll } };
    }
    case 'filter-open':
      return { ...s, mode: { kind: 'filter', before: s.filterText } };
    case 'filter-change': {
      if (a.text === s.filterText) return s;
      return withFilterText(s, a.text);
    }
    case 'filter-apply': {
      const next = a.text === s.filterText ? s : withFilterText(s, a.text);
      // An expression with a mistake is not applied: the prompt stays open with the error beside it.
      return next.filterError ? next : { ...next, mode: { kind: 'normal' } };
    }
    case 'filter-cancel': {
      if (s.mode.kind !== 'filter') return s;
      const before = s.mode.before;
      const next = before === s.filterText ? s : withFilterText(s, before);
      return { ...next, mode: { kind: 'normal' } };
    }
    case 'export-open': {
      const pick = a.what === 'built' ? builtChainSelection(s) : a.what === 'sent' ? sentChainSelection(s) : exportSelection(s);
      const shas = pick.filter((x) => s.certs.get(x)?.pem);
      if (shas.length === 0) return { ...s, message: { text: 'nothing to export: no certificate selected', tone: 'error' } };
      const request: ExportRequest = { shas, kind: a.what };
      // The status line under a prompt is about this export: an earlier "wrote …" would read as its outcome.
      return { ...s, message: undefined, mode: { kind: 'export', request, path: proposeExportPath(s, request) } };
    }
    case 'export-exists':
      if (s.mode.kind !== 'export') return s;
      return { ...s, message: undefined, mode: { kind: 'confirm-overwrite', request: s.mode.request, path: a.path } };
    case 'export-edit':
      if (s.mode.kind !== 'confirm-overwrite') return s;
      return { ...s, message: undefined, mode: { kind: 'export', request: s.mode.request, path: s.mode.path } };
    case 'export-cancel':
      return { ...s, mode: { kind: 'normal' }, message: { text: 'export cancelled', tone: 'info' } };
    case 'export-done':
      return {
        ...s,
        mode: { kind: 'normal' },
        message: { text: `wrote ${a.count} certificate${a.count === 1 ? '' : 's'} to ${a.path}`, tone: 'info' },
      };
    case 'message':
      return { ...s, message: { text: a.text, tone: a.tone ?? 'info' } };
  }
}
