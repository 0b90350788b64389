import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPaths, CertificateFileError, loadCertificates, parseCertificate, parseOwnedCertificate, type AnchorSource,
} from '../../src/x509/index.js';
import { judgeChain, TrustStore } from '../../src/trust/index.js';
import { CAPTURE, cert, ecKeys, EKU, KU, rsaKeys, toPem, type Keys } from '../trust/pki.js';
import * as x509 from '@peculiar/x509';

let rootK: Keys, interK: Keys, leafK: Keys;
let otherRoot: Uint8Array, root: Uint8Array, inter: Uint8Array, leaf: Uint8Array;
let dir: string;

beforeAll(async () => {
  [rootK, interK, leafK] = await Promise.all([rsaKeys(2048), ecKeys(), ecKeys()]);
  root = await cert({ name: 'CN=T Root,O=Test', keys: rootK, ca: true, pathLen: 1 });
  inter = await cert({ name: 'CN=T Inter,O=Test', keys: interK, issuer: { name: 'CN=T Root,O=Test', keys: rootK }, ca: true, pathLen: 0 });
  leaf = await cert({
    name: 'CN=host.example.com', keys: leafK, issuer: { name: 'CN=T Inter,O=Test', keys: interK }, serial: '00ff01',
    ku: KU.digitalSignature | KU.keyAgreement, eku: [EKU.server, EKU.client, '1.2.3.4'],
    sans: [{ type: 'dns', value: 'host.example.com' }, { type: 'ip', value: '192.0.2.1' }, { type: 'ip', value: '2001:db8::1' }, { type: 'email', value: 'a@example.com' }],
  });
  otherRoot = await cert({ name: 'CN=Unrelated Root', keys: leafK, ca: true });
  dir = mkdtempSync(join(tmpdir(), 'certshark-x509-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCertificate', () => {
  it('fills CertificateInfo', () => {
    const p = parseCertificate(leaf);
    expect(p.ok).toBe(true);
    const i = p.info;
    expect(i.subject).toBe('CN=host.example.com');
    expect(i.issuer).toBe('O=Test,CN=T Inter');
    expect(i.subjectCN).toBe('host.example.com');
    expect(i.issuerCN).toBe('T Inter');
    expect(i.serial).toBe('ff01');
    expect(i.notBefore).toBe(new Date(CAPTURE - 150 * 86_400_000).toISOString());
    expect(i.sans).toEqual([
      { type: 'dns', value: 'host.example.com' }, { type: 'ip', value: '192.0.2.1' },
      { type: 'ip', value: '2001:db8::1' }, { type: 'email', value: 'a@example.com' },
    ]);
    expect(i.keyUsage).toEqual(['digitalSignature', 'keyAgreement']);
    expect(i.extKeyUsage).toEqual(['serverAuth', 'clientAuth', '1.2.3.4']);
    expect(i.key).toEqual({ type: 'EC', curve: 'P-256', bits: 256 });
    expect(i.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(i.isCA).toBe(false);
    expect(i.selfSigned).toBe(false);
    expect(i.aki).toBe(parseCertificate(inter).info.ski);
    expect(i.pem).toBe(toPem(leaf));
    expect(i.notes).toBeUndefined();
    const r = parseCertificate(root).info;
    expect(r).toMatchObject({ isCA: true, pathLen: 1, selfSigned: true, key: { type: 'RSA', bits: 2048 }, signatureAlgorithm: 'sha256WithRSAEncryption' });
  });
  it('copies and hashes what it is given; an owned DER with its hash is neither copied nor hashed again', () => {
    const input = Uint8Array.from(leaf);
    const p = parseCertificate(input);
    expect(p.der).not.toBe(input);
    input.fill(0); // a capture chunk reused by the reader
    expect(p.info.subject).toBe('CN=host.example.com');
    expect(p.sha256).toBe(createHash('sha256').update(leaf).digest('hex'));
    // Nothing is cached here: each owner (the session's store, a trust store) keeps what it parsed.
    expect(parseCertificate(leaf)).not.toBe(parseCertificate(leaf));
    const kept = Uint8Array.from(leaf);
    const o = parseOwnedCertificate(kept, p.sha256);
    expect(o.der).toBe(kept);
    expect(o.sha256).toBe(p.sha256);
    expect(o.info).toEqual(p.info);
  });
  it('never throws on hostile bytes: garbage, truncation, every prefix', () => {
    const g = parseCertificate(Uint8Array.from([1, 2, 3]));
    expect(g.ok).toBe(false);
    expect(g.info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(g.info.pem).toContain('BEGIN CERTIFICATE');
    expect(g.info.notes![0]).toMatch(/not an X.509 certificate/);
    for (let n = 0; n < leaf.length; n += 7) expect(parseCertificate(leaf.subarray(0, n)).ok).toBe(false);
    // Length octets claiming more than there is: the inner element overruns its parent.
    const bad = Uint8Array.from(leaf);
    bad[5] = 0xff;
    // parseCertificate turns a decoder exception into an internal-error note: that must not be how it ends.
    const over = parseCertificate(bad);
    expect(over.ok).toBe(false);
    expect(over.info.notes!.join('|')).toMatch(/not an X.509 certificate/);
    expect(over.info.notes!.join('|')).not.toMatch(/internal error/);
  });
  it('an issuer self-signature that does not verify is not selfSigned', () => {
    const b = Uint8Array.from(root);
    b[b.length - 3] ^= 0x40;
    expect(parseCertificate(b).info.selfSigned).toBe(false);
  });
});

describe('buildPaths', () => {
  const anchors = (...ders: Uint8Array[]): AnchorSource => {
    const s = TrustStore.create({ publicRoots: false });
    for (const d of ders) s.add(d, 'user');
    return s;
  };
  it('records sources and anchoring, tolerates any order and duplicates', () => {
    const l = parseCertificate(leaf), i = parseCertificate(inter), r = parseCertificate(root);
    const paths = buildPaths(l, [l, r, i, i], anchors(root));
    expect(paths).toHaveLength(1);
    expect(paths[0]!.anchored).toBe(true);
    expect(paths[0]!.elements.map((e) => [e.cert.info.subjectCN, e.source, e.wireIndex])).toEqual([
      ['host.example.com', 'wire', 0], ['T Inter', 'wire', 2], ['T Root', 'wire', 1],
    ]);
    const p2 = buildPaths(l, [l], anchors(root));
    expect(p2.map((p) => p.end)).toEqual(['issuer-not-found']);
    const p3 = buildPaths(l, [l, i], anchors(inter, root));
    // The intermediate in the store is an anchor itself; the path through to the root is also offered.
    expect(p3.map((p) => [p.end, p.elements.length])).toEqual([['anchor', 2], ['anchor', 3]]);
  });
});

describe('loadCertificates', () => {
  it('PEM bundle with text around, DER, PKCS#7 (DER and PEM), directory', () => {
    const pemFile = join(dir, 'bundle.pem');
    writeFileSync(pemFile, `subject=host\nissuer=T Inter\n${toPem(leaf)}some text\n${toPem(inter)}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`);
    const r = loadCertificates(pemFile);
    expect(r.certs.map((c) => Buffer.from(c).equals(Buffer.from(leaf)) || Buffer.from(c).equals(Buffer.from(inter)))).toEqual([true, true]);
    expect(r.notes.join()).toMatch(/PRIVATE KEY block skipped/);
    const derFile = join(dir, 'root.cer');
    writeFileSync(derFile, root);
    expect(loadCertificates(derFile).certs).toHaveLength(1);
    const clean = join(dir, 'clean.pem');
    writeFileSync(clean, toPem(leaf) + toPem(inter));
    const p7 = join(dir, 'chain.p7b');
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', clean, '-outform', 'DER', '-out', p7]);
    expect(loadCertificates(p7).certs.map((c) => parseCertificate(c).info.subjectCN)).toEqual(['host.example.com', 'T Inter']);
    const p7pem = join(dir, 'chain-pem.p7b');
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', clean, '-out', p7pem]);
    expect(loadCertificates(p7pem).certs).toHaveLength(2);
    const sub = join(dir, 'cas');
    mkdirSync(sub);
    writeFileSync(join(sub, 'a.pem'), toPem(root));
    writeFileSync(join(sub, 'b.der'), inter);
    writeFileSync(join(sub, 'readme.txt'), 'not a certificate');
    const d = loadCertificates(sub);
    expect(d.certs).toHaveLength(2);
    expect(d.notes.join()).toMatch(/readme.txt: no certificate/);
  });
  it('clear one-line errors', () => {
    expect(() => loadCertificates(join(dir, 'nope.pem'))).toThrow(CertificateFileError);
    expect(() => loadCertificates(join(dir, 'nope.pem'))).toThrow(/no such file or directory/);
    const txt = join(dir, 'x.txt');
    writeFileSync(txt, 'hello');
    expect(() => loadCertificates(txt)).toThrow(/no certificate found/);
  });
});

/**
 * Comparison with `openssl verify -attime` over the same chain and store. Differences, by design:
 * - certshark accepts an intermediate in the trust list as an anchor (like browsers, Windows and openssl
 *   -partial_chain) except under --profile expressway; plain openssl verify wants a self-signed root.
 * - openssl stops at its first error; certshark reports every certificate of the path that fails (the whole test
 *   chain shares one validity window, so "expired" is reported for leaf, intermediate and root).
 * - certshark's chain-trusted does not include the host name, EKU or key size (separate verdicts); openssl verify
 *   without -purpose / -verify_hostname / -auth_level does not check them either, so they agree here.
 */
describe('agrees with openssl verify -attime', () => {
  const run = (leafDer: Uint8Array, untrusted: Uint8Array[], ca: Uint8Array[], atMs: number): string => {
    const f = (n: string, ders: Uint8Array[]) => { const p = join(dir, n); writeFileSync(p, ders.map(toPem).join('')); return p; };
    const args = ['verify', '-attime', String(Math.floor(atMs / 1000)), '-CAfile', f('ca.pem', ca)];
    if (untrusted.length) args.push('-untrusted', f('untrusted.pem', untrusted));
    args.push(f('leaf.pem', [leafDer]));
    try {
      return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    } catch (e) {
      return String((e as { stderr?: Buffer }).stderr ?? e);
    }
  };
  const ours = (leafDer: Uint8Array, untrusted: Uint8Array[], ca: Uint8Array[], atMs: number) => {
    const s = TrustStore.create({ publicRoots: false });
    for (const d of ca) s.add(d, 'user');
    return judgeChain([leafDer, ...untrusted].map(parseCertificate), 'server', { store: s, at: new Date(atMs), profile: 'web', host: 'host.example.com' })
      .filter((v) => v.severity === 'error' || v.code === 'chain-trusted').map((v) => v.code).sort();
  };
  const cases: [string, () => [Uint8Array, Uint8Array[], Uint8Array[], number], string[], RegExp][] = [
    ['complete chain', () => [leaf, [inter], [root], CAPTURE], ['chain-trusted'], /: OK/],
    ['missing intermediate', () => [leaf, [], [root], CAPTURE], ['missing-intermediate'], /unable to get local issuer certificate/],
    ['untrusted root', () => [leaf, [inter, root], [otherRoot], CAPTURE], ['untrusted-root'], /self-signed certificate in certificate chain|unable to get local issuer/],
    ['expired at the chosen time', () => [leaf, [inter], [root], CAPTURE + 400 * 86_400_000], ['ca-expired-at-capture', 'ca-expired-at-capture', 'expired-at-capture'], /certificate has expired/],
    ['not yet valid', () => [leaf, [inter], [root], CAPTURE - 400 * 86_400_000], ['not-yet-valid', 'not-yet-valid', 'not-yet-valid'], /not yet valid/],
  ];
  it.each(cases)('%s', (_n, mk, want, re) => {
    const [l, u, c, at] = mk();
    expect(ours(l, u, c, at)).toEqual(want);
    expect(run(l, u, c, at)).toMatch(re);
  });
  it('bad signature', () => {
    const bad = Uint8Array.from(leaf);
    bad[bad.length - 4] ^= 0x01;
    expect(ours(bad, [inter], [root], CAPTURE)).toEqual(['bad-signature']);
    expect(run(bad, [inter], [root], CAPTURE)).toMatch(/signature failure|bad signature|decode issuer public key/);
  });
});

describe('hostile input and loops', () => {
  it('random byte flips and cuts never throw (fast-check)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (flips, cut) => {
        const b = Uint8Array.from(leaf);
        for (const [i, v] of flips) b[i % b.length] = v;
        const p = parseCertificate(b.subarray(0, b.length - (cut % 40)));
        // A decoder exception is caught and becomes a note: the bytes must be judged, not crash the decoder.
        expect((p.info.notes ?? []).filter((n) => /internal error/.test(n))).toEqual([]);
        // Every field a report reads exists whatever the bytes.
        return typeof p.info.sha256 === 'string' && typeof p.info.selfSigned === 'boolean' && Array.isArray(p.info.sans);
      }),
      { numRuns: 300 },
    );
  });
  it('two CAs that cross-sign each other do not loop', async () => {
    const aK = await ecKeys(), bK = await ecKeys();
    const a = await cert({ name: 'CN=Loop A', keys: aK, issuer: { name: 'CN=Loop B', keys: bK }, ca: true });
    const b = await cert({ name: 'CN=Loop B', keys: bK, issuer: { name: 'CN=Loop A', keys: aK }, ca: true });
    const l = await cert({ name: 'CN=loop.example.com', keys: leafK, issuer: { name: 'CN=Loop A', keys: aK } });
    const s = TrustStore.create({ publicRoots: false });
    const paths = buildPaths(parseCertificate(l), [l, a, b].map(parseCertificate), s);
    expect(paths.map((p) => [p.end, p.elements.map((e) => e.cert.info.subjectCN)])).toEqual([
      ['issuer-not-found', ['loop.example.com', 'Loop A', 'Loop B']],
    ]);
  });
});

describe('Authority Information Access', () => {
  it('caIssuers and OCSP URLs, as @peculiar/x509 reads them', async () => {
    const der = await cert({
      name: 'CN=aia.example.com', keys: leafK, issuer: { name: 'CN=T Inter,O=Test', keys: interK },
      extra: [new x509.AuthorityInfoAccessExtension({
        ocsp: 'http://ocsp.example.com/', caIssuers: ['http://pki.example.com/inter.crt', 'ldap://ldap.example.com/cn=T%20Inter'],
      })],
    });
    const oracle = new x509.X509Certificate(der).getExtension(x509.AuthorityInfoAccessExtension)!;
    const aia = parseCertificate(der).info.aia;
    expect(aia).toEqual({
      ocsp: oracle.ocsp.map((g) => g.value),
      caIssuers: oracle.caIssuers.map((g) => g.value),
    });
    expect(aia!.caIssuers).toEqual(['http://pki.example.com/inter.crt', 'ldap://ldap.example.com/cn=T%20Inter']);
    // A certificate without the extension has no aia field at all.
    expect(parseCertificate(leaf).info.aia).toBeUndefined();
  });
  it('caIssuers URL of a certificate openssl made, as openssl prints it', () => {
    const key = join(dir, 'aia.key');
    const crt = join(dir, 'aia.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt,
      '-days', '30', '-subj', '/CN=aia.example.test', '-addext', 'authorityInfoAccess=caIssuers;URI:http://pki.example.test/issuing.cer,OCSP;URI:http://ocsp.example.test'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    const text = execFileSync('openssl', ['x509', '-in', crt, '-noout', '-ext', 'authorityInfoAccess']).toString();
    const printed = [...text.matchAll(/CA Issuers - URI:(\S+)/g)].map((m) => m[1]);
    expect(printed).toEqual(['http://pki.example.test/issuing.cer']);
    const p = parseCertificate(loadCertificates(crt).certs[0]!);
    expect(p.info.aia).toEqual({ ocsp: ['http://ocsp.example.test'], caIssuers: printed });
  });
});
