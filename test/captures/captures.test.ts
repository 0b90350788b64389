/**
 * The scenario captures (captures/make.sh) and their expected results: every expected.json is well formed, names
 * only verdict codes that exist, and every certificate hash is the SHA-256 of a PEM in captures/pki; the link
 * types it claims are the ones in the capture's own headers; and, when tshark is installed, tshark finds those
 * certificates and alerts in the capture.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { VERDICT_CODES } from '../../src/trust/codes.js';

const ROOT = resolve(__dirname, '../..');
const DIR = join(ROOT, 'captures');
const run = promisify(execFile);

interface ExpectedHandshake {
  transport: 'tcp' | 'udp' | 'quic';
  client: { ip: string };
  server: { ip: string; port: number };
  sni?: string;
  version: string;
  serverChain: string[];
  clientChain: string[];
  alerts: { from: 'client' | 'server'; description: number; descriptionName: string }[];
  encrypted: boolean;
  complete: boolean;
  verdicts: { server?: string[]; client?: string[] };
  absent?: { server?: string[]; client?: string[] };
  mentions?: Record<string, Record<string, string[]>>;
  badge?: string;
  clientSentEmptyCertificate?: boolean;
  certificateRequest?: { authorities: string[] };
  startTls?: string;
}
interface ExpectedOptions {
  ca?: string[];
  publicRoots?: string[];
  profile?: string;
  expresswayVersion?: string;
  serverEkuUpload?: boolean;
  keylog?: string;
  at?: string;
}
interface Expected {
  capture: string;
  format: 'pcap' | 'pcapng';
  linkTypes: string[];
  description: string;
  options: ExpectedOptions;
  handshakeOrder: 'capture' | 'per-server-port';
  withoutKeylog?: { encrypted: boolean; verdicts: { server?: string[]; client?: string[] } };
  handshakes: ExpectedHandshake[];
  variants?: { name: string; options: ExpectedOptions; handshakes: Pick<ExpectedHandshake, 'verdicts' | 'absent' | 'mentions' | 'badge'>[] }[];
  certificates: Record<string, string>;
}

const names = readdirSync(DIR).filter((f) => f.endsWith('.expected.json')).sort();
const expected: Expected[] = names.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Expected);

/** SHA-256 of the DER inside a PEM certificate, computed from the file rather than trusted from the JSON. */
function pemSha256(path: string): string {
  const pem = readFileSync(path, 'utf8');
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error(`${path}: no certificate`);
  return createHash('sha256').update(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')).digest('hex');
}

const LINKTYPES: Record<number, string> = { 1: 'EN10MB', 101: 'RAW', 113: 'LINUX_SLL', 276: 'LINUX_SLL2' };

/** Link types from the file's own headers: the pcap global header, or every pcapng Interface Description Block. */
function linkTypesOf(buf: Buffer): { format: string; linkTypes: string[] } {
  const magic = buf.readUInt32LE(0);
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    return { format: 'pcap', linkTypes: [LINKTYPES[buf.readUInt32LE(20)] ?? String(buf.readUInt32LE(20))] };
  }
  if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    return { format: 'pcap', linkTypes: [LINKTYPES[buf.readUInt32BE(20)] ?? String(buf.readUInt32BE(20))] };
  }
  expect(magic).toBe(0x0a0d0d0a); // pcapng Section Header Block
  const le = buf.readUInt32LE(8) === 0x1a2b3c4d; // byte-order magic
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const types: string[] = [];
  let off = 0;
  while (off + 12 <= buf.length) {
    const type = u32(off);
    const len = u32(off + 4);
    if (len < 12 || off + len > buf.length) throw new Error(`bad pcapng block at ${off}`);
    if (type === 1) types.push(LINKTYPES[u16(off + 8)] ?? String(u16(off + 8)));
    off += len;
  }
  return { format: 'pcapng', linkTypes: types };
}

