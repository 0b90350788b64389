/**
 * `certshark check --ca-list` through the built binary, on the real lab PKI (captures/pki) as a folder, a PEM
 * bundle and a PKCS#7 file (openssl crl2pkcs7), and the bundled traversal-zone captures.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const PKI = (f: string) => join(ROOT, 'captures/pki', f);
const MISSING = join(ROOT, 'captures/traversal-missing-intermediate.pcap');
const HEALTHY = join(ROOT, 'captures/traversal-healthy.pcapng');
const AT = '2026-12-15T00:00:00Z';
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'certshark-calist-cli-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('check --ca-list', () => {
  it('a folder holding a root, its issuing CA and a leaf uploaded by mistake', () => {
    const d = tmp();
    for (const f of ['root-ca.pem', 'issuing-ca.pem', 'expe.pem']) copyFileSync(PKI(f), join(d, f));
    const r = run(['check', '--ca-list', d, '--at', AT, '--profile', 'expressway']);
    expect(r.code).toBe(0);
    // A folder is read in name order: expe, issuing, root.
    expect(r.out).toMatch(/^CA list .*: 3 entries, checked as of 2026-12-15T00:00:00\.000Z \(profile expressway\)\n  #1 CN=expe\.example\.test,O=Example Test Lab,C=US  NOT A CA  ← CN=Example Test Issuing CA/);
    expect(r.out).toMatch(/\n  #3 CN=Example Test Root CA,O=Example Test Lab,C=US  self-signed root  /);
    expect(r.out).toMatch(/! WARN ca-list-not-a-ca: Entry #1 'expe\.example\.test' is not a CA certificate/);
    expect(run(['check', '--ca-list', d, '--at', AT, '--fail-on', 'warning']).code).toBe(3);
    expect(run(['check', '--ca-list', d, '--at', AT, '--fail-on', 'error']).code).toBe(0);
  });

  it('a PEM bundle and the same list as PKCS#7 read alike', () => {
    const d = tmp();
    const bundle = join(d, 'list.pem');
    writeFileSync(bundle, readFileSync(PKI('root-ca.pem'), 'utf8') + readFileSync(PKI('issuing-ca.pem'), 'utf8'));
    const p7 = join(d, 'list.p7b');
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', bundle, '-outform', 'DER', '-out', p7]);
    const a = JSON.parse(run(['check', '--json', '--ca-list', bundle, '--at', AT]).out);
    const b = JSON.parse(run(['check', '--json', '--ca-list', p7, '--at', AT]).out);
    expect(a.caList.entries.map((e: { sha256: string }) => e.sha256)).toEqual(b.caList.entries.map((e: { sha256: string }) => e.sha256));
    expect(a.caList.entries).toHaveLength(2);
    expect(a.caList.verdicts).toEqual([]);
  });

  it('with a capture: which entries the chains need, which CA is missing, the list to upload', () => {
    const r = run(['check', '--ca-list', PKI('root-ca.pem'), '--capture', MISSING, '--profile', 'expressway', '--role', 'server', '--at', AT]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Needed by 1 chain(s) in 1 handshake(s) of ${MISSING}:`);
    expect(r.out).toMatch(/✗ ERROR ca-list-entry-missing: The chains of expe\.example\.test \(handshake\(s\) #1\) need the CA 'CN=Example Test Issuing CA,O=Example Test Lab,C=US'/);
    expect(r.out).toMatch(/The list these peers need:\n  \+ CN=Example Test Issuing CA,O=Example Test Lab,C=US  missing: not sent by any peer, get it from the CA\n  \? #1 CN=Example Test Root CA,O=Example Test Lab,C=US  in the list; whether it is needed shows once the missing CA is uploaded\n/);
    expect(run(['check', '--ca-list', PKI('root-ca.pem'), '--capture', MISSING, '--profile', 'expressway', '--fail-on', 'error']).code).toBe(3);
    const j = JSON.parse(run(['check', '--json', '--ca-list', PKI('root-ca.pem'), '--capture', MISSING, '--capture', HEALTHY, '--profile', 'expressway', '--at', AT]).out);
    expect(j.captures.map((c: { file: string }) => c.file)).toEqual([MISSING, HEALTHY]);
    expect(j.needs.handshakes).toBe(2);
    expect(j.needs.missing.map((m: { subject: string; required: boolean; sha256?: string }) => [m.required, !!m.sha256])).toEqual([[true, false], [false, true]]);
    expect(j.needs.needed.map((n: { entry: { index: number }; handshakes: number[] }) => [n.entry.index, n.handshakes])).toEqual([[1, [2]]]);
  });

  it('with CERT_FILEs too: judged against the list, in the same JSON document', () => {
    const j = JSON.parse(run(['check', '--json', '--ca-list', PKI('root-ca.pem'), PKI('expc.pem'), '--no-public-roots', '--at', AT]).out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['certshark', 'caList', 'files']));
    expect(j.files[0].verdicts.map((v: { code: string }) => v.code)).toContain('missing-intermediate');
  });

  it('unreadable input: exit 2 with one line; bad usage: exit 2', () => {
    const nope = run(['check', '--ca-list', '/nonexistent/list.pem']);
    expect(nope.code).toBe(2);
    expect(nope.err).toBe('certshark: --ca-list: /nonexistent/list.pem: no such file or directory\n');
    const d = tmp();
    writeFileSync(join(d, 'not-a-capture.pcap'), 'hello');
    const cap = run(['check', '--ca-list', PKI('root-ca.pem'), '--capture', join(d, 'not-a-capture.pcap')]);
    expect(cap.code).toBe(2);
    expect(cap.err.trim().split('\n')).toHaveLength(1);
    expect(cap.out).toContain('CA list '); // the list part of the report is still written
    noStack(cap.err);
    for (const args of [['check'], ['check', '--capture', MISSING, PKI('expe.pem')], ['check', '--ca-list', PKI('expe.pem'), '--auth-pattern', '/x/']]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^certshark: /);
      noStack(r.err);
    }
  });
});
