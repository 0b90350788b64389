/**
 * Pairing across two captures of one path, on the capture pairs of captures/compare/make.sh (openssl client and
 * server, a Node relay or proxy in the middle, tcpdump on both sides of it at once), against the expected.json
 * each scenario was built to produce.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { X509Certificate, createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { scanCaptures, type SessionResult } from '../../src/session.js';
import { compareHandshakes } from '../../src/report/compare.js';
import type { Handshake } from '../../src/model.js';

const DIR = resolve(__dirname, '../../captures/compare');

interface ExpectedPair {
  match?: string;
  result: string;
  sni: string;
  port: number;
  serverChain: { a?: string[]; b?: string[] };
  clientAlertA?: string;
  reasonMentions?: string;
}
interface Expected {
  a: string;
  b: string;
  description: string;
  addresses: { a: { client: string; server: string }; b: { client: string; server: string } };
  pairs: ExpectedPair[];
  findings: string[];
  absentFindings: string[];
  interceptionCa?: string;
  clockOffsetKnown: boolean;
}

const sha = (name: string) =>
  createHash('sha256').update(new X509Certificate(readFileSync(join(DIR, 'pki', `${name}.pem`))).raw).digest('hex');

async function load(e: Expected): Promise<{ r: SessionResult; a: Handshake[]; b: Handshake[]; cert: (s: string) => ReturnType<SessionResult['certificates']['find']> }> {
  const r = await scanCaptures([join(DIR, e.a), join(DIR, e.b)]);
  const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
  return { r, a: r.handshakes.filter((h) => h.capture === 0), b: r.handshakes.filter((h) => h.capture === 1), cert: (s) => certs.get(s) };
}

const cases = readdirSync(DIR).filter((f) => f.endsWith('.expected.json')).sort();

describe('capture pairs', () => {
  it('are the three scenarios of the issue, each with its expectation', () => {
    expect(cases).toEqual(['relay.expected.json', 'reoriginate.expected.json', 'resign.expected.json']);
  });

  for (const file of cases) {
    const e = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Expected;
    it(`${file.replace('.expected.json', '')}: pairs, results and findings as the scenario was built`, async () => {
      const { a, b, cert } = await load(e);
      const byId = new Map([...a, ...b].map((h) => [h.id, h]));
      const c = compareHandshakes(a, b, cert);
      expect(c.pairs.map((p) => p.result)).toEqual(e.pairs.map((p) => p.result));
      c.pairs.forEach((p, i) => {
        const want = e.pairs[i]!;
        expect(p.match, `pair ${i + 1}`).toBe(want.match);
        const ha = p.a !== undefined ? byId.get(p.a) : undefined;
        const hb = p.b !== undefined ? byId.get(p.b) : undefined;
        expect(!!ha).toBe(want.serverChain.a !== undefined);
        expect(!!hb).toBe(want.serverChain.b !== undefined);
        if (ha) {
          expect(ha.capture).toBe(0);
          expect([ha.sni, ha.server.port, ha.client.ip, ha.server.ip]).toEqual([want.sni, want.port, e.addresses.a.client, e.addresses.a.server]);
          expect(ha.serverChain).toEqual(want.serverChain.a!.map(sha));
          expect(ha.clientRandom).toMatch(/^[0-9a-f]{64}$/);
          if (want.clientAlertA) expect(ha.alerts.map((x) => `${x.from}:${x.descriptionName}`)).toContain(`client:${want.clientAlertA}`);
        }
        if (hb) {
          expect(hb.capture).toBe(1);
          expect([hb.sni, hb.server.port, hb.client.ip, hb.server.ip]).toEqual([want.sni, want.port, e.addresses.b.client, e.addresses.b.server]);
          expect(hb.serverChain).toEqual(want.serverChain.b!.map(sha));
        }
        // NAT: the client's address and port are not the same at the two points, the session (random) may be.
        if (ha && hb) {
          expect(`${hb.client.ip}:${hb.client.port}`).not.toBe(`${ha.client.ip}:${ha.client.port}`);
          expect(ha.clientRandom === hb.clientRandom).toBe(want.match === 'client-random');
        }
        if (want.result === 'changed') expect(p.differences?.find((d) => d.side === 'server')?.positions).toContain(0);
        if (want.reasonMentions) expect(p.reason).toContain(want.reasonMentions);
      });
      const codes = c.findings.map((f) => f.code);
      for (const code of e.findings) expect(codes).toContain(code);
      for (const code of e.absentFindings) expect(codes).not.toContain(code);
      expect(c.clockOffset !== undefined).toBe(e.clockOffsetKnown);
      if (c.clockOffset) expect(Math.abs(c.clockOffset.seconds)).toBeLessThan(0.1);
      if (e.interceptionCa) {
        const f = c.findings.find((x) => x.code === 'tls-interception')!;
        expect(f.severity).toBe('error');
        expect(f.message).toContain(`issued by ${e.interceptionCa}`);
        expect(f.message).toContain('CN=Example Path Issuing CA');
        expect(f.fix).toMatch(/7001\/5061\/8443/);
        expect(f.pairs).toEqual(c.pairs.flatMap((p, i) => (p.result === 'changed' ? [i] : [])));
      }
    });
  }
});

const load2 = (name: string) => load(JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected);
const shifted = (hs: Handshake[], s: number) => hs.map((h) => ({ ...h, ts: h.ts + s }));

describe('pairing beyond the scenarios', () => {
  it('estimates the clocks\' offset from the random-matched pairs and reports one beyond the window', async () => {
    const { a, b, cert } = await load2('relay');
    const c = compareHandshakes(a, shifted(b, 30), cert);
    expect(c.pairs.every((p) => p.match === 'client-random' && p.result === 'same')).toBe(true);
    expect(c.clockOffset!.seconds).toBeGreaterThan(29.9);
    expect(c.clockOffset!.seconds).toBeLessThan(30.1);
    const f = c.findings.find((x) => x.code === 'clock-offset');
    expect(f?.message).toMatch(/B's clock runs 30\.\d{3} s ahead of A's/);
    // Within the window it is no finding.
    expect(compareHandshakes(a, shifted(b, 2), cert).findings.map((x) => x.code)).not.toContain('clock-offset');
  });

  it('pairs by time on the corrected clock: terminated sessions pair across a clock offset the matched ones show', async () => {
    const relay = await load2('relay');
    const re = await load2('reoriginate');
    // B's clock 30 s ahead; one end-to-end session (from the relay capture) gives the offset.
    const a = [...re.a, relay.a[0]!];
    const b = shifted([...re.b, relay.b[0]!], 30);
    const cert = (s: string) => re.cert(s) ?? relay.cert(s);
    const c = compareHandshakes(a, b, cert);
    expect(c.pairs.filter((p) => p.match === 'sni-time')).toHaveLength(3);
    // Without the offset nothing pairs by time, and the reason says B did not cover that time.
    const alone = compareHandshakes(re.a, shifted(re.b, 30), re.cert);
    expect(alone.pairs.filter((p) => p.match)).toHaveLength(0);
    expect(alone.pairs.find((p) => p.result === 'only-a')!.reason).toMatch(/outside the time capture B covers/);
    expect(alone.pairs.filter((p) => p.result === 'only-b')).toHaveLength(3);
  });

  it('keeps time pairing within --window', async () => {
    const { a, b, cert } = await load2('reoriginate');
    // The proxy's upstream ClientHello follows the client's by a few ms: a window of 0.1 ms pairs none.
    const c = compareHandshakes(a, b, cert, { window: 0.0001 });
    expect(c.pairs.filter((p) => p.match === 'sni-time')).toHaveLength(0);
    expect(compareHandshakes(a, b, cert, { window: 1 }).pairs.filter((p) => p.match === 'sni-time')).toHaveLength(3);
  });

  it('names a chain that differs within one session (random matches) as chain-altered-in-path', async () => {
    const { a, b, cert } = await load2('relay');
    const forged = (await load2('resign')).a[0]!.serverChain;
    const resign = await load2('resign');
    const both = (s: string) => cert(s) ?? resign.cert(s);
    const bad = b.map((h, i) => (i === 1 ? { ...h, serverChain: forged } : h));
    const c = compareHandshakes(a, bad, both);
    expect(c.pairs.map((p) => p.result)).toEqual(['same', 'changed', 'same']);
    expect(c.pairs[1]!.differences![0]).toMatchObject({ side: 'server', positions: [0, 1] });
    const f = c.findings.find((x) => x.code === 'chain-altered-in-path');
    expect(f?.pairs).toEqual([1]);
    expect(c.findings.map((x) => x.code)).not.toContain('tls-interception');
  });

  it('says why a handshake is only at B, and a capture with no handshakes', async () => {
    const { a, b, cert } = await load2('relay');
    const c = compareHandshakes(a.slice(0, 2), b, cert);
    const only = c.pairs.filter((p) => p.result === 'only-b');
    expect(only).toHaveLength(1);
    expect(only[0]!.reason).toMatch(/not seen at A/);
    const none = compareHandshakes([], b, cert);
    expect(none.pairs.every((p) => p.result === 'only-b' && /capture A holds no handshake/.test(p.reason!))).toBe(true);
  });

  it('reports interception from handshakes at A only when nothing crossed and B saw other chains, not from an empty B', async () => {
    const { a, cert } = await load2('resign');
    const real = await load2('relay');
    const both = (s: string) => cert(s) ?? real.cert(s);
    // The server side's handshakes from another moment: no pair at all, yet B shows what the server sends.
    const c = compareHandshakes(a, shifted(real.b, -100), both);
    expect(c.pairs.filter((p) => p.match)).toHaveLength(0);
    expect(c.findings.map((x) => x.code)).toEqual(['tls-interception']);
    expect(compareHandshakes(a, [], both).findings).toEqual([]);
  });

  it('pairs a busy server\'s handshakes by time in time proportional to their number', async () => {
    const { a, b, cert } = await load2('reoriginate');
    // 20,000 handshakes of one name a millisecond apart at each end, B 0.2 ms after A: thousands in every window.
    const n = 20_000;
    const at = (h: Handshake, i: number, dt: number) => ({ ...h, id: i + 1, ts: a[0]!.ts + i / 1000 + dt });
    const manyA = Array.from({ length: n }, (_, i) => at(a[0]!, i, 0));
    const manyB = Array.from({ length: n }, (_, i) => ({ ...at(b[0]!, i, 0.0002), id: n + i + 1 }));
    const t0 = performance.now();
    const c = compareHandshakes(manyA, manyB, cert);
    const ms = performance.now() - t0;
    expect(c.pairs).toHaveLength(n);
    expect(c.pairs.every((p) => p.match === 'sni-time' && p.b === p.a! + n)).toBe(true);
    expect(ms).toBeLessThan(5000);
  });

  it('does not call chains that travelled encrypted (TLS 1.3 without a key log) the same', async () => {
    const r = await scanCaptures([resolve(DIR, '../tls13-keylog.pcapng')]);
    const hs = r.handshakes;
    expect(hs.length).toBeGreaterThan(0);
    expect(hs.every((h) => h.encrypted && h.serverChain.length === 0)).toBe(true);
    const cert = () => undefined;
    const byRandom = compareHandshakes(hs, hs.map((h) => ({ ...h, id: h.id + 100 })), cert);
    expect(byRandom.pairs.every((p) => p.match === 'client-random' && p.notCompared?.includes('server'))).toBe(true);
    expect(byRandom.findings).toEqual([]);
    // Terminated in between (randoms differ): paired by time, and the finding says the chains were not compared.
    const terminated = compareHandshakes(hs, hs.map((h) => ({ ...h, id: h.id + 100, clientRandom: undefined })), cert);
    expect(terminated.pairs.every((p) => p.match === 'sni-time')).toBe(true);
    const f = terminated.findings.find((x) => x.code === 'tls-terminated-in-path')!;
    expect(f.message).toMatch(/could not be compared: the certificates travelled encrypted/);
    expect(f.message).not.toMatch(/arrived unchanged/);
  });

  it('pairs by time only handshakes of the same name', async () => {
    const { a, b, cert } = await load2('reoriginate');
    const c = compareHandshakes(a.filter((h) => h.sni === 'expe.example.test'), b.filter((h) => h.sni === 'www.example.test'), cert);
    expect(c.pairs.map((p) => p.result).sort()).toEqual(['only-a', 'only-a', 'only-b']);
  });

  it('does not call a changed leaf interception when its issuer is one the server side sends too', async () => {
    const { a, b, cert } = await load2('resign');
    const inspectionCa = a[0]!.serverChain[1]!;
    // The server side also presents the inspection CA (as if it were its own intermediate).
    const own = b.map((h) => ({ ...h, serverChain: [...h.serverChain, inspectionCa] }));
    const c = compareHandshakes(a, own, cert);
    expect(c.pairs.map((p) => p.result)).toEqual(['changed', 'changed', 'changed']);
    expect(c.findings.map((x) => x.code)).toEqual(['tls-terminated-in-path']);
    expect(c.findings[0]!.severity).toBe('warning');
    expect(c.findings[0]!.message).toMatch(/3 arrived with a different chain/);
  });
});

const haveTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!haveTshark)('ClientHello randoms', () => {
  it('are those tshark reads (tls.handshake.random), in every capture of the pairs', async () => {
    for (const f of readdirSync(DIR).filter((x) => x.endsWith('.pcap')).sort()) {
      const t = spawnSync('tshark', ['-r', join(DIR, f), '-Y', 'tls.handshake.type == 1', '-T', 'fields', '-e', 'tls.handshake.random'], { encoding: 'utf8' });
      const want = t.stdout.split('\n').filter(Boolean);
      expect(want.length, f).toBeGreaterThanOrEqual(3);
      const r = await scanCaptures([join(DIR, f)]);
      expect(r.handshakes.map((h) => h.clientRandom), f).toEqual(want);
    }
  });
});
