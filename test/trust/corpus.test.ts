/**
 * The chain verdict for the public-web handshakes of the reference captures (../shared/corpus, Zeek's test
 * traces) against `openssl verify -attime <capture time>` over the same presented chain and the same store (Node's
 * bundled public roots). Skipped when the corpus is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { scanCaptures } from '../../src/session.js';
import { judgeHandshake, TrustStore } from '../../src/trust/index.js';
import type { Handshake, Verdict } from '../../src/model.js';
import type { ParsedCertificate } from '../../src/x509/index.js';

const CORPUS = join(process.cwd(), '../shared/corpus/zeek/tls');
const FILES = [
  'chrome-34-google.pcap', 'ecdsa-cert.pcap', 'google-duplicate.pcap', 'ocsp-stapling-digicert.pcap',
  'ocsp-stapling-twimg.pcap', 'certificate-with-sct.pcap', 'telesec.pcap', 'tls-expired-cert.pcap',
  'missing-intermediate.pcap', 'smtp-starttls.pcap', 'imap-starttls.pcap', 'tls1.2.pcap',
];
const PATH_CODES = new Set([
  'chain-trusted', 'missing-intermediate', 'untrusted-root', 'self-signed', 'bad-signature', 'not-a-ca',
  'ca-missing-keycertsign', 'path-length-exceeded', 'name-constraints-violated', 'unknown-critical-extension',
  'expired-at-capture', 'not-yet-valid', 'ca-expired-at-capture', 'signature-unsupported', 'chain-too-long',
]);

/** The verdict class both tools can express. */
function classOf(codes: string[]): string {
  if (codes.includes('chain-trusted')) return 'ok';
  // certshark reports every failure of the chosen path; openssl reports the first, in its order: chain building
  // (issuer) before the top-down walk that checks signatures and validity.
  if (codes.some((c) => ['missing-intermediate', 'untrusted-root', 'self-signed'].includes(c))) return 'issuer';
  if (codes.some((c) => c === 'bad-signature')) return 'signature';
  if (codes.some((c) => ['expired-at-capture', 'ca-expired-at-capture', 'not-yet-valid'].includes(c))) return 'time';
  return codes.join(',');
}
function opensslClass(out: string): string {
  if (/: OK\s*$/.test(out)) return 'ok';
  if (/certificate signature failure|signature failure/.test(out)) return 'signature';
  // openssl reports the first error it meets walking down from the anchor; expiry is reported as such only
  // when the issuer was found.
  if (/certificate has expired|not yet valid/.test(out)) return 'time';
  if (/unable to get (local )?issuer certificate|self-signed certificate|self signed certificate/.test(out)) return 'issuer';
  return out.trim().split('\n').pop() ?? out;
}

describe.skipIf(!existsSync(CORPUS))('chain verdicts agree with openssl verify -attime on the corpus', () => {
  it('public-web handshakes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certshark-corpus-'));
    const roots = join(dir, 'roots.pem');
    writeFileSync(roots, tls.rootCertificates.join('\n'));
    const store = TrustStore.create({ publicRoots: true });
    const parsed = new Map<string, ParsedCertificate>();
    const seen: { file: string; h: Handshake; v: Verdict[] }[] = [];
    const files = FILES.map((f) => join(CORPUS, f)).filter((f) => existsSync(f));
    const r = await scanCaptures(files, {
      judge: (h, certs) => {
        for (const [k, c] of certs) parsed.set(k, c);
        return judgeHandshake(h, certs, { store, at: 'capture', profile: 'web' });
      },
    });
    for (const h of r.handshakes) if (h.serverChain.length && h.verdicts) seen.push({ file: '', h, v: h.verdicts });
    expect(seen.length).toBeGreaterThan(5);
    const rows: string[] = [];
    const done = new Set<string>();
    let compared = 0;
    for (const { h, v } of seen) {
      const key = h.serverChain.join(',') + '@' + Math.floor(h.ts / 86400);
      if (done.has(key)) continue;
      done.add(key);
      const chain = h.serverChain.map((s) => parsed.get(s)!);
      if (chain.some((c) => !c?.ok)) continue;
      const leafPem = join(dir, 'leaf.pem'), untrusted = join(dir, 'untrusted.pem');
      writeFileSync(leafPem, chain[0]!.info.pem);
      writeFileSync(untrusted, chain.slice(1).map((c) => c.info.pem).join('') || chain[0]!.info.pem);
      let out: string;
      try {
        out = execFileSync('openssl', ['verify', '-attime', String(Math.floor(h.ts)), '-CAfile', roots, '-untrusted', untrusted, leafPem], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      } catch (e) {
        out = String((e as { stdout?: Buffer }).stdout ?? '') + String((e as { stderr?: Buffer }).stderr ?? '');
      }
      const ours = classOf(v.filter((x) => PATH_CODES.has(x.code) && x.subject === 'server').map((x) => x.code));
      const theirs = opensslClass(out);
      rows.push(`${chain[0]!.info.subjectCN} at ${h.time}: certshark ${ours}, openssl ${theirs}`);
      compared++;
      // No known difference remains on these traces: both judge the same path at the same time.
      if (ours !== theirs) rows.push(`  DIFFERENCE ${chain[0]!.info.subjectCN}\n${out}`);
    }
    console.log(rows.join('\n'));
    expect(rows.filter((r) => r.includes('DIFFERENCE'))).toEqual([]);
    expect(compared).toBeGreaterThan(5);
  });
});
