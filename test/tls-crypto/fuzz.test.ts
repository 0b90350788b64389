import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyLogProvider, parseKeyLog, TLS12_SUITES, TLS13_SUITES } from '../../src/tls/crypto/index.js';
import type { RecordDecryptor } from '../../src/tls/types.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// RFC 8448 §3: the client Finished record and its handshake traffic secret (see rfc8448.test.ts).
const CLIENT_RANDOM = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';
const C_HS_TRAFFIC = 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21';
const RECORD = hex(`
17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc
44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46`);
const RANDOM = new Uint8Array(32).fill(7);

function tls13(secretHex = C_HS_TRAFFIC): RecordDecryptor {
  const d = new KeyLogProvider(parseKeyLog(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${CLIENT_RANDOM} ${secretHex}\n`)).forHandshake({
    clientRandom: hex(CLIENT_RANDOM),
    serverRandom: RANDOM,
    version: 0x0304,
    cipherSuite: 0x1301,
  });
  if (!d || 'error' in d) throw new Error('expected a decryptor');
  return d;
}

const FAILED = 'decryption failed: wrong key or corrupted record';

describe('decryption under hostile input', () => {
  it('the untouched RFC 8448 record opens (control for the properties below)', () => {
    expect(tls13().decrypt('client', 23, RECORD.subarray(0, 5), RECORD.subarray(5)).ok).toBe(true);
  });

  it('any flipped byte, header included, fails with the plain reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: RECORD.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const r = Uint8Array.from(RECORD);
        r[pos]! ^= x;
        expect(tls13().decrypt('client', 23, r.subarray(0, 5), r.subarray(5))).toEqual({ ok: false, reason: FAILED });
      }),
      { numRuns: 300 },
    );
  });

  it('any truncation fails without throwing', () => {
    for (let n = 0; n < RECORD.length - 5; n++) {
      const res = tls13().decrypt('client', 23, RECORD.subarray(0, 5), RECORD.subarray(5, 5 + n));
      expect(res.ok).toBe(false);
    }
  });

  it('a wrong key (one secret bit flipped) fails with the plain reason', () => {
    const wrong = (parseInt(C_HS_TRAFFIC[0]!, 16) ^ 1).toString(16) + C_HS_TRAFFIC.slice(1);
    expect(tls13(wrong).decrypt('client', 23, RECORD.subarray(0, 5), RECORD.subarray(5))).toEqual({ ok: false, reason: FAILED });
  });

  it('every suite, TLS 1.0-1.3: random records never throw and never open', () => {
    const line = (label: string, len: number): string => `${label} ${'07'.repeat(32)} ${'5a'.repeat(len)}`;
    const log = parseKeyLog(
      [
        line('CLIENT_RANDOM', 48),
        line('CLIENT_HANDSHAKE_TRAFFIC_SECRET', 32),
        line('SERVER_HANDSHAKE_TRAFFIC_SECRET', 32),
      ].join('\n'),
    );
    const provider = new KeyLogProvider(log);
    const decryptors: RecordDecryptor[] = [];
    for (const suite of TLS13_SUITES.keys()) {
      const d = provider.forHandshake({ clientRandom: RANDOM, serverRandom: RANDOM, version: 0x0304, cipherSuite: suite });
      if (d && !('error' in d)) decryptors.push(d); // the SHA-384 suite rightly refuses 32-byte secrets
    }
    for (const version of [0x0301, 0x0302, 0x0303]) {
      for (const suite of TLS12_SUITES.keys()) {
        const d = provider.forHandshake({ clientRandom: RANDOM, serverRandom: RANDOM, version, cipherSuite: suite });
        expect(d).not.toBeNull();
        if (d && !('error' in d)) decryptors.push(d);
      }
    }
    expect(decryptors.length).toBeGreaterThan(80);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: decryptors.length - 1 }),
        fc.constantFrom(20, 21, 22, 23, 0, 255),
        fc.uint8Array({ minLength: 0, maxLength: 700 }),
        fc.boolean(),
        (i, type, body, fromClient) => {
          const header = Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 0xff);
          const res = decryptors[i]!.decrypt(fromClient ? 'client' : 'server', type, header, body);
          expect(res.ok).toBe(false);
          if (!res.ok) expect(res.reason).not.toMatch(/5a5a|0707/);
        },
      ),
      { numRuns: 400 },
    );
    // Oversized and mis-sized inputs.
    const big = new Uint8Array(20_000);
    for (const d of decryptors.slice(0, 8)) {
      expect(d.decrypt('server', 23, Uint8Array.of(23, 3, 3, 0, 0), big).ok).toBe(false);
      expect(d.decrypt('server', 23, new Uint8Array(3), new Uint8Array(64)).ok).toBe(false);
    }
  });

  it('provider: arbitrary parameters return null, an error or a decryptor, never throw', () => {
    const provider = new KeyLogProvider(parseKeyLog(`CLIENT_RANDOM ${'07'.repeat(32)} ${'5a'.repeat(48)}\n`));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (cr, version, cipherSuite) => {
          const clientRandom = cr.length === 32 && cr[0]! % 2 === 0 ? RANDOM : cr;
          const d = provider.forHandshake({ clientRandom, serverRandom: RANDOM, version, cipherSuite });
          expect(d === null || 'error' in d || typeof d.decrypt === 'function').toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('garbage key log text never throws and never echoes its lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        const log = parseKeyLog(text);
        expect(log.entries + log.malformedCount + log.ignoredCount).toBeLessThanOrEqual(text.split('\n').length);
        for (const n of log.notes) expect(n.length).toBeLessThan(200);
      }),
      { numRuns: 150 },
    );
  });
});