describe('expected.json files', () => {
  it('exist for every capture, and every capture is described in README.md', () => {
    const captures = readdirSync(DIR).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
    expect(captures.length).toBeGreaterThanOrEqual(15);
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const c of captures) {
      expect(names, c).toContain(c.replace(/\.pcap(ng)?$/, '.expected.json'));
      expect(readme, c).toContain('`' + c + '`');
    }
    expect(expected.map((e) => e.capture).sort()).toEqual(captures);
  });

  it('commit no private key (only the TLS 1.3 key log)', () => {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    for (const f of walk(DIR)) {
      if (/\.(pcap|pcapng)$/.test(f)) continue;
      expect(readFileSync(f, 'latin1'), f).not.toMatch(/PRIVATE KEY-----/);
    }
  });

  for (const e of expected) {
    describe(e.capture, () => {
      it('is well formed and uses only known verdict codes', () => {
        expect(e.description.length).toBeGreaterThan(20);
        expect(['capture', 'per-server-port']).toContain(e.handshakeOrder);
        expect(e.handshakes.length).toBeGreaterThan(0);
        for (const o of [e.options, ...(e.variants ?? []).map((v) => v.options)])
          for (const ca of [...(o.ca ?? []), ...(o.publicRoots ?? [])]) expect(existsSync(join(DIR, ca)), ca).toBe(true);
        if (e.options.keylog) expect(readFileSync(join(DIR, e.options.keylog), 'utf8')).toMatch(/^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} /m);
        const codes = [
          ...e.handshakes.flatMap((h) => [...(h.verdicts.server ?? []), ...(h.verdicts.client ?? [])]),
          ...(e.withoutKeylog?.verdicts.server ?? []),
        ];
        // Codes named anywhere else (absent, mentions, variants) must exist too, or a typo would pass unseen.
        const judged = [...e.handshakes, ...(e.variants ?? []).flatMap((v) => v.handshakes)];
        const named = judged.flatMap((h) => [
          ...Object.values(h.verdicts ?? {}).flat(),
          ...Object.values(h.absent ?? {}).flat(),
          ...Object.values(h.mentions ?? {}).flatMap((m) => Object.keys(m)),
        ]);
        for (const c of [...codes, ...named]) expect(Object.keys(VERDICT_CODES), c).toContain(c);
        for (const h of judged) if (h.badge !== undefined) expect(['ok', 'info', 'warning', 'error']).toContain(h.badge);
        for (const v of e.variants ?? []) {
          expect(v.name.length, 'variant name').toBeGreaterThan(0);
          expect(v.handshakes.length, `variant ${v.name}`).toBe(e.handshakes.length);
        }
        for (const h of e.handshakes) {
          expect(['tcp', 'udp', 'quic']).toContain(h.transport);
          expect(h.server.port).toBeGreaterThan(0);
          expect(h.version).toMatch(/^(D)?TLS 1\.[0-3]$/);
          expect(h.serverChain.length + h.clientChain.length).toBeGreaterThan(0);
          for (const a of h.alerts) {
            expect(['client', 'server']).toContain(a.from);
            expect(a.descriptionName).toMatch(/^[a-z_]+$/);
          }
          // an alert verdict needs the alert on the wire, and the other way round
          const alertCodes = codes.filter((c) => c.startsWith('alert-'));
          for (const a of h.alerts) expect(alertCodes).toContain('alert-' + a.descriptionName.replace(/_/g, '-'));
        }
      });

      it('names certificates that are files in captures/pki with that SHA-256', () => {
        const used = new Set(e.handshakes.flatMap((h) => [...h.serverChain, ...h.clientChain]));
        expect(new Set(Object.keys(e.certificates))).toEqual(used);
        for (const [sha, file] of Object.entries(e.certificates)) {
          expect(file).toMatch(/^pki\/[a-z0-9-]+\.pem$/);
          expect(pemSha256(join(DIR, file)), file).toBe(sha);
        }
      });

      it('states the format and link types the file really has', () => {
        const got = linkTypesOf(readFileSync(join(DIR, e.capture)));
        expect(got.format).toBe(e.format);
        expect([...new Set(got.linkTypes)]).toEqual(e.linkTypes);
      });
    });
  }
});

const hasTshark = await run('tshark', ['--version']).then(
  () => true,
  () => false,
);

/** Certificates (SHA-256) and plaintext alerts "ip:description" that tshark finds in a capture. */
async function tsharkFinds(file: string, keylog?: string): Promise<{ certs: Set<string>; alerts: string[] }> {
  const args = ['-r', file, '-o', 'tcp.reassemble_out_of_order:TRUE', '-o', 'tls.desegment_ssl_records:TRUE'];
  for (const d of ['tcp.port==7001,tls', 'tcp.port==5061,tls', 'tcp.port==8443,tls', 'udp.port==443,dtls']) args.push('-d', d);
  if (keylog) args.push('-o', `tls.keylog_file:${keylog}`);
  args.push('-Y', 'tls.handshake.type == 11 || dtls.handshake.type == 11 || tls.alert_message || dtls.alert_message');
  args.push('-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,');
  for (const f of ['ip.src', 'ipv6.src', 'tls.handshake.certificate', 'dtls.handshake.certificate', 'tls.alert_message.desc']) {
    args.push('-e', f);
  }
  const { stdout } = await run('tshark', args, { maxBuffer: 64 << 20 });
  const certs = new Set<string>();
  const alerts: string[] = [];
  for (const line of stdout.split('\n')) {
    const [ip4, ip6, tlsCerts, dtlsCerts, alertDesc] = line.split('\t');
    for (const hex of `${tlsCerts ?? ''},${dtlsCerts ?? ''}`.split(',')) {
      if (hex) certs.add(createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex'));
    }
    for (const d of (alertDesc ?? '').split(',')) if (d && d !== '0') alerts.push(`${ip4 || ip6}:${d}`);
  }
  return { certs, alerts };
}

describe.skipIf(!hasTshark)('tshark agrees with the expected files', () => {
  it.each(expected.map((e) => [e.capture, e] as const))('%s', async (_name, e) => {
    const keylog = e.options.keylog ? join(DIR, e.options.keylog) : undefined;
    const { certs, alerts } = await tsharkFinds(join(DIR, e.capture), keylog);
    for (const sha of Object.keys(e.certificates)) expect(certs, `${e.certificates[sha]} in ${e.capture}`).toContain(sha);
    const want = e.handshakes.flatMap((h) =>
      h.alerts.map((a) => `${a.from === 'server' ? h.server.ip : h.client.ip}:${a.description}`),
    );
    expect(alerts.sort()).toEqual(want.sort());
    if (keylog) {
      // without the key log the TLS 1.3 certificates are not visible at all
      const plain = await tsharkFinds(join(DIR, e.capture));
      expect(plain.certs.size).toBe(0);
    }
  });
});
