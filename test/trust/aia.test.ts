/** The missing-intermediate verdict says who fetches the issuer from the leaf's AIA caIssuers URL (src/trust/aia.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { parseCertificate } from '../../src/x509/index.js';
import { judgeChain, TrustStore } from '../../src/trust/index.js';
import { CAPTURE, cert, ecKeys, EKU, KU, type Keys } from './pki.js';

const ROOT = 'CN=Lab Root CA,O=Example';
const INTER = 'CN=Lab Issuing CA,O=Example';
let rootK: Keys, interK: Keys, leafK: Keys;
let root: Uint8Array;

beforeAll(async () => {
  [rootK, interK, leafK] = await Promise.all([ecKeys(), ecKeys(), ecKeys()]);
  root = await cert({ name: ROOT, keys: rootK, ca: true });
});

const leafWith = (caIssuers?: string[]) => cert({
  name: 'CN=expe.example.com', keys: leafK, issuer: { name: INTER, keys: interK }, ku: KU.digitalSignature,
  eku: [EKU.server, EKU.client], sans: [{ type: 'dns', value: 'expe.example.com' }],
  extra: caIssuers ? [new x509.AuthorityInfoAccessExtension({ caIssuers })] : [],
});

function missing(leaf: Uint8Array, profile: 'web' | 'expressway' = 'expressway') {
  const store = TrustStore.create({ publicRoots: false });
  store.add(root, 'user');
  const v = judgeChain([parseCertificate(leaf)], 'server', { store, at: new Date(CAPTURE), profile, host: 'expe.example.com' });
  return v.find((x) => x.code === 'missing-intermediate');
}

describe('missing intermediate with an AIA caIssuers URL', () => {
  it('names the URL and which peers fetch it and which do not', async () => {
    const v = missing(await leafWith(['http://pki.example.com/aia-issuing.crt']));
    expect(v).toBeDefined();
    expect(v!.message).toContain('AIA caIssuers http://pki.example.com/aia-issuing.crt');
    expect(v!.message).toMatch(/browsers fetch it.*Chrome and Edge.*Windows CryptoAPI/);
    expect(v!.message).toMatch(/Firefox knows the intermediates of public CAs/);
    expect(v!.message).toMatch(/Cisco Expressway, Cisco IP phones, OpenSSL-based peers .* Java by default do not fetch/);
    expect(v!.severity).toBe('error');
  });
  it('says nothing about fetching when the leaf names no URL', async () => {
    const v = missing(await leafWith());
    expect(v).toBeDefined();
    expect(v!.message).not.toMatch(/AIA|fetch/);
  });
  it('escapes a URL from the wire and counts the others', async () => {
    const v = missing(await leafWith(['http://evil.example.com/\x1b[2J\x07.crt', 'ldap://x.example.com/']), 'web');
    expect(v!.message).toContain('http://evil.example.com/\\x1b[2J\\x07.crt (and 1 more)');
    expect(v!.message).not.toMatch(/[\x00-\x1f]/);
  });
});
