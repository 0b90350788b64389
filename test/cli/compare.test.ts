/** `certshark compare` as a user runs it: the built binary on the capture pairs of captures/compare/make.sh. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hasTmux, keys, killTmuxServer, sh, sleep, start, waitScreen } from '../tmux.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const DIR = join(ROOT, 'captures/compare');
const CA = join(DIR, 'pki/root-ca.pem');
const cap = (name: string, side: 'a' | 'b') => join(DIR, `${name}.${side}.pcap`);

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('compare', () => {
  it('relay: every pair the same by ClientHello random, nothing to report, exit 0 even with --fail-on warning', () => {
    const r = run(['compare', cap('relay', 'a'), cap('relay', 'b'), '--ca', CA, '--fail-on', 'warning']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^A \(client side\): .*relay\.a\.pcap\nB \(server side\): .*relay\.b\.pcap\n/);
    expect(r.out.match(/^same +pair \d/gm)).toHaveLength(3);
    expect(r.out).toContain('by ClientHello random');
    expect(r.out).toContain('3 entries: 3 same, 0 changed, 0 only at A, 0 only at B');
    expect(r.out).toMatch(/across both captures: nothing to report\n$/);
  });

  it('resign --json: pairs by name and time, changed, and tls-interception; --fail-on error exits 3', () => {
    const r = run(['compare', '--json', cap('resign', 'a'), cap('resign', 'b'), '--ca', CA, '--fail-on', 'error']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j.certshark).toMatch(/^\d+\.\d+\.\d+$/);
    expect(j.window).toBe(5);
    expect(j.clockOffset).toBeUndefined();
    expect(j.pairs).toHaveLength(3);
    const byId = new Map(j.handshakes.map((h: { id: number }) => [h.id, h]));
    for (const p of j.pairs) {
      expect(p).toMatchObject({ match: 'sni-time', result: 'changed' });
      expect((byId.get(p.a) as { capture: number }).capture).toBe(0);
      expect((byId.get(p.b) as { capture: number }).capture).toBe(1);
    }
    expect(j.findings.map((f: { code: string }) => f.code)).toEqual(['tls-interception']);
    expect(j.findings[0]).toMatchObject({ severity: 'error', subject: 'compare', pairs: [0, 1, 2] });
    expect(j.findings[0].message).toContain('CN=Example Firewall Inspection CA,O=Example Firewall,C=US');
    expect(j.captures.map((c: { side: string; format: string }) => [c.side, c.format])).toEqual([['a', 'pcap'], ['b', 'pcap']]);
    // Each side keeps its own verdicts: A's forged chain is untrusted, B's real one trusted.
    const codes = (id: number) => ((byId.get(id) as { verdicts: { code: string }[] }).verdicts).map((v) => v.code);
    expect(codes(j.pairs[0].a)).toContain('untrusted-root');
    expect(codes(j.pairs[0].b)).toContain('chain-trusted');
    const shas = new Set(j.certificates.map((c: { sha256: string }) => c.sha256));
    for (const h of j.handshakes) for (const s of h.serverChain) expect(shas.has(s)).toBe(true);
  });

  it('--fail-on counts the findings across the captures, not only the verdicts of each side', () => {
    // Trusting the inspection CA too, the 443 handshake is fine at each end on its own; only the comparison
    // shows it was re-signed.
    const args = ['compare', '--json', cap('resign', 'a'), cap('resign', 'b'), '--ca', CA, '--ca', join(DIR, 'pki/inspection-ca.pem'), '-Y', 'port 443'];
    const r = run([...args, '--fail-on', 'error']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j.handshakes).toHaveLength(2);
    for (const h of j.handshakes) expect(h.verdicts.map((v: { severity: string }) => v.severity)).not.toContain('error');
    expect(j.findings.map((f: { code: string }) => f.code)).toEqual(['tls-interception']);
    expect(run(args).code).toBe(0);
  });

  it('resign text: the differing certificates of each pair, A and B, and the finding with its fix last', () => {
    const r = run(['compare', cap('resign', 'a'), cap('resign', 'b'), '--ca', CA]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/CHANGED +pair 1 .*\(by name and time, B [\d.]+ ms after A\)/);
    expect(r.out).toMatch(/server chain differs at the leaf and \[1\]:\n {6}\[0\] A expe\.example\.test ← issued by Example Firewall Inspection CA .*\n {10}B expe\.example\.test ← issued by Example Path Issuing CA/);
    expect(r.out).toMatch(/✗ ERROR tls-interception: .*\n {6}fix: .*exempt ports 7001\/5061\/8443 \(seen here: 7001\)/);
  });

  it('reoriginate: terminated TLS with the chains unchanged, and the handshake the proxy answered itself', () => {
    const r = run(['compare', '--json', cap('reoriginate', 'a'), cap('reoriginate', 'b'), '--ca', CA, '--fail-on', 'warning']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.pairs.map((p: { result: string; match?: string }) => `${p.result}/${p.match ?? '-'}`)).toEqual(['same/sni-time', 'same/sni-time', 'same/sni-time', 'only-a/-']);
    expect(j.findings.map((f: { code: string; severity: string }) => `${f.code}/${f.severity}`)).toEqual(['tls-terminated-in-path/info']);
  });

  it('--swap takes B first and gives the same report', () => {
    const straight = run(['compare', '--json', cap('resign', 'a'), cap('resign', 'b')]);
    const swapped = run(['compare', '--json', '--swap', cap('resign', 'b'), cap('resign', 'a')]);
    expect(swapped.code).toBe(0);
    expect(JSON.parse(swapped.out).pairs).toEqual(JSON.parse(straight.out).pairs);
    // Given the wrong way round without --swap, the real chain is what "the client side" got: no pairing by
    // random either way, and the findings change.
    const wrong = run(['compare', '--json', cap('resign', 'b'), cap('resign', 'a')]);
    expect(JSON.parse(wrong.out).findings).not.toEqual(JSON.parse(straight.out).findings);
  });

  it('--window is used and checked', () => {
    const tight = run(['compare', '--json', '--window', '0.0001', cap('reoriginate', 'a'), cap('reoriginate', 'b')]);
    expect(tight.code).toBe(0);
    expect(JSON.parse(tight.out).pairs.filter((p: { match?: string }) => p.match)).toHaveLength(0);
    for (const w of ['abc', '0', '-1', '']) {
      const r = run(['compare', `--window=${w}`, cap('relay', 'a'), cap('relay', 'b')]);
      expect(r.code, w).toBe(2);
      expect(r.err, w).toMatch(/^certshark: --window wants a number of seconds above 0/);
      expect(r.out).toBe('');
    }
  });

  it('bad usage and unreadable input: one line, exit 2', () => {
    const one = run(['compare', cap('relay', 'a')]);
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/^certshark: compare needs two captures, not 1\nusage: certshark compare CAPTURE_A CAPTURE_B/);
    expect(run(['compare']).err).toMatch(/compare needs two captures, none was given/);
    expect(run(['compare', 'a', 'b', 'c']).code).toBe(2);
    expect(run(['compare', '-i', 'lo', cap('relay', 'a'), cap('relay', 'b')]).err).toMatch(/not a live capture/);
    const d = mkdtempSync(join(tmpdir(), 'certshark-compare-'));
    dirs.push(d);
    const junk = join(d, 'notes.txt');
    writeFileSync(junk, 'not a capture\n');
    const bad = run(['compare', cap('relay', 'a'), junk]);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain('notes.txt');
    expect(bad.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const missing = run(['compare', join(d, 'nope.pcap'), cap('relay', 'b')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.pcap/);
  });

  it('strings from the wire reach the terminal escaped (a certificate subject with terminal escapes and a bidi override)', () => {
    const hostile = join(ROOT, 'test/fixtures/hostile/hostile.pcap');
    const r = run(['compare', hostile, cap('relay', 'b')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tls-interception');
    expect(r.out).toContain('\\x1b]0;pwned');
    // eslint-disable-next-line no-control-regex
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });

  it('help: which capture is which, --swap and --window', () => {
    const r = run(['compare', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: certshark compare CAPTURE_A CAPTURE_B/);
    expect(r.out).toContain('A nearer the client');
    expect(r.out).toMatch(/--swap/);
    expect(r.out).toMatch(/--window SECONDS/);
    expect(run(['--help']).out).toContain('certshark compare CAPTURE_A CAPTURE_B');
  });
});

describe.skipIf(!hasTmux)('compare on a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certshark-compare-view-'));
  dirs.push(dir);
  afterAll(() => killTmuxServer());

  it('opens both captures as one list with a Seen column: where each handshake was seen and how its pair compares', async () => {
    const rc = join(dir, 'rc');
    const cmd = `node bin/certshark compare ${sh(cap('reoriginate', 'a'))} ${sh(cap('reoriginate', 'b'))} --ca ${sh(CA)}`;
    const s = start(`${cmd}; echo $? > ${sh(rc)}; sleep 30`, join(dir, 'session-rc'), 130, 30);
    const scr = await waitScreen(s, (x) => x.includes('B only') || x.includes('A only'), 'the Seen column');
    expect(scr).toContain('findings: tls-terminated-in-path');
    const rows = scr.split('\n').filter((l) => /^[> ] +\d+ [AB]/.test(l));
    const seen = rows.map((l) => /^[> ] +(\d+) (\S+(?: \S+)?)/.exec(l)!.slice(1, 3).join(' '));
    expect(seen).toEqual(['1 A=B#5 same', '2 A=B#6 same', '3 A=B#7 same', '4 A only', '5 B=A#1 same', '6 B=A#2 same', '7 B=A#3 same']);
    keys(s, 'q');
    const t0 = Date.now();
    while (!existsSync(rc) && Date.now() - t0 < 10_000) await sleep(100);
    expect(readFileSync(rc, 'utf8').trim()).toBe('0');
  });
});
