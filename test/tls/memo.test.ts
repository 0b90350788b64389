import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BytesMemo } from '../../src/tls/bytes-memo.js';
import { HandshakeMemo } from '../../src/tls/handshake-memo.js';
import { IsoTime } from '../../src/tls/iso-time.js';
import { CERT_A, CERT_A_SHA256, CERT_B, sha256 } from './fixtures.js';

describe('BytesMemo', () => {
  it('computes a value once per distinct bytes, from a copy of them', () => {
    const m = new BytesMemo<string>(100);
    let calls = 0;
    const make = (kept: Uint8Array): string => (calls++, Buffer.from(kept).toString('hex'));
    const a = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(m.get(a, make)).toBe('010203040506');
    a.fill(9); // the caller's buffer is reused: the memo kept its own copy
    expect(m.get(Uint8Array.of(1, 2, 3, 4, 5, 6), make)).toBe('010203040506');
    expect(calls).toBe(1);
    expect(m.get(a, make)).toBe('090909090909');
    expect(calls).toBe(2);
  });

  it('tells apart bytes with the same length and the same sampled bytes', () => {
    const m = new BytesMemo<number>(100);
    let n = 0;
    // Only the first byte differs: same length, same last four and middle bytes, so the same bucket.
    expect(m.get(Uint8Array.of(1, 0, 0, 7, 7, 7, 7), () => ++n)).toBe(1);
    expect(m.get(Uint8Array.of(2, 0, 0, 7, 7, 7, 7), () => ++n)).toBe(2);
    expect(m.get(Uint8Array.of(1, 0, 0, 7, 7, 7, 7), () => ++n)).toBe(1);
    expect(m.get(new Uint8Array(0), () => ++n)).toBe(3);
  });

  it('is cleared when full', () => {
    const m = new BytesMemo<number>(2);
    let n = 0;
    // Different lengths, so different keys: each entry has a bucket of its own.
    m.get(Uint8Array.of(1), () => ++n);
    m.get(Uint8Array.of(1, 2), () => ++n);
    expect(m.get(Uint8Array.of(1), () => ++n)).toBe(1);
    m.get(Uint8Array.of(1, 2, 3), () => ++n); // third distinct entry: the table starts over
    expect(m.get(Uint8Array.of(1), () => ++n)).toBe(4);
  });
});

describe('HandshakeMemo', () => {
  it('keeps each certificate once with its SHA-256, copied from the caller\'s buffer', () => {
    const memo = new HandshakeMemo();
    const view = CERT_A.slice();
    const first = memo.certificate(view);
    expect(first.sha).toBe(CERT_A_SHA256);
    view.fill(0);
    expect(sha256(first.der)).toBe(CERT_A_SHA256);
    expect(memo.certificate(CERT_A)).toBe(first);
    expect(memo.certificate(CERT_B).sha).toBe(createHash('sha256').update(CERT_B).digest('hex'));
  });

  it('belongs to its owner: two sessions share nothing', () => {
    const one = new HandshakeMemo();
    const two = new HandshakeMemo();
    expect(two.certificate(CERT_A)).not.toBe(one.certificate(CERT_A));
    expect(two.certificate(CERT_A)).toEqual(one.certificate(CERT_A));
  });

  it('decodes a CertificateRequest once per form', () => {
    const memo = new HandshakeMemo();
    // TLS 1.2: types (1: rsa_sign), signature algorithms (0x0401), no authorities.
    const body = Uint8Array.of(1, 1, 0, 2, 4, 1, 0, 0);
    const r = memo.certificateRequest(body, '1.2');
    expect(r.ok).toBe(true);
    expect(memo.certificateRequest(body.slice(), '1.2')).toBe(r);
    expect(memo.certificateRequest(body, '1.0')).not.toBe(r);
  });
});

describe('IsoTime', () => {
  it('formats as Date.toISOString does, second after second, with truncated milliseconds', () => {
    const clock = new IsoTime();
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e10, max: 1e10, noNaN: true }), { maxLength: 20 }), (times) => {
        for (const t of times) expect(clock.format(t)).toBe(new Date(Math.trunc(t * 1000)).toISOString());
      }),
    );
    expect(clock.format(1_700_000_000.1239)).toBe('2023-11-14T22:13:20.123Z');
    expect(clock.format(1_700_000_000.9)).toBe('2023-11-14T22:13:20.900Z');
    expect(clock.format(-0.5)).toBe('1969-12-31T23:59:59.500Z');
    expect(clock.format(Number.NaN)).toBe('1970-01-01T00:00:00.000Z');
    expect(clock.format(1e20)).toBe('1970-01-01T00:00:00.000Z');
  });
});
