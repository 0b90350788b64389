/**
 * The client-EKU sunset (src/trust/eku-sunset.ts, role.ts): the warning for a certificate that needs clientAuth,
 * has it and chains to a public root; the cause named when a public CA's certificate lacks it; private PKI and
 * self-signed certificates untouched; and the public root store (`--public-roots`) it depends on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate } from '../../src/x509/index.js';
import { CA_CUTOFFS, CHROME_ROOT_POLICY, expresswayRules, judgeChain, TrustStore, type ExpresswayRules, type TrustContext } from '../../src/trust/index.js';
import type { Verdict } from '../../src/model.js';
import { cert, ecKeys, EKU, KU, toPem, type Keys } from './pki.js';

const DAY = 86_400_000;
const AT = Date.UTC(2026, 11, 1); // 2026-12-01, after every CA's cut-off and before Chrome's leaf date
const ROOT = 'CN=Example Public Root,O=Example Trust';
const MULTI = 'CN=Example Public CA G1,O=Example Trust';
const TLS = 'CN=Example Public TLS CA G2,O=Example Trust';
const DIGICERT = 'CN=DigiCert Test Issuing CA,O=DigiCert Inc';
const LE = "CN=R99,O=Let's Encrypt";
let rootK: Keys, caK: Keys, leafK: Keys;
let root: Uint8Array, multi: Uint8Array, tlsOnly: Uint8Array, digicert: Uint8Array, le: Uint8Array;
let dir: string;

beforeAll(async () => {
  [rootK, caK, leafK] = await Promise.all([ecKeys(), ecKeys(), ecKeys()]);
  const long = { notBefore: AT - 3000 * DAY, notAfter: AT + 3000 * DAY };
  root = await cert({ name: ROOT, keys: rootK, ca: true, ...long });
  const ca = (name: string, eku?: string[]) => cert({ name, keys: caK, issuer: { name: ROOT, keys: rootK }, ca: true, pathLen: 0, eku, ...long });
  [multi, tlsOnly, digicert, le] = await Promise.all([ca(MULTI), ca(TLS, [EKU.server]), ca(DIGICERT), ca(LE)]);
  dir = mkdtempSync(join(tmpdir(), 'certshark-sunset-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A leaf of `issuer` issued on `issued` (ms), valid 300 days. */
function leaf(issuer: string, eku: string[], issued: number): Promise<Uint8Array> {
  return cert({
    name: 'CN=expc.example.com', keys: leafK, issuer: { name: issuer, keys: caK }, ku: KU.digitalSignature, eku,
    sans: [{ type: 'dns', value: 'expc.example.com' }], notBefore: issued, notAfter: issued + 300 * DAY,
  });
}
function ctx(origin: 'public' | 'user', extra: Partial<TrustContext> = {}): TrustContext {
  const store = TrustStore.create({ publicRoots: false });
  store.add(root, origin);
  return { store, at: new Date(AT), profile: 'web', host: 'expc.example.com', ...extra };
}
const judge = (ders: Uint8Array[], role: 'server' | 'client', c: TrustContext) => judgeChain(ders.map(parseCertificate), role, c);
const one = (v: Verdict[], code: string) => v.find((x) => x.code === code);
const rules = (v: string, upload = false) => expresswayRules(v, upload) as ExpresswayRules;

