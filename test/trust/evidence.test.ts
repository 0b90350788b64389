/**
 * Evidence over rules (src/trust/evidence.ts): in a handshake that completed with no fatal alert, what the
 * accepting peer evidently did not enforce is a warning saying so; expiry, weak keys and bad signatures stay
 * errors with the words that the peer accepted them anyway; a handshake that failed keeps its errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type ParsedCertificate } from '../../src/x509/index.js';
import { JudgementMemo, judgeHandshake, TrustStore, type TrustContext } from '../../src/trust/index.js';
import { worstSeverity } from '../../src/report/index.js';
import type { Alert, Handshake, Verdict } from '../../src/model.js';
import { CAPTURE, cert, ecKeys, EKU, KU, rsaKeys, type Keys } from './pki.js';

const DAY = 86_400_000;
let rootK: Keys, leafK: Keys, weakK: Keys;
let root: ParsedCertificate, good: ParsedCertificate, expired: ParsedCertificate, weak: ParsedCertificate;
let clientOnly: ParsedCertificate, selfSigned: ParsedCertificate;
const ROOT = 'CN=Lab Root';

beforeAll(async () => {
  [rootK, leafK, weakK] = await Promise.all([ecKeys(), ecKeys(), rsaKeys(1024)]);
  root = parseCertificate(await cert({ name: ROOT, keys: rootK, ca: true }));
  const leaf = (o: Partial<Parameters<typeof cert>[0]>) => cert({
    name: 'CN=expe.example.com', keys: leafK, issuer: { name: ROOT, keys: rootK }, ku: KU.digitalSignature,
    eku: [EKU.server, EKU.client], sans: [{ type: 'dns', value: 'expe.example.com' }], ...o,
  });
  good = parseCertificate(await leaf({}));
  expired = parseCertificate(await leaf({ notAfter: CAPTURE - DAY }));
  weak = parseCertificate(await leaf({ keys: weakK, ku: KU.digitalSignature | KU.keyEncipherment }));
  clientOnly = parseCertificate(await leaf({ name: 'CN=expc.example.com', eku: [EKU.client], sans: [{ type: 'dns', value: 'expc.example.com' }] }));
  selfSigned = parseCertificate(await cert({ name: 'CN=vpn.example.com', keys: leafK, ku: KU.digitalSignature, sans: [{ type: 'dns', value: 'vpn.example.com' }] }));
});

const FATAL: Alert = { from: 'client', level: 2, levelName: 'fatal', description: 46, descriptionName: 'certificate_unknown', frame: 7 };
function hs(o: Partial<Handshake>): Handshake {
  return {
    id: 1, transport: 'tcp', client: { ip: '10.0.0.2', port: 50000 }, server: { ip: '198.51.100.9', port: 443 },
    firstFrame: 1, lastFrame: 9, time: new Date(CAPTURE).toISOString(), ts: CAPTURE / 1000, sni: 'expe.example.com',
    serverChain: [good.sha256], clientChain: [], alerts: [], encrypted: false, complete: true, notes: [], ...o,
  };
}
function ctx(profile: TrustContext['profile'] = 'web', trusted = true): TrustContext {
  const store = TrustStore.create({ publicRoots: false });
  if (trusted) store.add(root.der, 'user');
  return { store, at: 'capture', profile };
}
const certs = () => new Map([root, good, expired, weak, clientOnly, selfSigned].map((c) => [c.sha256, c]));
const judged = (h: Handshake, c = ctx()) => {
  const verdicts = judgeHandshake(h, certs(), c);
  return { verdicts, badge: worstSeverity({ ...h, verdicts }), get: (code: string) => verdicts.find((v) => v.code === code)! };
};

describe('a completed handshake', () => {
  it('turns a name the client did not check into a warning that says the client accepted it', () => {
    const done = judged(hs({ sni: 'other.example.com' }));
    const v = done.get('name-mismatch');
    expect(v.severity).toBe('warning');
    expect(v.message).toContain('The client accepted it (this handshake completed)');
    expect(v.message).toContain('would reject it');
    expect(done.badge).toBe('warning');
    // The same chain in a handshake the client aborted: the error stands.
    const failed = judged(hs({ sni: 'other.example.com', complete: false, alerts: [FATAL] }));
    expect(failed.get('name-mismatch').severity).toBe('error');
    expect(failed.get('name-mismatch').message).not.toContain('accepted');
    expect(failed.badge).toBe('error');
  });

  it('chain trust judged against certshark\'s store: the peer\'s store evidently differs', () => {
    const v = judged(hs({ serverChain: [good.sha256, root.sha256] }), ctx('web', false)).get('untrusted-root');
    expect(v.severity).toBe('warning');
    expect(v.message).toContain('--ca');
    const m = judged(hs({}), ctx('expressway', false)).get('missing-intermediate');
    expect(m.severity).toBe('warning');
    expect(m.message).toContain('another peer of the cluster');
    const ss = judged(hs({ serverChain: [selfSigned.sha256], sni: 'vpn.example.com' }), ctx('anyconnect'));
    expect(ss.get('self-signed').severity).toBe('warning');
    expect(ss.get('self-signed').message).toContain('Untrusted Server Certificate');
    expect(ss.get('self-signed').message).toContain('AnyConnect 4.10');
  });

  it('EKU and profile rules the peers did not apply: warnings naming what would reject it', () => {
    const x = judged(hs({ serverChain: [clientOnly.sha256], sni: 'expc.example.com', clientChain: [good.sha256], server: { ip: '198.51.100.9', port: 7001 } }), ctx('expressway'));
    const v = x.get('eku-missing-serverauth');
    expect(v.severity).toBe('warning');
    expect(v.message).toContain('The Expressway-C (client) accepted it');
    expect(v.message).toContain('an Expressway on X15.5 would not take such a certificate');
    expect(x.badge).toBe('warning');
  });

  it('a client certificate asked for and not sent, in a handshake the server completed: optional there', () => {
    const cr = { types: ['ecdsa_sign'], sigAlgs: [], authorities: [ROOT], frame: 4 };
    const v = judged(hs({ certificateRequest: cr, clientSentEmptyCertificate: true })).get('client-cert-not-sent');
    expect(v.severity).toBe('warning');
    expect(v.message).toContain('The server accepted the handshake without one');
  });

  it('keeps expiry and weak keys as errors and adds that the peer accepted them anyway', () => {
    const e = judged(hs({ serverChain: [expired.sha256] })).get('expired-at-capture');
    expect(e.severity).toBe('error');
    expect(e.message).toContain('The client accepted it anyway (this handshake completed): it does not check this');
    const w = judged(hs({ serverChain: [weak.sha256] }));
    expect(w.get('weak-key').severity).toBe('error');
    expect(w.get('weak-key').message).toContain('accepted it anyway');
    expect(w.badge).toBe('error');
  });

  it('is not "completed" with an encrypted alert (unreadable: it may have been fatal)', () => {
    const enc: Alert = { from: 'client', level: 0, levelName: 'encrypted', description: 0, descriptionName: 'encrypted', frame: 8, encrypted: true };
    expect(judged(hs({ sni: 'other.example.com', alerts: [enc] })).get('name-mismatch').severity).toBe('error');
  });

  it('leaves verdicts of other handshake evidence alone', () => {
    const v: Verdict[] = judged(hs({})).verdicts;
    expect(v.map((x) => [x.code, x.severity])).toEqual([['chain-trusted', 'ok'], ['name-match', 'ok']]);
  });
});

describe('the weighed verdicts a session keeps (JudgementMemo.evidence)', () => {
  it('hands every completed handshake of the same chain the same weighed objects, equal to those weighed afresh', () => {
    const c = ctx('expressway', false);
    const memo = new JudgementMemo();
    const a = judgeHandshake(hs({ sni: 'other.example.com' }), certs(), c, memo);
    const b = judgeHandshake(hs({ sni: 'other.example.com', id: 2 }), certs(), c, memo);
    const fresh = judgeHandshake(hs({ sni: 'other.example.com' }), certs(), ctx('expressway', false));
    expect(a.map((v) => v.code)).toEqual(expect.arrayContaining(['name-mismatch', 'missing-intermediate']));
    expect(a).toEqual(fresh);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBe(a[i]);
    expect(a.find((v) => v.code === 'name-mismatch')!.message).toContain('accepted it (this handshake completed)');
  });

  it('leaves a failed handshake of the same chain unweighed', () => {
    const c = ctx('web');
    const memo = new JudgementMemo();
    judgeHandshake(hs({ sni: 'other.example.com' }), certs(), c, memo);
    const failed = judgeHandshake(hs({ sni: 'other.example.com', complete: false, alerts: [FATAL] }), certs(), c, memo);
    const v = failed.find((x) => x.code === 'name-mismatch')!;
    expect(v.severity).toBe('error');
    expect(v.message).not.toContain('accepted');
  });
});
