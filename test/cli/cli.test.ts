/**
 * The command line as a user runs it: the built binary (bin/certshark → dist/) on real captures.
 * - captures/*: scenario captures recorded by captures/make.sh (openssl peers under tcpdump).
 * - test/fixtures/hostile/hostile.pcap: a real Node TLS handshake under tcpdump whose certificate subject holds
 *   terminal escapes, a bidi override and a path-traversal CN (test/fixtures/hostile/make.sh).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { X509Certificate } from 'node:crypto';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const HEALTHY = join(ROOT, 'captures/traversal-healthy.pcapng');
const MISSING = join(ROOT, 'captures/traversal-missing-intermediate.pcap');
const ROOT_CA = join(ROOT, 'captures/pki/root-ca.pem');
const HOSTILE = join(ROOT, 'test/fixtures/hostile/hostile.pcap');

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'buffer', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certshark-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('scan', () => {
  it('reports the traversal-zone handshake with both chains and verdicts (--json contract)', () => {
    const r = run(['scan', '--json', '--ca', ROOT_CA, '--profile', 'expressway', HEALTHY]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.certshark).toMatch(/^\d+\.\d+\.\d+$/);
    expect(j.captures[0]).toMatchObject({ file: HEALTHY, format: 'pcapng', linkTypes: ['EN10MB'] });
    expect(j.handshakes).toHaveLength(1);
    const h = j.handshakes[0];
    expect(h.server.port).toBe(7001);
    expect(h.serverChain.length).toBe(2);
    expect(h.clientChain.length).toBe(2);
    // Every referenced certificate is in `certificates`, once.
    const shas = j.certificates.map((c: { sha256: string }) => c.sha256);
    expect(new Set(shas).size).toBe(shas.length);
    for (const s of [...h.serverChain, ...h.clientChain]) expect(shas).toContain(s);
    expect(h.verdicts.map((v: { code: string }) => v.code)).toContain('chain-trusted');
  });

  it('explains the missing intermediate and who rejected whom, and --fail-on error exits 3', () => {
    const r = run(['scan', '--ca', ROOT_CA, '--profile', 'expressway', '--fail-on', 'error', MISSING]);
    expect(r.code).toBe(3);
    expect(r.out).toContain('missing-intermediate');
    expect(r.out).toMatch(/alert client → server: fatal unknown_ca/);
    expect(r.out).toContain('Expressway-C');
  });

  it('reads standard input and gzip-compressed captures (detected by magic, not name)', () => {
    const plain = readFileSync(HEALTHY);
    const a = run(['scan', '--json', '-'], plain);
    const b = run(['scan', '--json', '-'], gzipSync(plain));
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).captures[0].format).toBe('pcapng+gzip');
    expect(JSON.parse(a.out).handshakes[0].serverChain).toEqual(JSON.parse(b.out).handshakes[0].serverChain);
  });

  it('keeps what was found before a cut and says where the file was cut', () => {
    const bytes = readFileSync(MISSING);
    const dir = tmp();
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const r = run(['scan', '--json', cut]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.captures[0].truncated.atOffset).toBeGreaterThan(0);
    expect(j.captures[0].truncated.message).toMatch(/\d/);
    expect(j.handshakes[0].serverChain).toHaveLength(1);
  });

  it('rejects what is not a capture with one line naming the first bytes, exit 2', () => {
    const r = run(['scan', ROOT_CA]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/2d 2d 2d 2d 2d|PEM|BEGIN/i);
    noStack(r.err);
    const missing = run(['scan', '/nonexistent/file.pcap']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/i);
    noStack(missing.err);
    const empty = join(tmp(), 'empty.pcap');
    writeFileSync(empty, '');
    expect(run(['scan', empty]).code).toBe(2);
  });

  it('bad usage exits 2 with one line', () => {
    for (const args of [['scan'], ['scan', '--bogus', HEALTHY], ['scan', '--profile', 'nope', HEALTHY], ['scan', '--at', 'yesterday', HEALTHY], ['export', HEALTHY], ['scan', '--filter', 'port', HEALTHY]]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^certshark: /);
      noStack(r.err);
    }
  });

  it('--filter selects handshakes', () => {
    const j = JSON.parse(run(['scan', '--json', '--filter', 'port 443', HEALTHY]).out);
    expect(j.handshakes).toHaveLength(0);
    const k = JSON.parse(run(['scan', '--json', '--filter', 'port 7001', HEALTHY]).out);
    expect(k.handshakes).toHaveLength(1);
    // The same language as the interactive filter: certificate names, verdict codes, negation.
    expect(JSON.parse(run(['scan', '--json', '--filter', 'cn expc', HEALTHY]).out).handshakes).toHaveLength(1);
    expect(JSON.parse(run(['scan', '--json', '--filter', 'cn nosuchname', HEALTHY]).out).handshakes).toHaveLength(0);
    expect(JSON.parse(run(['scan', '--json', '--ca', ROOT_CA, '--filter', '!missing-intermediate', MISSING]).out).handshakes).toHaveLength(0);
    expect(run(['scan', '--filter', 'port seven', HEALTHY]).code).toBe(2);
  });
});

describe('TLS 1.3 key logs', () => {
  const cap = join(ROOT, 'captures/tls13-keylog.pcapng');
  const keys = join(ROOT, 'captures/tls13-keylog.keys');
  const haveEditcap = spawnSync('editcap', ['-h']).status === 0;

  it('without a key log says the certificates are encrypted; with --keylog finds the chain', () => {
    const a = JSON.parse(run(['scan', '--json', cap]).out);
    expect(a.handshakes[0].encrypted).toBe(true);
    expect(a.handshakes[0].serverChain).toEqual([]);
    const b = JSON.parse(run(['scan', '--json', '--keylog', keys, cap]).out);
    expect(b.handshakes[0].encrypted).toBe(false);
    expect(b.handshakes[0].serverChain.length).toBeGreaterThan(0);
    // Key logs are secrets: nothing of the file is echoed.
    const secret = readFileSync(keys, 'utf8').split('\n')[0]!.split(' ')[2]!;
    expect(run(['scan', '--keylog', keys, cap]).out).not.toContain(secret);
  });

  it.skipIf(!haveEditcap)('uses a key log embedded in the pcapng (editcap --inject-secrets)', () => {
    const out = join(tmp(), 'with-secrets.pcapng');
    expect(spawnSync('editcap', ['--inject-secrets', `tls,${keys}`, cap, out]).status).toBe(0);
    const j = JSON.parse(run(['scan', '--json', out]).out);
    expect(j.handshakes[0].serverChain.length).toBeGreaterThan(0);
    expect(j.captures[0].notes.join(' ')).toMatch(/key log embedded/);
  });
});

describe('export', () => {
  it('writes each certificate once as PEM that openssl/Node read back, and never overwrites', () => {
    const dir = tmp();
    const r = run(['export', HEALTHY, '--out', dir]);
    expect(r.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3); // expe, expc, and the issuing CA sent by both sides, once
    for (const f of files) {
      const pem = readFileSync(join(dir, f), 'utf8');
      expect(() => new X509Certificate(pem)).not.toThrow();
    }
    // Again: identical files are kept, not rewritten.
    const again = run(['export', HEALTHY, '--out', dir]);
    expect(again.out).toContain('0 file(s) written, 3 already there');
    // A different file under the same name is never overwritten: the export takes the next free name.
    writeFileSync(join(dir, files[0]!), 'precious');
    const third = run(['export', HEALTHY, '--out', dir]);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toBe('precious');
    expect(third.out).toContain('1 file(s) written');
  });

  it.skipIf(!existsSync('/proc/self'))('a folder that cannot be created is one line and exit 2, not a hang', () => {
    // Node 20's recursive mkdir never returns under /proc; the export creates folders one level at a time.
    const r = spawnSync(process.execPath, [BIN, 'export', HEALTHY, '--out', '/proc/certshark-nope/x'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^certshark: cannot write to \/proc\/certshark-nope\/x: no such file or directory \(ENOENT\)\n$/);
  });

  it('--chains writes one bundle per side, --der writes DER', () => {
    const dir = tmp();
    expect(run(['export', HEALTHY, '--out', dir, '--chains']).code).toBe(0);
    const bundles = readdirSync(dir).sort();
    expect(bundles).toEqual(['hs1_10.77.0.1_client-chain.pem', 'hs1_expe.example.test_server-chain.pem']);
    const text = readFileSync(join(dir, bundles[1]!), 'utf8');
    expect(text.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const d2 = tmp();
    expect(run(['export', HEALTHY, '--out', d2, '--der', '--sni', 'expe.example.test']).code).toBe(0);
    for (const f of readdirSync(d2)) {
      expect(f.endsWith('.cer')).toBe(true);
      expect(() => new X509Certificate(readFileSync(join(d2, f)))).not.toThrow();
    }
  });
});

describe('hostile certificate names', () => {
  it.skipIf(!existsSync(HOSTILE))('never reach the terminal unescaped nor a file name unsanitised', () => {
    const r = run(['scan', HOSTILE]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(r.out).toContain('\\x1b]0;pwned\\x07');
    const dir = tmp();
    const inner = join(dir, 'out');
    const e = run(['export', HOSTILE, '--out', inner]);
    expect(e.code).toBe(0);
    expect(e.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    const files = readdirSync(inner);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(files[0]!.startsWith('.')).toBe(false);
    expect(readdirSync(dir)).toEqual(['out']);
  });
});

describe('Expressway releases and the public root store', () => {
  const TWO = join(ROOT, 'captures/traversal-two-stores.pcapng');
  const LAB26 = join(ROOT, 'captures/pki/lab26-root-ca.pem');
  const worst = (out: string) => JSON.parse(out).handshakes.map((h: { verdicts: { severity: string; code: string }[] }) =>
    h.verdicts.filter((v) => v.severity === 'error' || v.severity === 'warning').map((v) => `${v.code}:${v.severity}`));

  it('--expressway-version takes X15.5, x15.5, 15.5, X15.5.1 and implies the expressway profile', () => {
    for (const v of ['X15.5', 'x15.5', '15.5', 'X15.5.1']) {
      const r = run(['scan', '--json', '--ca', LAB26, '--expressway-version', v, TWO]);
      expect(r.code, v).toBe(0);
      expect(worst(r.out), v).toEqual([[]]);
    }
    const x154 = run(['scan', '--json', '--ca', LAB26, '--expressway-version', 'X15.4', TWO]);
    expect(worst(x154.out)).toEqual([['eku-missing-clientauth:warning', 'eku-missing-serverauth:warning']]);
    const upload = run(['scan', '--json', '--ca', LAB26, '--expressway-version', 'X15.4', '--server-eku-upload', TWO]);
    expect(worst(upload.out)).toEqual([['eku-missing-serverauth:warning']]);
  });

  it('an unknown release, a misplaced switch or a contradiction is exit 2 with one line', () => {
    for (const args of [['--expressway-version', 'banana'], ['--expressway-version', 'X7.2'], ['--server-eku-upload'],
      ['--expressway-version', 'X15.5', '--server-eku-upload'], ['--profile', 'web', '--expressway-version', 'X15.4'],
      ['--public-roots', join(ROOT, 'README.md')], ['--public-roots', join(ROOT, 'nope.pem')],
      ['--public-roots', LAB26, '--no-public-roots']]) {
      const r = run(['scan', TWO, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^certshark: /);
      noStack(r.err);
    }
    expect(run(['scan', TWO, '--expressway-version', 'banana']).err).toContain('X15.5, x15.5, 15.5 or X15.5.1');
  });

  it('check --role judges by the same release rules', () => {
    const client = join(ROOT, 'captures/pki/expc-client-store.pem');
    const issuing = join(ROOT, 'captures/pki/lab26-issuing-ca.pem');
    const codes = (args: string[]) => JSON.parse(run(['check', client, '--ca', LAB26, '--ca', issuing, '--profile', 'expressway', '--json', ...args]).out)
      .files[0].verdicts.map((v: { code: string }) => v.code);
    expect(codes(['--role', 'client'])).toEqual(['chain-trusted']);
    expect(codes(['--role', 'client', '--expressway-version', 'X15.4'])).toEqual(['chain-trusted', 'eku-missing-serverauth']);
    expect(codes(['--role', 'server'])).toContain('eku-missing-serverauth');
  });

  it('--public-roots replaces the bundled roots: the lab root becomes public, and with it the client-EKU sunset', () => {
    const cap = join(ROOT, 'captures/traversal-public-ca-renewal.pcapng');
    const pub = join(ROOT, 'captures/pki/public-root-ca.pem');
    const asPublic = run(['scan', '--json', '--profile', 'expressway', '--public-roots', pub, cap]);
    expect(worst(asPublic.out)[0]).toEqual(['eku-clientauth-sunset:warning']);
    const asPrivate = run(['scan', '--json', '--profile', 'expressway', '--ca', pub, cap]);
    expect(worst(asPrivate.out)[0]).toEqual([]);
    // Without it the bundled Mozilla list is the public store, and the lab root is not in it.
    expect(worst(run(['scan', '--json', '--profile', 'expressway', cap]).out)[0]).toContain('untrusted-root:warning');
  });

  it('--help names the options', () => {
    const h = run(['--help']).out;
    for (const o of ['--expressway-version', '--server-eku-upload', '--public-roots']) expect(h).toContain(o);
  });
});

describe('check', () => {
  it('judges certificate files before any capture exists', () => {
    const dir = tmp();
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(join(ROOT, 'captures/pki/expe.pem'), 'utf8') + readFileSync(join(ROOT, 'captures/pki/issuing-ca.pem'), 'utf8'));
    const ok = run(['check', bundle, '--ca', ROOT_CA, '--host', 'expe.example.test', '--profile', 'expressway', '--json']);
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.out);
    expect(j.files[0].verdicts.map((v: { code: string }) => v.code)).toContain('chain-trusted');
    const leafOnly = run(['check', join(ROOT, 'captures/pki/expe.pem'), '--ca', ROOT_CA, '--fail-on', 'error']);
    expect(leafOnly.code).toBe(3);
    expect(leafOnly.out).toContain('missing-intermediate');
    copyFileSync(HEALTHY, join(dir, 'not-a-cert.pem'));
    const bad = run(['check', join(dir, 'not-a-cert.pem')]);
    expect(bad.code).toBe(2);
    noStack(bad.err);
  });
});
