import React, { useEffect, useReducer, useRef, useState } from 'react';
import { Box, useApp, useInput, type Key } from 'ink';
import { escapeControl } from '../escape.js';
import { homedir } from 'node:os';
import { expandHome, pemBundle, osc52, writeExport, type WriteOutcome } from '../export.js';
import type { ScanFeed } from '../feed.js';
import type { ExtraColumn } from '../columns.js';
import { fit, type Line } from '../format.js';
import { currentLayout, exportSelection, initialState, reducer, selectedCert, type Action, type TuiState } from '../state.js';
import { applyKey, lineState, type LineState } from '../line-edit.js';
import { ChainPane } from './ChainPane.js';
import { DetailsPane } from './DetailsPane.js';
import { HandshakeList } from './HandshakeList.js';
import { ColorContext, Lines } from './Lines.js';
import { LineInput } from './LineInput.js';
import { KEY_HINTS, KEY_HINTS_SHORT, StatusBar, TitleBar } from './StatusBar.js';
import { helpLines } from '../help.js';

/** The outside world, injected so tests can observe it and the reducer stays pure. */
export interface TuiEffects {
  writeFile(path: string, data: string, overwrite: boolean): Promise<WriteOutcome>;
  /** Write raw bytes to the terminal (OSC 52). */
  writeTerminal(data: string): void;
  quit(code: number): void;
  /** The home directory `~` stands for at the export prompt. */
  homeDir(): string;
}

export const defaultEffects = (stdout: NodeJS.WriteStream, quit: (code: number) => void): TuiEffects => ({
  writeFile: writeExport,
  writeTerminal: (d) => stdout.write(d),
  quit,
  homeDir: homedir,
});

