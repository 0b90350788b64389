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
import { listColumns, listHeader, naturalWidths, SORT_TITLE, type ExtraColumn } from './columns.js';
import { INITIAL_SORT } from './state.js';

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
  /**
   * Colours (`--no-color` or NO_COLOR make it false; default: NO_COLOR in `env`). Without colour the view keeps
   * bold and reverse video, so the selection and the focused pane still show.
   */
  color?: boolean;
  /** `--filter`: the view opens with this filter applied, as the `/` prompt would apply it. */
  initialFilter?: string;
  /**
   * Called once, at the moment the user quits (q, Ctrl-C), before the view is torn down: stop the capture process
   * and abort the scan here. runTui resolves right after, whether or not the scan has finished.
   */
  onQuit?: () => void;
  /**
   * Ends the view from outside (a signal: kill, the SSH session hanging up), as a quit with the code given as the
   * abort reason: Ink draws its last frame and then the terminal gets its screen back, in that order.
   */
  stop?: AbortSignal;
  /** A column of the command's own in the list, after the number (compare: where each handshake was seen). */
  extraColumn?: ExtraColumn;
}

/** NO_COLOR (no-color.org): present and not empty disables colour. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = env['NO_COLOR'];
  return v === undefined || v === '';
}

/**
 * The frame shown while Ink loads (a third of a second on a quiet machine, seconds on a busy jump host): the title
 * bar and, on the second line, the list's column header, as the UI draws them before the first handshake, on a
 * cleared alternate screen. The cursor is put back home so Ink's first frame overwrites it line for line.
 */
export function placeholderFrame(title: string, columns: number, extra?: ExtraColumn): string {
  const left = ` certshark  ${escapeControl(title)}`;
  const right = 'starting… ';
  const width = Math.max(20, columns);
  const gap = Math.max(1, width - Array.from(left).length - Array.from(right).length);
  const bar = fit(left + ' '.repeat(gap) + right, width);
  const header = listHeader(listColumns(width, false, naturalWidths([]), extra), SORT_TITLE[INITIAL_SORT.key], INITIAL_SORT.desc);
  return `\x1b[2J\x1b[H\x1b[7m\x1b[1m${bar}\x1b[0m\x1b[2;1H\x1b[1m\x1b[7m${header}\x1b[0m\x1b[H`;
}

/**
 * Renders the UI full-screen (alternate screen buffer), starts the scan with a listener that feeds it, and
 * resolves with the exit code when the user quits: 0, 2 when the input could not be read, 130 on Ctrl-C.
 */
export async function runTui(opts: RunTuiOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const feed = new ScanFeed();
  const startedAt = Date.now();
  let code = 0;
  const fullScreen = stdout.isTTY === true;
  if (fullScreen) stdout.write('\x1b[?1049h' + placeholderFrame(opts.title, stdout.columns || 80, opts.extraColumn));
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
    const [{ default: React }, { render }, { Root }] = await asTerminal(fullScreen, () =>
      Promise.all([import('react'), import('ink'), import('./components/Root.js')]),
    );
    let instance: ReturnType<typeof render> | undefined;
    let quitting = false;
    let quitted: () => void = () => {};
    const quitSignal = new Promise<void>((r) => (quitted = r));
    const quit = (c: number) => {
      if (quitting) return;
      quitting = true;
      code = c;
      // First the caller's hook (kill the capture child, abort the scan), so nothing keeps running while the
      // screen is restored; a failing hook must not keep the view up.
      try {
        opts.onQuit?.();
      } catch {
        // the view ends all the same
      }
      quitted();
      instance?.unmount();
    };
    const stopView = () => quit(typeof opts.stop?.reason === 'number' ? opts.stop.reason : 143);
    if (opts.stop?.aborted) stopView();
    else opts.stop?.addEventListener('abort', stopView, { once: true });
    instance = render(
      React.createElement(Root, {
        title: opts.title,
        feed,
        exportDir: opts.exportDir ?? process.cwd(),
        color: opts.color ?? colorEnabled(opts.env ?? process.env),
        initialFilter: opts.initialFilter,
        startedAt,
        extraColumn: opts.extraColumn,
        effects: { quit, writeTerminal: (d: string) => void stdout.write(d) },
      }),
      { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: opts.maxFps ?? 20 },
    );
    // Ink resolves once its last frame is flushed; a terminal that stopped reading (Ctrl-S, a stalled SSH link)
    // must not keep the quit waiting for long.
    await Promise.race([instance.waitUntilExit(), quitSignal.then(() => delay(QUIT_FLUSH_MS))]);
  } finally {
    // Ink shows the cursor and leaves raw mode on unmount; said again here, as the view may end before Ink had
    // mounted or without its unmount completing.
    if (early && stdin.isTTY) stdin.setRawMode(false);
    if (fullScreen) stdout.write('\x1b[?25h\x1b[?1049l');
  }
  return code;
}

/**
 * Ink decides once, when it is first imported, whether it runs under CI (the CI or CONTINUOUS_INTEGRATION variable)
 * and then draws only the final frame. runTui is only ever called for a terminal, where an engineer's shell that
 * happens to export CI=1 must still get a live screen, so the variables are hidden while Ink loads.
 *
 * Likewise chalk, which Ink draws with, reads `--no-color` from process.argv when it is first imported and then
 * emits no escape at all: not even reverse video, so the selection showed only as ">". The view does its own
 * colour choice (the `color` option drops colours and keeps bold and reverse), so the flag is hidden while Ink
 * loads too. FORCE_COLOR=0 and TERM=dumb still turn every escape off, as the user asked.
 */
async function asTerminal<T>(interactive: boolean, load: () => Promise<T>): Promise<T> {
  if (!interactive) return load();
  const saved: Record<string, string | undefined> = {};
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  const argv = process.argv;
  process.argv = argv.filter((a) => !COLOR_FLAGS.has(a));
  try {
    return await load();
  } finally {
    process.argv = argv;
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

const QUIT_FLUSH_MS = 1000;

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** The flags chalk's colour detection reads from the command line (supports-color's hasFlag). */
const COLOR_FLAGS = new Set(['--no-color', '--no-colors', '--color=false', '--color=never']);
