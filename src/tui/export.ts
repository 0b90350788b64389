/** Export and clipboard helpers: PEM text, OSC 52, and a file write that never overwrites unless asked. */
import { writeFile } from 'node:fs/promises';
import { ensureDir } from '../report/export.js';
import { dirname, join } from 'node:path';
import type { CertificateInfo } from '../model.js';

/** PEM blocks of the given certificates, in order, each ending with a newline (what openssl and ASA accept). */
export function pemBundle(shas: readonly string[], certs: ReadonlyMap<string, CertificateInfo>): string {
  let out = '';
  for (const sha of shas) {
    const pem = certs.get(sha)?.pem;
    if (!pem) continue;
    out += pem.endsWith('\n') ? pem : pem + '\n';
  }
  return out;
}

/**
 * OSC 52 "set clipboard" (xterm ctlseqs: `ESC ] 52 ; c ; <base64> BEL`). The terminal on the engineer's desk
 * does the copy, so it works over SSH and through tmux (set-clipboard on). Some terminals cap the payload
 * (around 100 KB); a chain of a few certificates is well below that.
 */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export type WriteOutcome = { ok: true } | { ok: false; exists: true } | { ok: false; exists: false; message: string };

/**
 * Writes with the 'wx' flag unless the user confirmed an overwrite: an existing file is never replaced silently.
 * The folder is created as `certshark export --out DIR` does, so `--out` may name a folder that does not exist yet.
 */
export async function writeExport(path: string, data: string, overwrite: boolean): Promise<WriteOutcome> {
  try {
    await ensureDir(dirname(path));
    await writeFile(path, data, { flag: overwrite ? 'w' : 'wx', mode: 0o644 });
    return { ok: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST' && !(e.syscall === 'mkdir')) return { ok: false, exists: true };
    // Node's message already starts with the code ("ENOENT: no such file or directory, open '…'").
    const msg = e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message;
    return { ok: false, exists: false, message: msg };
  }
}

/**
 * The path typed at the export prompt as the shell would read it: `~` and `~/…` are the home directory (without
 * this, `~/x.pem` created a folder named `~` in the current directory). `~user` is refused rather than taken
 * literally: the view does not look up other users' homes.
 */
export function expandHome(typed: string, home: string): { path: string } | { error: string } {
  const p = typed.trim();
  if (p === '~') return { path: home };
  if (p.startsWith('~/')) return { path: join(home, p.slice(2)) };
  if (p.startsWith('~')) return { error: `${p.split('/')[0]}: only ~ and ~/ are expanded; give the full path` };
  return { path: p };
}
