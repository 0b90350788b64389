/**
 * scan --format on the command line (the built binary on the scenario captures of captures/make.sh): where each
 * format writes, the aliases of today's outputs, the refusal to overwrite Zeek logs, and the usage errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const MISSING = join(ROOT, 'captures/traversal-missing-intermediate.pcap');
const MANY = join(ROOT, 'captures/many-handshakes.pcap');
const HEALTHY = join(ROOT, 'captures/traversal-healthy.pcapng');
const ROOT_CA = join(ROOT, 'captures/pki/root-ca.pem');
const TRUST = ['--ca', ROOT_CA, '--profile', 'expressway'];
/** tshark 4.0's tls.handshake.ja3 / ja3s for MISSING's handshake; JA4 as certshark computes it (tshark has none). */
const MISSING_JA3 = '871a754af286dfb70c1b53c6887c62e0';
const MISSING_JA3S = 'ec74a5c51106f0419184d0dd08fb05bc';
const MISSING_JA4 = 't12d280700_d943125447b4_e7e480e5a997';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certshark-formats-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('scan --format', () => {
  it('json and text are the outputs of --json and of no option', () => {
    const json = run(['scan', '--format', 'json', ...TRUST, MISSING]).out;
    expect(JSON.parse(json).handshakes).toHaveLength(1);
    expect(json).toBe(run(['scan', '--json', ...TRUST, MISSING]).out);
    const text = run(['scan', '--format', 'text', ...TRUST, MISSING]).out;
    expect(text).toMatch(/alert client → server: fatal unknown_ca/);
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toBe(run(['scan', ...TRUST, MISSING]).out);
    expect(run(['scan', '--json', '--format', 'json', ...TRUST, MISSING]).code).toBe(0);
  });

  it('ecs: one event a line with the verdicts under certshark, and --fail-on as for the other formats', () => {
    const r = run(['scan', '--format', 'ecs', '--fail-on', 'error', ...TRUST, MISSING]);
    expect(r.code).toBe(3);
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].destination.port).toBe(7001);
    expect(lines[0].tls.client.ja3).toBe(MISSING_JA3);
    expect(lines[0].tls.server.ja3s).toBe(MISSING_JA3S);
    expect(lines[0].certshark.ja4).toBe(MISSING_JA4);
    expect(lines[0].certshark.severity).toBe('error');
    expect(lines[0].certshark.verdicts.map((v: { code: string }) => v.code)).toContain('missing-intermediate');
  });

  it('ndjson: handshake lines, then a capture line last', () => {
    const r = run(['scan', '--format', 'ndjson', ...TRUST, HEALTHY, MISSING]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['handshake', 'handshake', 'capture', 'capture']);
    expect(lines[2].file).toBe(HEALTHY);
    expect(lines[0].serverCertificates[0].pem).toBeUndefined();
    const pem = JSON.parse(run(['scan', '--format', 'ndjson', '--pem', HEALTHY]).out.split('\n')[0]!);
    expect(pem.serverCertificates[0].pem).toMatch(/BEGIN CERTIFICATE/);
  });

  it('zeek: writes ssl.log and x509.log into --log-dir, nothing on stdout; never overwrites without --overwrite', () => {
    const d = join(tmp(), 'logs');
    const r = run(['scan', '--format', 'zeek', '--log-dir', d, ...TRUST, MISSING]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const ssl = readFileSync(join(d, 'ssl.log'), 'utf8').split('\n');
    expect(ssl[0]).toBe('#separator \\x09');
    const fields = ssl.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
    const row = ssl.find((l) => !l.startsWith('#') && l)!.split('\t');
    const get = (f: string) => row[fields.indexOf(f)];
    expect(get('id.resp_p')).toBe('7001');
    expect(get('validation_status')).toBe('missing-intermediate');
    expect([get('ja3'), get('ja3s'), get('ja4')]).toEqual([MISSING_JA3, MISSING_JA3S, MISSING_JA4]);
    expect(get('certshark.severity')).toBe('error');
    expect(ssl.at(-2)).toMatch(/^#close\t/);
    expect(readFileSync(join(d, 'x509.log'), 'utf8')).toMatch(/^#separator \\x09\n[\s\S]*#path\tx509\n/);

    writeFileSync(join(d, 'x509.log'), 'mine');
    rmSync(join(d, 'ssl.log'));
    const again = run(['scan', '--format', 'zeek', '--log-dir', d, MISSING]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/x509\.log exists: certshark does not overwrite logs \(--overwrite to replace them\)\n$/);
    expect(readFileSync(join(d, 'x509.log'), 'utf8')).toBe('mine');
    expect(existsSync(join(d, 'ssl.log'))).toBe(false);
    const over = run(['scan', '--format', 'zeek', '--log-dir', d, '--overwrite', MISSING]);
    expect(over.code).toBe(0);
    expect(readFileSync(join(d, 'x509.log'), 'utf8')).toMatch(/^#separator/);
  });

  it('zeek: a log that cannot be created (a dangling symlink in its place) stops with one line and exit 2', () => {
    const d = tmp();
    symlinkSync(join(d, 'elsewhere'), join(d, 'ssl.log'));
    const r = run(['scan', '--format', 'zeek', '--log-dir', d, MISSING]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^certshark: .*ssl\.log: .*\(EEXIST\)\n$/);
    noStack(r.err);
    expect(existsSync(join(d, 'elsewhere'))).toBe(false);
    expect(existsSync(join(d, 'x509.log'))).toBe(false);
  });

  it('zeek: an unreadable capture leaves no logs', () => {
    const d = tmp();
    const r = run(['scan', '--format', 'zeek', '--log-dir', d, join(d, 'nope.pcap')]);
    expect(r.code).toBe(2);
    expect(existsSync(join(d, 'ssl.log'))).toBe(false);
  });

  it('refuses contradictory or misplaced options with one line and exit 2', () => {
    for (const [args, msg] of [
      [['--format', 'csv'], /--format is text, json, ndjson, ecs or zeek, not 'csv'/],
      [['--json', '--format', 'ecs'], /--json is --format json/],
      [['--format', 'zeek'], /give it with --log-dir DIR/],
      [['--log-dir', '/x'], /--log-dir is for --format zeek/],
      [['--overwrite'], /--overwrite is for --format zeek/],
      [['--format', 'ecs', '--pem'], /--pem is for --format ndjson/],
    ] as const) {
      const r = run(['scan', ...args, MISSING]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      noStack(r.err);
      expect(r.out).toBe('');
    }
  });
});

describe('scan output through a slow reader', () => {
  it('holds the capture reading back instead of queueing the output (a pipe into curl or a shipper)', async () => {
    let queued = 0;
    let most = 0;
    let got = '';
    const stdout = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        got += chunk.toString('utf8');
        setTimeout(cb, 3);
      },
    });
    const write = stdout.write.bind(stdout);
    stdout.write = ((c: string, ...rest: never[]) => {
      const ok = write(c, ...rest);
      queued = stdout.writableLength;
      most = Math.max(most, queued);
      return ok;
    }) as typeof stdout.write;
    const code = await main(['scan', '--format', 'ecs', MANY], { stdout, stderr: process.stderr, env: { NO_COLOR: '1' } });
    await new Promise<void>((r) => stdout.end(r));
    expect(code).toBe(0);
    const lines = got.trimEnd().split('\n');
    expect(lines).toHaveLength(300);
    // The whole report is about 1.7 MB; read 128 KiB at a time, the queue stays at one chunk's worth of output.
    expect(got.length).toBeGreaterThan(1_500_000);
    expect(most).toBeLessThan(400_000);
  });
});
