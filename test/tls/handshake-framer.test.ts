import { describe, expect, it } from 'vitest';
import type { Dir } from '../../src/tcp/types.js';
import { DtlsReassembler } from '../../src/tls/dtls-reassembler.js';
import { TlsMessageFramer } from '../../src/tls/handshake-framer.js';
import { LIMITS } from '../../src/limits.js';
import { be, cat, hs, u8 } from './fixtures.js';

type Got = { dir: Dir; type: number; body: number[]; frame: number };

function tls() {
  const got: Got[] = [];
  const notes: string[] = [];
  const f = new TlsMessageFramer(
    (dir, type, body, frame) => got.push({ dir, type, body: [...body], frame }),
    (_dir, note) => notes.push(note),
  );
  return { f, got, notes };
}

describe('TlsMessageFramer', () => {
  it('splits records into messages and joins a message across records, per direction', () => {
    const { f, got, notes } = tls();
    const two = cat(hs(2, u8(1, 2, 3)), hs(14, new Uint8Array(0)));
    f.push(0, two, 1, 0);
    const cert = hs(11, new Uint8Array(10).fill(7));
    f.push(1, cert.subarray(0, 2), 2, 0); // inside the header
    f.push(1, cert.subarray(2, 9), 3, 0);
    expect(f.pending(1)).toBe('Certificate message (5 of 10 bytes)');
    f.push(1, cert.subarray(9), 4, 0);
    expect(got).toEqual([
      { dir: 0, type: 2, body: [1, 2, 3], frame: 1 },
      { dir: 0, type: 14, body: [], frame: 1 },
      { dir: 1, type: 11, body: new Array(10).fill(7), frame: 4 },
    ]);
    expect(f.pending(1)).toBe(null);
    expect(notes).toEqual([]);
  });

  it('reset forgets a partial message and says which; an unknown type stops the direction until then', () => {
    const { f, got, notes } = tls();
    f.push(0, hs(11, new Uint8Array(10)).subarray(0, 6), 1, 0);
    expect(f.reset(0)).toBe('Certificate message');
    expect(f.reset(0)).toBe(null);
    f.push(0, cat(u8(99, 0, 0, 0), hs(2, u8(5))), 2, 0);
    expect(notes).toEqual(['malformed-handshake-stream: unknown message type 99 (frame 2); parsing of this direction stopped']);
    f.push(0, hs(2, u8(6)), 3, 0);
    expect(got).toEqual([]);
    f.reset(0);
    f.push(0, hs(2, u8(7)), 4, 0);
    expect(got).toEqual([{ dir: 0, type: 2, body: [7], frame: 4 }]);
  });

  it('skips a message over the size limit and goes on with the next', () => {
    const { f, got, notes } = tls();
    const big = LIMITS.tlsHandshakeMessageBytes + 1;
    f.push(1, cat(u8(11), be(big, 3)), 1, 0);
    f.push(1, new Uint8Array(big), 2, 0);
    f.push(1, hs(14, new Uint8Array(0)), 3, 0);
    expect(notes[0]).toMatch(/^handshake-message-too-large: Certificate of \d+ bytes/);
    expect(got).toEqual([{ dir: 1, type: 14, body: [], frame: 3 }]);
  });
});

/** A DTLS handshake fragment: type, length, message_seq, fragment_offset, fragment_length, bytes. */
const frag = (type: number, seq: number, body: Uint8Array, off = 0, end = body.length): Uint8Array =>
  cat(u8(type), be(body.length, 3), be(seq, 2), be(off, 3), be(end - off, 3), body.subarray(off, end));

describe('DtlsReassembler', () => {
  it('joins fragments out of order and overlapping, once, keyed by epoch and message_seq', () => {
    const got: Got[] = [];
    const notes: string[] = [];
    const r = new DtlsReassembler((dir, type, body, frame) => got.push({ dir, type, body: [...body], frame }), (n) => notes.push(n));
    const body = Uint8Array.from({ length: 20 }, (_, i) => i);
    r.push(1, frag(11, 2, body, 12, 20), 1, 0, 0);
    expect(r.pending(1)).toBe('Certificate message (8 of 20 bytes)');
    r.push(1, frag(11, 2, body, 0, 14), 2, 0, 0);
    r.push(1, frag(11, 2, body), 3, 0, 0); // retransmission: not delivered again
    r.push(1, frag(20, 2, u8(9)), 4, 0, 1); // same message_seq in the next epoch is another message
    expect(got).toEqual([
      { dir: 1, type: 11, body: [...body], frame: 2 },
      { dir: 1, type: 20, body: [9], frame: 4 },
    ]);
    r.push(0, frag(11, 0, body, 0, 5), 5, 0, 0);
    expect(r.reset(0)).toBe('Certificate message (5 of 20 bytes)');
    expect(r.pending(0)).toBe(null);
    expect(notes).toEqual([]);
  });

  it('a fragment that overruns its message or its record is a note', () => {
    const notes: string[] = [];
    const r = new DtlsReassembler(() => {}, (n) => notes.push(n));
    const bad = frag(11, 0, new Uint8Array(10), 0, 10);
    bad[8] = 5; // offset 5 + fragment 10 > length 10
    r.push(0, bad, 7, 0, 0);
    r.push(0, new Uint8Array(5), 8, 0, 0);
    expect(notes).toEqual([
      'malformed-dtls-handshake-fragment (frame 7): type 11, length 10, offset 5, fragment 10',
      'truncated-dtls-handshake-fragment: 5 bytes left in a record (frame 8)',
    ]);
  });
});
