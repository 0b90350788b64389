/**
 * A terminal program tested as a person uses it: tmux runs it, send-keys types, capture-pane reads the screen.
 * Every test file gets its own tmux server (`-L`), so nothing here can touch a tmux the developer has open;
 * killTmuxServer ends exactly that server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve, join } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

export const hasTmux = (() => {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 && !r.error;
})();

const SOCKET = `certshark-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
let sessions = 0;

/**
 * tmux keeps its sockets in $TMUX_TMPDIR/tmux-UID: inside the test file's own TMPDIR (test/setup.ts), so not even the
 * tmux-UID folder is left in /tmp.
 */
const tmuxEnv = (): NodeJS.ProcessEnv => ({ ...process.env, TMUX_TMPDIR: tmpdir() });

export function tmux(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', cwd: ROOT, env: tmuxEnv() });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Single-quote for the shell tmux runs the command with. */
export const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Starts `command` in a new detached session of the given size. When the command ends its exit code lands in
 * `rcFile` and the session closes.
 */
export function start(command: string, rcFile: string, columns = 120, rows = 40): string {
  const name = `e2e${++sessions}`;
  const r = tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), '-c', ROOT, `${command}; echo $? > ${sh(rcFile)}`);
  if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  return name;
}

export function screen(name: string): string {
  return tmux('capture-pane', '-p', '-t', name).stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the screen every 100 ms until `cond` holds; startup can take seconds on a loaded machine. */
export async function waitScreen(name: string, cond: (s: string) => boolean, what: string, ms = 20_000): Promise<string> {
  const t0 = Date.now();
  let s = '';
  while (Date.now() - t0 < ms) {
    s = screen(name);
    if (cond(s)) return s;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
}

/** One screen line with its attributes as SGR escapes (`-e`; a single-line range starts from plain attributes). */
export function styledLine(name: string, line: number): string {
  return tmux('capture-pane', '-p', '-e', '-t', name, '-S', String(line), '-E', String(line)).stdout;
}

/** SGR parameters used anywhere in the text. */
export function sgr(text: string): Set<number> {
  const out = new Set<number>();
  // eslint-disable-next-line no-control-regex
  for (const m of text.matchAll(/\x1b\[([0-9;]*)m/g)) for (const p of m[1]!.split(';')) out.add(Number(p || '0'));
  return out;
}
/** Colour parameters (foreground, background, bright, 256/RGB), not the 39/49 resets. */
export const colours = (ps: Set<number>) => [...ps].filter((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 107));

export function keys(name: string, ...ks: string[]): void {
  const r = tmux('send-keys', '-t', name, ...ks);
  if (r.status !== 0) throw new Error(`tmux send-keys failed: ${r.stderr}`);
}

/** Literal text (no key-name lookup: `port 7001` is typed as is). */
export function type(name: string, text: string): void {
  const r = tmux('send-keys', '-t', name, '-l', text);
  if (r.status !== 0) throw new Error(`tmux send-keys failed: ${r.stderr}`);
}

export async function waitGone(name: string, rcFile: string): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < 10_000) {
    if (tmux('has-session', '-t', name).status !== 0 && existsSync(rcFile)) return Number(readFileSync(rcFile, 'utf8').trim());
    await sleep(100);
  }
  throw new Error(`the session did not end; the screen was:\n${screen(name)}`);
}


/** Ends this file's tmux server and removes its socket (tmux leaves the file behind for -L names). */
export function killTmuxServer(): void {
  tmux('kill-server');
  rmSync(join(tmpdir(), `tmux-${process.getuid?.() ?? 0}`), { recursive: true, force: true });
}
