/**
 * Trusted CA list lint (src/trust/ca-list.ts) on real certificate files: the lab PKI of captures/pki (openssl, by
 * captures/make.sh), a second "Example Test Root CA" with its own key made here by openssl (a CA re-created under
 * the same name: the Expressway shadowing case), and CA certificates @peculiar/x509 builds where openssl cannot
 * easily (expired, not yet valid, SHA-1 signed). Needs are measured on the bundled traversal-zone captures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificates, parseCertificate } from '../../src/x509/index.js';
import { CaListNeeds, lintCaList } from '../../src/trust/index.js';
import { scanCaptures } from '../../src/session.js';
import type { Verdict } from '../../src/model.js';
import { cert, rsaKeys, type Keys } from './pki.js';

const ROOT = resolve(__dirname, '../..');
const PKI = (f: string) => join(ROOT, 'captures/pki', f);
const CAP = (f: string) => join(ROOT, 'captures', f);
const der = (f: string) => loadCertificates(f).certs[0]!;
/** Inside the validity of the lab PKI (made 2026-11-23, CAs valid five to ten years, leaves one). */
const AT = Date.UTC(2026, 11, 15);
const DAY = 86_400_000;

let dir: string;
let twinRoot: Uint8Array;
let twinIssuing: Uint8Array;
let caK: Keys;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-calist-'));
  const make = (name: string, subj: string) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`),
      '-days', '3650', '-subj', subj, '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return der(join(dir, `${name}.pem`));
  };
  twinRoot = make('twin-root', '/C=US/O=Example Test Lab/CN=Example Test Root CA');
  twinIssuing = make('twin-issuing', '/C=US/O=Example Test Lab/CN=Example Test Issuing CA');
  caK = await rsaKeys(2048);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codes = (vs: Verdict[]) => vs.map((v) => v.code);
const find = (vs: Verdict[], code: string) => vs.filter((v) => v.code === code);

describe('lint of the entries', () => {
  it('a clean list: root and its issuing CA', () => {
    const l = lintCaList([der(PKI('root-ca.pem')), der(PKI('issuing-ca.pem'))], AT, 'expressway');
    expect(l.verdicts).toEqual([]);
    expect(l.entries.map((e) => [e.index, e.selfSigned, e.isCA])).toEqual([[1, true, true], [2, false, true]]);
  });

  it('a leaf uploaded as a CA, weak signature and key, an intermediate without its root', () => {
    const l = lintCaList([der(PKI('root-ca.pem')), der(PKI('expe.pem')), der(PKI('legacy-rsa1024-sha1.pem')), der(PKI('policy-ca.pem'))], AT, 'expressway');
    expect(codes(l.verdicts).sort()).toEqual(['ca-list-not-a-ca', 'ca-list-not-a-ca', 'ca-list-root-missing', 'ca-list-weak-key', 'ca-list-weak-signature']);
    expect(find(l.verdicts, 'ca-list-not-a-ca')[0]!.message).toMatch(/^Entry #2 'expe\.example\.test' is not a CA certificate \(basicConstraints cA is false; issued by 'Example Test Issuing CA'\)/);
    expect(find(l.verdicts, 'ca-list-not-a-ca')[0]!.fix).toBe("Upload the CA that issued it ('Example Test Issuing CA') and that CA's root instead.");
    const rm = find(l.verdicts, 'ca-list-root-missing')[0]!;
    expect(rm.message).toMatch(/Entry #4 'Example Test Policy CA' is an intermediate CA, and the CA that issued it, 'Example Test Root CA 2', is not in the list/);
    expect(rm.severity).toBe('error');
    // Outside the Expressway profile an intermediate may anchor: a warning.
    expect(find(lintCaList([der(PKI('policy-ca.pem'))], AT, 'web').verdicts, 'ca-list-root-missing')[0]!.severity).toBe('warning');
    expect(find(l.verdicts, 'ca-list-weak-signature')[0]!.message).toMatch(/Entry #3 'legacy\.example\.test' is signed with sha1WithRSAEncryption/);
  });

  it('two CA certificates with the same subject and different keys: the Expressway takes the first (error)', async () => {
    const l = lintCaList([twinRoot, der(PKI('root-ca.pem')), der(PKI('issuing-ca.pem'))], AT, 'expressway');
    const d = find(l.verdicts, 'trust-store-duplicate-subject');
    expect(d).toHaveLength(1);
    expect(d[0]!.severity).toBe('error');
    expect(d[0]!.message).toMatch(/2 different certificates with the same subject 'CN=Example Test Root CA,O=Example Test Lab,C=US' \(entries #1, #2\).*different keys/);
    // The same common name under another subject: Cisco asks not to.
    const other = await cert({ name: 'CN=Example Test Root CA,O=Other Org', keys: caK, ca: true, notBefore: AT - DAY, notAfter: AT + 900 * DAY });
    const cn = find(lintCaList([der(PKI('root-ca.pem')), other], AT, 'expressway').verdicts, 'trust-store-duplicate-common-name');
    expect(cn).toHaveLength(1);
    expect(cn[0]!.message).toMatch(/Cisco recommends not uploading multiple CA certificates with the same common name/);
  });

  it('the same certificate twice, and a re-issued CA certificate with the same key (a warning)', async () => {
    const l = lintCaList([der(PKI('root-ca.pem')), der(PKI('issuing-ca.pem')), der(PKI('root-ca.pem'))], AT, 'expressway');
    expect(codes(l.verdicts)).toEqual(['trust-store-duplicate-certificate']);
    expect(l.verdicts[0]!.message).toMatch(/is in the list 2 times \(entries #1, #3/);
    const a = await cert({ name: 'CN=Reissued CA', keys: caK, ca: true, notBefore: AT - 400 * DAY, notAfter: AT + 400 * DAY });
    const b = await cert({ name: 'CN=Reissued CA', keys: caK, ca: true, notBefore: AT - 10 * DAY, notAfter: AT + 4000 * DAY });
    const r = find(lintCaList([a, b], AT, 'expressway').verdicts, 'trust-store-duplicate-subject');
    expect(r[0]!.severity).toBe('warning');
    expect(r[0]!.message).toMatch(/share one key.*once the first one expires it hides the valid one/);
  });

  it('expired and not yet valid CA certificates; an unparsable entry keeps its place', async () => {
    const old = await cert({ name: 'CN=Old CA', keys: caK, ca: true, notBefore: AT - 900 * DAY, notAfter: AT - DAY });
    const future = await cert({ name: 'CN=Future CA', keys: caK, ca: true, notBefore: AT + DAY, notAfter: AT + 900 * DAY });
    const l = lintCaList([old, Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00]), future], AT, 'web');
    expect(codes(l.verdicts)).toEqual(['ca-list-expired', 'certificate-unparsable', 'ca-list-not-yet-valid']);
    expect(l.verdicts[0]!.message).toMatch(/^Entry #1 'Old CA' expired/);
    expect(l.verdicts[2]!.message).toMatch(/^Entry #3 'Future CA' is not valid before/);
    expect(l.entries.map((e) => e.index)).toEqual([1, 2, 3]);
    // Entry numbers in messages count the unparsable entry too.
    const d = lintCaList([Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00]), der(PKI('root-ca.pem')), der(PKI('root-ca.pem'))], AT, 'web');
    expect(find(d.verdicts, 'trust-store-duplicate-certificate')[0]!.message).toMatch(/entries #2, #3/);
  });
});

async function needs(list: Uint8Array[], captures: string[], profile: 'web' | 'expressway', roles: ('server' | 'client')[] = ['server', 'client']) {
  const lint = lintCaList(list, AT, profile);
  const n = new CaListNeeds(lint, profile, roles);
  await scanCaptures(captures, { retain: false, judge: (h, certs) => { n.add(h, certs); return []; } });
  return n.result();
}

describe('what the captured chains need', () => {
  it('traversal zone, both chains sent: the root is needed; under expressway the intermediate too (a warning: the peers sent it)', async () => {
    const r = await needs([der(PKI('root-ca.pem'))], [CAP('traversal-healthy.pcapng')], 'expressway');
    expect(r.handshakes).toBe(1);
    expect(r.chains).toBe(2);
    expect(r.needed.map((n) => [n.entry.index, n.roles.sort(), n.handshakes])).toEqual([[1, ['client', 'server'], [1]]]);
    expect(r.missing.map((m) => [m.subject, m.required, m.sha256 === parseCertificate(der(PKI('issuing-ca.pem'))).sha256])).toEqual([
      ['CN=Example Test Issuing CA,O=Example Test Lab,C=US', false, true]]);
    expect(find(r.verdicts, 'ca-list-entry-missing')[0]!.severity).toBe('warning');
    // Outside the Expressway profile a sent intermediate is no concern of the list.
    const w = await needs([der(PKI('root-ca.pem'))], [CAP('traversal-healthy.pcapng')], 'web');
    expect(w.missing).toEqual([]);
    expect(codes(w.verdicts)).toEqual(['ca-list-entry-needed']);
  });

  it('the Expressway-E sends only its leaf: the issuing CA is missing and no peer sent it (error)', async () => {
    const r = await needs([der(PKI('root-ca.pem'))], [CAP('traversal-missing-intermediate.pcap')], 'expressway', ['server']);
    const m = find(r.verdicts, 'ca-list-entry-missing');
    expect(m).toHaveLength(1);
    expect(m[0]!.severity).toBe('error');
    expect(m[0]!.message).toMatch(/The chains of expe\.example\.test \(handshake\(s\) #1\) need the CA 'CN=Example Test Issuing CA,O=Example Test Lab,C=US' \(key id [0-9a-f]{40}\), which is not in the list\. No peer sent it/);
    expect(r.missing[0]!.sha256).toBeUndefined();
    expect(find(r.verdicts, 'ca-list-entry-unused')[0]!.message).toMatch(/1 stop at a missing CA/);
    // With the issuing CA in the list, nothing is missing and both entries are needed.
    const ok = await needs([der(PKI('root-ca.pem')), der(PKI('issuing-ca.pem'))], [CAP('traversal-missing-intermediate.pcap')], 'expressway', ['server']);
    expect(ok.missing).toEqual([]);
    expect(ok.needed.map((n) => n.entry.index)).toEqual([1, 2]);
  });

  it('shadowing shown by the capture: the chains need entry #2, entry #1 has its subject with another key', async () => {
    const r = await needs([twinRoot, der(PKI('root-ca.pem')), der(PKI('issuing-ca.pem'))], [CAP('traversal-healthy.pcapng')], 'expressway');
    const s = find(r.verdicts, 'ca-list-entry-shadowed');
    expect(s).toHaveLength(1);
    expect(s[0]!.message).toMatch(/need entry #2 'CN=Example Test Root CA,O=Example Test Lab,C=US', but entry #1 has the same subject with another key and comes first/);
    expect(find(r.verdicts, 'ca-list-entry-unused').map((v) => v.message)).toEqual([expect.stringMatching(/^Entry #1 /)]);
    // A missing CA whose name is taken by a list entry with another key says so.
    const t = await needs([twinIssuing, der(PKI('root-ca.pem'))], [CAP('traversal-missing-intermediate.pcap')], 'expressway', ['server']);
    expect(t.missing[0]!.shadowedBy).toBe(1);
    expect(find(t.verdicts, 'ca-list-entry-missing')[0]!.message).toMatch(/The list has a certificate with this subject, entry #1, but with another key/);
  });

  it('a leaf in the list is not counted as needed when its chain reaches a listed root; it is when trusted directly', async () => {
    const r = await needs([der(PKI('root-ca.pem')), der(PKI('expe.pem'))], [CAP('traversal-healthy.pcapng')], 'web', ['server']);
    expect(r.needed.map((n) => n.entry.index)).toEqual([1]);
    expect(r.unused.map((u) => u.index)).toEqual([2]);
    // An Expressway validates to a self-signed root: the leaf in its list does not stand in for the missing CA.
    const e = await needs([der(PKI('root-ca.pem')), der(PKI('expe.pem'))], [CAP('traversal-missing-intermediate.pcap')], 'expressway', ['server']);
    expect(e.needed).toEqual([]);
    expect(e.missing.map((m) => [m.subject, m.required])).toEqual([['CN=Example Test Issuing CA,O=Example Test Lab,C=US', true]]);
    expect(e.incomplete).toBe(1);
    const pinned = await needs([der(PKI('asa-selfsigned.pem'))], [CAP('anyconnect-selfsigned.pcap')], 'web', ['server']);
    expect(pinned.needed.map((n) => n.entry.index)).toEqual([1]);
    expect(pinned.missing).toEqual([]);
  });

  it('a self-signed server certificate must be in the list itself; a root the peer sent is no substitute', async () => {
    const r = await needs([der(PKI('root-ca.pem'))], [CAP('anyconnect-selfsigned.pcap')], 'web', ['server']);
    expect(r.missing.map((m) => [m.subject, m.required])).toEqual([['CN=vpn.example.test,O=Example Test Lab,C=US', true]]);
    const v = await needs([der(PKI('root-ca.pem'))], [CAP('chain-variants.pcapng')], 'web', ['server']);
    // chain-variants: one chain is sent with its root; the others come from the ECDSA hierarchy, not in the list.
    expect(v.missing.map((m) => m.subject)).toContain('CN=Example Test ECDSA Root CA,O=Example Test Lab,C=US');
  });
});
