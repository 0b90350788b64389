import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type ParsedCertificate } from '../../src/x509/index.js';
import { judgeHandshake, matchDnsName, checkHostname, TrustStore, type TrustContext } from '../../src/trust/index.js';
import type { Handshake, Verdict } from '../../src/model.js';
import { CAPTURE, cert, ecKeys, EKU, KU, type Keys } from './pki.js';

let rootK: Keys, leafK: Keys;
let root: ParsedCertificate, leaf: ParsedCertificate, client: ParsedCertificate;
const codes = (v: Verdict[]) => v.map((x) => x.code).sort();

beforeAll(async () => {
  [rootK, leafK] = await Promise.all([ecKeys(), ecKeys()]);
  root = parseCertificate(await cert({ name: 'CN=Lab Root', keys: rootK, ca: true }));
  leaf = parseCertificate(await cert({ name: 'CN=expe.example.com', keys: leafK, issuer: { name: 'CN=Lab Root', keys: rootK }, serial: '1234', ku: KU.digitalSignature, eku: [EKU.server, EKU.client], sans: [{ type: 'dns', value: 'expe.example.com' }] }));
  client = parseCertificate(await cert({ name: 'CN=expc.example.com', keys: leafK, issuer: { name: 'CN=Lab Root', keys: rootK }, ku: KU.digitalSignature, eku: [EKU.server, EKU.client], sans: [{ type: 'dns', value: 'expc.example.com' }] }));
});

function hs(o: Partial<Handshake>): Handshake {
  return {
    id: 1, transport: 'tcp', client: { ip: '10.0.0.2', port: 50000 }, server: { ip: '198.51.100.9', port: 7001 },
    firstFrame: 1, lastFrame: 9, time: new Date(CAPTURE).toISOString(), ts: CAPTURE / 1000, sni: 'expe.example.com',
    serverChain: [leaf.sha256], clientChain: [], alerts: [], encrypted: false, complete: true, notes: [], ...o,
  };
}
function ctx(profile: TrustContext['profile'] = 'web', trusted = true): TrustContext {
  const store = TrustStore.create({ publicRoots: false });
  if (trusted) store.add(root.der, 'user');
  return { store, at: 'capture', profile };
}
const map = () => new Map([leaf, client, root].map((c) => [c.sha256, c]));

describe('handshake evidence', () => {
  it('server chain judged at the capture time (h.ts), not the clock', () => {
    expect(codes(judgeHandshake(hs({}), map(), ctx()))).toEqual(['chain-trusted', 'name-match']);
    // Ten years later the same handshake is still judged at its capture time...
    expect(codes(judgeHandshake(hs({}), map(), ctx()))).not.toContain('expired-at-capture');
    // ...unless the caller asks for another time.
    expect(codes(judgeHandshake(hs({}), map(), { ...ctx(), at: new Date(CAPTURE + 400 * 86_400_000) }))).toContain('expired-at-capture');
  });
  it('unknown_ca from the Expressway-C is attributed and explained', () => {
    const v = judgeHandshake(hs({ alerts: [{ from: 'client', level: 2, levelName: 'fatal', description: 48, descriptionName: 'unknown_ca', frame: 7 }] }), map(), ctx('expressway', false));
    expect(codes(v)).toEqual(['alert-unknown-ca', 'missing-intermediate', 'name-match']);
    const a = v.find((x) => x.code === 'alert-unknown-ca')!;
    expect(a.subject).toBe('server');
    expect(a.message).toContain("The Expressway-C (client) 10.0.0.2 rejected the certificate of the Expressway-E (server)");
    expect(a.message).toContain('unknown_ca — the issuer of expe.example.com is not in its trusted CA list');
  });
  it('close_notify is not a problem; protocol alerts are', () => {
    expect(codes(judgeHandshake(hs({ alerts: [{ from: 'server', level: 1, levelName: 'warning', description: 0, descriptionName: 'close_notify', frame: 9 }] }), map(), ctx()))).toEqual(['chain-trusted', 'name-match']);
    expect(codes(judgeHandshake(hs({ alerts: [{ from: 'server', level: 2, levelName: 'fatal', description: 70, descriptionName: 'protocol_version', frame: 3 }] }), map(), ctx()))).toContain('alert-protocol');
  });
  it('client certificate requested but not sent lists the accepted CAs', () => {
    const cr = { types: ['ecdsa_sign'], sigAlgs: [], authorities: ['CN=Lab Root', 'CN=Other CA'], frame: 4 };
    const v = judgeHandshake(hs({ certificateRequest: cr, clientSentEmptyCertificate: true }), map(), ctx('expressway'));
    expect(codes(v)).toEqual(['chain-trusted', 'client-cert-not-sent', 'name-match']);
    expect(v.find((x) => x.code === 'client-cert-not-sent')!.message).toContain('CN=Lab Root; CN=Other CA');
    // Sent and leading to a listed CA: both chains judged, nothing else.
    expect(codes(judgeHandshake(hs({ certificateRequest: cr, clientChain: [client.sha256] }), map(), ctx('expressway')))).toEqual(['chain-trusted', 'chain-trusted', 'name-match']);
    const other = { ...cr, authorities: ['CN=Other CA'] };
    expect(codes(judgeHandshake(hs({ certificateRequest: other, clientChain: [client.sha256] }), map(), ctx('expressway')))).toEqual(['chain-trusted', 'chain-trusted', 'client-cert-not-in-accepted-cas', 'name-match']);
  });
  it('encrypted TLS 1.3 certificates and capture gaps', () => {
    const v = judgeHandshake(hs({ serverChain: [], encrypted: true, version: 'TLS 1.3' }), map(), ctx());
    expect(codes(v)).toEqual(['certificates-encrypted']);
    expect(v[0]!.fix).toContain('SSLKEYLOGFILE');
    expect(v[0]!.fix).toContain('-keylogfile');
    expect(v[0]!.message).toMatch(/^This is TLS 1\.3:/);
    // QUIC carries TLS 1.3 inside its own packets: the words name both.
    const q = judgeHandshake(hs({ serverChain: [], encrypted: true, version: 'TLS 1.3', transport: 'quic' }), map(), ctx());
    expect(codes(q)).toEqual(['certificates-encrypted']);
    expect(q[0]!.message).toMatch(/^This is QUIC \(TLS 1\.3 inside\):/);
    expect(codes(judgeHandshake(hs({ serverChain: [], complete: false, notes: ['gap in server stream at seq 1234'] }), map(), ctx()))).toEqual(['handshake-data-missing']);
  });
  it('stapled OCSP: good, revoked, stale, other serial', () => {
    const at = CAPTURE;
    const good = ocsp('1234', 'good', at - 3600_000, at + 86_400_000);
    const v = judgeHandshake(hs({ ocsp: { der: good, frame: 5 } }), map(), ctx());
    expect(codes(v)).toEqual(['chain-trusted', 'name-match', 'ocsp-good']);
    expect(v.find((x) => x.code === 'ocsp-good')!.message).toContain('1 hours old'.replace('1 hours', '60 minutes'));
    expect(codes(judgeHandshake(hs({ ocsp: { der: ocsp('1234', 'revoked', at - 1000, undefined), frame: 5 } }), map(), ctx()))).toContain('ocsp-revoked');
    expect(codes(judgeHandshake(hs({ ocsp: { der: ocsp('1234', 'good', at - 9 * 86_400_000, at - 2 * 86_400_000), frame: 5 } }), map(), ctx()))).toEqual(['chain-trusted', 'name-match', 'ocsp-good', 'ocsp-stale']);
    expect(codes(judgeHandshake(hs({ ocsp: { der: ocsp('99', 'good', at, undefined), frame: 5 } }), map(), ctx()))).toContain('ocsp-not-for-certificate');
    expect(codes(judgeHandshake(hs({ ocsp: { der: Buffer.from([0x30, 0x03, 0x0a, 0x01]).toString('base64'), frame: 5 } }), map(), ctx()))).toContain('ocsp-unparsable');
  });
});

