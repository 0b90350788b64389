/**
 * Capture-level findings through the built binary: the text report's section and captures[].findings in
 * `scan --json`, written after the handshakes (the report streams). Captures: test/fixtures/consistency/make.sh
 * (real handshakes of captures/ merged side by side).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const ONE = join(ROOT, 'test/fixtures/consistency/vpn-one-address.pcapng');
const ROOT_CA = join(ROOT, 'captures/pki/root-ca.pem');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('scan: findings across a capture', () => {
  it('text: a section after the capture line, with the finding and its fix', () => {
    const r = run(['scan', '--ca', ROOT_CA, ONE]);
    expect(r.code).toBe(0);
    const tail = r.out.slice(r.out.indexOf(`${ONE}  pcapng`));
    expect(tail).toMatch(/^.*\n  across the capture's handshakes:\n  ! WARN server-address-certificates-differ: The server 10\.77\.0\.2:443 \(name vpn\.example\.test\) presented 3 different leaf certificates/);
    expect(tail).toMatch(/\n      fix: Install the same certificate and chain on every server behind 10\.77\.0\.2:443/);
  });
  it('json: captures[].findings in the verdict shape, after the handshakes', () => {
    const r = run(['scan', '--json', '--ca', ROOT_CA, ONE]);
    expect(r.code).toBe(0);
    expect(r.out.indexOf('"handshakes"')).toBeLessThan(r.out.indexOf('"findings"'));
    const j = JSON.parse(r.out);
    const f = j.captures[0].findings;
    expect(f).toHaveLength(1);
    expect(Object.keys(f[0])).toEqual(expect.arrayContaining(['code', 'severity', 'subject', 'message', 'fix', 'key', 'variants']));
    expect(f[0].variants.map((v: { handshakes: number[] }) => v.handshakes)).toEqual(j.handshakes.map((h: { id: number }) => [h.id]));
    expect(f[0].variants.map((v: { sha256: string }) => v.sha256)).toEqual(j.handshakes.map((h: { serverChain: string[] }) => h.serverChain[0]));
  });
  it('--fail-on counts a capture finding: the DTLS handshake alone is ok, the finding is a warning', () => {
    expect(run(['scan', '--ca', ROOT_CA, '--filter', 'udp', '--fail-on', 'warning', ONE]).code).toBe(3);
    expect(run(['scan', '--ca', ROOT_CA, '--filter', 'udp', '--fail-on', 'error', ONE]).code).toBe(0);
    const two = join(ROOT, 'test/fixtures/consistency/vpn-two-addresses.pcapng');
    // An info finding (each address its own certificate) fails nothing by itself; --filter leaves no handshake.
    expect(run(['scan', '--ca', ROOT_CA, '--filter', 'port 9', '--fail-on', 'warning', two]).code).toBe(0);
  });
  it('a capture without variants has an empty list', () => {
    const j = JSON.parse(run(['scan', '--json', join(ROOT, 'captures/traversal-healthy.pcapng')]).out);
    expect(j.captures[0].findings).toEqual([]);
  });
});
