import React, { useEffect, useReducer, useRef } from 'react';
import { Box, useApp, useInput } from 'ink';
import { escapeControl } from '../escape.js';
import { pemBundle, osc52, writeExport, type WriteOutcome } from '../export.js';
import type { ScanFeed } from '../feed.js';
import { fit, type Line } from '../format.js';
import { currentLayout, exportSelection, initialState, reducer, selectedCert, type TuiState } from '../state.js';
import { ChainPane } from './ChainPane.js';
import { DetailsPane } from './DetailsPane.js';
import { HandshakeList } from './HandshakeList.js';
import { ColorContext, Lines } from './Lines.js';
import { LineInput } from './LineInput.js';
import { HELP_LINES, KEY_HINTS, KEY_HINTS_SHORT, StatusBar, TitleBar } from './StatusBar.js';

/** The outside world, injected so tests can observe it and the reducer stays pure. */
export interface TuiEffects {
  writeFile(path: string, data: string, overwrite: boolean): Promise<WriteOutcome>;
  /** Write raw bytes to the terminal (OSC 52). */
  writeTerminal(data: string): void;
  quit(code: number): void;
}

export const defaultEffects = (stdout: NodeJS.WriteStream, quit: (code: number) => void): TuiEffects => ({
  writeFile: writeExport,
  writeTerminal: (d) => stdout.write(d),
  quit,
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
  /** Milliseconds between feed flushes. */
  flushMs?: number;
}

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
    (p) => p.initial ?? initialState({ title: p.title, exportDir: p.exportDir ?? process.cwd(), columns: p.columns, rows: p.rows }),
  );
  const stateRef = useRef(state);
  stateRef.current = state;
  const effects: TuiEffects = {
    writeFile: props.effects?.writeFile ?? writeExport,
    writeTerminal: props.effects?.writeTerminal ?? (() => {}),
    quit:
      props.effects?.quit ??
      (() => {
        exit();
      }),
  };

  useEffect(() => {
    dispatch({ type: 'resize', columns: props.columns, rows: props.rows });
  }, [props.columns, props.rows]);

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

  const doExport = async (path: string, overwrite: boolean) => {
    const s = stateRef.current;
    if (s.mode.kind !== 'export' && s.mode.kind !== 'confirm-overwrite') return;
    const req = s.mode.request;
    if (path.trim() === '') return;
    const data = pemBundle(req.shas, s.certs);
    const r = await effects.writeFile(path, data, overwrite);
    if (r.ok) dispatch({ type: 'export-done', path, count: req.shas.length });
    else if (r.exists) dispatch({ type: 'export-exists', path });
    else dispatch({ type: 'message', text: `export failed: ${r.message}`, tone: 'error' });
  };

  const mode = state.mode.kind;
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return effects.quit(130);
      if (mode === 'help') return dispatch({ type: 'help-toggle' });
      if (mode === 'confirm-overwrite') {
        if (input === 'y' || input === 'Y') {
          if (state.mode.kind === 'confirm-overwrite') void doExport(state.mode.path, true);
        } else if (input === 'n' || input === 'N') dispatch({ type: 'export-edit' });
        else if (key.escape) dispatch({ type: 'export-cancel' });
        return;
      }
      if (mode === 'filter') {
        if (key.escape) dispatch({ type: 'filter-cancel' });
        return;
      }
      if (mode === 'export') {
        if (key.escape) dispatch({ type: 'export-cancel' });
        return;
      }
      if (input === 'q') return effects.quit(state.error !== undefined ? 2 : 0);
      if (key.upArrow || input === 'k') return dispatch({ type: 'move', delta: -1 });
      if (key.downArrow || input === 'j') return dispatch({ type: 'move', delta: 1 });
      if (key.pageUp) return dispatch({ type: 'page', direction: -1 });
      if (key.pageDown) return dispatch({ type: 'page', direction: 1 });
      if (key.home) return dispatch({ type: 'home' });
      if (key.end || input === 'G') return dispatch({ type: 'end' });
      if (key.tab) return dispatch({ type: 'focus-next', back: key.shift });
      if (key.return) return dispatch({ type: 'enter' });
      if (key.escape && state.zoom) return dispatch({ type: 'enter' });
      if (input === ' ') return dispatch({ type: 'toggle-mark' });
      if (input === 'u') return dispatch({ type: 'clear-marks' });
      if (input === '/') return dispatch({ type: 'filter-open' });
      if (input === '?') return dispatch({ type: 'help-toggle' });
      if (input === 's') return dispatch({ type: 'sort-next' });
      if (input === 'r') return dispatch({ type: 'sort-reverse' });
      if (input === 'g') return dispatch({ type: 'group-toggle' });
      if (input === 'e') return dispatch({ type: 'export-open', bundle: false });
      if (input === 'E') return dispatch({ type: 'export-open', bundle: true });
      if (input === 'y') {
        const shas = exportSelection(state);
        const pem = pemBundle(shas, state.certs);
        if (pem === '') return dispatch({ type: 'message', text: 'nothing to copy', tone: 'error' });
        effects.writeTerminal(osc52(pem));
        return dispatch({ type: 'message', text: `copied ${shas.length} PEM certificate${shas.length === 1 ? '' : 's'} to the clipboard (OSC 52)` });
      }
    },
  );

  const columns = Math.max(40, state.viewport.columns);
  const lay = currentLayout(state);
  const sel = selectedCert(state);
  const selInfo = sel === undefined ? undefined : state.certs.get(sel);
  const detailsTitle = `Details${selInfo?.subjectCN ? ` — ${escapeControl(selInfo.subjectCN)}` : ''}`;

  let body: React.JSX.Element;
  if (mode === 'help') {
    const lines: Line[] = [[{ text: 'certshark keys', bold: true }], []];
    for (const [k, v] of HELP_LINES) lines.push([{ text: '  ' + k.padEnd(16), bold: true, color: 'cyan' }, { text: v }]);
    body = <Lines lines={lines} height={Math.max(10, state.viewport.rows) - 3} width={columns} />;
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
        {lay.listRows > 0 ? <HandshakeList state={state} height={lay.listRows} width={columns} /> : null}
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
    bottom = (
      <Box width={columns} height={1} overflow="hidden">
        <Box flexShrink={0}>
          <Lines lines={[[{ text: '/', bold: true, color: 'cyan' }]]} height={1} width={1} />
        </Box>
        <LineInput
          defaultValue={state.mode.before}
          width={columns - 1}
          placeholder="port 7001 · sni vpn · bad · ip 10.0.0.1 · free text   (Enter apply, Esc cancel)"
          onChange={(text) => dispatch({ type: 'filter-change', text })}
          onSubmit={(text) => dispatch({ type: 'filter-apply', text })}
        />
      </Box>
    );
  } else if (state.mode.kind === 'export') {
    const m = state.mode;
    const what = m.request.bundle ? `chain bundle (${m.request.shas.length} certificates)` : `${m.request.shas.length} certificate${m.request.shas.length === 1 ? '' : 's'}`;
    const prompt = `Export ${what} as PEM to: `;
    const promptWidth = Math.min(columns - 10, prompt.length);
    bottom = (
      <Box width={columns} height={1} overflow="hidden">
        <Box flexShrink={0}>
          <Lines lines={[[{ text: prompt, bold: true, color: 'cyan' }]]} height={1} width={promptWidth} />
        </Box>
        <LineInput key={m.path} defaultValue={m.path} width={columns - promptWidth} onSubmit={(p) => void doExport(p, false)} />
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
  } else {
    const hints = KEY_HINTS.length + 1 <= columns ? KEY_HINTS : KEY_HINTS_SHORT;
    bottom = <Lines lines={[[{ text: ' ' + hints, dim: true }]]} height={1} width={columns} />;
  }

  return (
    <ColorContext.Provider value={props.color ?? true}>
      <Box flexDirection="column" width={columns}>
        <TitleBar state={state} width={columns} />
        {body}
        <StatusBar state={state} width={columns} />
        {bottom}
      </Box>
    </ColorContext.Provider>
  );
}
