/**
 * The terminal UI's public surface. The CLI imports this module lazily, only when stdout is a TTY.
 */
import React from 'react';
import { render } from 'ink';
import type { ScanListener, ScanResult } from '../model.js';
import { ScanFeed } from './feed.js';
import { Root } from './components/Root.js';

export { escapeControl } from './escape.js';

export { compileFilter } from './filter.js';
export { reducer, initialState, type TuiState, type Action } from './state.js';
export { App, type AppProps, type TuiEffects } from './components/App.js';
export { ScanFeed } from './feed.js';
export { osc52, pemBundle, writeExport } from './export.js';

export interface RunTuiOptions {
  title: string;
  start: (listener: ScanListener) => Promise<ScanResult>;
  exportDir?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Redraws per second at most (Ink's maxFps). */
  maxFps?: number;
  /** Environment for NO_COLOR; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** NO_COLOR (no-color.org): present and not empty disables colour. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = env['NO_COLOR'];
  return v === undefined || v === '';
}

/**
 * Renders the UI full-screen (alternate screen buffer), starts the scan with a listener that feeds it, and
 * resolves with the exit code when the user quits: 0, 2 when the input could not be read, 130 on Ctrl-C.
 */
export async function runTui(opts: RunTuiOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const feed = new ScanFeed();
  let code = 0;
  const fullScreen = stdout.isTTY === true;
  if (fullScreen) stdout.write('\x1b[?1049h\x1b[H');
  let instance: ReturnType<typeof render> | undefined;
  const quit = (c: number) => {
    code = c;
    instance?.unmount();
  };
  instance = render(
    React.createElement(Root, {
      title: opts.title,
      feed,
      exportDir: opts.exportDir ?? process.cwd(),
      color: colorEnabled(opts.env ?? process.env),
      effects: { quit, writeTerminal: (d: string) => void stdout.write(d) },
    }),
    { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: opts.maxFps ?? 20 },
  );
  // The scan runs alongside the UI; its failure is shown in the UI, not thrown past it.
  opts.start(feed.listener).then(
    (result) => feed.listener.onDone?.(result),
    (err: unknown) => feed.listener.onError?.(err instanceof Error ? err.message : String(err)),
  );
  try {
    await instance.waitUntilExit();
  } finally {
    if (fullScreen) stdout.write('\x1b[?1049l');
  }
  return code;
}
