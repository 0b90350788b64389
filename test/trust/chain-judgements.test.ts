/**
 * The session's chain judgements (JudgementMemo.chains): found by the identity of the parsed certificates and
 * compared field by field. A handshake of the same chain, name, server, day and validity state gets the very
 * judgement an earlier one got; any of them different gets its own, equal to one judged afresh. Certificates
 * built with @peculiar/x509.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type ParsedCertificate } from '../../src/x509/index.js';
import { JudgementMemo, judgeHandshake, TrustStore, type TrustContext } from '../../src/trust/index.js';
import type { Handshake } from '../../src/model.js';
import { CAPTURE, cert, ecKeys, EKU, KU, type Keys } from './pki.js';

const HOUR = 3_600_000;
const ROOT = 'CN=Memo Root';
let rootK: Keys, leafK: Keys, caK: Keys;
let root: ParsedCertificate, leaf: ParsedCertificate, wildcard: ParsedCertificate, endsToday: ParsedCertificate, longGone: ParsedCertificate;
let futureCa: ParsedCertificate, underFuture: ParsedCertificate;

beforeAll(async () => {
  [rootK, leafK, caK] = await Promise.all([ecKeys(), ecKeys(), ecKeys()]);
  root = parseCertificate(await cert({ name: ROOT, keys: rootK, ca: true }));
  const issued = async (name: string, dns: string, notAfter?: number) => parseCertificate(await cert({
    name, keys: leafK, issuer: { name: ROOT, keys: rootK }, ku: KU.digitalSignature, eku: [EKU.server],
    sans: [{ type: 'dns', value: dns }], ...(notAfter !== undefined ? { notAfter } : {}),
  }));
  leaf = await issued('CN=expe.example.com', 'expe.example.com');
  wildcard = await issued('CN=*.example.com', '*.example.com');
  // Valid at the capture's midnight, expired twelve hours later: the same day of judgement either way.
  endsToday = await issued('CN=short.example.com', 'short.example.com', CAPTURE + 12 * HOUR);
  // Expired 60 hours before the capture's midnight: 2 days before 01:00, 3 days before 13:00 of the same day.
  longGone = await issued('CN=gone.example.com', 'gone.example.com', CAPTURE - 60 * HOUR);
  // A CA of the trust store, not sent, valid from 60 hours after the capture's midnight.
  futureCa = parseCertificate(await cert({ name: 'CN=Memo Future CA', keys: caK, issuer: { name: ROOT, keys: rootK }, ca: true, notBefore: CAPTURE + 60 * HOUR }));
  underFuture = parseCertificate(await cert({
    name: 'CN=future.example.com', keys: leafK, issuer: { name: 'CN=Memo Future CA', keys: caK }, ku: KU.digitalSignature,
    eku: [EKU.server], sans: [{ type: 'dns', value: 'future.example.com' }],
  }));
});

function hs(o: Partial<Handshake>): Handshake {
  return {
    id: 1, transport: 'tcp', client: { ip: '10.0.0.2', port: 50000 }, server: { ip: '198.51.100.9', port: 443 },
    firstFrame: 1, lastFrame: 9, time: new Date(CAPTURE).toISOString(), ts: CAPTURE / 1000, sni: 'expe.example.com',
    serverChain: [leaf.sha256], clientChain: [], alerts: [], encrypted: false, complete: false, notes: [], ...o,
  };
}
function context(): TrustContext {
  const store = TrustStore.create({ publicRoots: false });
  store.add(root.der, 'user');
  return { store, at: 'capture', profile: 'web' };
}
const certs = () => new Map([root, leaf, wildcard, endsToday, longGone, underFuture].map((c) => [c.sha256, c]));
const codes = (vs: { code: string }[]) => vs.map((v) => v.code);

describe('chain judgements kept by a session', () => {
  it('gives a handshake of the same chain, name and day the judgement an earlier one got', () => {
    const ctx = context();
    const memo = new JudgementMemo();
    const a = judgeHandshake(hs({}), certs(), ctx, memo);
    const b = judgeHandshake(hs({ id: 2, ts: CAPTURE / 1000 + 60, client: { ip: '10.0.0.3', port: 50001 } }), certs(), ctx, memo);
    expect(memo.chains.entries).toBe(1);
    expect(codes(a)).toEqual(['chain-trusted', 'name-match']);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBe(a[i]);
  });

  it('judges the same chain afresh for another name, another server address, another day or another context', () => {
    const ctx = context();
    const memo = new JudgementMemo();
    judgeHandshake(hs({}), certs(), ctx, memo);
    const otherName = judgeHandshake(hs({ sni: 'other.example.com' }), certs(), ctx, memo);
    expect(codes(otherName)).toContain('name-mismatch');
    expect(otherName).toEqual(judgeHandshake(hs({ sni: 'other.example.com' }), certs(), ctx));
    judgeHandshake(hs({ server: { ip: '198.51.100.10', port: 443 } }), certs(), ctx, memo);
    judgeHandshake(hs({ ts: CAPTURE / 1000 + 86_400 }), certs(), ctx, memo);
    judgeHandshake(hs({}), certs(), context(), memo);
    expect(memo.chains.entries).toBe(5);
    // The same leaf presented by the client, and sent with another certificate after it (same length, then longer).
    judgeHandshake(hs({ serverChain: [], clientChain: [leaf.sha256] }), certs(), ctx, memo);
    expect(memo.chains.entries).toBe(6);
    const sent = (...c: ParsedCertificate[]) => judgeHandshake(hs({ serverChain: c.map((x) => x.sha256) }), certs(), ctx, memo);
    const withRoot = sent(leaf, root);
    const withOther = sent(leaf, wildcard);
    sent(leaf, root, wildcard);
    expect(memo.chains.entries).toBe(9);
    // Found again: the two-certificate chains, not the longer one that starts as one of them.
    expect(sent(leaf, wildcard)[0]).toBe(withOther[0]);
    expect(sent(leaf, root)[0]).toBe(withRoot[0]);
    expect(memo.chains.entries).toBe(9);
  });

  /** The message of `code` for handshakes of `sent` under `sni`, `hours` after the capture's midnight, through `memo`. */
  const wording = (ctx: TrustContext, memo: JudgementMemo, sni: string, sent: ParsedCertificate, code: string) => (hours: number) =>
    judgeHandshake(hs({ sni, serverChain: [sent.sha256], ts: (CAPTURE + hours * HOUR) / 1000 }), certs(), ctx, memo).find((v) => v.code === code)!.message;

  it('words an expiry as a fresh judgement would, hours apart on the same day', () => {
    const memo = new JudgementMemo();
    const message = wording(context(), memo, 'gone.example.com', longGone, 'expired-at-capture');
    expect(message(1)).toContain('(2 days before');
    expect(message(13)).toContain('(3 days before');
    expect(message(14)).toContain('(3 days before');
    expect(memo.chains.entries).toBe(2);
  });

  it('words the validity of a trust-store certificate on the path as a fresh judgement would', () => {
    const ctx = context();
    ctx.store.add(futureCa.der, 'user');
    const memo = new JudgementMemo();
    const message = wording(ctx, memo, 'future.example.com', underFuture, 'not-yet-valid');
    expect(message(1)).toContain(', 2 days after');
    expect(message(13)).toContain(', 47 hours after');
    expect(message(13)).toContain(', 47 hours after');
    expect(memo.chains.entries).toBe(2);
  });

  it('judges a chain with a certificate whose bytes are not available once, like any other', () => {
    const ctx = context();
    const memo = new JudgementMemo();
    const unknown = 'ab'.repeat(32);
    const a = judgeHandshake(hs({ serverChain: [unknown] }), certs(), ctx, memo);
    const b = judgeHandshake(hs({ serverChain: [unknown] }), certs(), ctx, memo);
    expect(memo.chains.entries).toBe(1);
    expect(b[0]).toBe(a[0]);
    expect(a).toEqual(judgeHandshake(hs({ serverChain: [unknown] }), certs(), ctx));
  });

  it('tells apart two moments of one day on either side of a certificate\'s end', () => {
    const ctx = context();
    const memo = new JudgementMemo();
    const h = (hours: number) => hs({ sni: 'short.example.com', serverChain: [endsToday.sha256], ts: (CAPTURE + hours * HOUR) / 1000 });
    const before = judgeHandshake(h(1), certs(), ctx, memo);
    const after = judgeHandshake(h(13), certs(), ctx, memo);
    expect(codes(before)).not.toContain('expired-at-capture');
    expect(codes(after)).toContain('expired-at-capture');
    expect(after).toEqual(judgeHandshake(h(13), certs(), ctx));
  });

  it('keeps the judgements of a leaf under every name and address it was seen with', () => {
    const ctx = context();
    const memo = new JudgementMemo();
    // A wildcard leaf under 100 names and a cluster leaf at 100 addresses: each found again after all the others.
    const named = (i: number) => hs({ sni: `host${i}.example.com`, serverChain: [wildcard.sha256] });
    const placed = (i: number) => hs({ server: { ip: `198.51.100.${i}`, port: 443 } });
    const first = [judgeHandshake(named(0), certs(), ctx, memo), judgeHandshake(placed(0), certs(), ctx, memo)];
    for (let i = 1; i < 100; i++) {
      judgeHandshake(named(i), certs(), ctx, memo);
      judgeHandshake(placed(i), certs(), ctx, memo);
    }
    expect(memo.chains.entries).toBe(200);
    expect(judgeHandshake(named(0), certs(), ctx, memo)[0]).toBe(first[0]![0]);
    expect(judgeHandshake(placed(0), certs(), ctx, memo)[0]).toBe(first[1]![0]);
    expect(judgeHandshake(named(50), certs(), ctx, memo)).toEqual(judgeHandshake(named(50), certs(), ctx));
    expect(memo.chains.entries).toBe(200);
  });

  it('keeps at most 16 judgements of one chain, name and address, the newest, each that of a fresh judgement', () => {
    const ctx = context();
    const memo = new JudgementMemo();
    // The same peers on 40 days in turn.
    const h = (day: number) => hs({ ts: CAPTURE / 1000 + day * 86_400 });
    const seen = [];
    for (let d = 0; d < 40; d++) {
      const v = judgeHandshake(h(d), certs(), ctx, memo);
      if (d % 13 === 0) expect(v).toEqual(judgeHandshake(h(d), certs(), ctx));
      seen.push(v);
    }
    expect(memo.chains.entries).toBe(16);
    // The last 16 days are found again; the first ones were let go and are judged afresh.
    expect(judgeHandshake(h(39), certs(), ctx, memo)[0]).toBe(seen[39]![0]);
    expect(judgeHandshake(h(24), certs(), ctx, memo)[0]).toBe(seen[24]![0]);
    const again = judgeHandshake(h(0), certs(), ctx, memo);
    expect(again[0]).not.toBe(seen[0]![0]);
    expect(again).toEqual(seen[0]);
    expect(memo.chains.entries).toBe(16);
  });
});
