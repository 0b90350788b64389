/**
 * The terminal UI's public surface. The CLI imports this module lazily, only when stdout is a TTY.
 *
 * This module stays light on purpose: Ink, React and the components load inside runTui, after the first frame is
 * on the screen and the scan has started. Loading Ink costs about a second of CPU on a busy jump host (it pulls
 * es-toolkit's whole `compat` barrel, over 400 modules, for one `throttle`), and the engineer should see the
 * capture's name and the scan under way meanwhile, not a blank terminal. The components are imported from
 * ./components/*.js directly.
 */
import type { ScanListener, ScanResult } from '../model.js';
import { escapeControl } from './escape.js';
import { fit } from './format.js';
import { ScanFeed } from './feed.js';

export { escapeControl } from './escape.js';

export { compileFilter } from './filter.js';
export { reducer, initialState, type TuiState, type Action } from './state.js';
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
 * The frame shown while Ink loads: the title bar as the UI draws it, on a cleared alternate screen. The cursor is
 * put back home so Ink's first frame overwrites it line for line.
 */
export function placeholderFrame(title: string, columns: number): string {
  const left = ` certshark  ${escapeControl(title)}`;
  const right = 'starting… ';
  const width = Math.max(20, columns);
  const gap = Math.max(1, width - Array.from(left).length - Array.from(right).length);
  const bar = fit(left + ' '.repeat(gap) + right, width);
  return `\x1b[2J\x1b[H\x1b[7m\x1b[1m${bar}\x1b[0m\x1b[H`;
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
  if (fullScreen) stdout.write('\x1b[?1049h' + placeholderFrame(opts.title, stdout.columns || 80));
  // Raw mode now, so keys typed while Ink loads are neither echoed over the frame nor line-buffered; Ink takes
  // raw mode over when its input hook mounts and turns it off on unmount.
  const early = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (early) stdin.setRawMode(true);
  // The scan starts before the UI is loaded: the feed holds what arrives until the App subscribes. Its failure is
  // shown in the UI, not thrown past it.
  opts.start(feed.listener).then(
    (result) => feed.listener.onDone?.(result),
    (err: unknown) => feed.listener.onError?.(err instanceof Error ? err.message : String(err)),
  );
  try {
    const [{ default: React }, { render }, { Root }] = await withoutCiVariables(fullScreen, () =>
      Promise.all([import('react'), import('ink'), import('./components/Root.js')]),
    );
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
    await instance.waitUntilExit();
  } finally {
    if (early && stdin.isTTY) stdin.setRawMode(false);
    if (fullScreen) stdout.write('\x1b[?1049l');
  }
  return code;
}

/**
 * Ink decides once, when it is first imported, whether it runs under CI (the CI or CONTINUOUS_INTEGRATION variable)
 * and then draws only the final frame. runTui is only ever called for a terminal, where an engineer's shell that
 * happens to export CI=1 must still get a live screen, so the variables are hidden while Ink loads.
 */
async function withoutCiVariables<T>(interactive: boolean, load: () => Promise<T>): Promise<T> {
  if (!interactive) return load();
  const saved: Record<string, string | undefined> = {};
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
