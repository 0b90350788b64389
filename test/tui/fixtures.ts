/**
 * Model fixtures built by hand, shaped like what the pipeline produces for the captures engineers bring:
 * an Expressway traversal zone on TCP 7001 where the Expressway-E sends its leaf without the issuing CA and the
 * Expressway-C answers with alert unknown_ca; a healthy traversal handshake whose root came from the trust store;
 * an ASA/AnyConnect headend still on its temporary self-signed certificate (TCP and DTLS); a TLS 1.3 handshake
 * without a key log; and a hostile certificate whose subject carries terminal escape sequences.
 */
import { createHash } from 'node:crypto';
import type { CertificateInfo, ChainPath, Handshake, TrustPaths, Verdict } from '../../src/model.js';
import type { VerdictCode } from '../../src/trust/codes.js';
import { ASA_PEM, INT_PEM, LEAF_PEM, ROOT_PEM } from './pems.js';

function der(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function info(pem: string, rest: Omit<CertificateInfo, 'sha256' | 'sha1' | 'pem'>): CertificateInfo {
  const d = der(pem);
  return {
    sha256: createHash('sha256').update(d).digest('hex'),
    sha1: createHash('sha1').update(d).digest('hex'),
    pem,
    ...rest,
  };
}

export const ROOT = info(ROOT_PEM, {
  subject: 'CN=Example Root CA,O=Example Corp',
  issuer: 'CN=Example Root CA,O=Example Corp',
  subjectCN: 'Example Root CA',
  issuerCN: 'Example Root CA',
  serial: '6871ef152bd1810225c8dbd2b9eb9b80ccac264a',
  notBefore: '2026-11-23T11:14:01Z',
  notAfter: '2036-11-20T11:14:01Z',
  sans: [],
  keyUsage: ['keyCertSign', 'cRLSign'],
  extKeyUsage: [],
  key: { type: 'RSA', bits: 2048 },
  signatureAlgorithm: 'sha256WithRSAEncryption',
  isCA: true,
  ski: '0d903228dfbe02b8e6cf122f73e14dd08da7dcc0',
  aki: '0d903228dfbe02b8e6cf122f73e14dd08da7dcc0',
  selfSigned: true,
});

export const INTERMEDIATE = info(INT_PEM, {
  subject: 'CN=Example Issuing CA 1,O=Example Corp',
  issuer: ROOT.subject,
  subjectCN: 'Example Issuing CA 1',
  issuerCN: 'Example Root CA',
  serial: '523f24683b37b6422a3da160ebc2a3c55f2f2950',
  notBefore: '2026-11-23T11:14:02Z',
  notAfter: '2031-11-22T11:14:02Z',
  sans: [],
  keyUsage: ['keyCertSign', 'cRLSign'],
  extKeyUsage: [],
  key: { type: 'RSA', bits: 2048 },
  signatureAlgorithm: 'sha256WithRSAEncryption',
  isCA: true,
  pathLen: 0,
  ski: '0845f9e02d0d100267c6db8d6d541fe43885514a',
  aki: '0d903228dfbe02b8e6cf122f73e14dd08da7dcc0',
  selfSigned: false,
});

export const LEAF = info(LEAF_PEM, {
  subject: 'CN=vcse.example.com,O=Example Corp',
  issuer: INTERMEDIATE.subject,
  subjectCN: 'vcse.example.com',
  issuerCN: 'Example Issuing CA 1',
  serial: '33e04f1fa3f4658ca64b430bee83da02122e0d07',
  notBefore: '2026-11-23T11:14:02Z',
  notAfter: '2027-12-25T11:14:02Z',
  sans: [
    { type: 'DNS', value: 'vcse.example.com' },
    { type: 'DNS', value: 'example.com' },
  ],
  keyUsage: ['digitalSignature'],
  extKeyUsage: ['serverAuth', 'clientAuth'],
  key: { type: 'EC', bits: 256, curve: 'P-256' },
  signatureAlgorithm: 'sha256WithRSAEncryption',
  isCA: false,
  ski: '3d8799ef9f9ed195e14293db7d70f0c086e0d080',
  aki: '0845f9e02d0d100267c6db8d6d541fe43885514a',
  selfSigned: false,
  aia: { ocsp: ['http://ocsp.example.com'], caIssuers: ['http://pki.example.com/issuing1.crt'] },
  crlDistributionPoints: ['http://pki.example.com/issuing1.crl'],
  sctCount: 0,
});

export const ASA = info(ASA_PEM, {
  subject: 'CN=ASA Temporary Self Signed Certificate',
  issuer: 'CN=ASA Temporary Self Signed Certificate',
  subjectCN: 'ASA Temporary Self Signed Certificate',
  issuerCN: 'ASA Temporary Self Signed Certificate',
  serial: '495d998a9036bdf8efff6476332e2e7ac53c72ec',
  notBefore: '2026-11-23T11:14:02Z',
  notAfter: '2036-11-20T11:14:02Z',
  sans: [],
  keyUsage: [],
  extKeyUsage: [],
  key: { type: 'RSA', bits: 2048 },
  signatureAlgorithm: 'sha256WithRSAEncryption',
  isCA: true,
  selfSigned: true,
});

/** A subject that tries to set the window title and clear the screen. */
export const EVIL_CN = '\x1b]0;pwned\x07\x1b[2J';
export const EVIL: CertificateInfo = {
  ...ASA,
  sha256: 'e'.repeat(64),
  sha1: 'e'.repeat(40),
  subject: `CN=${EVIL_CN}`,
  issuer: `CN=${EVIL_CN}`,
  subjectCN: EVIL_CN,
  issuerCN: EVIL_CN,
  sans: [{ type: 'DNS', value: 'evil\u202Egnp.exe' }],
};

export const CERTS: CertificateInfo[] = [ROOT, INTERMEDIATE, LEAF, ASA, EVIL];

const v = (code: VerdictCode, severity: Verdict['severity'], subject: string, message: string, fix?: string): Verdict => ({
  code,
  severity,
  subject,
  message,
  fix,
});

function hs(p: Partial<Handshake> & Pick<Handshake, 'id' | 'client' | 'server'>): Handshake {
  return {
    transport: 'tcp',
    firstFrame: p.id * 10,
    lastFrame: p.id * 10 + 9,
    time: `2026-12-01T09:15:${String(10 + (p.id % 50)).padStart(2, '0')}.250Z`,
    ts: Date.parse('2026-12-01T09:15:10Z') / 1000 + p.id,
    serverChain: [],
    clientChain: [],
    alerts: [],
    encrypted: false,
    complete: true,
    notes: [],
    version: 'TLS 1.2',
    cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    ...p,
  };
}

/** Expressway-C → Expressway-E traversal zone: the E sends only its leaf, the C rejects it with unknown_ca. */
export const TRAVERSAL_BROKEN = hs({
  id: 1,
  client: { ip: '10.0.0.5', port: 51234 },
  server: { ip: '192.0.2.10', port: 7001 },
  sni: 'vcse.example.com',
  serverChain: [LEAF.sha256],
  clientChain: [],
  complete: false,
  certificateRequest: { types: ['rsa_sign', 'ecdsa_sign'], sigAlgs: ['rsa_pkcs1_sha256'], authorities: [ROOT.subject], frame: 13 },
  alerts: [{ from: 'client', level: 2, levelName: 'fatal', description: 48, descriptionName: 'unknown_ca', frame: 15 }],
  frames: { clientHello: 11, serverHello: 13, serverCertificate: 13 },
  verdicts: [
    v(
      'missing-intermediate',
      'error',
      'server',
      'The server sent only its own certificate; the issuer "Example Issuing CA 1" was not sent and is not in the trust store.',
      'Upload the intermediate "Example Issuing CA 1" with the server certificate on the Expressway-E (Maintenance > Security > Server certificate), or add it to the Expressway-C trusted CA list.',
    ),
    v('name-match', 'ok', LEAF.sha256, 'vcse.example.com matches the SAN dNSName vcse.example.com.'),
    v('alert-unknown-ca', 'error', 'handshake', 'The client rejected the server chain with alert unknown_ca (48) in frame 15.', 'The client does not trust the issuer: see the chain verdicts.'),
  ],
});

/** The same zone working: leaf and issuing CA sent, root found in the trust store. */
export const TRAVERSAL_OK = hs({
  id: 2,
  client: { ip: '10.0.0.6', port: 51240 },
  server: { ip: '192.0.2.10', port: 7001 },
  sni: 'vcse.example.com',
  serverChain: [LEAF.sha256, INTERMEDIATE.sha256],
  clientChain: [LEAF.sha256],
  version: 'TLS 1.2',
  verdicts: [
    v('chain-trusted', 'ok', 'server', 'The chain leads to the trusted root "Example Root CA".'),
    v('chain-trusted', 'ok', 'client', 'The chain leads to the trusted root "Example Root CA".'),
    v('name-match', 'ok', LEAF.sha256, 'vcse.example.com matches the SAN dNSName vcse.example.com.'),
    v('chain-trusted', 'ok', ROOT.sha256, 'Trust anchor from the trust store.'),
  ],
});

/** ASA headend on its temporary self-signed certificate (AnyConnect over TLS). */
export const ANYCONNECT_SELF_SIGNED = hs({
  id: 3,
  client: { ip: '198.51.100.23', port: 60001 },
  server: { ip: '203.0.113.1', port: 443 },
  sni: 'vpn.example.net',
  alpn: ['http/1.1'],
  serverChain: [ASA.sha256],
  verdicts: [
    v('self-signed', 'error', 'server', 'The server sent a self-signed certificate that no client trusts.'),
    v(
      'anyconnect-temporary-certificate',
      'error',
      ASA.sha256,
      'This is the ASA temporary self-signed certificate, regenerated at every reload.',
      'Enroll a certificate from a public CA and bind it with "ssl trust-point <name> outside".',
    ),
    v('name-mismatch', 'error', ASA.sha256, 'vpn.example.net is not in the certificate (no SAN; CN is "ASA Temporary Self Signed Certificate").'),
  ],
});

/** The same headend over DTLS (AnyConnect's UDP tunnel). */
export const ANYCONNECT_DTLS = hs({
  id: 4,
  transport: 'udp',
  client: { ip: '198.51.100.23', port: 60002 },
  server: { ip: '203.0.113.1', port: 443 },
  version: 'DTLS 1.2',
  serverChain: [ASA.sha256],
  verdicts: ANYCONNECT_SELF_SIGNED.verdicts,
});

/** TLS 1.3 without a key log: certificates encrypted. */
export const TLS13 = hs({
  id: 5,
  client: { ip: '10.0.0.7', port: 40000 },
  server: { ip: '198.18.0.1', port: 443 },
  sni: 'www.example.org',
  version: 'TLS 1.3',
  encrypted: true,
  notes: ['TLS 1.3: certificates encrypted (no key log)'],
  verdicts: [v('certificates-encrypted', 'info', 'server', 'TLS 1.3 encrypts the certificates; give --keylog.')],
});

/** A hostile server: subject and SNI carry escape sequences and a bidi override. */
export const HOSTILE = hs({
  id: 6,
  client: { ip: '10.0.0.8', port: 40001 },
  server: { ip: '192.0.2.66', port: 8443 },
  sni: 'x\x1b[31mred\u202Eevil',
  serverChain: [EVIL.sha256],
  notes: ['record truncated at frame 65'],
  verdicts: [v('self-signed', 'error', 'server', `Self-signed: ${EVIL_CN}`)],
});

export const HANDSHAKES: Handshake[] = [TRAVERSAL_BROKEN, TRAVERSAL_OK, ANYCONNECT_SELF_SIGNED, ANYCONNECT_DTLS, TLS13, HOSTILE];

const wire = (c: CertificateInfo, wireIndex: number) => ({ sha256: c.sha256, source: 'wire' as const, wireIndex });
const store = (c: CertificateInfo) => ({ sha256: c.sha256, source: 'store' as const });
const alone = (c: CertificateInfo): ChainPath => ({ certificates: [wire(c, 0)] });

/** The paths the trust engine reports for the fixtures (ScanListener.onTrustPaths), as it would judge them. */
export const PATHS: TrustPaths[] = [
  { id: 1, server: { certificates: [wire(LEAF, 0)], missing: { issuer: 'Example Issuing CA 1', reason: 'missing-intermediate' } } },
  { id: 2, server: { certificates: [wire(LEAF, 0), wire(INTERMEDIATE, 1), store(ROOT)] }, client: { certificates: [wire(LEAF, 0), store(INTERMEDIATE), store(ROOT)] } },
  { id: 3, server: alone(ASA) },
  { id: 4, server: alone(ASA) },
  { id: 6, server: alone(EVIL) },
];

/** `n` handshakes cycling through the fixtures with distinct ids and client ports. */
export function manyHandshakes(n: number): Handshake[] {
  const out: Handshake[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = HANDSHAKES[i % 5]!; // the five ordinary ones
    out[i] = { ...t, id: i + 1, client: { ip: t.client.ip, port: 1024 + (i % 60000) }, ts: t.ts + i / 1000 };
  }
  return out;
}
