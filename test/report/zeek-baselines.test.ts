/**
 * scan --format zeek against Zeek's own logs: for the 12 corpus traces whose Zeek test baselines are kept in
 * ../shared/corpus/zeek-baselines (Zeek's testing/btest/Baseline, written by Zeek itself), certshark's ssl.log and
 * x509.log must carry the same header, the same field names and types in Zeek's order, every certificate row Zeek
 * logs in the same order, and equal values in every field both write. Timestamps and uids are masked in the
 * baselines and are not compared. Every other difference is named below, one by one, with the reason. Skipped
 * when the corpus is absent (it is not part of the repository).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanCaptures } from '../../src/session.js';
import { ZeekLogWriter, SSL_FIELDS, X509_FIELDS } from '../../src/report/zeek.js';
import { CORPUS_ROOT } from '../corpus.js';

const BASELINES = join(CORPUS_ROOT, 'zeek-baselines');
const have = existsSync(join(BASELINES, 'PAIRS.tsv'));

interface Log {
  header: string[];
  fields: string[];
  types: string[];
  rows: Record<string, string>[];
}

function parseLog(text: string): Log {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('###'));
  const header = lines.filter((l) => l.startsWith('#'));
  const fields = header.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
  const types = header.find((l) => l.startsWith('#types\t'))!.split('\t').slice(1);
  const rows = lines.filter((l) => !l.startsWith('#')).map((l) => {
    const cols = l.split('\t');
    expect(cols.length).toBe(fields.length);
    return Object.fromEntries(fields.map((f, i) => [f, cols[i]!]));
  });
  return { header, fields, types, rows };
}

/** Masked in the baselines (btest canonifiers): never compared. */
const MASKED = new Set(['ts', 'uid']);

/**
 * Zeek ssl.log fields the model cannot fill yet: certshark writes them unset (`-`), and the test checks that it
 * does rather than guess. They come with the ClientHello/ServerHello detail of the TLS restructuring.
 */
const NOT_DERIVED: Record<string, string> = {
  ssl_history: 'the order of the handshake messages is not in the model',
};

/** Fields certshark adds after Zeek's (Zeek logs allow added fields). */
const ADDED = new Set(['validation_status', 'ja3', 'ja3s', 'ja4', 'certshark.id', 'certshark.severity', 'certshark.verdicts', 'certshark.notes']);

/**
 * Zeek's own quirks and test-specific settings in these baselines, one by one: what Zeek wrote that is not the
 * Zeek 6/7 default, and why certshark does not write it.
 */
const QUIRKS = {
  // The IMAP STARTTLS test loads a policy script that adds the leaf's subject and issuer to ssl.log; they are not
  // in the default field set, so certshark does not write them (x509.log carries both for every certificate).
  imapSubjectIssuer: { test: 'scripts.base.protocols.imap.starttls', fields: ['subject', 'issuer'] },
  // The GridFTP test sets X509::relog_known_certificates_after = 0secs: every certificate of every connection is
  // logged, where Zeek's default logs a (fingerprint, host_cert, client_cert) once a day. certshark's default
  // follows Zeek's default; the test runs that trace with deduplication off, as the baseline was made.
  gridftpNoDedup: 'scripts.base.protocols.ftp.gridftp',
};

/**
 * What certshark does not see that Zeek does, named: the GridFTP control channel (port 2811) carries its TLS
 * handshake base64-encoded inside FTP ADAT commands (RFC 2228 GSSAPI security exchange), which Zeek's FTP analyser
 * decodes and certshark's STARTTLS detection does not. That connection's ssl.log row, and the x509.log rows of
 * its chains (logged first, as it is the first connection), are absent; the data channel's handshake is compared.
 * If certshark learns ADAT, this test fails until the gap is removed here.
 */
const GAPS: Record<string, { conn: string; reason: string }> = {
  'scripts.base.protocols.ftp.gridftp': {
    conn: '192.168.57.103:60108>192.168.57.101:2811',
    reason: 'TLS inside FTP ADAT (RFC 2228) is not decoded',
  },
};

function pairs(): Array<{ test: string; trace: string }> {
  return readFileSync(join(BASELINES, 'PAIRS.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => {
    const [test, trace] = l.split('\t');
    return { test: test!, trace: trace! };
  });
}

async function certsharkLogs(trace: string, dedupX509: boolean): Promise<{ ssl: Log; x509: Log }> {
  const r = await scanCaptures([join(CORPUS_ROOT, trace)]);
  const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
  const w = new ZeekLogWriter({ dedupX509 });
  const b = w.begin();
  let ssl = b.ssl;
  let x509 = b.x509;
  for (const h of [...r.handshakes].sort((a, z) => a.firstFrame - z.firstFrame)) {
    const l = w.handshake(h, (s) => certs.get(s));
    ssl += l.ssl;
    x509 += l.x509;
  }
  const e = w.end();
  return { ssl: parseLog(ssl + e.ssl), x509: parseLog(x509 + e.x509) };
}

