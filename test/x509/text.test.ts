/**
 * src/x509/text.ts against the real thing: every line it renders must be a line of
 * `openssl x509 -text -noout -nameopt compat` for the same certificate, in the same order, and the Subject, Issuer
 * and Subject Alternative Name lines must be among them (the lines an Expressway authentication pattern reads).
 * Certificates: the lab PKI of captures/pki (made by captures/make.sh with openssl), the hostile certificate of
 * test/fixtures/hostile, certificates openssl makes here with unusual names and SANs, and certificates
 * @peculiar/x509 builds with other key and signature types.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificates, opensslCompatName, parseCertificate, renderOpensslText } from '../../src/x509/index.js';
import { cert, edKeys, rsaKeys, ecKeys, EKU } from '../trust/pki.js';

const ROOT = resolve(__dirname, '../..');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'certshark-text-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(der: Uint8Array): string[] {
  return execFileSync('openssl', ['x509', '-inform', 'DER', '-text', '-noout', '-nameopt', 'compat'], { input: Buffer.from(der) })
    .toString('latin1').trimEnd().split('\n');
}

/** Our lines, checked to be an in-order subsequence of openssl's; returns them. */
function agrees(der: Uint8Array, label: string): string[] {
  const mine = renderOpensslText(parseCertificate(der)).trimEnd().split('\n');
  const theirs = openssl(der);
  let j = 0;
  for (const l of mine) {
    const k = theirs.indexOf(l, j);
    expect(k, `${label}: ${JSON.stringify(l)} not in openssl's output after line ${j}:\n${theirs.join('\n')}`).toBeGreaterThanOrEqual(0);
    j = k + 1;
  }
  for (const want of [/^ {8}Subject: /, /^ {8}Issuer: /]) expect(mine.some((l) => want.test(l)), `${label} ${want}`).toBe(true);
  const sanAt = theirs.findIndex((l) => l.startsWith('            X509v3 Subject Alternative Name:'));
  if (sanAt >= 0) expect(mine, label).toContain(theirs[sanAt + 1]);
  return mine;
}

function makeWithOpenssl(name: string, args: string[], config = ''): Uint8Array {
  const cnf = join(dir, `${name}.cnf`);
  writeFileSync(cnf, 'distinguished_name=dn\n[dn]\n' + config);
  const out = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', out, '-config', cnf, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return loadCertificates(out).certs[0]!;
}

describe('renderOpensslText agrees with openssl x509 -text -nameopt compat', () => {
  it('on the lab PKI and the hostile certificate', () => {
    const files = readdirSync(join(ROOT, 'captures/pki')).filter((f) => f.endsWith('.pem')).map((f) => join(ROOT, 'captures/pki', f));
    files.push(join(ROOT, 'test/fixtures/hostile/hostile.pem'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) for (const der of loadCertificates(f).certs) agrees(der, f);
    const expe = agrees(loadCertificates(join(ROOT, 'captures/pki/expe.pem')).certs[0]!, 'expe');
    expect(expe).toContain('        Subject: C=US, O=Example Test Lab, CN=expe.example.test');
    expect(expe).toContain('                DNS:expe.example.test');
    // Control characters and UTF-8 of the hostile subject are escaped the way OpenSSL does, \xHH.
    const hostile = agrees(loadCertificates(join(ROOT, 'test/fixtures/hostile/hostile.pem')).certs[0]!, 'hostile');
    expect(hostile.find((l) => l.includes('Subject:'))).toMatch(/^ {8}Subject: O=Evil\\x1B\[31mRed, CN=\.\.\\\/\.\.\\\/.*\\xE2\\x80\\xAEmoc\.live$/);
  });

  it('on names OpenSSL prints in its own way: multi-valued RDN, UTF-8, e-mail attribute, a "/CN=" inside a value', () => {
    const der = makeWithOpenssl('names', [
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-days', '30', '-utf8', '-multivalue-rdn',
      '-subj', '/DC=com/DC=example/O=Exämple \\/CN=trick/OU=Unit+UID=jdoe/CN=Jöhn Doe/emailAddress=jdoe@example.com/serialNumber=12345',
      '-addext', 'subjectAltName=DNS:jdoe.example.com,IP:10.1.2.3,IP:2001:db8::1,email:jdoe@example.com,URI:https://example.com/u/jdoe,' +
        'otherName:1.3.6.1.4.1.311.20.2.3;UTF8:jdoe@corp.example.com,otherName:1.2.3.9;UTF8:x,otherName:1.2.3.10;INT:5,dirName:dir_sect,RID:1.2.3.4',
      '-addext', 'extendedKeyUsage=clientAuth,1.3.6.1.4.1.311.20.2.2,1.2.3.99,emailProtection',
      '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation',
      '-addext', 'authorityInfoAccess=caIssuers;URI:http://pki.example.com/ca.crt,OCSP;URI:http://ocsp.example.com',
    ], '[dir_sect]\nC=US\nO=Dir Org\nCN=Dir Name\n');
    const lines = agrees(der, 'names');
    expect(lines).toContain('        Subject: DC=com, DC=example, O=Ex\\xC3\\xA4mple \\, CN=trick, OU=Unit+UID=jdoe, CN=J\\xC3\\xB6hn Doe/emailAddress=jdoe@example.com/serialNumber=12345');
    expect(lines.join('\n')).toContain('othername: UPN::jdoe@corp.example.com, othername: 1.2.3.9::x, othername: 1.2.3.10::<unsupported>, DirName:/C=US/O=Dir Org/CN=Dir Name');
    expect(lines).toContain('                TLS Web Client Authentication, Microsoft Smartcard Login, 1.2.3.99, E-mail Protection');
    expect(lines).toContain('                CA Issuers - URI:http://pki.example.com/ca.crt');
  });

  it('on serial numbers (small, negative, past 2^63) and GeneralizedTime dates', () => {
    const small = agrees(makeWithOpenssl('s1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-days', '30', '-subj', '/CN=small', '-set_serial', '1']), 'small');
    expect(small).toContain('        Serial Number: 1 (0x1)');
    const neg = agrees(makeWithOpenssl('s2', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-days', '30', '-subj', '/CN=neg', '-set_serial', '-5']), 'negative');
    expect(neg).toContain('        Serial Number: -5 (-0x5)');
    const big = agrees(makeWithOpenssl('s3', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-days', '40000', '-subj', '/CN=big', '-set_serial', '0x8000000000000001']), 'big');
    expect(big).toContain('            80:00:00:00:00:00:00:01');
    expect(big.find((l) => l.includes('Not After'))).toMatch(/ 21\d\d GMT$/);
  });

  it('on other key and signature types (@peculiar/x509)', async () => {
    const ed = await edKeys();
    const pss = await rsaKeys(2048, 'SHA-256', true);
    const p384 = await ecKeys('P-384');
    for (const [label, keys] of [['Ed25519', ed], ['RSA-PSS', pss], ['P-384', p384]] as const) {
      const der = await cert({ name: `CN=${label}.example.com,O=Key Types`, keys, eku: [EKU.client], sans: [{ type: 'email', value: 'k@example.com' }] });
      agrees(der, label);
    }
  });
});

describe('opensslCompatName', () => {
  it('is empty for an empty name, and a malformed name gives no text', () => {
    expect(opensslCompatName(Uint8Array.from([0x30, 0x00]))).toBe('');
    expect(opensslCompatName(Uint8Array.from([0x30, 0x05, 0x31]))).toBe('');
  });
});