describe('the sunset table', () => {
  it('has dated, sourced rows the verdicts quote', () => {
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    expect(CHROME_ROOT_POLICY).toMatchObject({ intermediatesFrom: '2026-06-15', leavesFrom: '2027-03-15' });
    expect(CHROME_ROOT_POLICY.source.title).toContain('Version 1.8');
    expect(CA_CUTOFFS.map((c) => c.ca)).toEqual(['DigiCert', "Let's Encrypt", 'Sectigo']);
    for (const c of CA_CUTOFFS) {
      expect(c.byDefault).toMatch(iso);
      expect(c.last).toMatch(iso);
      expect(c.byDefault <= c.last, c.ca).toBe(true);
      expect(c.source.url).toMatch(/^https:\/\//);
    }
  });
});

describe('a certificate that needs clientAuth and chains to a public root', () => {
  it('warns that its renewal will not carry clientAuth, with the dates and what to do', async () => {
    const both = await leaf(MULTI, [EKU.server, EKU.client], AT - 200 * DAY);
    const v = judge([both, multi], 'client', ctx('public'));
    const s = one(v, 'eku-clientauth-sunset')!;
    expect(s.severity).toBe('warning');
    expect(s.message).toContain("chains to the public root 'Example Public Root'");
    expect(s.message).toContain(CHROME_ROOT_POLICY.leavesFrom);
    for (const c of CA_CUTOFFS) expect(s.message).toContain(c.byDefault);
    expect(s.fix).toContain('private CA');
    // As a server certificate it needs no clientAuth; from a private root, nothing changes for it.
    expect(one(judge([both, multi], 'server', ctx('public', { host: 'expc.example.com' })), 'eku-clientauth-sunset')).toBeUndefined();
    expect(one(judge([both, multi], 'client', ctx('user')), 'eku-clientauth-sunset')).toBeUndefined();
  });

  it('a self-signed client certificate is not affected', async () => {
    const ss = await cert({ name: 'CN=self.example.com', keys: leafK, ku: KU.digitalSignature, eku: [EKU.client], notBefore: AT - 10 * DAY, notAfter: AT + 300 * DAY });
    const store = TrustStore.create({ publicRoots: false });
    store.add(ss, 'user');
    const v = judge([ss], 'client', { store, at: new Date(AT), profile: 'web' });
    expect(v.map((x) => x.code)).toEqual(['chain-trusted']);
  });

  it('names the CA it can tell, with that CA\'s own dates', async () => {
    const both = await leaf(DIGICERT, [EKU.server, EKU.client], AT - 100 * DAY);
    const s = one(judge([both, digicert], 'client', ctx('public')), 'eku-clientauth-sunset')!;
    expect(s.message).toContain('DigiCert left it out by default from 2025-10-01');
    expect(s.message).toContain('2027-03-01');
    expect(s.message).not.toContain("Let's Encrypt");
  });

  it('on Expressway X15.4 the Expressway-E\'s one certificate needs clientAuth too, unless EnableServerEkuUpload is on', async () => {
    const both = await cert({
      name: 'CN=expe.example.com', keys: leafK, issuer: { name: MULTI, keys: caK }, ku: KU.digitalSignature,
      eku: [EKU.server, EKU.client], sans: [{ type: 'dns', value: 'expe.example.com' }], notBefore: AT - 100 * DAY, notAfter: AT + 200 * DAY,
    });
    const x = (r?: ExpresswayRules) => judge([both, multi], 'server', ctx('public', { profile: 'expressway', host: 'expe.example.com', expressway: r }));
    expect(one(x(), 'eku-clientauth-sunset')).toBeUndefined();
    const s = one(x(rules('X15.4')), 'eku-clientauth-sunset')!;
    expect(s.fix).toContain('EnableServerEkuUpload: On');
    expect(one(x(rules('X15.4', true)), 'eku-clientauth-sunset')).toBeUndefined();
    expect(one(x(rules('X12.6')), 'eku-clientauth-sunset')!.fix).toContain('upgrade to X15.5');
  });
});

describe('a public CA\'s client certificate without clientAuth', () => {
  it('issued under a serverAuth-only intermediate: the error names that hierarchy and Chrome\'s policy', async () => {
    const renewed = await leaf(TLS, [EKU.server], AT - 20 * DAY);
    const e = one(judge([renewed, tlsOnly], 'client', ctx('public')), 'eku-missing-clientauth')!;
    expect(e.severity).toBe('error');
    expect(e.message).toContain("policy change: it was issued");
    expect(e.message).toContain("'Example Public TLS CA G2', a serverAuth-only intermediate of a public CA");
    expect(e.message).toContain('Chrome Root Program Policy, Version 1.8');
    expect(e.fix).toContain('private CA');
  });

  it('issued after the cut-off: the cause is the CA\'s policy; before it, only the missing EKU', async () => {
    const after = await leaf(MULTI, [EKU.server], Date.UTC(2026, 5, 1));
    expect(one(judge([after, multi], 'client', ctx('public')), 'eku-missing-clientauth')!.message).toContain('it was issued 2026-06-01, after public CAs began leaving clientAuth out of TLS certificates (DigiCert by default from 2025-10-01');
    const before = await leaf(MULTI, [EKU.server], Date.UTC(2025, 5, 1));
    const plain = one(judge([before, multi], 'client', ctx('public', { at: new Date(Date.UTC(2025, 11, 1)) })), 'eku-missing-clientauth')!;
    expect(plain.message).not.toContain('policy change');
    expect(plain.fix).toBe('Reissue the certificate with TLS Web Client Authentication (clientAuth) in its Extended Key Usage.');
  });

  it('uses the CA\'s own cut-off when it can tell the CA', async () => {
    // 2026-01-15: after DigiCert's and Sectigo's default cut-offs, before Let's Encrypt's (2026-02-11).
    const early = await leaf(LE, [EKU.server], Date.UTC(2026, 0, 15));
    expect(one(judge([early, le], 'client', ctx('public')), 'eku-missing-clientauth')!.message).not.toContain('policy change');
    const late = await leaf(LE, [EKU.server], Date.UTC(2026, 2, 15));
    expect(one(judge([late, le], 'client', ctx('public')), 'eku-missing-clientauth')!.message).toContain("it was issued 2026-03-15, after Let's Encrypt left it out by default from 2026-02-11 and issued it for the last time on 2026-05-13");
  });

  it('from a private CA: just the missing EKU', async () => {
    const renewed = await leaf(TLS, [EKU.server], AT - 20 * DAY);
    const e = one(judge([renewed, tlsOnly], 'client', ctx('user')), 'eku-missing-clientauth')!;
    expect(e.message).not.toContain('policy');
  });
});

describe('the public root store', () => {
  it('--public-roots replaces the bundled list; a root also given with --ca stays public', () => {
    const f = join(dir, 'roots.pem');
    writeFileSync(f, toPem(root));
    const s = TrustStore.create({ publicRootFiles: [f] });
    expect(s.size).toBe(1);
    expect(s.originOf(parseCertificate(root).sha256)).toBe('public');
    const caToo = join(dir, 'ca.pem');
    writeFileSync(caToo, toPem(root));
    const both = TrustStore.create({ publicRootFiles: [f], caFiles: [caToo] });
    expect(both.originOf(parseCertificate(root).sha256)).toBe('user');
    expect(both.isPublic(parseCertificate(root))).toBe(true);
    // Node's bundled list is the default public store, and a lab root is not in it.
    const bundled = TrustStore.create({ caFiles: [caToo] });
    expect(bundled.size).toBeGreaterThan(50);
    expect(bundled.isPublic(parseCertificate(root))).toBe(false);
  });
});
