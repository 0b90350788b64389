import { describe, expect, it } from 'vitest';
import { hkdfExpandLabel, KeyLogProvider, parseKeyLog } from '../../src/tls/crypto/index.js';
import type { RecordDecryptor } from '../../src/tls/types.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// RFC 8448 §3 "Simple 1-RTT Handshake". ClientHello random (from "{client} construct a ClientHello").
const CLIENT_RANDOM = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';
// ServerHello random (from "{server} construct a ServerHello").
const SERVER_RANDOM = 'a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928';
// "{client} derive secret "tls13 c hs traffic"" and "{server} derive secret "tls13 s hs traffic"".
const C_HS_TRAFFIC = 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21';
const S_HS_TRAFFIC = 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38';

// "{server} send handshake record": complete record (679 octets) — EncryptedExtensions, Certificate,
// CertificateVerify and Finished under the server handshake traffic key, sequence number 0.
const SERVER_FLIGHT = hex(`
17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e
df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78
b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b
d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9
d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e
d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92
8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94
5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68
45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f
44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26
f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31
7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e
1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da
8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4
61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be
5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb
99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59
77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38
eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84
5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5
d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e
75 0e dc 53 37 0d 2b`);

// "{server} construct an EncryptedExtensions" (40 octets) and the start of "{server} construct a Certificate".
const ENCRYPTED_EXTENSIONS = hex(`
08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
00 02 40 01 00 00 00 00`);
const CERTIFICATE_START = hex('0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30 82 01 15 a0 03 02 01 02');
// "{server} construct a Finished" (36 octets), the end of the flight.
const SERVER_FINISHED = hex(`
14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54
b7 8f 07 18`);

// "{client} send handshake record": complete record (58 octets) — the client Finished, sequence number 0.
const CLIENT_FINISHED_RECORD = hex(`
17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc
44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46`);
const CLIENT_FINISHED = hex(`
14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2
ed d5 ce 61`);

const KEYLOG = [
  '# RFC 8448 section 3',
  `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${CLIENT_RANDOM} ${C_HS_TRAFFIC}`,
  `SERVER_HANDSHAKE_TRAFFIC_SECRET ${CLIENT_RANDOM} ${S_HS_TRAFFIC}`,
  '',
].join('\n');

function decryptor(keylog = KEYLOG, suite = 0x1301): RecordDecryptor {
  const d = new KeyLogProvider(parseKeyLog(keylog)).forHandshake({
    clientRandom: hex(CLIENT_RANDOM),
    serverRandom: hex(SERVER_RANDOM),
    version: 0x0304,
    cipherSuite: suite,
  });
  if (!d || 'error' in d) throw new Error('expected a decryptor');
  return d;
}

