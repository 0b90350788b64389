/** `certshark CAPTURE` (or `-i IFACE`) on a terminal: the interactive view (the text report otherwise). */
import { openSync } from 'node:fs';
import { ReadStream as TtyReadStream } from 'node:tty';
import { toScanResult, type SessionResult } from '../session.js';
import type { ScanListener } from '../model.js';
import { escapeTerminal } from '../report/index.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { color, displayFilter, handshakeSelector } from './options.js';
import { cmdScan, reportUnreadable, scanInputs, unreadableMessage } from './scan-command.js';
import { openInputs } from './inputs.js';

export function openTty(): NodeJS.ReadStream | undefined {
  try {
    return new TtyReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
  } catch {
    return undefined;
  }
}

/**
 * Holds the session's events until the view subscribes: the scan starts before the view (whose terminal is taken
 * over only once capture bytes have arrived), and nothing it reported meanwhile is lost.
 */
export class ListenerRelay {
  private target?: ScanListener;
  private queue: Array<(l: ScanListener) => void> = [];
  /** The listener handed to the session: every event it has, forwarded or queued (whatever ScanListener grows). */
  readonly listener: ScanListener = new Proxy({} as ScanListener, {
    get: (_t, name: string | symbol) => {
      if (typeof name !== 'string' || !name.startsWith('on')) return undefined;
      return (...args: unknown[]) => this.send((l) => (l as unknown as Record<string, ((...a: unknown[]) => void) | undefined>)[name]?.(...args));
    },
  });
  private send(f: (l: ScanListener) => void): void {
    if (this.target) f(this.target);
    else this.queue.push(f);
  }
  attach(l: ScanListener): void {
    this.target = l;
    for (const f of this.queue) f(l);
    this.queue = [];
  }
}

/** How long a quiet pipe may stay quiet before the terminal says what certshark is waiting for. */
const WAITING_HINT_MS = 1500;

export async function cmdView(files: string[], values: Values, io: Io): Promise<number> {
  if (!io.stdout.isTTY || values.json) return cmdScan(files, values, io);
  // A filter with a mistake is said on the command line, before any view opens (the view applies it as given).
  handshakeSelector(values);
  // Keys come from the terminal. When the capture itself arrives on stdin (tcpdump -w - | certshark -), they are
  // read from /dev/tty instead; without a terminal at all, the report is printed. Decided before the inputs are
  // opened, so that a -w file or a capture child is made once.
  const fromStdin = [...files, values.read].includes('-');
  if (!process.stdin.isTTY && !fromStdin && !openTtyCheck()) return cmdScan(files, values, io);
  const inputs = openInputs(files, values, { many: false });
  const relay = new ListenerRelay();
  if (inputs.live) inputs.live.onStatus = (line) => relay.listener.onStatus?.(line, /permission|denied|error|no such|failed/i.test(line) ? 'error' : 'info');
  let opened!: () => void;
  const firstBytes = new Promise<void>((r) => (opened = r));
  const scan: Promise<SessionResult> = scanInputs(inputs, values, io, { listener: relay.listener, onOpen: () => opened() });
  // The terminal is taken over only once the first capture bytes have arrived: a password prompt upstream
  // (sudo tcpdump … | certshark -) reads the same terminal until then, and an input that is not a capture at all
  // gets one line on stderr, not a full-screen view.
  let hint: NodeJS.Timeout | undefined;
  if (fromStdin || inputs.live) {
    hint = setTimeout(() => {
      const what = inputs.live ? `${inputs.live.tool.name} on ${inputs.live.iface}` : 'standard input';
      io.stderr.write(`certshark: waiting for capture data from ${escapeTerminal(what)} (Ctrl-C to stop)\n`);
    }, WAITING_HINT_MS);
  }
  // Until then Ctrl-C keeps its default meaning and ends certshark at once (130), whatever it is waiting on.
  const first = await Promise.race([firstBytes.then(() => 'open' as const), scan.then(() => 'done' as const, () => 'done' as const)]);
  if (hint) clearTimeout(hint);
  if (first === 'done') {
    if (reportUnreadable(await scan, io)) return 2;
    // Stopped before any byte came (-a duration:, -c): a quiet capture, said in one line, not an interruption.
    if (inputs.stop.signal.aborted) {
      io.stderr.write(`certshark: no capture data arrived: ${escapeTerminal(String(inputs.stop.signal.reason))}\n`);
      return 0;
    }
  }
  const keyboard: NodeJS.ReadStream | undefined = process.stdin.isTTY && !fromStdin ? process.stdin : openTty();
  if (!keyboard) throw new UsageError('no terminal to read keys from; use certshark scan');
  // The TUI is loaded lazily, only for a terminal (DESIGN.md style 9).
  const { runTui } = await import('../tui/index.js');
  // Ended from outside (kill, the SSH session hung up): the view quits as with q, with the signal's exit code, so
  // the terminal gets its screen and cursor back and the capture child is ended.
  const outside = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => outside.abort(sig === 'SIGHUP' ? 129 : 143);
  process.prependOnceListener('SIGTERM', onSignal);
  process.prependOnceListener('SIGHUP', onSignal);
  let code: number;
  try {
    code = await runTui({
      title: inputs.title,
      exportDir: values.out,
      stdin: keyboard,
      color: color(values, io),
      initialFilter: displayFilter(values),
      stop: outside.signal,
      // Called on q or Ctrl-C, before the view has finished closing: the capture child is ended at once.
      onQuit: () => {
        inputs.stop.abort('view closed');
        inputs.close();
      },
      start: async (listener) => {
        relay.attach(listener);
        const r = await scan;
        const errors = r.captures.flatMap((c) => unreadableMessage(c) ?? []);
        if (errors.length) listener.onError?.(errors.join('; '));
        return toScanResult(r);
      },
    });
  } finally {
    // q or Ctrl-C: the view is gone, so is the run. Reading stops, the capture child is ended (what it captured
    // stays in the -w file), and the CLI's caller exits without waiting for a pipe that may never close.
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    inputs.stop.abort('view closed');
    inputs.close();
    keyboard.destroy?.();
    // Reaped here, so no exited child is left behind for the shell to find.
    if (inputs.live) await Promise.race([inputs.live.exited, new Promise((r) => setTimeout(r, 1000).unref())]);
  }
  return code;
}

/** Whether a terminal can be opened for the keys (the capture is on stdin, or stdin is not a terminal). */
function openTtyCheck(): boolean {
  const t = openTty();
  t?.destroy();
  return t !== undefined;
}
