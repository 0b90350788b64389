/**
 * Parity with tshark given the same key log (`tshark -o tls.keylog_file:FILE`): the same certificate set (SHA-256
 * of each DER) from the TLS 1.3 key-log capture and the TLS 1.2 renegotiation captures; for DTLS the certificates
 * tshark lists (live for the scenario capture, EXPECTED.tsv for Zeek's traces); TLS 1.3 traces without keys are
 * encrypted handshakes with their reason, never errors.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainSet, CORPUS, haveCorpus, haveTshark, RENEG, ROOT, scanJson, type ScanJson } from './helpers.js';
import { expectedByFile } from '../corpus.js';

/** Certificates of every Certificate message tshark decodes (TLS and DTLS), as SHA-256 of the DER. */
function tsharkCerts(file: string, keylog?: string): Set<string> {
  const args = ['-r', file, '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tls.desegment_ssl_application_data:FALSE'];
  if (keylog) args.push('-o', `tls.keylog_file:${keylog}`);
  args.push('-Y', 'tls.handshake.type == 11 || dtls.handshake.type == 11', '-T', 'fields', '-e', 'tls.handshake.certificate', '-e', 'dtls.handshake.certificate');
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark exited ${r.status}: ${r.stderr}`);
  const out = new Set<string>();
  for (const hex of r.stdout.split(/[\t,\n]/)) {
    if (/^[0-9a-f]+$/.test(hex)) out.add(createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex'));
  }
  return out;
}

const sorted = (s: Set<string>): string[] => [...s].sort();

describe.skipIf(!haveTshark)('same certificates as tshark with the same key log', () => {
  const cases = [
    { file: 'captures/tls13-keylog.pcapng', keys: 'captures/tls13-keylog.keys', min: 3 },
    { file: 'captures/renegotiation/renegotiation-gcm.pcap', keys: 'captures/renegotiation/renegotiation-gcm.keys', min: 3 },
    { file: 'captures/renegotiation/renegotiation-cbc.pcap', keys: 'captures/renegotiation/renegotiation-cbc.keys', min: 3 },
  ];
  for (const c of cases) {
    it(c.file, () => {
      const file = join(ROOT, c.file);
      const keys = join(ROOT, c.keys);
      const want = tsharkCerts(file, keys);
      expect(want.size).toBeGreaterThanOrEqual(c.min); // the key log really opens something for tshark too
      const j = scanJson(['--keylog', keys, file]);
      expect(sorted(chainSet(j.handshakes))).toEqual(sorted(want));
      expect(sorted(new Set(j.certificates.map((x) => x.sha256)))).toEqual(sorted(want));
      for (const h of j.handshakes) expect(h.notes.join(' ')).not.toMatch(/decryption-failed|internal-error/);
    });
  }

  it('without the key log both see only what travels in the clear', () => {
    const tls13 = join(ROOT, 'captures/tls13-keylog.pcapng');
    expect(tsharkCerts(tls13).size).toBe(0);
    const a = scanJson([tls13]);
    expect(chainSet(a.handshakes).size).toBe(0);
    expect(a.handshakes.every((h) => h.encrypted)).toBe(true);
    const gcm = join(RENEG, 'renegotiation-gcm.pcap');
    const b = scanJson([gcm]);
    expect(sorted(chainSet(b.handshakes))).toEqual(sorted(tsharkCerts(gcm)));
  });

  it('DTLS 1.2 scenario capture (fragmented Certificate, HelloVerifyRequest)', () => {
    const file = join(ROOT, 'captures/dtls12-fragmented.pcapng');
    const want = tsharkCerts(file);
    expect(want.size).toBeGreaterThan(0);
    const j = scanJson([file]);
    expect(j.handshakes.every((h) => h.transport === 'udp')).toBe(true);
    expect(sorted(chainSet(j.handshakes))).toEqual(sorted(want));
  });
});


describe.skipIf(!haveCorpus)('corpus: DTLS and TLS 1.3 traces', () => {
  const tls = (n: string): string => join(CORPUS, 'zeek/tls', n);

  it('DTLS 1.0, 1.2 and WebRTC (DTLS over a STUN-multiplexed port): the certificates EXPECTED.tsv lists', () => {
    const exp = expectedByFile();
    const names = ['dtls1_0.pcap', 'dtls1_2.pcap', 'webrtc-stun.pcap'];
    const j = scanJson(names.map(tls));
    names.forEach((n, i) => {
      const hs = j.handshakes.filter((h) => h.capture === i);
      const want = exp.get(`zeek/tls/${n}`)!;
      expect(want.length, n).toBeGreaterThan(0);
      expect(sorted(chainSet(hs)), n).toEqual([...want].sort());
      expect(hs.every((h) => h.transport === 'udp' && h.complete), n).toBe(true);
    });
  });

  it('DTLS 1.3 with connection IDs: encrypted handshakes with a note, no certificate, no error', () => {
    const j = scanJson([tls('dtls13-cid.pcap')]);
    expect(j.captures[0]!.error).toBeUndefined();
    const d13 = j.handshakes.filter((h) => h.version === 'DTLS 1.3');
    expect(d13.length).toBe(2);
    for (const h of d13) {
      expect(h.encrypted).toBe(true);
      expect(h.notes.join(' ')).toMatch(/dtls-1\.3: the rest of the handshake is encrypted \(not decrypted\)/);
      expect(h.notes.join(' ')).not.toMatch(/internal-error|malformed/);
    }
    expect(chainSet(j.handshakes).size).toBe(0);
  });

  it('TLS 1.3 traces (ECH, X25519Kyber768, drafts 16-23, wolfSSL, PSK): encrypted handshakes, not errors', () => {
    const exp = expectedByFile();
    const names = [
      'tls13-ech.pcap',
      'chrome-1250-tls-x25519-kyber.pcap',
      'tls13draft16-chrome55.0.2879.0-canary.pcap',
      'tls13draft16-ff52.a01.pcap',
      'tls-13draft19-early-data.pcap',
      'tls13draft23-chrome67.0.3368.0-canary.pcap',
      'tls13_wolfssl.pcap',
      'tls13_psk_succesfull.pcap',
    ];
    const j: ScanJson = scanJson(names.map(tls));
    names.forEach((n, i) => {
      expect(j.captures[i]!.error, n).toBeUndefined();
      expect(exp.get(`zeek/tls/${n}`), n).toEqual([]); // tshark sees no certificate either
      const hs = j.handshakes.filter((h) => h.capture === i);
      expect(hs.length, n).toBeGreaterThan(0);
      for (const h of hs) {
        expect(h.version, n).toMatch(/^TLS 1\.3/);
        expect(h.encrypted, n).toBe(true);
        expect(h.serverChain, n).toEqual([]);
        expect(h.notes.join(' '), n).not.toMatch(/internal-error|malformed|truncated/);
        const codes = (h.verdicts ?? []).map((v) => v.code);
        expect(codes, n).toContain('certificates-encrypted');
        expect((h.verdicts ?? []).find((v) => v.code === 'certificates-encrypted')!.fix, n).toMatch(/SSLKEYLOGFILE/);
      }
    });
  });

  it('TLS 1.3 draft-16 attempts the server refused: the protocol_version alert, not an encrypted handshake', () => {
    const names = ['tls13draft16-chrome55.0.2879.0-canary-aborted.pcap', 'tls13draft16-ff52.a01-aborted.pcap'];
    const j = scanJson(names.map(tls));
    expect(j.handshakes.length).toBe(4);
    for (const h of j.handshakes) {
      expect(h.encrypted).toBe(false);
      expect(h.alerts.map((a) => a.descriptionName)).toEqual(['protocol_version']);
    }
  });
});
