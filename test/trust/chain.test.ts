import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/x509/index.js';
import { expresswayRules, judgeChain, TrustStore, type ExpresswayRules, type TrustContext } from '../../src/trust/index.js';
import type { Verdict } from '../../src/model.js';
import { CAPTURE, cert, ecKeys, edKeys, EKU, KU, nameConstraints, rsaKeys, type Keys } from './pki.js';
import * as x509 from '@peculiar/x509';

const DAY = 86_400_000;
let rootK: Keys, interK: Keys, leafK: Keys, otherK: Keys;
let root: Uint8Array, inter: Uint8Array, leaf: Uint8Array;
const ROOT = 'CN=Example Root CA,O=Example';
const INTER = 'CN=Example Issuing CA,O=Example';

beforeAll(async () => {
  [rootK, interK, leafK, otherK] = await Promise.all([rsaKeys(2048), ecKeys('P-384'), ecKeys(), ecKeys()]);
  root = await cert({ name: ROOT, keys: rootK, ca: true });
  inter = await cert({ name: INTER, keys: interK, issuer: { name: ROOT, keys: rootK }, ca: true, pathLen: 0 });
  leaf = await leafCert({});
});

function leafCert(o: Partial<Parameters<typeof cert>[0]>): Promise<Uint8Array> {
  return cert({
    name: 'CN=expe.example.com', keys: leafK, issuer: { name: INTER, keys: interK },
    ku: KU.digitalSignature, eku: [EKU.server], sans: [{ type: 'dns', value: 'expe.example.com' }], ...o,
  });
}

function store(...ders: Uint8Array[]): TrustStore {
  const s = TrustStore.create({ publicRoots: false });
  for (const d of ders) s.add(d, 'user');
  return s;
}
function ctx(s: TrustStore, extra: Partial<TrustContext> = {}): TrustContext {
  return { store: s, at: new Date(CAPTURE), profile: 'web', host: 'expe.example.com', ...extra };
}
const codes = (v: Verdict[]) => v.map((x) => x.code).sort();
const rules = (version: string) => expresswayRules(version) as ExpresswayRules;
const judge = (ders: Uint8Array[], c: TrustContext, role: 'server' | 'client' = 'server') => judgeChain(ders.map(parseCertificate), role, c);

