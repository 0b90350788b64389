import { constants } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyLogProvider, parseKeyLog } from '../../src/tls/crypto/index.js';
import type { RecordDecryptor, Side } from '../../src/tls/types.js';
import {
  CLIENT_MESSAGE,
  concat,
  haveOpenssl,
  helloRandom,
  makeIdentity,
  runSession,
  SERVER_MESSAGE,
  serverHelloSuite,
  splitHandshake,
  splitRecords,
  type Identity,
  type LiveSession,
  type RawRecord,
} from './live-session.js';

const HANDSHAKE = 22;
const CCS = 20;
const APPDATA = 23;
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const openssl = haveOpenssl();
let serverId: Identity;
let clientId: Identity;

beforeAll(() => {
  if (!openssl) return;
  serverId = makeIdentity('server.certshark.test', 'rsa');
  clientId = makeIdentity('client.certshark.test', 'ec');
});

/** The first handshake's parameters, from the plaintext ClientHello and ServerHello records. */
function hellos(s: LiveSession): { clientRandom: Uint8Array; serverRandom: Uint8Array; cipherSuite: number } {
  const ch = splitHandshake(splitRecords(s.clientToServer)[0]!.body)[0]!;
  const sh = splitHandshake(splitRecords(s.serverToClient)[0]!.body)[0]!;
  expect(ch.type).toBe(1);
  expect(sh.type).toBe(2);
  return { clientRandom: helloRandom(ch.body), serverRandom: helloRandom(sh.body), cipherSuite: serverHelloSuite(sh.body) };
}

function decryptorFor(s: LiveSession, version: number, extra: { encryptThenMac?: boolean } = {}): RecordDecryptor {
  const d = new KeyLogProvider(parseKeyLog(s.keylog)).forHandshake({ ...hellos(s), version, ...extra });
  if (!d || 'error' in d) throw new Error(`no decryptor: ${d ? d.error : 'null'}`);
  return d;
}

interface Opened {
  handshake: Uint8Array;
  appData: string;
  failures: string[];
  ccs: number;
}

/** Feeds a direction's protected records (TLS 1.3: every 23 record; TLS 1.2: every record after the CCS). */
function openDirection(records: RawRecord[], side: Side, d: RecordDecryptor, tls13: boolean): Opened {
  const hs: Uint8Array[] = [];
  let app = '';
  const failures: string[] = [];
  let protectedNow = false;
  let ccs = 0;
  for (const r of records) {
    if (tls13 ? r.type !== APPDATA : !protectedNow) {
      if (!tls13 && r.type === CCS) protectedNow = true;
      continue;
    }
    const res = d.decrypt(side, r.type, r.header, r.body);
    if (!res.ok) {
      failures.push(res.reason);
      continue;
    }
    if (res.contentType === HANDSHAKE) hs.push(res.plaintext);
    else if (res.contentType === APPDATA) app += Buffer.from(res.plaintext).toString('latin1');
    else if (res.contentType === CCS) ccs++;
  }
  return { handshake: concat(hs), appData: app, failures, ccs };
}

/** TLS 1.3 Certificate (RFC 8446 §4.4.2): context<0..255>, certificate_list<0..2^24-1> of {cert_data, extensions}. */
function firstTls13Certificate(body: Uint8Array): Uint8Array {
  const ctx = body[0]!;
  let o = 1 + ctx + 3;
  const len = (body[o]! << 16) | (body[o + 1]! << 8) | body[o + 2]!;
  o += 3;
  return body.subarray(o, o + len);
}

