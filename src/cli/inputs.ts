/**
 * What a run reads: capture files, standard input, or a live capture child (-i), with tshark's -r, -w, -c and -a,
 * and how the run is stopped (Ctrl-C, a duration, a packet count, the view closed).
 */
import { closeSync, openSync } from 'node:fs';
import type { CaptureStream } from '../capture/types.js';
import type { Values } from './args.js';
import { startLiveCapture, type LiveCapture } from './live.js';
import { UsageError } from './usage-error.js';
import { capturesIn, isFolder } from './capture-folder.js';

export interface Inputs {
  sources: Array<string | CaptureStream>;
  /** The name of the input for titles and messages. */
  title: string;
  live?: LiveCapture;
  /** -w: the raw capture is copied here as it is read. */
  copy?: { fd: number; path: string };
  maxPackets?: number;
  /** Aborted to stop reading (with the reason as a string); the report of what was read is still written. */
  stop: AbortController;
  /** Ends the capture child and closes the -w file; safe to call more than once. */
  close(): void;
}

function positiveInt(s: string, what: string): number {
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`${what} wants a whole number of at least 1, not '${s}'`);
  return Number(s);
}

/** `-a duration:SECONDS` or `-a packets:N`, as tshark spells them. */
function autostop(spec: string): { seconds?: number; packets?: number } {
  const m = /^(duration|packets):(.+)$/.exec(spec);
  if (!m) throw new UsageError(`-a takes duration:SECONDS or packets:N (as tshark's autostop), not '${spec}'`);
  if (m[1] === 'packets') return { packets: positiveInt(m[2]!, '-a packets:') };
  const s = Number(m[2]);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`-a duration: wants a number of seconds above 0, not '${m[2]}'`);
  return { seconds: s };
}

/**
 * Resolves the inputs of a command from its positionals and options, starting the capture child for -i. Usage
 * mistakes are thrown before anything is started or created.
 */
export function openInputs(files: string[], values: Values, opts: { many: boolean }): Inputs {
  // A folder stands for the captures in it (capture-folder.ts).
  const paths = [...files, ...(values.read !== undefined ? [values.read] : [])].flatMap((f) => (f !== '-' && isFolder(f) ? capturesIn(f) : [f]));
  const iface = values.interface;
  if (iface !== undefined && paths.length > 0) throw new UsageError('give either -i IFACE (live) or capture files, not both');
  if (values['capture-filter'] !== undefined && iface === undefined)
    throw new UsageError('-f is a capture filter for a live capture (-i); to select handshakes use -Y or --filter');
  if (iface === undefined && paths.length === 0) throw new UsageError('no capture given (a file, - for standard input, or -i IFACE)');
  if (!opts.many && paths.length > 1) throw new UsageError('this command reads one capture; use scan for several');
  if (paths.filter((f) => f === '-').length > 1) throw new UsageError("standard input ('-') can be read only once");
  if (paths.includes('-') && process.stdin.isTTY)
    throw new UsageError("standard input is this terminal, not a capture: pipe one in (tcpdump -U -w - | certshark -) or name a file");
  if (values.write !== undefined && paths.length > 1) throw new UsageError('-w keeps one capture; give one input');
  let maxPackets = values.count !== undefined ? positiveInt(values.count, '-c') : undefined;
  const auto = values.autostop !== undefined ? autostop(values.autostop) : {};
  if (auto.packets !== undefined) maxPackets = Math.min(maxPackets ?? Infinity, auto.packets);

  let copy: Inputs['copy'];
  if (values.write !== undefined) {
    const path = values.write;
    if (path === '' || path === '-') throw new UsageError('-w wants a file name');
    try {
      copy = { fd: openSync(path, 'wx', 0o644), path };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`-w ${path}: the file already exists; certshark does not overwrite a capture (choose another name)`);
      throw new UsageError(`-w ${path}: cannot create it (${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such folder' : code ?? (e as Error).message})`);
    }
  }

  const stop = new AbortController();
  let live: LiveCapture | undefined;
  try {
    if (iface !== undefined) live = startLiveCapture(iface, values['capture-filter']);
  } catch (e) {
    if (copy) closeSync(copy.fd);
    throw e;
  }
  let timer: NodeJS.Timeout | undefined;
  if (auto.seconds !== undefined) {
    const s = auto.seconds;
    timer = setTimeout(() => stop.abort(`${s} s capture duration reached (-a duration:${s})`), s * 1000);
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    live?.stop();
    if (copy) {
      try {
        closeSync(copy.fd);
      } catch {
        // already closed
      }
    }
  };
  // A capture child must not outlive certshark, however it ends; a stop ends it first, so it can say goodbye
  // before its pipe is closed.
  if (live) {
    process.once('exit', () => live!.stop());
    stop.signal.addEventListener('abort', () => live!.stop(), { once: true });
  }
  const title = live ? `${live.iface} (live)` : paths[0] === '-' ? 'stdin' : paths.join(', ');
  return { sources: live ? [live.input] : paths, title, live, copy, maxPackets, stop, close };
}

/** A capture summary's error, said better when a capture child failed to start (no privilege, no such device). */
export function liveFailure(inputs: Inputs, packets: number): string | undefined {
  // Stopped by certshark (Ctrl-C, -a, the view closed) with nothing captured is a quiet capture, not a failure.
  if (!inputs.live || packets > 0 || inputs.stop.signal.aborted) return undefined;
  return inputs.live.failure();
}
