/** The frames of Initial and Handshake packets: CRYPTO and CONNECTION_CLOSE read, bad lengths a reason, never a throw. */
import { describe, expect, it } from 'vitest';
import { readFrames } from '../../src/quic/frames.js';

const b = (...x: number[]) => Uint8Array.from(x);

function read(p: Uint8Array) {
  const crypto: [number, number[]][] = [];
  const close: [number, boolean, string][] = [];
  const problem = readFrames(p, {
    crypto: (o, d) => crypto.push([o, [...d]]),
    close: (c, a, r) => close.push([c, a, r]),
  });
  return { crypto, close, problem };
}

describe('readFrames', () => {
  it('reads CRYPTO frames between PADDING, PING and ACK (with ranges and ECN counts)', () => {
    // ACK: largest 5, delay 0, 1 range, first 1, gap 0 len 1; ACK_ECN with 3 counts; CRYPTO at offset 0x102 (a 2-byte varint)
    const r = read(b(0x00, 0x01, 0x02, 5, 0, 1, 1, 0, 1, 0x03, 5, 0, 0, 1, 1, 2, 3, 0x06, 0x41, 0x02, 2, 0xaa, 0xbb, 0x00, 0x00));
    expect(r.problem).toBeNull();
    expect(r.crypto).toEqual([[0x102, [0xaa, 0xbb]]]);
  });

  it('reports CONNECTION_CLOSE with its code and reason (transport and application forms)', () => {
    const r = read(b(0x1c, 0x41, 0x2a, 0x06, 3, 0x62, 0x61, 0x64, 0x1d, 0x05, 0));
    expect(r.problem).toBeNull();
    expect(r.close).toEqual([[0x12a, false, 'bad'], [5, true, '']]);
  });

  it('stops with a reason on a length past the packet, a truncated varint, or a frame type not allowed here', () => {
    expect(read(b(0x06, 0, 10, 1, 2)).problem).toMatch(/CRYPTO frame at offset 0 claims 10 bytes, 2 left/);
    expect(read(b(0x06, 0x40)).problem).toMatch(/truncated CRYPTO frame/);
    expect(read(b(0x02, 5, 0, 0x7f, 0x3f, 0)).problem).toMatch(/ACK frame at offset 0 claims/);
    expect(read(b(0x1c, 1, 0, 9, 0x61)).problem).toMatch(/reason longer than the packet/);
    expect(read(b(0x08, 0, 0)).problem).toMatch(/frame type 0x8 at offset 0 is not allowed/);
    // what came before the bad frame is still handed on
    const r = read(b(0x06, 0, 1, 0x99, 0x06, 1, 50, 0));
    expect(r.crypto).toEqual([[0, [0x99]]]);
    expect(r.problem).toMatch(/claims 50 bytes/);
  });
});
