/**
 * The trust engine puts the path it chose on the model (TrustPaths: each certificate with its source, and the
 * missing link), so the view shows it as judged instead of rebuilding it. Certificates built with @peculiar/x509.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type ParsedCertificate } from '../../src/x509/index.js';
import { judgeHandshakeWithPaths, TrustStore, type TrustContext } from '../../src/trust/index.js';
import type { ChainPath, Handshake } from '../../src/model.js';
import { CAPTURE, cert, ecKeys, EKU, KU, rsaKeys, type Keys } from './pki.js';

let rootK: Keys, interK: Keys, leafK: Keys;
let root: Uint8Array, inter: Uint8Array, leaf: Uint8Array, self: Uint8Array;
const sha = (d: Uint8Array) => parseCertificate(d).sha256;

beforeAll(async () => {
  [rootK, interK, leafK] = await Promise.all([rsaKeys(2048), ecKeys('P-384'), ecKeys()]);
  root = await cert({ name: 'CN=Path Root CA,O=Example', keys: rootK, ca: true });
  inter = await cert({ name: 'CN=Path Issuing CA,O=Example', keys: interK, issuer: { name: 'CN=Path Root CA,O=Example', keys: rootK }, ca: true, pathLen: 0 });
  leaf = await cert({
    name: 'CN=expe.example.com', keys: leafK, issuer: { name: 'CN=Path Issuing CA,O=Example', keys: interK },
    ku: KU.digitalSignature, eku: [EKU.server, EKU.client], sans: [{ type: 'dns', value: 'expe.example.com' }],
  });
  self = await cert({ name: 'CN=expe.example.com', keys: leafK, sans: [{ type: 'dns', value: 'expe.example.com' }] });
});

/** The server side's chosen path for a handshake that sent `sent`, judged with a store of `anchors`. */
function chosen(sent: Uint8Array[], anchors: Uint8Array[], profile: TrustContext['profile'] = 'web'): ChainPath | undefined {
  const store = TrustStore.create({ publicRoots: false });
  for (const a of anchors) store.add(a, 'user');
  const certs = new Map<string, ParsedCertificate>(sent.map((d) => [sha(d), parseCertificate(d)]));
  const h: Handshake = {
    id: 1, transport: 'tcp', client: { ip: '10.0.0.1', port: 50000 }, server: { ip: '10.0.0.2', port: 7001 }, firstFrame: 1,
    lastFrame: 9, time: new Date(CAPTURE).toISOString(), ts: CAPTURE / 1000, sni: 'expe.example.com', serverChain: sent.map(sha),
    clientChain: [], alerts: [], encrypted: false, complete: true, notes: [],
  };
  return judgeHandshakeWithPaths(h, certs, { store, at: 'capture', profile }).chosen.server;
}

describe('the chosen path on the model', () => {
  it('sent certificates keep their position, the root comes from the store, nothing is missing', () => {
    expect(chosen([leaf, inter], [root])).toEqual({
      certificates: [
        { sha256: sha(leaf), source: 'wire', wireIndex: 0 },
        { sha256: sha(inter), source: 'wire', wireIndex: 1 },
        { sha256: sha(root), source: 'store' },
      ],
    });
    // Sent out of order and with the root: positions as sent; a root both sent and in the store counts as sent.
    expect(chosen([leaf, root, inter], [root])!.certificates).toEqual([
      { sha256: sha(leaf), source: 'wire', wireIndex: 0 },
      { sha256: sha(inter), source: 'wire', wireIndex: 2 },
      { sha256: sha(root), source: 'wire', wireIndex: 1 },
    ]);
  });

  it('an intermediate found in the store is a store certificate', () => {
    // Anchored at the intermediate already: the shorter of the two anchored paths is chosen.
    expect(chosen([leaf], [inter, root])).toEqual({ certificates: [{ sha256: sha(leaf), source: 'wire', wireIndex: 0 }, { sha256: sha(inter), source: 'store' }] });
    expect(chosen([leaf], [inter, root], 'expressway')!.certificates.map((c) => c.source)).toEqual(['wire', 'store', 'store']);
  });

  it('the leaf alone, its issuer nowhere: the missing intermediate', () => {
    expect(chosen([leaf], [root])).toEqual({
      certificates: [{ sha256: sha(leaf), source: 'wire', wireIndex: 0 }],
      missing: { issuer: 'Path Issuing CA', reason: 'missing-intermediate' },
    });
  });

  it('an intermediate sent, the root above it nowhere: the root is not trusted', () => {
    expect(chosen([leaf, inter], [])!.missing).toEqual({ issuer: 'Path Root CA', reason: 'untrusted-root' });
  });

  it('anchored at an intermediate: enough for a web client, not for an Expressway (it needs the root)', () => {
    expect(chosen([leaf, inter], [inter])!.missing).toBeUndefined();
    expect(chosen([leaf, inter], [inter], 'expressway')!.missing).toEqual({ issuer: 'Path Root CA', reason: 'untrusted-root' });
  });

  it('a path that ends at a self-signed certificate lacks nothing, trusted or not', () => {
    expect(chosen([self], [])).toEqual({ certificates: [{ sha256: sha(self), source: 'wire', wireIndex: 0 }] });
    expect(chosen([leaf, inter, root], [])!.missing).toBeUndefined();
  });
});
