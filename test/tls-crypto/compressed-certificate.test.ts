import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressCertificateMessage } from '../../src/tls/crypto/index.js';
import { LIMITS } from '../../src/limits.js';

// A Certificate message body as RFC 8879 compresses it: TLS 1.3 Certificate (context, list of entries). The
// certificate bytes are random (incompressible) with a repeated tail so compression still has work to do.
function certificateBody(): Uint8Array {
  const der = Buffer.concat([Buffer.from([0x30, 0x82, 0x02, 0x00]), randomBytes(300), Buffer.alloc(212, 0x41)]);
  const entry = Buffer.concat([Buffer.from([0, (der.length >> 8) & 0xff, der.length & 0xff]), der, Buffer.from([0, 0])]);
  const list = Buffer.concat([Buffer.from([0, (entry.length >> 8) & 0xff, entry.length & 0xff]), entry]);
  return Uint8Array.from(Buffer.concat([Buffer.from([0]), list]));
}

const hasZstd = typeof (zlib as unknown as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

describe('decompressCertificateMessage (RFC 8879)', () => {
  const body = certificateBody();

  it('zlib (1) and brotli (2) round-trip', () => {
    for (const [alg, data] of [
      [1, zlib.deflateSync(body)],
      [2, zlib.brotliCompressSync(body)],
    ] as const) {
      const r = decompressCertificateMessage(alg, body.length, data);
      expect(r.ok).toBe(true);
      if (r.ok) expect(Buffer.from(r.body).equals(Buffer.from(body))).toBe(true);
    }
  });

  it('zstd (3): decompresses where node:zlib has it, else says so', () => {
    if (hasZstd) {
      const c = (zlib as unknown as { zstdCompressSync: (b: Uint8Array) => Buffer }).zstdCompressSync(body);
      const r = decompressCertificateMessage(3, body.length, c);
      expect(r.ok).toBe(true);
    } else {
      expect(decompressCertificateMessage(3, body.length, new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]))).toEqual({
        ok: false,
        kind: 'unsupported',
        reason: 'zstd-compressed certificate: not supported by this Node version',
      });
    }
  });

  it('raw deflate is not zlib: corrupt', () => {
    expect(decompressCertificateMessage(1, body.length, zlib.deflateRawSync(body))).toEqual({
      ok: false,
      kind: 'malformed',
      reason: 'zlib-compressed certificate is corrupt or truncated',
    });
  });

  it('a bomb stops at the declared length', () => {
    const bomb = zlib.deflateSync(Buffer.alloc(LIMITS.tlsHandshakeMessageBytes, 0));
    expect(bomb.length).toBeLessThan(4096);
    const r = decompressCertificateMessage(1, 1000, bomb);
    expect(r).toEqual({ ok: false, kind: 'malformed', reason: 'zlib-compressed certificate inflates past its declared 1000 bytes' });
    const b = decompressCertificateMessage(2, 1000, zlib.brotliCompressSync(Buffer.alloc(100_000, 7)));
    expect(b).toEqual({ ok: false, kind: 'malformed', reason: 'brotli-compressed certificate inflates past its declared 1000 bytes' });
  });

  it('declared length: shorter output, zero, over the limit; unknown algorithm; truncated stream', () => {
    expect(decompressCertificateMessage(1, body.length + 5, zlib.deflateSync(body))).toEqual({
      ok: false,
      kind: 'malformed',
      reason: `zlib-compressed certificate inflates to ${body.length} bytes, not the declared ${body.length + 5}`,
    });
    expect(decompressCertificateMessage(1, 0, zlib.deflateSync(body)).ok).toBe(false);
    expect(decompressCertificateMessage(2, LIMITS.tlsHandshakeMessageBytes + 1, new Uint8Array(4))).toEqual({
      ok: false,
      kind: 'limit',
      reason: `compressed certificate declares ${LIMITS.tlsHandshakeMessageBytes + 1} bytes, over the ${LIMITS.tlsHandshakeMessageBytes}-byte limit`,
    });
    expect(decompressCertificateMessage(9, 10, new Uint8Array(4))).toEqual({
      ok: false,
      kind: 'unsupported',
      reason: 'compressed certificate uses unknown algorithm 9',
    });
    const z = zlib.deflateSync(body);
    expect(decompressCertificateMessage(1, body.length, z.subarray(0, z.length - 10)).ok).toBe(false);
    const br = zlib.brotliCompressSync(body);
    expect(decompressCertificateMessage(2, body.length, br.subarray(0, br.length >> 1)).ok).toBe(false);
  });
});
