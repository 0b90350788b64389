/**
 * Capture consistency (src/trust/consistency.ts): one server name or address answered with different leaves.
 * - Real captures: test/fixtures/consistency/*.pcapng, real handshakes of captures/ merged side by side
 *   (test/fixtures/consistency/make.sh: mergecap, and one capture moved to another server address), and the
 *   bundled captures that must produce no finding (many-handshakes: 300 handshakes to 5 servers; chain-variants
 *   and expired-and-not-yet-valid: one address with several names, which is virtual hosting).
 * - The caps, renewal detection and ordering: table-driven over handshakes of captures/many-handshakes.pcap whose
 *   server chain is replaced, since no capture holds 10,000 names.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { scanCaptures } from '../../src/session.js';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import { CertificateConsistency } from '../../src/trust/index.js';
import { LIMITS } from '../../src/limits.js';
import type { Handshake } from '../../src/model.js';

const ROOT = resolve(__dirname, '../..');
const FIX = (f: string) => resolve(ROOT, 'test/fixtures/consistency', f);
const CAP = (f: string) => resolve(ROOT, 'captures', f);

async function scan(file: string, ca = true) {
  const trust = await buildTrust({ ca: ca ? [CAP('pki/root-ca.pem')] : [], systemCa: false, publicRoots: false, profile: 'web', at: 'capture' });
  return scanCaptures([file], { judge: trust.judge, retain: true });
}

describe('on real captures', () => {
  it('one address answering one name with three leaves: one finding, listing each and its handshake', async () => {
    const r = await scan(FIX('vpn-one-address.pcapng'));
    const f = r.captures[0]!.findings!;
    expect(f.map((x) => x.code)).toEqual(['server-address-certificates-differ']);
    const [a] = f;
    expect(a!.key).toEqual({ sni: 'vpn.example.test', server: { ip: '10.77.0.2', port: 443 } });
    // The leaves in capture order: the self-signed ASA certificate, the one for the wrong name, the DTLS one.
    const bySha = new Map(r.handshakes.map((h) => [h.serverChain[0], h.id]));
    expect(a!.variants.map((v) => v.handshakes)).toEqual([[1], [2], [3]]);
    for (const v of a!.variants) expect(bySha.get(v.sha256)).toBe(v.handshakes[0]);
    // Each handshake completed, so what the client evidently did not enforce is a warning (evidence over rules):
    // self-signed for [1], name-mismatch for [2]; [3] is valid.
    expect(a!.variants.map((v) => v.worst)).toEqual(['warning', 'warning', 'ok']);
    expect(a!.message).toMatch(/verdicts differ by certificate \(\[1\] warning, \[2\] warning, \[3\] ok\)/);
    // Only warnings: these peers accepted every certificate; the failure is one a stricter peer would see.
    expect(a!.message).toMatch(/these peers accepted every one, but a stricter peer would fail intermittently\./);
    expect(a!.message).not.toMatch(/: an intermittent failure/);
    // The outcome depends on which one answers: a warning that says so.
    expect(a!.severity).toBe('warning');
    expect(a!.message).toMatch(/presented 3 different leaf certificates/);
    expect(a!.message).toMatch(/\[1\] vpn\.example\.test ← self-signed.*\[2\] asa-old\.example\.test ← Example Test Issuing CA.*\[3\] vpn\.example\.test/);
    expect(a!.message).toMatch(/intermittent/);
    expect(a!.fix).toMatch(/every server behind 10\.77\.0\.2:443/);
  });

  it('without the lab root every leaf has the same worst verdict: still a warning for one address (a pool out of step)', async () => {
    const r = await scan(FIX('vpn-one-address.pcapng'), false);
    const [a] = r.captures[0]!.findings!;
    // All completed: self-signed, untrusted-root (and name-mismatch for [2]) are warnings.
    expect(a!.variants.map((v) => v.worst)).toEqual(['warning', 'warning', 'warning']);
    expect(a!.message).not.toMatch(/verdicts differ/);
    expect(a!.severity).toBe('warning');
    expect(a!.message).toMatch(/load-balancer pool .* out of step/);
  });

  it('one name at two addresses, each with its own leaf: the name finding, not an address one', async () => {
    const r = await scan(FIX('vpn-two-addresses.pcapng'));
    const f = r.captures[0]!.findings!;
    expect(f.map((x) => x.code)).toEqual(['server-name-certificates-differ']);
    expect(f[0]!.key).toEqual({ sni: 'vpn.example.test' });
    expect(f[0]!.variants.map((v) => v.servers)).toEqual([['10.77.0.3:443'], ['10.77.0.2:443']]);
    expect(f[0]!.message).toMatch(/at 10\.77\.0\.3:443.*at 10\.77\.0\.2:443/);
    // Both handshakes completed: the self-signed and the wrong-name certificates are warnings, not errors.
    expect(f[0]!.message).toMatch(/Each address presented its own certificate.*every one of them has warnings of its own/);
    expect(f[0]!.severity).toBe('info');
  });

  it('no finding where every name has one leaf, nor for one address serving several names', async () => {
    for (const c of ['many-handshakes.pcap', 'chain-variants.pcapng', 'expired-and-not-yet-valid.pcap', 'two-link-types.pcapng']) {
      const r = await scan(CAP(c));
      expect(r.captures[0]!.findings, c).toEqual([]);
    }
  });
});

describe('bounded digest of the handshakes', () => {
  let base: Handshake[] | undefined;
  const real = async () => (base ??= (await scan(CAP('many-handshakes.pcap'))).handshakes);
  const sha = (n: number) => n.toString(16).padStart(64, '0');
  const unknown = () => undefined;

  it('lists the first handshake ids of a variant and counts the others', async () => {
    const hs = (await real()).filter((h) => h.server.port === 443);
    expect(hs.length).toBeGreaterThan(LIMITS.consistencyIdsPerVariant + 2);
    const c = new CertificateConsistency();
    hs.forEach((h, i) => c.add({ ...h, serverChain: [i === 0 ? sha(1) : sha(2)] }));
    const [f] = c.findings(unknown);
    const v2 = f!.variants.find((v) => v.sha256 === sha(2))!;
    expect(v2.handshakes).toHaveLength(LIMITS.consistencyIdsPerVariant);
    expect(v2.moreHandshakes).toBe(hs.length - 1 - LIMITS.consistencyIdsPerVariant);
    expect(f!.message).toContain(`and ${v2.moreHandshakes} more`);
  });

  it('keeps at most so many variants per key and so many keys per capture, and says so', async () => {
    const [h] = await real();
    const c = new CertificateConsistency();
    for (let i = 0; i < LIMITS.consistencyVariantsPerKey + 5; i++) c.add({ ...h!, id: i + 1, serverChain: [sha(i + 1)] });
    const [f] = c.findings(unknown);
    expect(f!.variants).toHaveLength(LIMITS.consistencyVariantsPerKey);
    expect(f!.moreVariants).toBe(5);
    expect(f!.message).toMatch(/presented 16\+ different/);

    const d = new CertificateConsistency();
    const names = LIMITS.consistencyKeys; // each name also makes an address key: half of them fit
    for (let i = 0; i < names; i++) d.add({ ...h!, id: i + 1, sni: `n${i}.example.test`, serverChain: [sha(1)] });
    expect(d.notes().join()).toMatch(new RegExp(`more than ${LIMITS.consistencyKeys} server names and addresses; ${names / 2} handshake`));
    expect(new CertificateConsistency().notes()).toEqual([]);
  });

  it('a certificate replaced during the capture reads as a renewal (info when the verdicts agree)', async () => {
    const hs = (await real()).filter((h) => h.server.port === 5061).sort((a, b) => a.ts - b.ts);
    const c = new CertificateConsistency();
    const half = hs.length >> 1;
    hs.forEach((h, i) => c.add({ ...h, serverChain: [i < half ? sha(1) : sha(2)] }));
    const info = (s: string) => ({ sha256: s, subject: 'CN=cucm.example.test', subjectCN: 'cucm.example.test', issuer: 'CN=CA', issuerCN: 'CA', serial: s.slice(-2), notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z' }) as never;
    const [f] = c.findings(info);
    expect(f!.message).toMatch(/a renewal installed during the capture/);
    expect(f!.severity).toBe('info');
    // Interleaved, the same two certificates are a pool out of step, not a renewal.
    const d = new CertificateConsistency();
    hs.forEach((h, i) => d.add({ ...h, serverChain: [i % 2 ? sha(1) : sha(2)] }));
    expect(d.findings(info)[0]!.message).not.toMatch(/renewal installed/);
    expect(d.findings(info)[0]!.severity).toBe('warning');
  });

  it('handshakes without a server certificate (TLS 1.3 without keys) are not compared', async () => {
    const [h] = await real();
    const c = new CertificateConsistency();
    c.add({ ...h!, serverChain: [] });
    c.add({ ...h!, serverChain: [sha(1)] });
    expect(c.findings(unknown)).toEqual([]);
  });
});
