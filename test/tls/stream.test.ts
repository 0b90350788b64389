import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Handshake } from '../../src/model.js';
import { HandshakeMemo } from '../../src/tls/index.js';
import type { RecordDecryptor } from '../../src/tls/types.js';
import {
  ALERT, ascii, be, cat, CCS, CERT_A, CERT_A_SHA256, CERT_B, CERT_C, certificateBody, certificateBody13, clientHelloBody,
  derName, hex, hs, INFO, RANDOM_C, RANDOM_S, record, run, serverHelloBody, sha256, tls12Flow, u8, vec,
} from './fixtures.js';

const strip = (h: Handshake): Partial<Handshake> => {
  const { id: _i, ...rest } = h;
  return rest;
};

describe('TLS 1.2 over TCP', () => {
  it('extracts the server chain, SNI, ALPN, version and cipher of a full handshake', () => {
    const r = run(tls12Flow());
    expect(r.handshakes).toHaveLength(1);
    const h = r.handshakes[0]!;
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
    expect(sha256(CERT_A)).toBe(CERT_A_SHA256);
    expect(r.certs.get(CERT_A_SHA256)).toEqual(CERT_A);
    expect(h.sni).toBe('example.com');
    expect(h.alpn).toEqual(['h2', 'http/1.1']);
    expect(h.version).toBe('TLS 1.2');
    expect(h.clientVersion).toBe('TLS 1.2');
    expect(h.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(h.complete).toBe(true);
    expect(h.encrypted).toBe(false);
    expect(h.client).toEqual(INFO.a);
    expect(h.server).toEqual(INFO.b);
    expect(h.frames).toMatchObject({ clientHello: 1, serverHello: 2, serverCertificate: 2 });
    expect(h.firstFrame).toBe(1);
    expect(h.time).toBe(new Date((1_700_000_000 + 0.1) * 1000).toISOString());
    expect(h.notes).toEqual([]);
  });

  it('is done (skip the rest of the flow) once the handshake completed', () => {
    const r = run(tls12Flow(), { noEnd: true });
    expect(r.handshakes).toHaveLength(1);
    expect(r.done).toBe(true);
  });

  it('copies certificate DER (the input buffer may be reused by the caller)', () => {
    const steps = tls12Flow();
    const r = run(steps);
    steps[1]!.bytes.fill(0);
    expect(sha256(r.certs.get(CERT_A_SHA256)!)).toBe(CERT_A_SHA256);
  });

  it('any chunking of the streams yields the same handshake (fast-check)', () => {
    const want = strip(run(tls12Flow()).handshakes[0]!);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        let k = 0;
        const split = (b: Uint8Array): Uint8Array[] => {
          const out: Uint8Array[] = [];
          for (let p = 0; p < b.length; ) {
            const n = sizes[k++ % sizes.length]!;
            out.push(b.slice(p, p + n));
            p += n;
          }
          return out;
        };
        const got = run(tls12Flow(), { split }).handshakes;
        expect(got).toHaveLength(1);
        expect(strip(got[0]!)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('records split at every byte boundary give the same result', () => {
    const want = strip(run(tls12Flow()).handshakes[0]!);
    const steps = tls12Flow();
    for (let cut = 1; cut < steps[1]!.bytes.length; cut += 7) {
      const got = run(steps, { split: (b) => (b.length > cut ? [b.subarray(0, cut), b.subarray(cut)] : [b]) });
      expect(strip(got.handshakes[0]!)).toEqual(want);
    }
  });

  it('reassembles a Certificate message spanning many records, and several messages in one record', () => {
    const msg = hs(11, certificateBody([CERT_A, CERT_B, CERT_C]));
    const recs: Uint8Array[] = [];
    // ServerHello + first 10 bytes of the Certificate in one record, then 50-byte records.
    recs.push(record(22, 0x0303, cat(hs(2, serverHelloBody()), msg.subarray(0, 10))));
    for (let p = 10; p < msg.length; p += 50) recs.push(record(22, 0x0303, msg.subarray(p, p + 50)));
    recs.push(record(22, 0x0303, hs(14, new Uint8Array(0))));
    const steps = tls12Flow();
    steps[1] = { dir: 1, bytes: cat(...recs) };
    const h = run(steps).handshakes[0]!;
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B), sha256(CERT_C)]);
    expect(h.complete).toBe(true);
  });

  it('client certificate, empty client Certificate, CertificateRequest with DNs, OCSP status', () => {
    const ca = derName([['2.5.4.6', 'US'], ['2.5.4.10', 'Example, Inc.'], ['2.5.4.3', 'Example Client CA']]);
    const certReq = cat(vec(1, u8(1, 64)), vec(2, be(0x0401, 2)), vec(2, vec(2, ca)));
    const ocsp = u8(0x30, 0x03, 0x0a, 0x01, 0x00);
    const server = record(22, 0x0303, cat(
      hs(2, serverHelloBody()), hs(11, certificateBody([CERT_A])), hs(22, cat(u8(1), vec(3, ocsp))),
      hs(13, certReq), hs(14, new Uint8Array(0)),
    ));
    const withClient = (chain: Uint8Array[]) => [
      { dir: 0 as const, bytes: record(22, 0x0301, hs(1, clientHelloBody({ sni: 'mtls.example' }))) },
      { dir: 1 as const, bytes: server },
      { dir: 0 as const, bytes: cat(record(22, 0x0303, cat(hs(11, certificateBody(chain)), hs(16, vec(1, u8(1, 2, 3))))), CCS(), record(22, 0x0303, new Uint8Array(40))) },
      { dir: 1 as const, bytes: cat(CCS(), record(22, 0x0303, new Uint8Array(40))) },
    ];
    const h = run(withClient([CERT_C])).handshakes[0]!;
    expect(h.clientChain).toEqual([sha256(CERT_C)]);
    expect(h.frames?.clientCertificate).toBe(3);
    expect(h.clientSentEmptyCertificate).toBeUndefined();
    expect(h.certificateRequest).toEqual({
      types: ['rsa_sign', 'ecdsa_sign'],
      sigAlgs: ['rsa_pkcs1_sha256'],
      authorities: ['CN=Example Client CA,O=Example\\, Inc.,C=US'],
      frame: 2,
    });
    expect(h.ocsp).toEqual({ der: Buffer.from(ocsp).toString('base64'), frame: 2 });
    const e = run(withClient([])).handshakes[0]!;
    expect(e.clientChain).toEqual([]);
    expect(e.clientSentEmptyCertificate).toBe(true);
  });

  it('CertificateRequests are decoded once per distinct message: equal bytes share the result, near-equal ones do not', () => {
    // Same length, same middle and last bytes (what the memo looks up by), one letter apart near the start.
    const request = (cn: string) =>
      cat(vec(1, u8(1)), vec(2, be(0x0401, 2)), vec(2, cat(vec(2, derName([['2.5.4.3', cn], ['2.5.4.10', 'Same Org']])), vec(2, derName([['2.5.4.3', 'Second CA']])))));
    const flow = (cn: string) => [
      { dir: 0 as const, bytes: record(22, 0x0303, hs(1, clientHelloBody())) },
      { dir: 1 as const, bytes: record(22, 0x0303, cat(hs(2, serverHelloBody()), hs(13, request(cn)), hs(14, new Uint8Array(0)))) },
    ];
    expect(request('Alpha CA').length).toBe(request('Bravo CA').length);
    // Three flows of one session (the session owns the memo).
    const memo = new HandshakeMemo();
    const a1 = run(flow('Alpha CA'), { memo }).handshakes[0]!.certificateRequest!;
    const b = run(flow('Bravo CA'), { memo }).handshakes[0]!.certificateRequest!;
    const a2 = run(flow('Alpha CA'), { memo }).handshakes[0]!.certificateRequest!;
    expect(a1.authorities).toEqual(['O=Same Org,CN=Alpha CA', 'CN=Second CA']);
    expect(b.authorities).toEqual(['O=Same Org,CN=Bravo CA', 'CN=Second CA']);
    expect(a2.authorities).toBe(a1.authorities);
  });

  it('TLS 1.0 CertificateRequest has no signature_algorithms', () => {
    const certReq = cat(vec(1, u8(1)), vec(2, new Uint8Array(0)));
    const steps = [
      { dir: 0 as const, bytes: record(22, 0x0301, hs(1, clientHelloBody({ version: 0x0301 }))) },
      { dir: 1 as const, bytes: record(22, 0x0301, cat(hs(2, serverHelloBody({ version: 0x0301, cipher: 0x002f })), hs(13, certReq))) },
    ];
    const h = run(steps).handshakes[0]!;
    expect(h.version).toBe('TLS 1.0');
    expect(h.cipher).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(h.certificateRequest).toMatchObject({ types: ['rsa_sign'], sigAlgs: [], authorities: [] });
    expect(h.complete).toBe(false);
  });

  it('records alerts from each side with names; encrypted alerts after CCS', () => {
    const steps = [
      { dir: 0 as const, bytes: record(22, 0x0301, hs(1, clientHelloBody())) },
      { dir: 1 as const, bytes: record(22, 0x0303, cat(hs(2, serverHelloBody()), hs(11, certificateBody([CERT_A])))) },
      { dir: 0 as const, bytes: ALERT(2, 48) },
    ];
    const h = run(steps).handshakes[0]!;
    expect(h.alerts).toEqual([{ from: 'client', level: 2, levelName: 'fatal', description: 48, descriptionName: 'unknown_ca', frame: 3 }]);
    const s = run([steps[0]!, { dir: 1, bytes: ALERT(2, 40) }]).handshakes[0]!;
    expect(s.alerts[0]).toMatchObject({ from: 'server', descriptionName: 'handshake_failure' });
    const enc = tls12Flow().slice(0, 3);
    enc.push({ dir: 0, bytes: record(21, 0x0303, new Uint8Array(26)) });
    const e = run(enc).handshakes[0]!;
    expect(e.alerts).toEqual([{ from: 'client', level: 0, levelName: 'encrypted', description: 0, descriptionName: 'encrypted', frame: 4, encrypted: true }]);
  });

  it('SSLv2-compatible ClientHello', () => {
    const challenge = new Uint8Array(16).fill(0x42);
    const specs = hex('010080 00002f 000035');
    const body = cat(u8(1), be(0x0301, 2), be(specs.length, 2), be(0, 2), be(16, 2), specs, challenge);
    const v2 = cat(be(0x8000 | body.length, 2), body);
    const steps = [
      { dir: 0 as const, bytes: v2 },
      { dir: 1 as const, bytes: record(22, 0x0301, cat(hs(2, serverHelloBody({ version: 0x0301, cipher: 0x0035 })), hs(11, certificateBody([CERT_A])), hs(14, new Uint8Array(0)))) },
    ];
    const h = run(steps).handshakes[0]!;
    expect(h.clientVersion).toBe('TLS 1.0');
    expect(h.version).toBe('TLS 1.0');
    expect(h.serverChain).toEqual([CERT_A_SHA256]);
    expect(h.notes.join()).toContain('sslv2-compatible-client-hello: 3 cipher specs');
    expect(h.frames?.clientHello).toBe(1);
  });

  it('the client is whoever sent the ClientHello, not flow side a', () => {
    const steps = tls12Flow().map((s) => ({ dir: (1 - s.dir) as 0 | 1, bytes: s.bytes }));
    const h = run(steps).handshakes[0]!;
    expect(h.client).toEqual(INFO.b);
    expect(h.server).toEqual(INFO.a);
    expect(h.serverChain).toHaveLength(2);
  });

  it('mid-flow capture starting at the server Certificate still yields the chain', () => {
    const steps = [{ dir: 1 as const, bytes: cat(new Uint8Array(7).fill(0x33), record(22, 0x0303, cat(hs(11, certificateBody([CERT_A])), hs(14, new Uint8Array(0))))) }];
    const h = run(steps).handshakes[0]!;
    expect(h.serverChain).toEqual([CERT_A_SHA256]);
    expect(h.notes.join('|')).toContain('capture-started-mid-handshake');
    // The Certificate came from b (direction 1), so b is the server.
    expect(h.server).toEqual(INFO.b);
  });
});

describe('STARTTLS and other plaintext prefixes', () => {
  it('SMTP STARTTLS', () => {
    const steps = [
      { dir: 1 as const, bytes: ascii('220 mail.example.com ESMTP Postfix\r\n') },
      { dir: 0 as const, bytes: ascii('EHLO client.example\r\n') },
      { dir: 1 as const, bytes: ascii('250-mail.example.com\r\n250-STARTTLS\r\n250 8BITMIME\r\n') },
      { dir: 0 as const, bytes: ascii('STARTTLS\r\n') },
      { dir: 1 as const, bytes: ascii('220 2.0.0 Ready to start TLS\r\n') },
      ...tls12Flow().map((s) => ({ ...s, dir: s.dir })),
    ];
    const r = run(steps);
    expect(r.handshakes).toHaveLength(1);
    const h = r.handshakes[0]!;
    expect(h.startTls).toBe('smtp');
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
    expect(h.complete).toBe(true);
    expect(h.frames?.clientHello).toBe(6);
  });

  it('PostgreSQL SSLRequest and its S answer, TLS in the same segment as the S', () => {
    const flow = tls12Flow();
    const steps = [
      { dir: 0 as const, bytes: hex('0000000804d2162f') },
      { dir: 1 as const, bytes: ascii('S') },
      flow[0]!,
      { dir: 1 as const, bytes: flow[1]!.bytes },
      ...flow.slice(2),
    ];
    const h = run(steps).handshakes[0]!;
    expect(h.startTls).toBe('postgresql');
    expect(h.serverChain).toHaveLength(2);
    // The 'S' glued to the ServerHello record.
    const glued = [steps[0]!, flow[0]!, { dir: 1 as const, bytes: cat(ascii('S'), flow[1]!.bytes) }, ...flow.slice(2)];
    expect(run(glued).handshakes[0]!.serverChain).toHaveLength(2);
  });

  it('a non-TLS flow is given up after the resync window, cheaply', () => {
    const http = ascii('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.padEnd(70_000, 'x'));
    const r = run([{ dir: 0, bytes: http }, { dir: 1, bytes: ascii('HTTP/1.1 200 OK\r\n') }], { noEnd: true });
    expect(r.done).toBe(true);
    expect(r.handshakes).toEqual([]);
  });
});

describe('gaps and malformed input', () => {
  it('a gap inside the server Certificate is named and the chain is not invented', () => {
    const flow = tls12Flow();
    const server = flow[1]!.bytes;
    const cut = 120;
    const steps = [
      flow[0]!,
      { dir: 1 as const, bytes: server.subarray(0, cut) },
      { dir: 1 as const, bytes: new Uint8Array(0), gap: 100 },
      { dir: 1 as const, bytes: server.subarray(cut + 100) },
      ...flow.slice(2),
    ];
    const h = run(steps).handshakes[0]!;
    expect(h.serverChain).toEqual([]);
    expect(h.notes.some((n) => n.startsWith('gap-in-server-stream: 100 bytes missing at frame 3, Certificate message lost'))).toBe(true);
  });

  it('resyncs on the next record after a gap between records', () => {
    const flow = tls12Flow();
    const steps = [
      flow[0]!,
      { dir: 1 as const, bytes: record(22, 0x0303, hs(2, serverHelloBody())) },
      { dir: 1 as const, bytes: new Uint8Array(0), gap: 1460 },
      { dir: 1 as const, bytes: cat(new Uint8Array(30).fill(0x17), record(22, 0x0303, hs(11, certificateBody([CERT_A])))) },
    ];
    const h = run(steps).handshakes[0]!;
    expect(h.serverChain).toEqual([CERT_A_SHA256]);
    expect(h.notes.join('|')).toContain('gap-in-server-stream: 1460 bytes missing at frame 3');
  });

  it('a gap inside skipped application data keeps the record framing', () => {
    const flow = tls12Flow();
    const app = record(23, 0x0303, new Uint8Array(3000));
    const r = run([flow[0]!, flow[1]!, { dir: 0, bytes: app.subarray(0, 100) }, { dir: 0, bytes: new Uint8Array(0), gap: 500 }, { dir: 0, bytes: app.subarray(600) }, ...flow.slice(2)]);
    expect(r.handshakes[0]!.complete).toBe(true);
  });

  it('malformed Certificate lengths become a note, never an exception', () => {
    const body = certificateBody([CERT_A]);
    body[5] = 0xff; // first certificate's length too large
    const steps = tls12Flow();
    steps[1] = { dir: 1, bytes: record(22, 0x0303, cat(hs(2, serverHelloBody()), hs(11, body))) };
    const h = run(steps).handshakes[0]!;
    expect(h.serverChain).toEqual([]);
    expect(h.notes.some((n) => /^malformed-certificate-message at offset \d+/.test(n))).toBe(true);
  });

  it('corrupting any single byte of the streams never throws and emits at most a few handshakes', () => {
    const flow = tls12Flow();
    const all = flow.map((s) => s.bytes);
    for (let which = 0; which < 2; which++) {
      const b = all[which]!;
      for (let i = 0; i < b.length; i++) {
        for (const v of [0x00, 0xff, b[i]! ^ 0x80]) {
          const steps = flow.map((s, k) => {
            if (k !== which) return s;
            const c = s.bytes.slice();
            c[i] = v;
            return { dir: s.dir, bytes: c };
          });
          const r = run(steps);
          // The pipeline catches everything, so an exception would only show as an internal-error note.
          expect(r.handshakes.length).toBeGreaterThanOrEqual(1);
          expect(r.handshakes.length).toBeLessThanOrEqual(2);
          for (const h of r.handshakes) expect(h.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
        }
      }
    }
  });

  it('truncating the stream at any offset never throws and notes the truncation', () => {
    const flow = tls12Flow();
    const server = flow[1]!.bytes;
    for (let cut = 1; cut < server.length; cut++) {
      const r = run([flow[0]!, { dir: 1, bytes: server.subarray(0, cut) }]);
      expect(r.handshakes).toHaveLength(1);
    }
    const r = run([flow[0]!, { dir: 1, bytes: server.subarray(0, 200) }]);
    expect(r.handshakes[0]!.notes.join('|')).toContain('truncated: the flow ended inside the server\'s Certificate message');
  });

  it('random bytes never throw (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.uint8Array({ maxLength: 300 })), { maxLength: 8 }), (chunks) => {
        const prefix = record(22, 0x0301, hs(1, clientHelloBody({ sni: 'example.com' })));
        const r = run([{ dir: 0, bytes: prefix }, ...chunks.map(([d, b]) => ({ dir: d as 0 | 1, bytes: b }))]);
        // The ClientHello always makes a handshake; an exception anywhere would show as an internal-error note.
        expect(r.handshakes.length).toBeGreaterThanOrEqual(1);
        expect(r.handshakes[0]!.sni).toBe('example.com');
        for (const h of r.handshakes) expect(h.notes.filter((n) => n.includes('internal-error'))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('TLS 1.3', () => {
  const ch13 = record(22, 0x0301, hs(1, clientHelloBody({ sni: 'tls13.example', supportedVersions: [0x3a3a, 0x0304, 0x0303] })));
  const sh13 = record(22, 0x0303, hs(2, serverHelloBody({ cipher: 0x1301, selected: 0x0304 })));
  const fakeHandshakeRecords = (plain: Uint8Array): Uint8Array => record(23, 0x0303, cat(plain, u8(22)));

  it('without keys: encrypted=true, no chain, complete once both sides sent protected records', () => {
    const r = run([
      { dir: 0, bytes: ch13 },
      { dir: 1, bytes: cat(sh13, CCS(), record(23, 0x0303, new Uint8Array(2000))) },
      { dir: 0, bytes: cat(CCS(), record(23, 0x0303, new Uint8Array(53))) },
    ], { noEnd: true });
    const h = r.handshakes[0]!;
    expect(h.version).toBe('TLS 1.3');
    expect(h.clientVersion).toBe('TLS 1.3');
    expect(h.cipher).toBe('TLS_AES_128_GCM_SHA256');
    expect(h.encrypted).toBe(true);
    expect(h.serverChain).toEqual([]);
    expect(h.complete).toBe(true);
    expect(r.done).toBe(true);
  });

  it('a 19-byte first client record is reported as an encrypted alert', () => {
    const h = run([
      { dir: 0, bytes: ch13 },
      { dir: 1, bytes: cat(sh13, record(23, 0x0303, new Uint8Array(2000))) },
      { dir: 0, bytes: cat(CCS(), record(23, 0x0303, new Uint8Array(19))) },
    ]).handshakes[0]!;
    expect(h.alerts).toEqual([expect.objectContaining({ from: 'client', encrypted: true })]);
    expect(h.complete).toBe(false);
  });

  it('HelloRetryRequest is recognised; the second ClientHello continues the same handshake', () => {
    const hrrRandom = hex('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c');
    const h = run([
      { dir: 0, bytes: ch13 },
      { dir: 1, bytes: record(22, 0x0303, hs(2, serverHelloBody({ random: hrrRandom, cipher: 0x1301, selected: 0x0304 }))) },
      { dir: 0, bytes: ch13 },
      { dir: 1, bytes: sh13 },
    ]).handshakes;
    expect(h).toHaveLength(1);
    expect(h[0]!.notes.join()).toContain('hello-retry-request (frame 2)');
    expect(h[0]!.frames).toMatchObject({ clientHello: 3, serverHello: 4 });
  });

  it('with a decryptor: the plaintext Certificate, CertificateRequest and compressed Certificate are parsed', async () => {
    const { deflateSync } = await import('node:zlib');
    const asked: unknown[] = [];
    // Identity "decryption" of TLSInnerPlaintext: content || type (RFC 8446 5.2), no padding.
    const dec: RecordDecryptor = {
      decrypt: (_from, _t, header, body) => {
        expect(header).toHaveLength(5);
        return { ok: true, contentType: body[body.length - 1]!, plaintext: body.subarray(0, body.length - 1) };
      },
    };
    const keys = { forHandshake: (p: unknown) => (asked.push(p), dec) };
    const ca = derName([['2.5.4.3', 'Client CA']]);
    const cr13 = cat(vec(1, new Uint8Array(0)), vec(2, cat(be(13, 2), vec(2, vec(2, be(0x0804, 2))), be(47, 2), vec(2, vec(2, vec(2, ca))))));
    const clientCert = certificateBody13([CERT_C]);
    const cc = cat(be(1, 2), be(clientCert.length, 3), vec(3, deflateSync(clientCert)));
    const r = run([
      { dir: 0, bytes: ch13 },
      {
        dir: 1,
        bytes: cat(
          sh13, CCS(),
          fakeHandshakeRecords(cat(hs(8, vec(2, new Uint8Array(0))), hs(13, cr13), hs(11, certificateBody13([CERT_A, CERT_B])))),
          fakeHandshakeRecords(cat(hs(15, new Uint8Array(8)), hs(20, new Uint8Array(32)))),
        ),
      },
      { dir: 0, bytes: cat(CCS(), fakeHandshakeRecords(cat(hs(25, cc), hs(15, new Uint8Array(8)), hs(20, new Uint8Array(32))))) },
      // the server's NewSessionTicket after the client's Finished: it accepted the client certificate
      { dir: 1, bytes: fakeHandshakeRecords(hs(4, new Uint8Array(16))) },
    ], { keys, noEnd: true });
    expect(asked).toEqual([{ clientRandom: RANDOM_C, serverRandom: RANDOM_S, version: 0x0304, cipherSuite: 0x1301 }]);
    const h = r.handshakes[0]!;
    expect(h.encrypted).toBe(false);
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
    expect(h.clientChain).toEqual([sha256(CERT_C)]);
    expect(h.certificateRequest).toEqual({ types: [], sigAlgs: ['rsa_pss_rsae_sha256'], authorities: ['CN=Client CA'], frame: 2 });
    expect(h.complete).toBe(true);
    expect(r.done).toBe(true);
  });

  it('mutual TLS 1.3: both Finished are not completion; the server\'s answer to the client certificate is', () => {
    // RFC 8446 §4.4: the server's Finished precedes the client's certificate, which the server judges afterwards.
    const dec: RecordDecryptor = {
      decrypt: (_from, _t, _header, body) => ({ ok: true, contentType: body[body.length - 1]!, plaintext: body.subarray(0, body.length - 1) }),
    };
    const ca = derName([['2.5.4.3', 'Client CA']]);
    const cr13 = cat(vec(1, new Uint8Array(0)), vec(2, cat(be(13, 2), vec(2, vec(2, be(0x0804, 2))), be(47, 2), vec(2, vec(2, vec(2, ca))))));
    const flight = (after: Uint8Array | null) => run([
      { dir: 0, bytes: ch13 },
      { dir: 1, bytes: cat(sh13, CCS(), fakeHandshakeRecords(cat(hs(8, vec(2, new Uint8Array(0))), hs(13, cr13), hs(11, certificateBody13([CERT_A])), hs(15, new Uint8Array(8)), hs(20, new Uint8Array(32))))) },
      { dir: 0, bytes: fakeHandshakeRecords(cat(hs(11, certificateBody13([CERT_C])), hs(15, new Uint8Array(8)), hs(20, new Uint8Array(32)))) },
      ...(after ? [{ dir: 1 as const, bytes: after }] : []),
    ], { keys: { forHandshake: () => dec } });
    // The server refuses the client certificate (bad_certificate, encrypted as TLS 1.3 alerts are).
    const refused = flight(record(23, 0x0303, cat(u8(2, 42), u8(21)))).handshakes[0]!;
    expect(refused.complete).toBe(false);
    expect(refused.alerts.map((a) => [a.from, a.descriptionName, a.level])).toEqual([['server', 'bad_certificate', 2]]);
    // The capture ends after the client's flight: not known, and said so.
    const unknown = flight(null).handshakes[0]!;
    expect(unknown.complete).toBe(false);
    expect(unknown.notes.join(' | ')).toMatch(/^no-server-answer: /);
    // Application data from the server: accepted.
    const accepted = flight(record(23, 0x0303, cat(ascii('OK'), u8(23)))).handshakes[0]!;
    expect(accepted.complete).toBe(true);
    expect(accepted.clientChain).toEqual([sha256(CERT_C)]);
  });
});

describe('TLS 1.2 decryption path and renegotiation', () => {
  it('decrypted handshake records after Finished start a new handshake object on the same flow', () => {
    // XOR 0x5a "cipher" over the whole fragment; content type unchanged.
    const x = (b: Uint8Array): Uint8Array => b.map((v) => v ^ 0x5a);
    const dec: RecordDecryptor = { decrypt: (_f, type, _h, body) => ({ ok: true, contentType: type, plaintext: x(body) }) };
    const fin = hs(20, new Uint8Array(12));
    const flow = [
      { dir: 0 as const, bytes: record(22, 0x0301, hs(1, clientHelloBody({ sni: 'first.example' }))) },
      { dir: 1 as const, bytes: record(22, 0x0303, cat(hs(2, serverHelloBody()), hs(11, certificateBody([CERT_A])), hs(14, new Uint8Array(0)))) },
      { dir: 0 as const, bytes: cat(record(22, 0x0303, hs(16, vec(1, u8(9)))), CCS(), record(22, 0x0303, x(fin))) },
      { dir: 1 as const, bytes: cat(CCS(), record(22, 0x0303, x(fin))) },
      { dir: 0 as const, bytes: record(23, 0x0303, x(ascii('GET /admin HTTP/1.1\r\n\r\n'))) },
      { dir: 1 as const, bytes: record(22, 0x0303, x(hs(0, new Uint8Array(0)))) },
      { dir: 0 as const, bytes: record(22, 0x0303, x(hs(1, clientHelloBody({ sni: 'second.example' })))) },
      { dir: 1 as const, bytes: record(22, 0x0303, x(cat(hs(2, serverHelloBody()), hs(13, cat(vec(1, u8(1)), vec(2, be(0x0401, 2)), vec(2, new Uint8Array(0)))), hs(14, new Uint8Array(0))))) },
      { dir: 0 as const, bytes: record(22, 0x0303, x(cat(hs(11, certificateBody([CERT_C])), hs(16, vec(1, u8(9)))))) },
    ];
    const r = run(flow, { keys: { forHandshake: () => dec } });
    expect(r.handshakes).toHaveLength(2);
    expect(r.handshakes[0]!).toMatchObject({ sni: 'first.example', complete: true, serverChain: [CERT_A_SHA256] });
    expect(r.handshakes[1]!).toMatchObject({ sni: 'second.example', clientChain: [sha256(CERT_C)] });
    expect(r.handshakes[1]!.certificateRequest?.types).toEqual(['rsa_sign']);
    expect(r.handshakes[1]!.id).toBe(2);
  });

  it('a KeyProvider error becomes a note', () => {
    const h = run(tls12Flow(), { keys: { forHandshake: () => ({ error: 'secret has wrong length' }) } }).handshakes[0]!;
    expect(h.notes).toContain('keylog: secret has wrong length');
    expect(h.serverChain).toHaveLength(2);
  });
});

describe('CompressedCertificate (RFC 8879)', () => {
  const chain = certificateBody13([CERT_A, CERT_B]);
  const compressed = (alg: number, declared: number, data: Uint8Array): Uint8Array => cat(be(alg, 2), be(declared, 3), vec(3, data));
  const flow = (msg: Uint8Array) => [
    { dir: 0 as const, bytes: record(22, 0x0303, hs(1, clientHelloBody())) },
    { dir: 1 as const, bytes: record(22, 0x0303, cat(hs(2, serverHelloBody({ cipher: 0x1301, selected: 0x0304 })), hs(25, msg))) },
  ];

  it('zlib and brotli give the chain', () => {
    for (const [alg, data] of [[1, zlib.deflateSync(chain)], [2, zlib.brotliCompressSync(chain)]] as const) {
      const h = run(flow(compressed(alg, chain.length, data))).handshakes[0]!;
      expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
      expect(h.notes.filter((n) => n.includes('compressed'))).toEqual([]);
    }
  });

  it('corrupt data, a wrong declared length, an unknown algorithm and an over-limit size are notes', () => {
    const notes = (msg: Uint8Array): string[] => {
      const h = run(flow(msg)).handshakes[0]!;
      expect(h.serverChain).toEqual([]);
      return h.notes.filter((n) => n.includes('compressed'));
    };
    expect(notes(compressed(1, chain.length, zlib.deflateRawSync(chain)))).toEqual([
      'malformed-compressed-certificate (frame 2): zlib-compressed certificate is corrupt or truncated',
    ]);
    expect(notes(compressed(1, chain.length + 3, zlib.deflateSync(chain)))).toEqual([
      `malformed-compressed-certificate (frame 2): zlib-compressed certificate inflates to ${chain.length} bytes, not the declared ${chain.length + 3}`,
    ]);
    expect(notes(compressed(9, chain.length, zlib.deflateSync(chain)))).toEqual(['compressed-certificate with algorithm 9: not decompressed']);
    expect(notes(compressed(2, 0xffffff, new Uint8Array(8)))).toEqual(['compressed-certificate of 16777215 bytes exceeds the limit; skipped']);
  });
});