describe('chain building and path validation', () => {
  it('trusts leaf + intermediate up to a stored root', () => {
    const v = judge([leaf, inter], ctx(store(root)));
    expect(codes(v)).toEqual(['chain-trusted', 'name-match']);
    expect(v.find((x) => x.code === 'chain-trusted')!.subject).toBe('server');
  });
  it('missing intermediate names the issuer', () => {
    const v = judge([leaf], ctx(store(root)));
    expect(codes(v)).toEqual(['missing-intermediate', 'name-match']);
    expect(v[0]!.message).toContain("expe.example.com was issued by 'Example Issuing CA', which was neither sent in the handshake nor is in the clients' trusted root store: the server must send its intermediate certificate");
  });
  it('expressway words in the fix', () => {
    const v = judge([leaf], ctx(store(root), { profile: 'expressway' }));
    const m = v.find((x) => x.code === 'missing-intermediate')!;
    expect(m.fix).toContain('trusted CA list of the Expressway-C');
    // X15.5 (the default) judges the server certificate by its role; X15.4 wants both EKUs on its one certificate.
    expect(codes(v)).not.toContain('eku-missing-clientauth');
    expect(codes(judge([leaf], ctx(store(root), { profile: 'expressway', expressway: rules('X15.4') })))).toContain('eku-missing-clientauth');
  });
  it('root sent is info, out of order is a warning, extras unused', async () => {
    expect(codes(judge([leaf, inter, root], ctx(store(root))))).toEqual(['chain-trusted', 'name-match', 'root-sent']);
    expect(codes(judge([leaf, root, inter], ctx(store(root))))).toEqual(['chain-out-of-order', 'chain-trusted', 'name-match', 'root-sent']);
    const stray = await cert({ name: 'CN=Stray', keys: otherK });
    expect(codes(judge([leaf, inter, stray], ctx(store(root))))).toEqual(['chain-trusted', 'name-match', 'unused-certificate']);
    expect(codes(judge([leaf, inter, inter], ctx(store(root))))).toEqual(['chain-trusted', 'duplicate-certificate', 'name-match']);
  });
  it('untrusted root when the store lacks it', () => {
    expect(codes(judge([leaf, inter, root], ctx(store())))).toEqual(['name-match', 'root-sent', 'untrusted-root']);
    expect(codes(judge([leaf, inter], ctx(store())))).toEqual(['name-match', 'untrusted-root']);
  });
  it('self-signed leaf: error, AnyConnect temporary certificate, trusted when listed', async () => {
    const ss = await cert({ name: 'CN=vpn.example.com', keys: otherK, sans: [{ type: 'dns', value: 'vpn.example.com' }] });
    expect(parseCertificate(ss).info.selfSigned).toBe(true);
    const c = { host: 'vpn.example.com' };
    expect(codes(judge([ss], ctx(store(root), c)))).toEqual(['name-match', 'self-signed']);
    expect(codes(judge([ss], ctx(store(root), { ...c, profile: 'anyconnect' })))).toEqual(['anyconnect-temporary-certificate', 'name-match', 'self-signed']);
    expect(codes(judge([ss], ctx(store(ss), c)))).toEqual(['chain-trusted', 'name-match']);
  });
  it('bad signature (one flipped signature byte)', () => {
    const bad = Uint8Array.from(leaf);
    bad[bad.length - 5] ^= 0x01;
    expect(codes(judge([bad, inter], ctx(store(root))))).toEqual(['bad-signature', 'name-match']);
  });
  it('validity at capture time: expired, not yet valid, expires soon, CA expired', async () => {
    const expired = await leafCert({ notAfter: CAPTURE - DAY });
    expect(codes(judge([expired, inter], ctx(store(root))))).toEqual(['expired-at-capture', 'name-match']);
    // The same certificate judged at a time inside its validity is fine: the capture time decides, not the clock.
    expect(codes(judge([expired, inter], ctx(store(root), { at: new Date(CAPTURE - 10 * DAY) })))).toEqual(['chain-trusted', 'expires-soon', 'name-match']);
    const future = await leafCert({ notBefore: CAPTURE + 3600_000 });
    const v = judge([future, inter], ctx(store(root)));
    expect(codes(v)).toEqual(['name-match', 'not-yet-valid']);
    expect(v.find((x) => x.code === 'not-yet-valid')!.message).toContain('clock skew');
    const soon = await leafCert({ notAfter: CAPTURE + 5 * DAY });
    expect(codes(judge([soon, inter], ctx(store(root))))).toEqual(['chain-trusted', 'expires-soon', 'name-match']);
    const oldInter = await cert({ name: INTER, keys: interK, issuer: { name: ROOT, keys: rootK }, ca: true, notAfter: CAPTURE - DAY });
    expect(codes(judge([leaf, oldInter], ctx(store(root))))).toEqual(['ca-expired-at-capture', 'name-match']);
  });
  it('pathLenConstraint and not-a-ca', async () => {
    const subK = await ecKeys();
    const sub = await cert({ name: 'CN=Sub CA', keys: subK, issuer: { name: INTER, keys: interK }, ca: true });
    const l2 = await leafCert({ issuer: { name: 'CN=Sub CA', keys: subK } });
    expect(codes(judge([l2, sub, inter], ctx(store(root))))).toEqual(['name-match', 'path-length-exceeded']);
    const ee = await cert({ name: 'CN=Not A CA', keys: subK, issuer: { name: ROOT, keys: rootK }, ca: false });
    const l3 = await leafCert({ issuer: { name: 'CN=Not A CA', keys: subK } });
    expect(codes(judge([l3, ee], ctx(store(root))))).toEqual(['name-match', 'not-a-ca']);
    // Under the pathLen-0 intermediate, an end-entity "CA" breaks three rules at once.
    const ee2 = await cert({ name: 'CN=Not A CA', keys: subK, issuer: { name: INTER, keys: interK }, ca: false, ku: KU.digitalSignature });
    expect(codes(judge([l3, ee2, inter], ctx(store(root))))).toEqual(['ca-missing-keycertsign', 'name-match', 'not-a-ca', 'path-length-exceeded']);
  });
  it('name constraints', async () => {
    const ncK = await ecKeys();
    const nc = await cert({ name: 'CN=Constrained CA', keys: ncK, issuer: { name: ROOT, keys: rootK }, ca: true, extra: [nameConstraints(['example.com'])] });
    const ok = await leafCert({ issuer: { name: 'CN=Constrained CA', keys: ncK } });
    expect(codes(judge([ok, nc], ctx(store(root))))).toEqual(['chain-trusted', 'name-match']);
    const out = await leafCert({ issuer: { name: 'CN=Constrained CA', keys: ncK }, name: 'CN=www.other.org', sans: [{ type: 'dns', value: 'www.other.org' }] });
    expect(codes(judge([out, nc], ctx(store(root), { host: 'www.other.org' })))).toEqual(['name-constraints-violated', 'name-match']);
  });
  it('unknown critical extension', async () => {
    const odd = await leafCert({ extra: [new x509.Extension('1.2.3.4.5', true, new Uint8Array([5, 0]))] });
    expect(codes(judge([odd, inter], ctx(store(root))))).toEqual(['name-match', 'unknown-critical-extension']);
  });
  it('cross-signed roots: an old root in the store vouches for a new root', async () => {
    const newRootK = await ecKeys();
    const NEW = 'CN=New Root CA,O=Example';
    const newRoot = await cert({ name: NEW, keys: newRootK, ca: true });
    const cross = await cert({ name: NEW, keys: newRootK, issuer: { name: ROOT, keys: rootK }, ca: true });
    const i2 = await cert({ name: 'CN=Issuing 2', keys: interK, issuer: { name: NEW, keys: newRootK }, ca: true });
    const l = await leafCert({ issuer: { name: 'CN=Issuing 2', keys: interK } });
    // Only the old root trusted: the path goes through the cross certificate.
    expect(codes(judge([l, i2, cross], ctx(store(root))))).toEqual(['chain-trusted', 'name-match']);
    // Only the new root trusted: the cross certificate sent is then unused.
    expect(codes(judge([l, i2, cross], ctx(store(newRoot))))).toEqual(['chain-trusted', 'name-match', 'unused-certificate']);
    // Neither trusted: the best path still ends at a root that is not trusted.
    expect(codes(judge([l, i2, cross], ctx(store())))).toEqual(['name-match', 'untrusted-root']);
  });
  it('signature algorithms: RSA-PSS, Ed25519, ECDSA P-384, RSA-1024 with SHA-1', async () => {
    const pssK = await rsaKeys(2048, 'SHA-256', true);
    const pssRoot = await cert({ name: 'CN=PSS Root', keys: pssK, ca: true });
    const pssLeaf = await leafCert({ issuer: { name: 'CN=PSS Root', keys: pssK } });
    expect(parseCertificate(pssLeaf).info.signatureAlgorithm).toBe('rsassaPss(sha256, salt 32)');
    expect(codes(judge([pssLeaf], ctx(store(pssRoot))))).toEqual(['chain-trusted', 'name-match']);
    const edK = await edKeys();
    const edRoot = await cert({ name: 'CN=Ed Root', keys: edK, ca: true });
    const edLeaf = await leafCert({ issuer: { name: 'CN=Ed Root', keys: edK } });
    expect(parseCertificate(edLeaf).info.signatureAlgorithm).toBe('Ed25519');
    expect(parseCertificate(edRoot).info.key).toEqual({ type: 'Ed25519', bits: 256 });
    expect(codes(judge([edLeaf], ctx(store(edRoot))))).toEqual(['chain-trusted', 'name-match']);
    const weakK = await rsaKeys(1024, 'SHA-1');
    const weakRoot = await cert({ name: 'CN=Weak Root', keys: weakK, ca: true });
    const weakLeaf = await cert({ name: 'CN=expe.example.com', keys: weakK, issuer: { name: 'CN=Weak Root', keys: weakK }, sans: [{ type: 'dns', value: 'expe.example.com' }] });
    expect(parseCertificate(weakLeaf).info.signatureAlgorithm).toBe('sha1WithRSAEncryption');
    // The weak key appears on both certificates of the path; the self-signed root's own SHA-1 signature is not a weakness.
    expect(codes(judge([weakLeaf], ctx(store(weakRoot))))).toEqual(['chain-trusted', 'name-match', 'weak-key', 'weak-key', 'weak-signature']);
    expect(parseCertificate(inter).info.key).toEqual({ type: 'EC', curve: 'P-384', bits: 384 });
  });
  it('EKU per role and profile', async () => {
    const clientOnly = await leafCert({ eku: [EKU.client] });
    expect(codes(judge([clientOnly, inter], ctx(store(root))))).toEqual(['chain-trusted', 'eku-missing-serverauth', 'name-match']);
    expect(codes(judge([clientOnly, inter], ctx(store(root)), 'client'))).toEqual(['chain-trusted']);
    expect(codes(judge([leaf, inter], ctx(store(root)), 'client'))).toEqual(['chain-trusted', 'eku-missing-clientauth']);
    const both = await leafCert({ eku: [EKU.server, EKU.client] });
    expect(codes(judge([both, inter], ctx(store(root), { profile: 'expressway' }), 'client'))).toEqual(['chain-trusted']);
    // Expressway insists on explicit EKUs even though an absent EKU means "any purpose" in RFC 5280.
    const none = await leafCert({ eku: undefined });
    expect(codes(judge([none, inter], ctx(store(root))))).toEqual(['chain-trusted', 'name-match']);
    expect(codes(judge([none, inter], ctx(store(root), { profile: 'expressway' })))).toEqual(['chain-trusted', 'eku-missing-serverauth', 'name-match']);
    expect(codes(judge([none, inter], ctx(store(root), { profile: 'expressway', expressway: rules('X14.3') })))).toEqual(['chain-trusted', 'eku-missing-clientauth', 'eku-missing-serverauth', 'name-match']);
  });
  it('key usage that does not fit the key type', async () => {
    const encOnly = await leafCert({ ku: KU.keyEncipherment });
    expect(codes(judge([encOnly, inter], ctx(store(root))))).toEqual(['chain-trusted', 'key-usage-mismatch', 'name-match']);
  });
});