describe('RFC 6125 names', () => {
  const table: [string, string, boolean][] = [
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'A.EXAMPLE.COM.', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['foo*.example.com', 'foobar.example.com', false],
    ['*oo.example.com', 'foo.example.com', false],
    ['a.*.example.com', 'a.b.example.com', false],
    ['*.com', 'example.com', false],
    ['xn--bcher-kva.example', 'bücher.example', true],
    ['XN--BCHER-KVA.example', 'xn--bcher-kva.example', true],
    ['exact.example.com', 'exact.example.com', true],
  ];
  it.each(table)('%s vs %s → %s', (p, h, want) => expect(matchDnsName(p, h)).toBe(want));
  it('IP reference identities match only iPAddress SANs; CN only without SAN', () => {
    expect(checkHostname('192.0.2.1', [{ type: 'dns', value: '192.0.2.1' }]).matched).toBe(false);
    expect(checkHostname('2001:db8::1', [{ type: 'ip', value: '2001:db8:0:0:0:0:0:1' }]).matched).toBe(true);
    expect(checkHostname('a.example.com', [], 'a.example.com').matched).toBe(true);
    expect(checkHostname('a.example.com', [{ type: 'dns', value: 'b.example.com' }], 'a.example.com').matched).toBe(false);
  });
});

// --- a minimal OCSPResponse, hand-encoded per RFC 6960 §4.2.1 ---
function tlv(tag: number, ...body: Uint8Array[]): Uint8Array {
  const b = Uint8Array.from(body.flatMap((x) => [...x]));
  const len = b.length < 128 ? [b.length] : b.length < 256 ? [0x81, b.length] : [0x82, b.length >> 8, b.length & 0xff];
  return Uint8Array.from([tag, ...len, ...b]);
}
const gt = (ms: number) => tlv(0x18, new TextEncoder().encode(new Date(ms).toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z')));
function ocsp(serialHex: string, status: 'good' | 'revoked' | 'unknown', thisUpdate: number, nextUpdate?: number): string {
  const sha1 = tlv(0x30, tlv(0x06, Uint8Array.from([0x2b, 0x0e, 0x03, 0x02, 0x1a])), Uint8Array.from([5, 0]));
  const serial = Buffer.from(serialHex.length % 2 ? '0' + serialHex : serialHex, 'hex');
  const certId = tlv(0x30, sha1, tlv(0x04, new Uint8Array(20)), tlv(0x04, new Uint8Array(20)), tlv(0x02, serial));
  const st = status === 'good' ? Uint8Array.from([0x80, 0]) : status === 'unknown' ? Uint8Array.from([0x82, 0]) : tlv(0xa1, gt(thisUpdate - 1000));
  const single = tlv(0x30, certId, st, gt(thisUpdate), ...(nextUpdate ? [tlv(0xa0, gt(nextUpdate))] : []));
  const tbs = tlv(0x30, tlv(0xa2, tlv(0x04, new Uint8Array(20))), gt(thisUpdate), tlv(0x30, single));
  const basic = tlv(0x30, tbs, tlv(0x30, tlv(0x06, Uint8Array.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]))), tlv(0x03, Uint8Array.from([0, 1, 2])));
  const oidBasic = tlv(0x06, Uint8Array.from([0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01]));
  const resp = tlv(0x30, tlv(0x0a, Uint8Array.from([0])), tlv(0xa0, tlv(0x30, oidBasic, tlv(0x04, basic))));
  return Buffer.from(resp).toString('base64');
}