describe('TLS 1.3 against RFC 8448 §3 (Simple 1-RTT Handshake)', () => {
  it('derives the published server handshake key and iv (RFC 8446 §7.3)', () => {
    // "{server} derive write traffic keys for handshake data": key expanded / iv expanded.
    expect(toHex(hkdfExpandLabel('sha256', hex(S_HS_TRAFFIC), 'key', new Uint8Array(0), 16))).toBe(
      '3fce516009c21727d0f2e4e86ee403bc',
    );
    expect(toHex(hkdfExpandLabel('sha256', hex(S_HS_TRAFFIC), 'iv', new Uint8Array(0), 12))).toBe('5d313eb2671276ee13000b30');
  });

  it('decrypts the server flight to the published EncryptedExtensions, Certificate and Finished', () => {
    const d = decryptor();
    const r = d.decrypt('server', 23, SERVER_FLIGHT.subarray(0, 5), SERVER_FLIGHT.subarray(5));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.contentType).toBe(22);
    expect(r.plaintext.length).toBe(657);
    expect(toHex(r.plaintext.subarray(0, 40))).toBe(toHex(ENCRYPTED_EXTENSIONS));
    expect(toHex(r.plaintext.subarray(40, 40 + CERTIFICATE_START.length))).toBe(toHex(CERTIFICATE_START));
    expect(toHex(r.plaintext.subarray(657 - 36))).toBe(toHex(SERVER_FINISHED));
  });

  it('decrypts the client Finished with the client handshake secret', () => {
    const d = decryptor();
    const r = d.decrypt('client', 23, CLIENT_FINISHED_RECORD.subarray(0, 5), CLIENT_FINISHED_RECORD.subarray(5));
    expect(r).toEqual({ ok: true, contentType: 22, plaintext: expect.anything() });
    if (r.ok) expect(toHex(r.plaintext)).toBe(toHex(CLIENT_FINISHED));
  });

  it('keeps a sequence number per direction: the same record fed twice fails the second time', () => {
    const d = decryptor();
    expect(d.decrypt('server', 23, SERVER_FLIGHT.subarray(0, 5), SERVER_FLIGHT.subarray(5)).ok).toBe(true);
    // The client direction is still at 0.
    expect(d.decrypt('client', 23, CLIENT_FINISHED_RECORD.subarray(0, 5), CLIENT_FINISHED_RECORD.subarray(5)).ok).toBe(true);
    const again = d.decrypt('server', 23, SERVER_FLIGHT.subarray(0, 5), SERVER_FLIGHT.subarray(5));
    expect(again).toEqual({ ok: false, reason: 'decryption failed: wrong key or corrupted record' });
  });

  it('a failed record still consumes a sequence number', () => {
    const d = decryptor();
    const bad = Uint8Array.from(CLIENT_FINISHED_RECORD);
    bad[10]! ^= 1;
    expect(d.decrypt('client', 23, bad.subarray(0, 5), bad.subarray(5)).ok).toBe(false);
    // The genuine record at sequence 0 now meets sequence 1.
    expect(d.decrypt('client', 23, CLIENT_FINISHED_RECORD.subarray(0, 5), CLIENT_FINISHED_RECORD.subarray(5)).ok).toBe(false);
  });

  it('reports the side whose secret is missing', () => {
    const d = decryptor(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${CLIENT_RANDOM} ${S_HS_TRAFFIC}\n`);
    expect(d.decrypt('server', 23, SERVER_FLIGHT.subarray(0, 5), SERVER_FLIGHT.subarray(5)).ok).toBe(true);
    expect(d.decrypt('client', 23, CLIENT_FINISHED_RECORD.subarray(0, 5), CLIENT_FINISHED_RECORD.subarray(5))).toEqual({
      ok: false,
      reason: 'key log has no handshake secret for the client side of this session',
    });
  });

  it('the wrong suite (same hash length, other cipher) fails cleanly', () => {
    const d = decryptor(KEYLOG, 0x1303);
    expect(d.decrypt('server', 23, SERVER_FLIGHT.subarray(0, 5), SERVER_FLIGHT.subarray(5))).toEqual({
      ok: false,
      reason: 'decryption failed: wrong key or corrupted record',
    });
  });

  it('provider: unknown session → null, unknown suite / wrong hash length / TLS 1.2 line only → error', () => {
    const p = new KeyLogProvider(parseKeyLog(KEYLOG));
    const base = { clientRandom: hex(CLIENT_RANDOM), serverRandom: hex(SERVER_RANDOM), version: 0x0304 };
    expect(p.forHandshake({ ...base, clientRandom: new Uint8Array(32), cipherSuite: 0x1301 })).toBeNull();
    expect(p.forHandshake({ ...base, cipherSuite: 0x1305 })).toEqual({
      error: 'cipher suite 0x1305 is not supported for TLS 1.3 decryption',
    });
    expect(p.forHandshake({ ...base, cipherSuite: 0x1302 })).toEqual({
      error: 'key log secret length does not match cipher suite TLS_AES_256_GCM_SHA384',
    });
    const tls12Only = new KeyLogProvider(parseKeyLog(`CLIENT_RANDOM ${CLIENT_RANDOM} ${'ab'.repeat(48)}\n`));
    expect(tls12Only.forHandshake({ ...base, cipherSuite: 0x1301 })).toEqual({
      error: 'key log has no handshake secret for this session',
    });
  });
});
