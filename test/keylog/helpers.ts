/** Shared by the key-log tests: paths, the built CLI, and scans through the in-process pipeline. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Handshake } from '../../src/model.js';

export const ROOT = resolve(__dirname, '../..');
export const BIN = join(ROOT, 'bin/certshark');
export const CORPUS = resolve(ROOT, '../shared/corpus');
export const haveCorpus = existsSync(join(CORPUS, 'EXPECTED.tsv'));
export const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

export const RENEG = join(ROOT, 'captures/renegotiation');
export interface RenegExpected {
  serverChain: string[];
  clientChain: string[];
  captures: Record<string, { keylog: string; port: number; cipher: string }>;
}
export const renegExpected = (): RenegExpected => JSON.parse(readFileSync(join(RENEG, 'expected.json'), 'utf8'));

export interface ScanJson {
  captures: { file: string; notes: string[]; error?: string }[];
  handshakes: Handshake[];
  certificates: { sha256: string }[];
}

/** Runs the built CLI (bin/certshark → dist/). */
export function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function scanJson(args: string[]): ScanJson {
  const r = cli(['scan', '--json', ...args]);
  if (r.code !== 0) throw new Error(`certshark exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as ScanJson;
}

/** Every certificate SHA-256 named by any handshake's chains. */
export function chainSet(hs: Handshake[]): Set<string> {
  const s = new Set<string>();
  for (const h of hs) for (const c of [...h.serverChain, ...h.clientChain]) s.add(c);
  return s;
}

/** The secrets of an NSS key log (third field of each line): they must never appear in any output. */
export function secretsOf(keylogText: string): string[] {
  return keylogText
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3 && !f[0]!.startsWith('#'))
    .map((f) => f[2]!.toLowerCase());
}
