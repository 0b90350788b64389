/**
 * Real captures (Zeek's test traces in ../shared/corpus, read in place, never copied) through a small pipeline:
 * src/capture -> src/net -> src/tcp -> src/tls. Compared with EXPECTED.tsv (tshark's extraction) and the
 * corpus README's known cases. Skipped when the corpus is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import type { Handshake } from '../../src/model.js';
import { NetDecoder } from '../../src/net/index.js';
import { FlowTracker } from '../../src/tcp/index.js';
import { createTlsConsumer } from '../../src/tls/index.js';
import { expectedByFile } from '../corpus.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus');
const have = existsSync(join(CORPUS, 'EXPECTED.tsv'));

const expected = have ? expectedByFile() : new Map<string, string[]>();

async function scan(file: string): Promise<{ hs: Handshake[]; certs: Map<string, Uint8Array> }> {
  const hs: Handshake[] = [];
  const certs = new Map<string, Uint8Array>();
  let id = 0;
  const tracker = new FlowTracker((info) =>
    createTlsConsumer(info, { handshake: (h, m) => (hs.push(h), m.forEach((v, k) => certs.set(k, v))) }, { nextId: () => ++id }),
  );
  const dec = new NetDecoder();
  await readCapture(join(CORPUS, file), {
    packet(rec) {
      const p = dec.decode(rec);
      if (p) tracker.add(p);
    },
  });
  tracker.finish();
  return { hs, certs };
}

const allCerts = (hs: Handshake[]): Set<string> => new Set(hs.flatMap((h) => [...h.serverChain, ...h.clientChain]));

describe.skipIf(!have)('corpus captures', () => {
  for (const f of [
    'zeek/tls/tls1.2.pcap',
    'zeek/tls/client-certificate.pcap',
    'zeek/tls/dtls1_2.pcap',
    'zeek/tls/xmpp-starttls.pcap',
    'zeek/tls/smtp-starttls.pcap',
    'zeek/tls/imap-starttls.pcap',
    'zeek/tls/ssl.v3.pcap',
    'zeek/tls/tls1_1.pcap',
    'zeek/tls/ocsp-stapling.pcap',
    'zeek/tls/webrtc-stun.pcap',
    'zeek/tls/dtls1_0.pcap',
    'zeek/other/mysql_tls-12-amazon-rds.pcap',
  ]) {
    it(`finds every certificate tshark finds in ${f}`, async () => {
      const want = expected.get(f)!;
      expect(want.length).toBeGreaterThan(0);
      const { hs, certs } = await scan(f);
      const got = allCerts(hs);
      for (const s of want) expect(got, s).toContain(s);
      for (const s of got) expect(certs.get(s)?.length).toBeGreaterThan(0);
    });
  }

  it('tls-fragmented-handshake: the CN=Bro certificate with 10,000 SANs', async () => {
    const { hs } = await scan('zeek/tls/tls-fragmented-handshake.pcap.gz');
    expect(allCerts(hs)).toContain('af4a46e989dc24078ee2a205490856e059e7f2f9d2114cec4d4c44974add9d34');
  });

  it('PostgreSQL SSLRequest: the chain after the S answer, labelled postgresql', async () => {
    const { hs } = await scan('zeek/other/postgresql_psql-aws-ssl-require.pcap');
    const h = hs.find((x) => x.serverChain.length > 0);
    expect(h?.startTls).toBe('postgresql');
  });

  it('client-certificate: a client chain and a CertificateRequest', async () => {
    const { hs } = await scan('zeek/tls/client-certificate.pcap');
    expect(hs.some((h) => h.clientChain.length > 0)).toBe(true);
    expect(hs.some((h) => h.certificateRequest !== undefined)).toBe(true);
  });

  it('xmpp and smtp STARTTLS are labelled', async () => {
    expect((await scan('zeek/tls/xmpp-starttls.pcap')).hs.find((h) => h.serverChain.length)?.startTls).toBe('xmpp');
    expect((await scan('zeek/tls/smtp-starttls.pcap')).hs.find((h) => h.serverChain.length)?.startTls).toBe('smtp');
  });

  it('FTP AUTH TLS and LDAP StartTLS (both TLS 1.3) are found and labelled', async () => {
    for (const [f, label] of [['zeek/other/ftp_ftp-auth-tls.pcap', 'ftp'], ['zeek/other/ldap_ldap-starttls.pcap', 'ldap']] as const) {
      const h = (await scan(f)).hs[0];
      expect(h, f).toMatchObject({ startTls: label, version: 'TLS 1.3', encrypted: true, complete: true });
    }
  });

  it('TLS 1.3 without keys: encrypted, no chain', async () => {
    const { hs } = await scan('zeek/tls/tls13_wolfssl.pcap');
    const h = hs.find((x) => x.version === 'TLS 1.3');
    expect(h?.encrypted).toBe(true);
    expect(h?.serverChain).toEqual([]);
  });
});