describe('names and Expressway specifics', () => {
  it('name mismatch, IP without IP SAN, no SAN, no SNI', async () => {
    expect(codes(judge([leaf, inter], ctx(store(root), { host: 'other.example.com' })))).toEqual(['chain-trusted', 'name-mismatch']);
    expect(codes(judge([leaf, inter], ctx(store(root), { host: '192.0.2.7' })))).toEqual(['chain-trusted', 'ip-not-in-san']);
    const ipLeaf = await leafCert({ sans: [{ type: 'ip', value: '192.0.2.7' }, { type: 'dns', value: 'expe.example.com' }] });
    expect(codes(judge([ipLeaf, inter], ctx(store(root), { host: '192.0.2.7' })))).toEqual(['chain-trusted', 'name-match']);
    const cnOnly = await leafCert({ sans: undefined });
    const v = judge([cnOnly, inter], ctx(store(root)));
    expect(codes(v)).toEqual(['chain-trusted', 'name-match', 'no-san']);
    expect(codes(judge([leaf, inter], ctx(store(root), { host: undefined })))).toEqual(['chain-trusted', 'no-name-to-check']);
    const ac = judge([leaf, inter], ctx(store(root), { host: undefined, profile: 'anyconnect' }));
    expect(ac.find((x) => x.code === 'no-name-to-check')!.severity).toBe('warning');
  });
  it('wildcard unsupported, SAN over 999 characters, cluster certificate', async () => {
    const both = [EKU.server, EKU.client];
    const wc = await leafCert({ name: 'CN=*.example.com', eku: both, sans: [{ type: 'dns', value: '*.example.com' }] });
    expect(codes(judge([wc, inter], ctx(store(root), { profile: 'expressway' })))).toEqual(['chain-trusted', 'expressway-wildcard-unsupported', 'name-match']);
    const many = Array.from({ length: 60 }, (_, i) => ({ type: 'dns' as const, value: `node${String(i).padStart(2, '0')}.collab-edge.example.com` }));
    const big = await leafCert({ eku: both, sans: [{ type: 'dns', value: 'expe.example.com' }, ...many] });
    const v = judge([big, inter], ctx(store(root), { profile: 'expressway' }));
    expect(codes(v)).toEqual(['chain-trusted', 'expressway-san-too-long', 'name-match']);
    expect(v.find((x) => x.code === 'expressway-san-too-long')!.message).toMatch(/ignored/);
    const cl = await leafCert({ name: 'CN=expe.example.com', eku: both, sans: ['expe.example.com', 'expe1.example.com', 'expe2.example.com'].map((value) => ({ type: 'dns' as const, value })) });
    expect(codes(judge([cl, inter], ctx(store(root), { profile: 'expressway' })))).toEqual(['chain-trusted', 'expressway-cluster-certificate', 'name-match']);
  });
  it('duplicate subjects in the trusted CA list', async () => {
    const otherRoot = await cert({ name: ROOT, keys: otherK, ca: true });
    const s = store(otherRoot, root);
    expect(s.verdicts().map((x) => x.code)).toEqual(['trust-store-duplicate-subject']);
    expect(s.verdicts()[0]!.message).toContain("same subject 'O=Example,CN=Example Root CA'"); // RFC 4514 order: last RDN first
    // The path builder still finds the right one (AKI/SKI and signature), which is what certshark reports.
    expect(codes(judge([leaf, inter], ctx(s)))).toEqual(['chain-trusted', 'name-match']);
    expect(store(root, root).verdicts()).toEqual([]);
  });
});

describe('certshark check on bundle files', () => {
  it('a bundle listing the CA first is judged from its end-entity certificate', () => {
    expect(codes(judge([inter, leaf], ctx(store(root))))).toEqual(['chain-trusted', 'name-match']);
  });
});
