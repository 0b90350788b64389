/**
 * The view fed by a real scan: the bundled captures (real openssl peers recorded with tcpdump) through
 * scanCaptures, the ScanFeed and the reducer, as runTui wires them, with the trust store the CLI builds.
 */
import { X509Certificate } from 'node:crypto';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import type { CertificateInfo, TrustPaths } from '../../src/model.js';
import { scanCaptures } from '../../src/session.js';
import { buildChainView } from '../../src/tui/chain.js';
import { pemBundle } from '../../src/tui/export.js';
import { alertsText } from '../../src/tui/columns.js';
import { detailsLines } from '../../src/tui/details.js';
import { builtChainSelection, reducer, sentChainSelection } from '../../src/tui/state.js';
import { CAPTURES, PKI, scanned as view } from './helpers.js';

const subjects = (pem: string) =>
  (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? []).map((b) => new X509Certificate(b).subject.split('\n').find((l) => l.startsWith('CN=')));

describe('the chain as built reaches the view', () => {
  it('leaf sent, issuing CA and root from --ca: E exports all three leaf to root, W only what was sent', async () => {
    const { state } = await view('traversal-missing-intermediate.pcap', ['root-ca.pem', 'issuing-ca.pem']);
    const h = state.handshakes[0]!;
    expect(h.serverChain).toHaveLength(1);
    const nodes = buildChainView(h, 'server', state.certs, state.paths).nodes;
    expect(nodes.map((n) => (n.kind === 'cert' ? `${n.source}:${n.cert?.subjectCN}` : n.kind))).toEqual([
      'wire:expe.example.test',
      'store:Example Test Issuing CA',
      'store:Example Test Root CA',
    ]);
    const built = builtChainSelection(state);
    expect(subjects(pemBundle(built, state.certs))).toEqual(['CN=expe.example.test', 'CN=Example Test Issuing CA', 'CN=Example Test Root CA']);
    expect(subjects(pemBundle(sentChainSelection(state), state.certs))).toEqual(['CN=expe.example.test']);
    // The PEM is the store's own certificate, byte for byte.
    const issuing = new X509Certificate(pemBundle([built[1]!], state.certs));
    expect(issuing.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(built[1]);
  });

  it('with only the root in the store the path stops at the leaf and the missing link is named', async () => {
    const { state } = await view('traversal-missing-intermediate.pcap', ['root-ca.pem']);
    const nodes = buildChainView(state.handshakes[0]!, 'server', state.certs, state.paths).nodes;
    expect(nodes.map((n) => (n.kind === 'cert' ? `${n.source}:${n.cert?.subjectCN}` : `${n.kind}:${n.reason}`))).toEqual([
      'wire:expe.example.test',
      'missing:missing-intermediate',
    ]);
    expect(builtChainSelection(state)).toHaveLength(1);
  });

  it('reports each trust-store certificate once however many handshakes use it, and not in the result', async () => {
    const reported: CertificateInfo[] = [];
    const paths: TrustPaths[] = [];
    const { state } = await view('many-handshakes.pcap', ['root-ca.pem'], {
      onTrustPaths: (ps, cs) => {
        paths.push(...ps);
        reported.push(...cs);
      },
    });
    expect(state.handshakes.length).toBe(300);
    expect(paths.length).toBe(300);
    expect(reported.map((c) => c.subjectCN)).toEqual(['Example Test Root CA']);
    const root = reported[0]!.sha256;
    const last = (p: TrustPaths) => p.server?.certificates.at(-1);
    expect(paths.filter((p) => last(p)?.sha256 === root && last(p)?.source === 'store').length).toBeGreaterThan(0);
    // The scan result lists only what the capture carried.
    const trust = await buildTrust({ ca: [join(PKI, 'root-ca.pem')], systemCa: false, publicRoots: false, profile: 'expressway', at: 'capture' });
    const r = await scanCaptures([join(CAPTURES, 'many-handshakes.pcap')], { judge: trust.judge });
    expect(r.certificates.map((c) => c.sha256)).not.toContain(root);
  });
});

describe('list order of a real capture', () => {
  it('four clients in parallel finish out of number order; the rows are in number order all the same', async () => {
    const { state, order } = await view('many-handshakes.pcap', ['root-ca.pem']);
    // The premise: handshakes reached the view out of number order.
    expect(order.some((id, i) => i > 0 && id < order[i - 1]!)).toBe(true);
    const ids = state.rows.map((r) => state.handshakes[r.hs]!.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toHaveLength(300);
  });
});

describe('encrypted alerts', () => {
  it('read "encrypted alert" once, with the frame, in the list and the details (many-handshakes #90, frame 1510)', async () => {
    const { state } = await view('many-handshakes.pcap', ['root-ca.pem']);
    const at = state.rows.findIndex((r) => state.handshakes[r.hs]!.id === 90);
    const s = reducer(state, { type: 'move', delta: at });
    const h = state.handshakes[s.rows[s.cursor]!.hs]!;
    expect(h.alerts).toEqual([expect.objectContaining({ encrypted: true, frame: 1510 })]);
    expect(alertsText(h)).toBe('C:encrypted');
    const text = detailsLines(s, 120).map((l) => l.map((x) => x.text).join(''));
    expect(text.filter((t) => /^ {2}Alert /.test(t))).toEqual([expect.stringMatching(/^ {2}Alert +client encrypted alert, frame 1510$/)]);
    expect(text.filter((t) => /encrypted encrypted/.test(t))).toEqual([]);
  });
});
