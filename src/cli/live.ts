/**
 * Live capture through a child process, the way tshark and termshark do it: dumpcap (Wireshark's capture engine)
 * when installed, else tcpdump, writing the capture to a pipe packet by packet. certshark itself never opens a raw
 * socket, so it needs no privilege of its own; the capture tool has (or lacks) it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { escapeTerminal } from '../report/index.js';
import type { CaptureStream } from '../capture/types.js';
import type { Io } from './args.js';
import { UsageError } from './usage-error.js';

export type CaptureTool = { name: 'dumpcap' | 'tcpdump'; path: string };

/** Where capture tools live besides PATH (sbin is often not on a user's PATH). */
const EXTRA_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/sbin', '/bin'];

function onPath(name: string, env: NodeJS.ProcessEnv, extra: readonly string[]): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extra];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** dumpcap, else tcpdump; CERTSHARK_CAPTURE_TOOL=tcpdump (or dumpcap) forces one. */
export function findCaptureTool(env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = EXTRA_DIRS): CaptureTool {
  const wanted = env.CERTSHARK_CAPTURE_TOOL;
  const order: Array<CaptureTool['name']> = wanted === 'tcpdump' ? ['tcpdump'] : wanted === 'dumpcap' ? ['dumpcap'] : ['dumpcap', 'tcpdump'];
  for (const name of order) {
    const path = onPath(name, env, extraDirs);
    if (path) return { name, path };
  }
  throw new UsageError(
    'live capture needs dumpcap or tcpdump, and neither is installed: install the tshark package ' +
      '(Debian/Ubuntu: apt install tshark; Fedora/RHEL: dnf install wireshark-cli) or tcpdump (apt install tcpdump)',
  );
}

/** The one line for a capture tool that was refused the interface. */
export function privilegeMessage(tool: CaptureTool, iface: string): string {
  return (
    `no permission to capture on ${iface}: run certshark as root (sudo), or let ${tool.name} capture for you ` +
    (tool.name === 'dumpcap'
      ? `(sudo setcap cap_net_raw,cap_net_admin+eip ${tool.path}, or add yourself to the wireshark group: sudo usermod -aG wireshark $USER, then log in again)`
      : `(sudo setcap cap_net_raw,cap_net_admin+eip ${tool.path})`)
  );
}

const PERMISSION = /permission|operation not permitted|not permitted to capture/i;

/** dumpcap's lines that name its output ("File: -"): nothing an engineer needs on the status line. */
const NOISE = /^File: -$/;

/** `certshark -D`: the capture tool's interface list, as it prints it. */
export function listInterfaces(io: Io): number {
  const tool = findCaptureTool();
  const r = spawnSync(tool.path, ['-D'], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) throw new UsageError(`${tool.name} -D failed: ${r.error.message}`);
  if (r.status !== 0) {
    const text = (r.stderr || r.stdout || '').trim();
    if (PERMISSION.test(text)) throw new UsageError(privilegeMessage(tool, 'the interfaces'));
    throw new UsageError(`${tool.name} -D failed: ${firstLine(text) || `exit ${r.status}`}`);
  }
  for (const line of r.stdout.split('\n')) if (line !== '') io.stdout.write(`${escapeTerminal(line)}\n`);
  return 0;
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

export interface LiveCapture {
  tool: CaptureTool;
  iface: string;
  input: CaptureStream;
  child: ChildProcess;
  /** Lines the tool wrote on stderr ("Capturing on 'lo'"), for a status line; escaped by the caller. */
  onStatus?: (line: string) => void;
  /** Everything the tool wrote on stderr so far. */
  stderr(): string;
  /** Resolves when the tool has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the tool (SIGTERM, then SIGKILL after a grace period); safe to call more than once. */
  stop(): void;
  /** The reason the capture could not start, once the tool exited without producing a capture. */
  failure(): string | undefined;
}

/**
 * Starts the capture tool on `iface` with the BPF `filter` passed through unchanged. dumpcap: `-q -w -` (pcapng,
 * written packet by packet to a pipe); tcpdump: `-U -s 0 -w -` (-U: each packet written as it is captured, not
 * when the 4 KiB buffer fills; -s 0: whole packets).
 */
export function startLiveCapture(iface: string, filter: string | undefined, tool: CaptureTool = findCaptureTool()): LiveCapture {
  const args =
    tool.name === 'dumpcap'
      ? ['-i', iface, '-q', '-w', '-', ...(filter !== undefined ? ['-f', filter] : [])]
      : ['-i', iface, '-U', '-s', '0', '-w', '-', ...(filter !== undefined ? [filter] : [])];
  const child = spawn(tool.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let partial = '';
  let spawnError: Error | undefined;
  const live: LiveCapture = {
    tool,
    iface,
    child,
    input: { name: `${iface} (live, ${tool.name})`, stream: child.stdout! },
    stderr: () => err,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (e) => {
        spawnError = e;
        resolve({ code: null, signal: null });
      });
    }),
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 2000);
      hard.unref();
      child.once('exit', () => clearTimeout(hard));
    },
    // Messages start with the input's name, as the capture reader's do.
    failure() {
      const name = live.input.name;
      if (spawnError) return `${name}: cannot run ${tool.path}: ${spawnError.message}`;
      if (PERMISSION.test(err)) return `${name}: ${privilegeMessage(tool, iface)}`;
      const lines = err
        .split('\n')
        .map((l) => l.trim().replace(new RegExp(`^${tool.name}: `), ''))
        .filter((l) => l !== '' && !/^Capturing on|^File: -|^Packets (captured|received)|^listening on |^\d+ packets? (captured|received|dropped)/.test(l));
      return lines.length
        ? `${name}: ${lines.slice(0, 2).join(' ')}`
        : `${name}: ${tool.name} ended without capturing (exit ${child.exitCode ?? child.signalCode})`;
    },
  };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    if (err.length < 64 * 1024) err += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim() !== '' && !NOISE.test(l.trim())) live.onStatus?.(l.trim());
  });
  return live;
}
