/**
 * The streaming formats on real captures (captures/ made by captures/make.sh, the hostile fixture made by
 * test/fixtures/hostile/make.sh): Zeek log escaping and x509.log deduplication, deterministic uids, and the
 * self-contained lines of --format ndjson.
 */
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { scanCaptures, type SessionResult } from '../../src/session.js';
import { ZeekLogWriter } from '../../src/report/zeek.js';
import { escapeZeek, zeekLine } from '../../src/report/zeek-log.js';
import { rfc2253 } from '../../src/report/zeek-x509.js';
import { ndjsonCaptures, ndjsonHandshake } from '../../src/report/ndjson.js';
import { parseCertificate } from '../../src/x509/index.js';
import { pemToDer } from '../../src/report/export.js';

const ROOT = resolve(__dirname, '../..');
const MANY = join(ROOT, 'captures/many-handshakes.pcap');
const HEALTHY = join(ROOT, 'captures/traversal-healthy.pcapng');
const HOSTILE = join(ROOT, 'test/fixtures/hostile/hostile.pcap');

function zeekOf(r: SessionResult, dedupX509?: boolean) {
  const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
  const w = new ZeekLogWriter({ dedupX509 });
  let ssl = '';
  let x509 = '';
  for (const h of r.handshakes) {
    const l = w.handshake(h, (s) => certs.get(s));
    ssl += l.ssl;
    x509 += l.x509;
  }
  return { ssl: ssl.split('\n').filter(Boolean), x509: x509.split('\n').filter(Boolean) };
}

describe('Zeek logs', () => {
  it('logs a certificate once per (fingerprint, host_cert, client_cert) by default, every time with dedup off', async () => {
    const r = await scanCaptures([MANY]);
    expect(r.handshakes.length).toBe(300);
    const seen = new Set(r.handshakes.flatMap((h) => [
      ...h.serverChain.map((s, i) => `${s} ${i === 0} false`),
      ...h.clientChain.map((s, i) => `${s} ${i === 0} true`),
    ]));
    const all = r.handshakes.reduce((n, h) => n + h.serverChain.length + h.clientChain.length, 0);
    const dedup = zeekOf(r);
    expect(dedup.ssl).toHaveLength(300);
    expect(dedup.x509).toHaveLength(seen.size);
    const keys = dedup.x509.map((l) => { const c = l.split('\t'); return `${c[1]} ${c[20] === 'T'} ${c[21] === 'T'}`; });
    expect(new Set(keys)).toEqual(seen);
    expect(all).toBeGreaterThan(seen.size);
    expect(zeekOf(r, false).x509).toHaveLength(all);
  });

  it('gives the same uid for the same connection on every run, and different ones to different connections', async () => {
    const a = zeekOf(await scanCaptures([MANY])).ssl.map((l) => l.split('\t')[1]);
    const b = zeekOf(await scanCaptures([MANY])).ssl.map((l) => l.split('\t')[1]);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(300);
    for (const u of a) expect(u).toMatch(/^C[0-9A-Za-z]{10,17}$/);
  });

  it('writes hostile wire strings as \\xNN: no control character, tab or newline inside a field', async () => {
    const r = await scanCaptures([HOSTILE]);
    const leaf = r.certificates.find((c) => r.handshakes[0]!.serverChain[0] === c.sha256)!;
    const pc = parseCertificate(pemToDer(leaf.pem));
    expect(pc.subjectRaw.includes(0x1b)).toBe(true);
    const { x509 } = zeekOf(r);
    const cols = x509[0]!.split('\t');
    expect(cols).toHaveLength(22);
    // eslint-disable-next-line no-control-regex
    for (const l of x509) expect(l).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\uffff]/);
    // The subject as OpenSSL prints it (ESC as \1B, bytes above 0x7f as \XX), then Zeek's escaping of nothing more.
    expect(cols[4]).toBe(escapeZeek(rfc2253(pc.subjectRaw), false));
    expect(cols[4]).toContain('\\1B');
  });

  it("escapes as Zeek's ASCII writer: separators, non-ASCII bytes, a lone '-', empty strings and vectors", () => {
    const f = [{ name: 'a', type: 'string' }, { name: 'b', type: 'vector[string]' }, { name: 'c', type: 'string' }, { name: 'd', type: 'vector[string]' }, { name: 'e', type: 'bool' }] as const;
    expect(zeekLine(f, ['x\ty\nz', ['p,q', 'é'], '-', [], undefined])).toBe('x\\x09y\\x0az\tp\\x2cq,\\xc3\\xa9\t\\x2d\t(empty)\t-\n');
    expect(zeekLine(f, ['', [''], 'a,b', ['-'], false])).toBe('(empty)\t(empty)\ta,b\t-\tF\n');
  });
});

describe('ndjson', () => {
  it('writes one self-contained line per handshake with its certificates inline, PEM only when asked, and the captures last', async () => {
    const r = await scanCaptures([HEALTHY]);
    const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
    const h = r.handshakes[0]!;
    const line = ndjsonHandshake(h, (s) => certs.get(s), {}, '0.1.0');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    const j = JSON.parse(line);
    expect(j.type).toBe('handshake');
    expect(j.id).toBe(h.id);
    expect(j.serverCertificates.map((c: { sha256: string }) => c.sha256)).toEqual(h.serverChain);
    expect(j.clientCertificates.map((c: { sha256: string }) => c.sha256)).toEqual(h.clientChain);
    expect(h.clientChain.length).toBeGreaterThan(0);
    expect(j.serverCertificates[0].subject).toBe(certs.get(h.serverChain[0]!)!.subject);
    expect(j.serverCertificates[0].pem).toBeUndefined();
    const withPem = JSON.parse(ndjsonHandshake(h, (s) => certs.get(s), { pem: true }));
    expect(withPem.serverCertificates[0].pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const caps = ndjsonCaptures(r.captures, '0.1.0').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(caps).toEqual([{ type: 'capture', certshark: '0.1.0', capture: 0, ...r.captures[0] }]);
  });
});
