/**
 * Several captures over several threads (--jobs): the output is byte for byte that of one thread, in every format,
 * with unreadable files among them, key logs and renegotiations (whose notes name handshake numbers); folders
 * stand for the captures in them. Runs the built binary on the bundled captures (captures/make.sh).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const CAPS = join(ROOT, 'captures');
const REN = join(CAPS, 'renegotiation');
const KEYS = join(CAPS, 'tls13-keylog.keys');

/** Every bundled capture, a missing file and a text file among them; a renegotiation capture twice. */
const FILES = [
  ...readdirSync(CAPS).filter((n) => /\.pcap(ng)?$/.test(n)).sort().map((n) => join(CAPS, n)),
  join(REN, 'renegotiation-cbc.pcap'),
  join(ROOT, 'no-such-capture.pcap'),
  join(ROOT, 'README.md'),
  join(REN, 'renegotiation-gcm.pcap'),
  join(REN, 'renegotiation-cbc.pcap'),
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-jobs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A run with the pool: CERTSHARK_DEBUG says it ran, and that line is not part of what is compared. */
function pooled(args: string[], threads: number) {
  const r = run([...args, '--jobs', String(threads)], { CERTSHARK_DEBUG: '1' });
  const line = /^certshark: debug: (\d+) captures, (\d+) threads\n/m;
  const m = line.exec(r.err);
  expect(m, `the pool did not run: ${r.err}`).not.toBeNull();
  expect(Number(m![2])).toBe(threads);
  return { ...r, err: r.err.replace(line, '') };
}

describe('scan --jobs N writes what --jobs 1 writes', () => {
  it.each([
    ['json', ['--json']],
    ['text', ['--verbose']],
    ['ndjson', ['--format', 'ndjson', '--pem']],
    ['ecs', ['--format', 'ecs']],
    ['json, --fail-on warning and a filter', ['--json', '--fail-on', 'warning', '--filter', 'tls.handshake.type == 11 or tcp.port == 7001']],
    ['text, --fail-on error', ['--fail-on', 'error']],
  ])('%s', (_name, opts) => {
    const args = ['scan', ...opts, '--keylog', KEYS, '--ca', join(CAPS, 'pki/root-ca.pem'), ...FILES];
    const one = run([...args, '--jobs', '1']);
    expect(one.out.length).toBeGreaterThan(1000);
    // An unreadable file among them is exit 2 and a line each, the others are reported all the same.
    expect(one.code).toBe(2);
    expect(one.err).toContain('no-such-capture.pcap');
    for (const threads of [2, 3]) {
      const many = pooled(args, threads);
      expect(many.code).toBe(one.code);
      expect(many.err).toBe(one.err);
      expect(many.out === one.out, `--jobs ${threads} output differs`).toBe(true);
    }
  });

  it('handshake ids run on across the files, and renegotiation notes name the renumbered handshake', () => {
    const r = pooled(['scan', '--json', ...FILES], 2);
    const doc = JSON.parse(r.out);
    const ids = doc.handshakes.map((h: { id: number }) => h.id).sort((a: number, b: number) => a - b);
    expect(new Set(ids).size).toBe(ids.length);
    // The renegotiation capture, read three times: its note names a handshake of its own copy each time.
    const notes = doc.handshakes.flatMap((h: { id: number; capture: number; notes: string[] }) =>
      h.notes.filter((n) => /handshake #\d+ completed/.test(n)).map((n) => ({ h, at: Number(/#(\d+)/.exec(n)![1]) })));
    expect(notes.length).toBeGreaterThanOrEqual(2);
    for (const { h, at } of notes) {
      const named = doc.handshakes.find((x: { id: number }) => x.id === at);
      expect(named.capture).toBe(h.capture);
    }
  });

  it('zeek logs: the same lines (but the #open and #close times)', () => {
    const logs = (threads: number) => {
      const d = join(dir, `zeek${threads}`);
      const r = threads === 1 ? run(['scan', '--format', 'zeek', '--log-dir', d, ...FILES, '--jobs', '1']) : pooled(['scan', '--format', 'zeek', '--log-dir', d, ...FILES], threads);
      expect(r.code).toBe(2);
      return ['ssl.log', 'x509.log'].map((f) => readFileSync(join(d, f), 'utf8').replace(/^#(open|close)\t.*$/gm, '#$1'));
    };
    const one = logs(1);
    expect(one[0]!.split('\n').length).toBeGreaterThan(300);
    expect(logs(2)).toEqual(one);
  });

  it('export over several captures writes the same files', () => {
    const files = FILES.filter((f) => !/no-such|README/.test(f));
    const out = (threads: number) => {
      const d = join(dir, `export${threads}`);
      const r = threads === 1 ? run(['export', '--out', d, ...files, '--jobs', '1']) : pooled(['export', '--out', d, ...files], threads);
      expect(r.code).toBe(0);
      const names = readdirSync(d).sort();
      return { stdout: r.out.replaceAll(d, 'DIR'), files: names.map((n) => [n, readFileSync(join(d, n), 'utf8')]) };
    };
    const one = out(1);
    expect(one.files.length).toBeGreaterThan(20);
    expect(out(2)).toEqual(one);
  });

  it('--jobs wants a whole number', () => {
    const r = run(['scan', '--jobs', '0', FILES[0]!]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("certshark: --jobs wants a whole number of at least 1, not '0'\n");
  });

  it('Ctrl-C while the output waits for its reader: the JSON document is completed, exit 130', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '--json', '--jobs', '2', ...FILES.slice(0, 8)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    // Not read for a while: the pipe fills and certshark waits on it, with everything read.
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await new Promise((r) => setTimeout(r, 100));
    expect(code).toBe(130);
    expect(err).toBe('');
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(doc.captures.length).toBe(8);
  });
});

describe('a folder stands for the captures in it', () => {
  it('found by their first bytes, sorted, the folder itself only; the same as naming them', () => {
    const d = join(dir, 'folder');
    mkdirSync(join(d, 'sub'), { recursive: true });
    copyFileSync(join(CAPS, 'many-handshakes.pcap'), join(d, 'zone.cap'));
    copyFileSync(join(CAPS, 'chain-variants.pcapng'), join(d, 'b'));
    writeFileSync(join(d, 'a.pcap.gz'), gzipSync(readFileSync(join(CAPS, 'starttls-smtp.pcap'))));
    copyFileSync(join(ROOT, 'README.md'), join(d, 'notes.pcap'));
    copyFileSync(join(CAPS, 'sip-tls-no-client-cert.pcap'), join(d, 'sub', 'inner.pcap'));
    const named = run(['scan', '--json', '--jobs', '1', join(d, 'a.pcap.gz'), join(d, 'b'), join(d, 'zone.cap')]);
    expect(named.code).toBe(0);
    const folder = run(['scan', '--json', '--jobs', '1', d]);
    expect(folder.code).toBe(0);
    expect(folder.out).toBe(named.out);
    expect(JSON.parse(folder.out).captures.map((c: { file: string }) => c.file)).toEqual(['a.pcap.gz', 'b', 'zone.cap'].map((n) => join(d, n)));
    expect(pooled(['scan', '--json', d], 2).out).toBe(named.out);
  });

  it('a folder without a capture: one line, exit 2', () => {
    const d = join(dir, 'nothing');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'x.pcap'), 'not a capture\n');
    const r = run(['scan', d]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`certshark: ${d}: no capture in this folder (pcap or pcapng files, recognised by their first bytes)\n`);
  });
});
