import { open, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CertificateInfo, Handshake, ScanResult } from '../model.js';
import { sanitizeFileName } from './sanitize.js';

export interface ExportOptions {
  /** Write DER (.cer) instead of PEM (.pem). Single certificates only. */
  der?: boolean;
  /** One PEM bundle per distinct chain and side (as presented) instead of one file per certificate. */
  chains?: boolean;
  /** Only handshakes passing this predicate (SNI, handshake number, filter expression). */
  select?: (h: Handshake) => boolean;
}

export interface ExportFile {
  name: string;
  content: Uint8Array;
  /** Certificates in the file, in order. */
  certificates: string[];
}

export interface ExportOutcome {
  written: string[];
  /** Files left alone because an identical file is already there. */
  identical: string[];
  notes: string[];
}

function pemBody(c: CertificateInfo): string {
  return c.pem.endsWith('\n') ? c.pem : c.pem + '\n';
}

function label(c: CertificateInfo | undefined, sha: string): string {
  return sanitizeFileName(c?.subjectCN ?? c?.subject ?? '', 'certificate', 60) + '_' + sha.slice(0, 12);
}

/** Decide what to write: a pure function of the model. Certificates are de-duplicated by SHA-256. */
export function planExport(result: ScanResult, opts: ExportOptions = {}): ExportFile[] {
  const bySha = new Map(result.certificates.map((c) => [c.sha256, c]));
  const handshakes = result.handshakes.filter((h) => (opts.select ? opts.select(h) : true));
  const files: ExportFile[] = [];
  if (opts.chains) {
    // One file per distinct chain and side: a server presents the same chain in every handshake, and 300
    // handshakes of one Expressway are one chain to upload, named after the first handshake that presented it.
    const chains = new Set<string>();
    for (const h of handshakes) {
      for (const side of ['server', 'client'] as const) {
        const chain = side === 'server' ? h.serverChain : h.clientChain;
        if (chain.length === 0) continue;
        const key = `${side}:${chain.join(',')}`;
        if (chains.has(key)) continue;
        chains.add(key);
        const peer = side === 'server' ? h.sni ?? h.server.ip : h.client.ip;
        const name = `hs${h.id}_${sanitizeFileName(peer, 'peer', 60)}_${side}-chain.pem`;
        const text = chain.map((sha) => bySha.get(sha)).filter((c): c is CertificateInfo => !!c).map(pemBody).join('');
        files.push({ name, content: Buffer.from(text, 'ascii'), certificates: chain.slice() });
      }
    }
    return files;
  }
  const seen = new Set<string>();
  for (const h of handshakes) {
    for (const sha of [...h.serverChain, ...h.clientChain]) {
      if (seen.has(sha)) continue;
      seen.add(sha);
      const c = bySha.get(sha);
      if (!c) continue;
      const content = opts.der ? pemToDer(c.pem) : Buffer.from(pemBody(c), 'ascii');
      files.push({ name: label(c, sha) + (opts.der ? '.cer' : '.pem'), content, certificates: [sha] });
    }
  }
  return files;
}

export function pemToDer(pem: string): Buffer {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(b64, 'base64');
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Write the planned files into `dir` (created if missing). Never overwrites: files are opened with 'wx'; when the
 * name is taken by an identical file it is left alone, otherwise the next free name (-2, -3, …) is used. Names come
 * only from sanitizeFileName, so nothing is written outside `dir`.
 */
export async function writeExport(dir: string, files: ExportFile[]): Promise<ExportOutcome> {
  await ensureDir(dir);
  const out: ExportOutcome = { written: [], identical: [], notes: [] };
  for (const f of files) {
    const dot = f.name.lastIndexOf('.');
    const stem = dot > 0 ? f.name.slice(0, dot) : f.name;
    const ext = dot > 0 ? f.name.slice(dot) : '';
    for (let n = 1; n <= 1000; n++) {
      const path = join(dir, n === 1 ? f.name : `${stem}-${n}${ext}`);
      try {
        const fh = await open(path, 'wx', 0o644);
        try {
          await fh.writeFile(f.content);
        } finally {
          await fh.close();
        }
        out.written.push(path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const existing = await readFile(path).catch(() => undefined);
        if (existing && Buffer.compare(existing, Buffer.from(f.content)) === 0) {
          out.identical.push(path);
          break;
        }
        if (n === 1000) out.notes.push(`${f.name}: no free file name left, not written`);
      }
    }
  }
  return out;
}

/**
 * Create a folder and its missing parents. Not `mkdir(…, {recursive: true})`: Node 20's recursive mkdir never returns
 * for a path under a pseudo file system that refuses new entries (`--out /proc/x` spins forever); one level at a
 * time, the refusal comes back as an error.
 */
export async function ensureDir(dir: string, depth = 0): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
      return;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || depth >= 64) throw e;
    await ensureDir(parent, depth + 1);
    await mkdir(dir);
  }
}
