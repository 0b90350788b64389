/**
 * Expressway release rules (src/trust/expressway.ts): the accepted version forms, the EKUs each release requires
 * per role, and the words and fixes per release, on certificates built with @peculiar/x509 and on handshakes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type ParsedCertificate } from '../../src/x509/index.js';
import { expresswayRules, judgeChain, judgeHandshake, TrustStore, type ExpresswayRules, type TrustContext } from '../../src/trust/index.js';
import { requiredEkus } from '../../src/trust/expressway.js';
import type { Handshake, Verdict } from '../../src/model.js';
import { CAPTURE, cert, ecKeys, EKU, KU, type Keys } from './pki.js';

let rootK: Keys, leafK: Keys;
let root: ParsedCertificate, serverOnly: ParsedCertificate, clientOnly: ParsedCertificate;
const ROOT = 'CN=Lab Root,O=Example';

beforeAll(async () => {
  [rootK, leafK] = await Promise.all([ecKeys(), ecKeys()]);
  root = parseCertificate(await cert({ name: ROOT, keys: rootK, ca: true }));
  const leaf = (name: string, eku: string[]) => cert({
    name: `CN=${name}`, keys: leafK, issuer: { name: ROOT, keys: rootK }, ku: KU.digitalSignature, eku,
    sans: [{ type: 'dns', value: name }],
  });
  serverOnly = parseCertificate(await leaf('expe.example.com', [EKU.server]));
  clientOnly = parseCertificate(await leaf('expc.example.com', [EKU.client]));
});

const rules = (v?: string, upload = false) => {
  const r = expresswayRules(v, upload);
  if (typeof r === 'string') throw new Error(r);
  return r;
};
function ctx(r?: ExpresswayRules): TrustContext {
  const store = TrustStore.create({ publicRoots: false });
  store.add(root.der, 'user');
  return { store, at: new Date(CAPTURE), profile: 'expressway', host: 'expe.example.com', expressway: r };
}
const eku = (v: Verdict[]) => v.filter((x) => x.code.startsWith('eku-'));
const text = (v: Verdict) => `${v.message} ${v.fix ?? ''}`;

describe('--expressway-version forms', () => {
  it.each([
    ['X15.5', 'X15.5', true], ['x15.5', 'X15.5', true], ['15.5', 'X15.5', true], ['X15.5.1', 'X15.5.1', true],
    ['X16', 'X16', true], ['X15.4', 'X15.4', false], ['x15.4.2', 'X15.4.2', false], ['X14.3.2', 'X14.3.2', false],
    ['X8.11', 'X8.11', false], ['8', 'X8', false],
  ])('%s is %s, two stores %s', (given, label, two) => {
    const r = rules(given);
    expect(r.version).toBe(label);
    expect(r.twoStores).toBe(two);
    expect(r.assumed).toBe(false);
  });
  it('without a version, X15.5 rules are assumed', () => {
    expect(rules()).toMatchObject({ version: 'X15.5', twoStores: true, assumed: true, serverEkuUpload: false });
  });
  it.each(['X7.2', 'banana', '', '15.x', 'X15.5.1.2', 'X 15.5', 'V15.5'])('%j is refused, naming the accepted forms', (bad) => {
    const r = expresswayRules(bad);
    expect(typeof r).toBe('string');
    expect(r).toContain('X15.5, x15.5, 15.5 or X15.5.1');
  });
  it('EnableServerEkuUpload exists on X15.4 only', () => {
    expect(rules('X15.4', true).serverEkuUpload).toBe(true);
    expect(rules('X15.4.1', true).serverEkuUpload).toBe(true);
    for (const v of [undefined, 'X15.5', 'X15.3.2', 'X8.11']) expect(expresswayRules(v, true)).toMatch(/EnableServerEkuUpload.*X15\.4/);
  });
});

describe('EKUs per release and role', () => {
  it.each([
    ['X15.5', false, ['serverAuth'], ['clientAuth']],
    ['X15.4', false, ['serverAuth', 'clientAuth'], ['serverAuth', 'clientAuth']],
    ['X15.4', true, ['serverAuth'], ['serverAuth', 'clientAuth']],
    ['X12.5', false, ['serverAuth', 'clientAuth'], ['serverAuth', 'clientAuth']],
  ] as const)('%s (EnableServerEkuUpload %s): server %j, client %j', (v, upload, server, client) => {
    expect(requiredEkus(rules(v, upload), 'server')).toEqual(server);
    expect(requiredEkus(rules(v, upload), 'client')).toEqual(client);
  });

  it('X15.5 (the default): each store needs its role EKU only, and says the private-CA client certificate store fix', () => {
    expect(eku(judgeChain([serverOnly], 'server', ctx()))).toEqual([]);
    expect(eku(judgeChain([clientOnly], 'client', ctx()))).toEqual([]);
    const [v] = eku(judgeChain([serverOnly], 'client', ctx()));
    expect(v!.code).toBe('eku-missing-clientauth');
    expect(v!.message).toContain('client certificate store');
    expect(v!.fix).toContain('client certificate store');
    expect(v!.fix).toContain('private CA');
    expect(v!.fix).not.toMatch(/CSR with both|EnableServerEkuUpload/);
    const [w] = eku(judgeChain([clientOnly], 'server', ctx()));
    expect(w!.code).toBe('eku-missing-serverauth');
    expect(w!.fix).toContain('server certificate store');
  });

  it('X15.4: both EKUs on one certificate; the Expressway-E\'s fix is the EnableServerEkuUpload switch', () => {
    const [e] = eku(judgeChain([serverOnly], 'server', ctx(rules('X15.4'))));
    expect(e!.code).toBe('eku-missing-clientauth');
    expect(e!.message).toContain('one certificate serves both roles');
    expect(e!.fix).toContain('xConfiguration XCP TLS Certificate CVS EnableServerEkuUpload: On');
    // The switch is for the Expressway-E: the Expressway-C's remedy is a private CA or X15.5.
    const [c] = eku(judgeChain([serverOnly], 'client', ctx(rules('X15.4'))));
    expect(c!.fix).not.toContain('xConfiguration');
    expect(c!.fix).toContain('private CA');
    expect(c!.fix).toContain('X15.5');
    expect(eku(judgeChain([clientOnly], 'client', ctx(rules('X15.4')))).map((x) => x.code)).toEqual(['eku-missing-serverauth']);
  });

  it('X15.4 with EnableServerEkuUpload: the Expressway-E may lack clientAuth, the Expressway-C may not', () => {
    expect(eku(judgeChain([serverOnly], 'server', ctx(rules('X15.4', true))))).toEqual([]);
    expect(eku(judgeChain([serverOnly], 'client', ctx(rules('X15.4', true)))).map((x) => x.code)).toEqual(['eku-missing-clientauth']);
  });

  it('before X15.4: a private CA or an upgrade, no switch', () => {
    const [e] = eku(judgeChain([serverOnly], 'server', ctx(rules('X14.3'))));
    expect(e!.code).toBe('eku-missing-clientauth');
    expect(e!.fix).toContain('private CA');
    expect(e!.fix).toContain('upgrade to X15.5');
    expect(e!.fix).not.toContain('EnableServerEkuUpload');
  });
});

describe('handshake words per release', () => {
  const hs = (o: Partial<Handshake>): Handshake => ({
    id: 1, transport: 'tcp', client: { ip: '10.0.0.2', port: 50000 }, server: { ip: '198.51.100.9', port: 7001 },
    firstFrame: 1, lastFrame: 9, time: new Date(CAPTURE).toISOString(), ts: CAPTURE / 1000, sni: 'expe.example.com',
    serverChain: [serverOnly.sha256], clientChain: [], alerts: [], encrypted: false, complete: false, notes: [], ...o,
  });
  const certs = () => new Map([serverOnly, clientOnly, root].map((c) => [c.sha256, c]));

  it('bad_certificate: the role EKU on X15.5, both EKUs before', () => {
    const alert = { from: 'server' as const, level: 2, levelName: 'fatal', description: 42, descriptionName: 'bad_certificate', frame: 8 };
    const h = hs({ clientChain: [clientOnly.sha256], alerts: [alert] });
    const at = (r?: ExpresswayRules) => judgeHandshake(h, certs(), ctx(r)).find((v) => v.code === 'alert-bad-certificate')!.message;
    expect(at()).toContain('on Expressway X15.5 often the role EKU: serverAuth on the server certificate, clientAuth on the client certificate');
    expect(at(rules('X15.4'))).toContain('often the serverAuth+clientAuth EKU');
  });

  it('client certificate not sent: the client certificate store on X15.5, a dual-EKU certificate before', () => {
    const cr = { types: ['rsa_sign'], sigAlgs: [], authorities: [ROOT], frame: 4 };
    const h = hs({ certificateRequest: cr, clientSentEmptyCertificate: true,
      alerts: [{ from: 'server', level: 2, levelName: 'fatal', description: 40, descriptionName: 'handshake_failure', frame: 9 }] });
    const fix = (r?: ExpresswayRules) => judgeHandshake(h, certs(), ctx(r)).find((v) => v.code === 'client-cert-not-sent')!.fix!;
    expect(fix()).toContain('client certificate store');
    expect(fix()).not.toContain('both serverAuth and clientAuth');
    expect(fix(rules('X14'))).toContain('both serverAuth and clientAuth');
  });

  it('judgements of the same chain are not shared between releases', () => {
    const h = hs({ complete: false, alerts: [{ from: 'client', level: 2, levelName: 'fatal', description: 46, descriptionName: 'certificate_unknown', frame: 7 }] });
    const c = ctx();
    expect(text(judgeHandshake(h, certs(), c).find((v) => v.code === 'chain-trusted')!)).toBeTruthy();
    expect(judgeHandshake(h, certs(), c).map((v) => v.code)).not.toContain('eku-missing-clientauth');
    expect(judgeHandshake(h, certs(), { ...c, expressway: rules('X15.4') }).map((v) => v.code)).toContain('eku-missing-clientauth');
  });
});