/** TLS 1.2 Certificate (RFC 5246 §7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function firstTls12Certificate(body: Uint8Array): Uint8Array {
  const len = (body[3]! << 16) | (body[4]! << 8) | body[5]!;
  return body.subarray(6, 6 + len);
}

describe.skipIf(!openssl)('live TLS 1.3 sessions (Node tls, OpenSSL)', () => {
  for (const [suite, id] of [
    ['TLS_AES_128_GCM_SHA256', 0x1301],
    ['TLS_AES_256_GCM_SHA384', 0x1302],
    ['TLS_CHACHA20_POLY1305_SHA256', 0x1303],
    ['TLS_AES_128_CCM_SHA256', 0x1304],
  ] as const) {
    it(`${suite}: server Certificate decrypts to the server's DER; client Finished and app data follow`, async () => {
      const s = await runSession({
        server: serverId,
        tlsOptions: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: suite }, // Node takes TLS 1.3 suites in `ciphers`
      });
      expect(hellos(s).cipherSuite).toBe(id);
      const d = decryptorFor(s, 0x0304);

      const server = openDirection(splitRecords(s.serverToClient), 'server', d, true);
      expect(server.failures).toEqual([]);
      const msgs = splitHandshake(server.handshake);
      expect(msgs.map((m) => m.type).slice(0, 4)).toEqual([8, 11, 15, 20]); // EE, Certificate, CertificateVerify, Finished
      expect(toHex(firstTls13Certificate(msgs[1]!.body))).toBe(toHex(serverId.der));
      // NewSessionTicket and the answer travel under the application secret: the decryptor followed the switch.
      expect(msgs.some((m) => m.type === 4)).toBe(true);
      expect(server.appData).toBe(SERVER_MESSAGE);

      const client = openDirection(splitRecords(s.clientToServer), 'client', d, true);
      expect(client.failures).toEqual([]);
      expect(splitHandshake(client.handshake).map((m) => m.type)).toEqual([20]);
      expect(client.appData).toBe(CLIENT_MESSAGE);
    });
  }

  it('handshake secrets only: the Certificate decrypts, later records fail with a reason', async () => {
    const s = await runSession({ server: serverId, tlsOptions: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } });
    const onlyHandshake = s.keylog
      .split('\n')
      .filter((l) => l.includes('HANDSHAKE_TRAFFIC_SECRET'))
      .join('\n');
    const d = new KeyLogProvider(parseKeyLog(onlyHandshake)).forHandshake({ ...hellos(s), version: 0x0304 });
    if (!d || 'error' in d) throw new Error('expected a decryptor');
    const server = openDirection(splitRecords(s.serverToClient), 'server', d, true);
    expect(toHex(firstTls13Certificate(splitHandshake(server.handshake)[1]!.body))).toBe(toHex(serverId.der));
    expect(server.failures.length).toBeGreaterThan(0);
    expect(new Set(server.failures)).toEqual(new Set(['decryption failed: wrong key or corrupted record']));
  });
});

describe.skipIf(!openssl)('live TLS 1.2 sessions (Node tls, OpenSSL)', () => {
  const cases: [string, number, number, { secureOptions?: number; encryptThenMac?: boolean }][] = [
    ['ECDHE-RSA-AES128-GCM-SHA256', 0xc02f, 0x0303, {}],
    ['ECDHE-RSA-AES256-GCM-SHA384', 0xc030, 0x0303, {}],
    ['ECDHE-RSA-CHACHA20-POLY1305', 0xcca8, 0x0303, {}],
    // OpenSSL negotiates encrypt-then-MAC (RFC 7366) for CBC suites by default; detected from the records.
    ['ECDHE-RSA-AES128-SHA', 0xc013, 0x0303, {}],
    ['ECDHE-RSA-AES128-SHA', 0xc013, 0x0303, { encryptThenMac: true }],
    // Classic MAC-then-encrypt, with the encrypt_then_mac extension switched off.
    ['ECDHE-RSA-AES128-SHA', 0xc013, 0x0303, { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }],
    ['ECDHE-RSA-AES256-SHA384', 0xc028, 0x0303, { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }],
    ['ECDHE-RSA-AES128-SHA256', 0xc027, 0x0303, { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC, encryptThenMac: false }],
  ];
  for (const [cipher, id, version, extra] of cases) {
    const label = `${cipher}${extra.secureOptions ? ' (no EtM)' : ''}${extra.encryptThenMac !== undefined ? ` etm=${extra.encryptThenMac}` : ''}`;
    it(`${label}: Finished and first application data decrypt in both directions`, async () => {
      const s = await runSession({
        server: serverId,
        tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: cipher, secureOptions: extra.secureOptions },
      });
      expect(hellos(s).cipherSuite).toBe(id);
      const d = decryptorFor(s, version, { encryptThenMac: extra.encryptThenMac });
      for (const [side, stream, msg] of [
        ['server', s.serverToClient, SERVER_MESSAGE],
        ['client', s.clientToServer, CLIENT_MESSAGE],
      ] as const) {
        const o = openDirection(splitRecords(stream), side, d, false);
        expect(o.failures).toEqual([]);
        const msgs = splitHandshake(o.handshake);
        expect(msgs[0]!.type).toBe(20); // Finished
        expect(msgs[0]!.body.length).toBe(12); // verify_data, RFC 5246 §7.4.9
        expect(o.appData).toBe(msg);
      }
    });
  }

  it('the wrong encrypt-then-MAC hint fails cleanly', async () => {
    const s = await runSession({
      server: serverId,
      tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' },
    });
    const d = decryptorFor(s, 0x0303, { encryptThenMac: false });
    const o = openDirection(splitRecords(s.serverToClient), 'server', d, false);
    expect(o.failures.length).toBeGreaterThan(0);
    expect(o.appData).toBe('');
  });

  it('TLS 1.0 with AES-CBC-SHA (chained IVs, MD5/SHA-1 PRF)', async (ctx) => {
    let s: LiveSession;
    try {
      s = await runSession({
        server: serverId,
        tlsOptions: {
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1',
          ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0',
          secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC,
        },
      });
    } catch {
      ctx.skip(); // this OpenSSL build refuses TLS 1.0
      return;
    }
    const d = decryptorFor(s, 0x0301);
    for (const [side, stream, msg] of [
      ['server', s.serverToClient, SERVER_MESSAGE],
      ['client', s.clientToServer, CLIENT_MESSAGE],
    ] as const) {
      const o = openDirection(splitRecords(stream), side, d, false);
      expect(o.failures).toEqual([]);
      expect(splitHandshake(o.handshake)[0]!.type).toBe(20);
      // OpenSSL splits application data 1/n-1 against BEAST in TLS 1.0: several records, chained IVs.
      expect(o.appData).toBe(msg);
    }
  });
});