const connKey = (r: Record<string, string>) => `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;

describe.skipIf(!have)("scan --format zeek matches Zeek's own ssl.log and x509.log", () => {
  it('covers the 12 paired traces', () => {
    expect(pairs()).toHaveLength(12);
  });

  for (const { test, trace } of have ? pairs() : []) {
    it(`${test} (${trace})`, async () => {
      const zeekSsl = parseLog(readFileSync(join(BASELINES, test, 'ssl.log'), 'utf8'));
      const zeekX509 = parseLog(readFileSync(join(BASELINES, test, 'x509.log'), 'utf8'));
      const ours = await certsharkLogs(trace, test !== QUIRKS.gridftpNoDedup);

      for (const [z, o] of [[zeekSsl, ours.ssl], [zeekX509, ours.x509]] as const) {
        // #separator … #path identical; #open/#close are masked in the baselines.
        expect(o.header.slice(0, 5)).toEqual(z.header.slice(0, 5));
        expect(o.header.some((l) => /^#open\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/.test(l))).toBe(true);
        expect(o.header.some((l) => /^#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/.test(l))).toBe(true);
      }

      // ssl.log: Zeek's fields in Zeek's order with Zeek's types, then the added ones.
      const policyOnly = test === QUIRKS.imapSubjectIssuer.test ? QUIRKS.imapSubjectIssuer.fields : [];
      const zeekFields = zeekSsl.fields.filter((f) => !policyOnly.includes(f));
      expect(ours.ssl.fields.slice(0, zeekFields.length)).toEqual(zeekFields);
      expect(ours.ssl.types.slice(0, zeekFields.length)).toEqual(zeekFields.map((f) => zeekSsl.types[zeekSsl.fields.indexOf(f)]));
      expect(ours.ssl.fields.slice(zeekFields.length).every((f) => ADDED.has(f))).toBe(true);

      const gap = GAPS[test];
      if (gap) {
        const missing = zeekSsl.rows.find((r) => connKey(r) === gap.conn)!;
        const fps = [missing.cert_chain_fps!, missing.client_cert_chain_fps!].flatMap((v) => (v === '(empty)' ? [] : v.split(',')));
        expect(zeekX509.rows.slice(0, fps.length).map((r) => r.fingerprint), gap.reason).toEqual(fps);
        zeekX509.rows.splice(0, fps.length);
        zeekSsl.rows.splice(zeekSsl.rows.indexOf(missing), 1);
        expect(ours.ssl.rows.some((r) => connKey(r) === gap.conn), gap.reason).toBe(false);
      }
      expect(ours.ssl.rows.map(connKey)).toEqual(zeekSsl.rows.map(connKey));
      zeekSsl.rows.forEach((zr, i) => {
        const or = ours.ssl.rows[i]!;
        for (const f of zeekFields) {
          if (MASKED.has(f)) continue;
          if (f in NOT_DERIVED) expect(or[f], `${f}: ${NOT_DERIVED[f]}`).toBe('-');
          else expect(`${f}=${or[f]}`).toBe(`${f}=${zr[f]}`);
        }
        expect(or.uid).toMatch(/^C[0-9A-Za-z]{10,17}$/);
      });

      // x509.log: the same fields and types, every certificate row Zeek logs, in order, equal in every field.
      expect(ours.x509.fields).toEqual(zeekX509.fields);
      expect(ours.x509.types).toEqual(zeekX509.types);
      expect(ours.x509.rows.map((r) => r.fingerprint)).toEqual(zeekX509.rows.map((r) => r.fingerprint));
      zeekX509.rows.forEach((zr, i) => {
        const or = ours.x509.rows[i]!;
        for (const f of zeekX509.fields) if (!MASKED.has(f)) expect(`${zr.fingerprint} ${f}=${or[f]}`).toBe(`${zr.fingerprint} ${f}=${zr[f]}`);
      });
    });
  }

  it('writes the field sets of Zeek 6/7 in their order', () => {
    // The default ssl.log of the ssl.basic baseline (no policy scripts) is Zeek's default field set.
    const basic = parseLog(readFileSync(join(BASELINES, 'scripts.base.protocols.ssl.basic', 'ssl.log'), 'utf8'));
    expect(SSL_FIELDS.map((f) => f.name).slice(0, basic.fields.length)).toEqual(basic.fields);
    const x = parseLog(readFileSync(join(BASELINES, 'scripts.base.protocols.ssl.basic', 'x509.log'), 'utf8'));
    expect(X509_FIELDS.map((f) => f.name)).toEqual(x.fields);
  });
});
