/**
 * The frames of a decrypted Initial or Handshake packet (RFC 9000 §19; §12.4 lists those allowed there): CRYPTO
 * frames are handed on, CONNECTION_CLOSE is reported, PADDING, PING and ACK are stepped over. Any other type, or a
 * length that runs past the packet, ends the packet's frames with a description of why.
 */
import { readVarint, varintLength } from './varint.js';

/** Bytes of a CONNECTION_CLOSE reason phrase kept. */
const REASON_BYTES = 120;

export interface FrameSink {
  crypto(offset: number, data: Uint8Array): void;
  /** CONNECTION_CLOSE: `code` a transport error (0x0100 + a TLS alert is a crypto error, RFC 9001 §4.8). */
  close(code: number, application: boolean, reason: string): void;
}

/** Reads the frames of `p`; returns null, or what stopped the reading. */
export function readFrames(p: Uint8Array, sink: FrameSink): string | null {
  let o = 0;
  const n = p.length;
  /** Reads a varint at o and advances; -1 when the packet ends first. */
  const v = (): number => {
    const x = readVarint(p, o);
    if (x >= 0) o += varintLength(p[o]!);
    return x;
  };
  while (o < n) {
    const at = o;
    const type = v();
    if (type < 0) return `truncated frame type at offset ${at}`;
    switch (type) {
      case 0x00: // PADDING
      case 0x01: // PING
      case 0x1e: // HANDSHAKE_DONE (1-RTT only, harmless here)
        continue;
      case 0x02:
      case 0x03: {
        // ACK: largest, delay, range count, first range, then (gap, length) per range, then three ECN counts.
        const fixed = [v(), v()];
        const count = v();
        const first = v();
        if (fixed.some((x) => x < 0) || count < 0 || first < 0) return `truncated ACK frame at offset ${at}`;
        if (count > n) return `ACK frame at offset ${at} claims ${count} ranges`;
        for (let i = 0; i < count * 2; i++) if (v() < 0) return `truncated ACK frame at offset ${at}`;
        if (type === 0x03) for (let i = 0; i < 3; i++) if (v() < 0) return `truncated ACK frame at offset ${at}`;
        continue;
      }
      case 0x06: {
        const offset = v();
        const len = v();
        if (offset < 0 || len < 0) return `truncated CRYPTO frame at offset ${at}`;
        if (len > n - o) return `CRYPTO frame at offset ${at} claims ${len} bytes, ${n - o} left in the packet`;
        sink.crypto(offset, p.subarray(o, o + len));
        o += len;
        continue;
      }
      case 0x1c:
      case 0x1d: {
        const code = v();
        if (code < 0) return `truncated CONNECTION_CLOSE frame at offset ${at}`;
        if (type === 0x1c && v() < 0) return `truncated CONNECTION_CLOSE frame at offset ${at}`;
        const len = v();
        if (len < 0 || len > n - o) return `CONNECTION_CLOSE frame at offset ${at} with a reason longer than the packet`;
        // The reason phrase is the peer's text: a bounded part of it is enough for a note.
        sink.close(code, type === 0x1d, Buffer.from(p.subarray(o, o + Math.min(len, REASON_BYTES))).toString('latin1'));
        o += len;
        continue;
      }
      default:
        return `frame type 0x${type.toString(16)} at offset ${at} is not allowed in this packet`;
    }
  }
  return null;
}
