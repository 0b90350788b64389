import { constants } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyLogProvider, parseKeyLog } from '../../src/tls/crypto/index.js';
import type { RecordDecryptor, Side } from '../../src/tls/types.js';
import {
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
  type RawRecord,
} from './live-session.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const openssl = haveOpenssl();
let serverId: Identity;
let clientId: Identity;

beforeAll(() => {
  if (!openssl) return;
  serverId = makeIdentity('iis.certshark.test', 'rsa');
  clientId = makeIdentity('user.certshark.test', 'ec');
});

/** Decrypts from `start` up to and including the next protected ChangeCipherSpec (the key switch). */
function drain(records: RawRecord[], start: number, side: Side, d: RecordDecryptor) {
  const hs: Uint8Array[] = [];
  let app = '';
  const failures: string[] = [];
  let i = start;
  for (; i < records.length; i++) {
    const r = records[i]!;
    const res = d.decrypt(side, r.type, r.header, r.body);
    if (!res.ok) {
      failures.push(res.reason);
      continue;
    }
    if (res.contentType === 22) hs.push(res.plaintext);
    if (res.contentType === 23) app += Buffer.from(res.plaintext).toString('latin1');
    if (res.contentType === 20) {
      i++;
      break;
    }
  }
  return { next: i, messages: splitHandshake(concat(hs)), app, failures };
}

// The pattern of IIS and some VPN gateways: the first handshake has no CertificateRequest; the server asks for
// the client certificate in a renegotiation, whose messages are encrypted under the first handshake's keys.
describe.skipIf(!openssl)('TLS 1.2 renegotiation with a client certificate (Node tls, OpenSSL)', () => {
  for (const cipher of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA']) {
    it(`${cipher}: the client certificate is found inside the encrypted renegotiation`, async () => {
      const s = await runSession({
        server: serverId,
        clientIdentity: clientId,
        renegotiate: true,
        // Like IIS: a full handshake, not a resumption of the first session (which would skip the CertificateRequest).
        tlsOptions: {
          minVersion: 'TLSv1.2',
          maxVersion: 'TLSv1.2',
          ciphers: cipher,
          secureOptions: constants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION,
        },
      });
      const keylog = parseKeyLog(s.keylog);
      expect(keylog.sessions.size).toBe(2); // two CLIENT_RANDOM lines, one per handshake
      const provider = new KeyLogProvider(keylog);

      const c = splitRecords(s.clientToServer);
      const sv = splitRecords(s.serverToClient);
      const ch1 = splitHandshake(c[0]!.body)[0]!;
      const sh1 = splitHandshake(sv[0]!.body)[0]!;
      const first = provider.forHandshake({
        clientRandom: helloRandom(ch1.body),
        serverRandom: helloRandom(sh1.body),
        version: 0x0303,
        cipherSuite: serverHelloSuite(sh1.body),
      });
      if (!first || 'error' in first) throw new Error('no decryptor for the first handshake');

      // Under the first keys: Finished, then the whole renegotiation up to each side's second CCS.
      const cA = drain(c, c.findIndex((r) => r.type === 20) + 1, 'client', first);
      const sA = drain(sv, sv.findIndex((r) => r.type === 20) + 1, 'server', first);
      expect(cA.failures).toEqual([]);
      expect(sA.failures).toEqual([]);
      expect(sA.messages.map((m) => m.type)).toEqual([20, 0, 2, 11, 12, 13, 14]); // Fin, HelloRequest, SH, Cert, SKE, CertReq, SHD
      expect(cA.messages.map((m) => m.type)).toEqual([20, 1, 11, 16, 15]); // Fin, CH, Certificate, CKE, CertVerify
      const clientCert = cA.messages.find((m) => m.type === 11)!.body;
      const firstLen = (clientCert[3]! << 16) | (clientCert[4]! << 8) | clientCert[5]!;
      expect(toHex(clientCert.subarray(6, 6 + firstLen))).toBe(toHex(clientId.der));

      // After the second CCS: the renegotiated keys, looked up by the new client_random.
      const ch2 = cA.messages.find((m) => m.type === 1)!.body;
      const sh2 = sA.messages.find((m) => m.type === 2)!.body;
      const second = provider.forHandshake({
        clientRandom: helloRandom(ch2),
        serverRandom: helloRandom(sh2),
        version: 0x0303,
        cipherSuite: serverHelloSuite(sh2),
      });
      if (!second || 'error' in second) throw new Error('no decryptor for the renegotiation');
      const cB = drain(c, cA.next, 'client', second);
      const sB = drain(sv, sA.next, 'server', second);
      expect(cB.failures).toEqual([]);
      expect(sB.failures).toEqual([]);
      expect(cB.messages.map((m) => m.type)).toEqual([20]);
      expect(sB.messages.map((m) => m.type)).toEqual([20]);
      expect(sB.app).toBe(SERVER_MESSAGE);
    });
  }
});