export interface AppProps {
  title: string;
  columns: number;
  rows: number;
  feed?: ScanFeed;
  exportDir?: string;
  color?: boolean;
  effects?: Partial<TuiEffects>;
  /** Start from this state (tests, benchmarks); otherwise an empty one. */
  initial?: TuiState;
  /** A filter to open with (`--filter`). */
  initialFilter?: string;
  /** Milliseconds between feed flushes. */
  flushMs?: number;
  /** Milliseconds between clock ticks (elapsed time, spinner) while the scan runs; the clock (tests). */
  clockMs?: number;
  now?: () => number;
  /** When the scan started (runTui's start, before Ink loaded), for the elapsed time; the first render otherwise. */
  startedAt?: number;
  /** A column of the command's own in the list (compare: where each handshake was seen, and its pair). */
  extraColumn?: ExtraColumn;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

function paneHeading(title: string, focused: boolean, width: number): Line {
  const t = Array.from(`── ${title} `);
  const text = t.length >= width ? fit(t.join(''), width) : t.join('') + '─'.repeat(width - t.length);
  return [{ text, bold: focused, inverse: focused }];
}

export function App(props: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const [state, dispatch] = useReducer(
    reducer,
    props,
    (p) =>
      p.initial ??
      initialState({ title: p.title, exportDir: p.exportDir ?? process.cwd(), columns: p.columns, rows: p.rows, filter: p.initialFilter }),
  );
  // The state as of the last action dispatched, ahead of React's render: keys are routed by it, not by this
  // render's closure. Ink attaches the input handler in a passive effect after each render, so keys typed right
  // after `/` can reach a handler from before the prompt opened; routing by the live state sends them to the
  // prompt all the same. Reset to the rendered state on every render (the same actions, so the same value).
  const liveRef = useRef(state);
  liveRef.current = state;
  const act = (a: Action) => {
    liveRef.current = reducer(liveRef.current, a);
    dispatch(a);
  };
  // The prompt's line (filter or export path), edited here rather than in a component of its own, for the same
  // reason: a prompt component's input handler would attach only after the prompt first rendered.
  const lineRef = useRef<LineState>(lineState(''));
  const [line, setLineState] = useState<LineState>(lineRef.current);
  const setLine = (l: LineState) => {
    lineRef.current = l;
    setLineState(l);
  };
  const effects: TuiEffects = {
    writeFile: props.effects?.writeFile ?? writeExport,
    writeTerminal: props.effects?.writeTerminal ?? (() => {}),
    homeDir: props.effects?.homeDir ?? homedir,
    quit:
      props.effects?.quit ??
      (() => {
        exit();
      }),
  };

  useEffect(() => {
    dispatch({ type: 'resize', columns: props.columns, rows: props.rows });
  }, [props.columns, props.rows]);

  // The clock, from here and not in the reducer (which stays pure): about once a second while the scan runs, so a
  // quiet pipe or live capture shows that the view is alive and for how long it has waited. Stops at the end.
  const startedRef = useRef<number | undefined>(undefined);
  const running = !state.done && state.error === undefined;
  useEffect(() => {
    if (!running) return;
    const now = props.now ?? Date.now;
    startedRef.current ??= props.startedAt ?? now();
    const t = setInterval(() => dispatch({ type: 'clock', elapsedMs: now() - startedRef.current! }), props.clockMs ?? 1000);
    return () => clearInterval(t);
  }, [running, props.clockMs, props.now, props.startedAt]);

  // Drain the feed at most every flushMs; the end of the scan and errors flush at once.
  useEffect(() => {
    const feed = props.feed;
    if (!feed) return;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const a = feed.drain();
      if (a) dispatch(a);
    };
    const unsubscribe = feed.subscribe((urgent) => {
      if (urgent) {
        if (timer) clearTimeout(timer);
        setImmediate(flush);
      } else if (!timer) timer = setTimeout(flush, props.flushMs ?? 80);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [props.feed, props.flushMs]);

  // Keys typed while an export is being written wait for its outcome: a quick "Enter n" must answer the overwrite
  // question that the write is about to ask, not add an "n" to the file name still in the prompt.
  const heldRef = useRef<{ input: string; key: Key }[] | undefined>(undefined);

  const doExport = async (typed: string, overwrite: boolean) => {
    const s = liveRef.current;
    if (s.mode.kind !== 'export' && s.mode.kind !== 'confirm-overwrite') return;
    const req = s.mode.request;
    if (typed.trim() === '') return;
    const target = expandHome(typed, effects.homeDir());
    if ('error' in target) return act({ type: 'message', text: `export: ${target.error}`, tone: 'error' });
    const path = target.path;
    const data = pemBundle(req.shas, s.certs);
    heldRef.current = [];
    let r: WriteOutcome;
    try {
      r = await effects.writeFile(path, data, overwrite);
    } catch (e) {
      r = { ok: false, exists: false, message: (e as Error).message };
    }
    if (r.ok) act({ type: 'export-done', path, count: req.shas.length });
    else if (r.exists) act({ type: 'export-exists', path });
    else act({ type: 'message', text: `export failed: ${r.message}`, tone: 'error' });
    const held = heldRef.current ?? [];
    heldRef.current = undefined;
    for (const k of held) onKey(k.input, k.key);
  };

  /** Feeds a key to the prompt's line; true when it was Enter. */
  const editLine = (input: string, key: Key): { value: string; submit: boolean } => {
    const r = applyKey(lineRef.current, input, key);
    if (r.line !== lineRef.current) setLine(r.line);
    return { value: r.line.value, submit: r.submit };
  };

  const onKey = (input: string, key: Key): void => {
    const s = liveRef.current;
    const mode = s.mode.kind;
    if (key.ctrl && input === 'c') return effects.quit(130);
    if (heldRef.current !== undefined) {
      heldRef.current.push({ input, key });
      return;
    }
    if (mode === 'help') {
      // Scroll keys scroll a help longer than the screen; any other key closes it.
      const page = Math.max(1, currentLayout(s).bodyRows - 1);
      if (key.upArrow || input === 'k') return act({ type: 'help-scroll', delta: -1 });
      if (key.downArrow || input === 'j') return act({ type: 'help-scroll', delta: 1 });
      if (key.pageUp) return act({ type: 'help-scroll', delta: -page });
      if (key.pageDown || input === ' ') return act({ type: 'help-scroll', delta: page });
      if (key.home) return act({ type: 'help-scroll', delta: -Number.MAX_SAFE_INTEGER / 2 });
      if (key.end || input === 'G') return act({ type: 'help-scroll', delta: Number.MAX_SAFE_INTEGER / 2 });
      return act({ type: 'help-toggle' });
    }
    if (mode === 'confirm-overwrite') {
      if (input === 'y' || input === 'Y') {
        if (s.mode.kind === 'confirm-overwrite') void doExport(s.mode.path, true);
      } else if (input === 'n' || input === 'N') {
        act({ type: 'export-edit' });
        if (s.mode.kind === 'confirm-overwrite') setLine(lineState(s.mode.path));
      } else if (key.escape) act({ type: 'export-cancel' });
      return;
    }
    if (mode === 'filter') {
      if (key.escape) return act({ type: 'filter-cancel' });
      const before = lineRef.current.value;
      const r = editLine(input, key);
      if (r.submit) act({ type: 'filter-apply', text: r.value });
      else if (r.value !== before) act({ type: 'filter-change', text: r.value });
      return;
    }
    if (mode === 'export') {
      if (key.escape) return act({ type: 'export-cancel' });
      const r = editLine(input, key);
      if (r.submit) void doExport(r.value, false);
      return;
    }
    if (input === 'q') return effects.quit(s.error !== undefined ? 2 : 0);
    if (key.upArrow || input === 'k') return act({ type: 'move', delta: -1 });
    if (key.downArrow || input === 'j') return act({ type: 'move', delta: 1 });
    if (key.pageUp) return act({ type: 'page', direction: -1 });
    if (key.pageDown) return act({ type: 'page', direction: 1 });
    if (key.home) return act({ type: 'home' });
    if (key.end || input === 'G') return act({ type: 'end' });
    if (key.tab) return act({ type: 'focus-next', back: key.shift });
    if (key.return) return act({ type: 'enter' });
    if (key.escape && s.zoom) return act({ type: 'enter' });
    if (input === ' ') return act({ type: 'toggle-mark' });
    if (input === 'u') return act({ type: 'clear-marks' });
    if (input === '/') {
      act({ type: 'filter-open' });
      return setLine(lineState(s.filterText));
    }
    if (input === '?') return act({ type: 'help-toggle' });
    if (input === 's') return act({ type: 'sort-next' });
    if (input === 'r') return act({ type: 'sort-reverse' });
    if (input === 'g') return act({ type: 'group-toggle' });
    if (input === 'e' || input === 'E' || input === 'W') {
      act({ type: 'export-open', what: input === 'E' ? 'built' : input === 'W' ? 'sent' : 'selection' });
      const m = liveRef.current.mode;
      if (m.kind === 'export') setLine(lineState(m.path));
      return;
    }
    if (input === 'y') {
      const shas = exportSelection(s);
      const pem = pemBundle(shas, s.certs);
      if (pem === '') return act({ type: 'message', text: 'nothing to copy', tone: 'error' });
      effects.writeTerminal(osc52(pem));
      return act({ type: 'message', text: `copied ${shas.length} PEM certificate${shas.length === 1 ? '' : 's'} to the clipboard (OSC 52)` });
    }
  };
  useInput((input, key) => {
    // Ink delivers plain text that arrived in one read as one event: "\t\r" after a fast Tab Enter over SSH,
    // "jjj", "/port 7001\r", or "n" and what follows it at the overwrite question. Outside a text prompt each
    // character is a key of its own, and once one opens a prompt the rest goes to it (the live state routes each
    // character).
    const k = liveRef.current.mode.kind;
    if (k !== 'filter' && k !== 'export' && Array.from(input).length > 1 && !key.ctrl && !key.meta) {
      for (const ch of input) {
        if (ch === '\t') onKey('', { ...NO_KEY, tab: true });
        else if (ch === '\r' || ch === '\n') onKey('', { ...NO_KEY, return: true });
        else if (ch === '\x7f') onKey('', { ...NO_KEY, delete: true });
        else if (ch === '\b') onKey('', { ...NO_KEY, backspace: true });
        else onKey(ch, { ...NO_KEY, shift: /[A-Z]/.test(ch) });
      }
      return;
    }
    onKey(input, key);
  });

  // The terminal's own width: drawing wider than it wraps every line and scrolls the title off the screen.
  const columns = Math.max(1, state.viewport.columns);
  const lay = currentLayout(state);
  const sel = selectedCert(state);
  const selInfo = sel === undefined ? undefined : state.certs.get(sel);
  const detailsTitle = `Details${selInfo?.subjectCN ? ` — ${escapeControl(selInfo.subjectCN)}` : ''}`;

  let body: React.JSX.Element;
  if (state.mode.kind === 'help') {
    const lines = helpLines(columns);
    body = <Lines lines={lines.slice(state.mode.scroll)} height={lay.bodyRows} width={columns} />;
  } else {
    const chain =
      lay.chainRows > 0 ? (
        <Box flexDirection="column" width={lay.chainColumns}>
          <Lines lines={[paneHeading('Chain (leaf → root)', state.focus === 'chain', lay.chainColumns)]} height={1} width={lay.chainColumns} />
          <ChainPane state={state} height={lay.chainRows} width={lay.chainColumns} />
        </Box>
      ) : null;
    const details =
      lay.detailsRows > 0 ? (
        <Box flexDirection="column" width={lay.detailsColumns}>
          <Lines lines={[paneHeading(detailsTitle, state.focus === 'details', lay.detailsColumns)]} height={1} width={lay.detailsColumns} />
          <DetailsPane state={state} height={lay.detailsRows} width={lay.detailsColumns} />
        </Box>
      ) : null;
    body = (
      <>
        {/* The column header stays even when no row fits (a very short terminal). */}
        {lay.listRows > 0 || (state.zoom === undefined && lay.bodyRows > 0) ? (
          <HandshakeList state={state} height={lay.listRows} width={columns} extra={props.extraColumn} />
        ) : null}
        {lay.detailsRight ? (
          <Box flexDirection="row">
            {chain}
            <Box width={1} />
            {details}
          </Box>
        ) : (
          <>
            {chain}
            {details}
          </>
        )}
      </>
    );
  }

  let bottom: React.JSX.Element;
  if (state.mode.kind === 'filter') {
    // A mistake in the expression shows on the prompt's line, right of what is typed; the list meanwhile keeps
    // the rows of the last expression that compiled, so half-typed `ip.addr ==` neither empties it nor unfilters it.
    const err = state.filterError;
    const errText = err ? ` ✗ ${escapeControl(err.message)} (column ${err.position + 1})` : '';
    const room = columns - 1 - Math.max(24, Array.from(line.value).length + 2);
    const errWidth = err ? Math.max(0, Math.min(Array.from(errText).length, room)) : 0;
    bottom = (
      <Box width={columns} height={1} overflow="hidden">
        <Box flexShrink={0}>
          <Lines lines={[[{ text: '/', bold: true, color: 'cyan' }]]} height={1} width={1} />
        </Box>
        <LineInput
          line={line}
          width={columns - 1 - errWidth}
          placeholder="port 7001 · sni vpn · bad · ip 10.0.0.1 · free text   (Enter apply, Esc cancel)"
        />
        {errWidth > 0 && (
          <Box flexShrink={0}>
            <Lines lines={[[{ text: fit(errText, errWidth), color: 'red', bold: true }]]} height={1} width={errWidth} />
          </Box>
        )}
      </Box>
    );
  } else if (state.mode.kind === 'export') {
    const m = state.mode;
    const n = m.request.shas.length;
    const count = `${n} certificate${n === 1 ? '' : 's'}`;
    const prompt =
      m.request.kind === 'built'
        ? `Export chain as built (${count}) to: `
        : m.request.kind === 'sent'
          ? `Export chain as sent (${count}) to: `
          : `Export ${count} as PEM to: `;
    const promptWidth = Math.min(columns - 10, prompt.length);
    bottom = (
      <Box width={columns} height={1} overflow="hidden">
        <Box flexShrink={0}>
          <Lines lines={[[{ text: prompt, bold: true, color: 'cyan' }]]} height={1} width={promptWidth} />
        </Box>
        <LineInput line={line} width={columns - promptWidth} />
      </Box>
    );
  } else if (state.mode.kind === 'confirm-overwrite') {
    bottom = (
      <Lines
        lines={[[{ text: `${escapeControl(state.mode.path)} exists. Overwrite? (y/n, Esc cancels)`, bold: true, color: 'yellow' }]]}
        height={1}
        width={columns}
      />
    );
  } else if (state.mode.kind === 'help') {
    const total = helpLines(columns).length;
    const shown = Math.min(total, state.mode.scroll + lay.bodyRows);
    const text =
      total > lay.bodyRows
        ? ` lines ${state.mode.scroll + 1}–${shown} of ${total} · ↑↓ PgUp PgDn scroll · any other key closes the help`
        : ' any key closes the help';
    bottom = <Lines lines={[[{ text, dim: true }]]} height={1} width={columns} />;
  } else {
    const hints = KEY_HINTS.length + 1 <= columns ? KEY_HINTS : KEY_HINTS_SHORT;
    bottom = <Lines lines={[[{ text: ' ' + hints, dim: true }]]} height={1} width={columns} />;
  }

  return (
    <ColorContext.Provider value={props.color ?? true}>
      <Box flexDirection="column" width={columns} height={Math.max(1, state.viewport.rows)} overflow="hidden">
        <TitleBar state={state} width={columns} />
        {body}
        {lay.statusRows > 0 ? <StatusBar state={state} width={columns} /> : null}
        {lay.hintRows > 0 ? bottom : null}
      </Box>
    </ColorContext.Provider>
  );
}
