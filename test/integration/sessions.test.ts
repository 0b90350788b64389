/**
 * Two sessions in one process do not disturb each other: every cache a scan uses (the certificate store, the
 * certificate and CertificateRequest memo, the judgements) belongs to its session. The same real captures
 * (captures/make.sh: openssl peers recorded with tcpdump) are scanned alone and then by two sessions at once with
 * different trust settings, so a shared certificate or a shared judgement would show in the other's output.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import { renderJson } from '../../src/report/index.js';
import { scanCaptures, toScanResult, type SessionOptions, type SessionResult } from '../../src/session.js';

const CAPTURES = resolve(__dirname, '../../captures');
const FILES = ['traversal-healthy.pcapng', 'traversal-missing-intermediate.pcap', 'sip-tls-no-client-cert.pcap'].map((f) => join(CAPTURES, f));

/**
 * The same profile with the scenarios' root CA and with no trust anchor at all: only the trust store tells the two
 * apart, so a judgement one session made and the other found would show.
 */
async function options(withCa: boolean): Promise<SessionOptions> {
  const ca = withCa ? [join(CAPTURES, 'pki/root-ca.pem')] : [];
  const trust = await buildTrust({ ca, systemCa: false, publicRoots: false, profile: 'expressway', at: 'capture' });
  return { judge: trust.judge };
}

const json = (r: SessionResult) => renderJson(toScanResult(r));

describe('two sessions in one process', () => {
  it('give each the result it gives alone, and share no certificate object', async () => {
    const [ex, web] = [await options(true), await options(false)];
    const aloneEx = json(await scanCaptures(FILES, ex));
    const aloneWeb = json(await scanCaptures(FILES, web));
    // The two settings judge the same chains differently: a shared judgement could not go unseen.
    expect(aloneEx).not.toBe(aloneWeb);
    expect(aloneEx).toContain('"chain-trusted"');
    expect(aloneWeb).toContain('"untrusted-root"');

    const [a, b] = await Promise.all([scanCaptures(FILES, ex), scanCaptures(FILES, web)]);
    expect(json(a)).toBe(aloneEx);
    expect(json(b)).toBe(aloneWeb);

    // Same captures, same certificates, and yet each session parsed and keeps its own.
    const common = [...a.parsed.keys()].filter((sha) => b.parsed.has(sha));
    expect(common.length).toBeGreaterThanOrEqual(4);
    for (const sha of common) {
      expect(a.parsed.get(sha)).not.toBe(b.parsed.get(sha));
      expect(a.parsed.get(sha)!.info).not.toBe(b.parsed.get(sha)!.info);
      // The DER is the copy the session's TLS memo kept, not another session's.
      expect(a.parsed.get(sha)!.der).not.toBe(b.parsed.get(sha)!.der);
    }
    // What one session's consumer does to its certificates stays there.
    for (const sha of common) a.parsed.get(sha)!.info.subject = 'changed by the other session';
    expect(json(await scanCaptures(FILES, web))).toBe(aloneWeb);
  });
});
