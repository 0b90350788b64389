import * as zlib from 'node:zlib';
import { LIMITS } from '../../limits.js';

/**
 * `kind` says what to make of a failure: `limit` the declared size is over the handshake message limit,
 * `unsupported` an algorithm this runtime cannot decompress, `malformed` bad data.
 */
export type DecompressResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; kind: 'limit' | 'unsupported' | 'malformed'; reason: string };

/** RFC 8879 §3 / IANA TLS Certificate Compression Algorithm IDs. */
export const CERT_COMPRESSION = { zlib: 1, brotli: 2, zstd: 3 } as const;

type SyncDecompress = (buf: Uint8Array, opts: { maxOutputLength: number }) => Buffer;

/**
 * Decompresses the body of a CompressedCertificate message (RFC 8879 §4) into the Certificate message body it
 * replaces. Output is bounded by the declared uncompressed_length (itself bounded by
 * LIMITS.tlsHandshakeMessageBytes), so a decompression bomb stops at that size. RFC 8879 §4: a result whose length
 * differs from uncompressed_length is a bad_certificate error; here it is a reason. Never throws.
 */
export function decompressCertificateMessage(alg: number, uncompressedLength: number, data: Uint8Array): DecompressResult {
  if (!Number.isInteger(uncompressedLength) || uncompressedLength <= 0) {
    return { ok: false, kind: 'malformed', reason: 'compressed certificate declares an empty uncompressed length' };
  }
  if (uncompressedLength > LIMITS.tlsHandshakeMessageBytes) {
    return {
      ok: false,
      kind: 'limit',
      reason: `compressed certificate declares ${uncompressedLength} bytes, over the ${LIMITS.tlsHandshakeMessageBytes}-byte limit`,
    };
  }
  let fn: SyncDecompress | undefined;
  let name: string;
  switch (alg) {
    case CERT_COMPRESSION.zlib:
      name = 'zlib';
      fn = zlib.inflateSync; // RFC 8879: zlib is the RFC 1950 format (with header), not raw deflate
      break;
    case CERT_COMPRESSION.brotli:
      name = 'brotli';
      fn = zlib.brotliDecompressSync;
      break;
    case CERT_COMPRESSION.zstd:
      name = 'zstd';
      // node:zlib gained zstd in Node 22.15 / 23.8; Node 20 lacks it.
      fn = (zlib as unknown as { zstdDecompressSync?: SyncDecompress }).zstdDecompressSync;
      if (typeof fn !== 'function') {
        return { ok: false, kind: 'unsupported', reason: 'zstd-compressed certificate: not supported by this Node version' };
      }
      break;
    default:
      return { ok: false, kind: 'unsupported', reason: `compressed certificate uses unknown algorithm ${alg}` };
  }
  let body: Buffer;
  try {
    body = fn(data, { maxOutputLength: uncompressedLength });
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, kind: 'malformed', reason: `${name}-compressed certificate inflates past its declared ${uncompressedLength} bytes` };
    }
    return { ok: false, kind: 'malformed', reason: `${name}-compressed certificate is corrupt or truncated` };
  }
  if (body.length !== uncompressedLength) {
    return {
      ok: false,
      kind: 'malformed',
      reason: `${name}-compressed certificate inflates to ${body.length} bytes, not the declared ${uncompressedLength}`,
    };
  }
  return { ok: true, body };
}
