import { describe, expect, it } from 'vitest';
import { RecordProtection } from '../../src/tls/record-protection.js';
import type { RecordDecryptor, Side } from '../../src/tls/types.js';
import { u8 } from './fixtures.js';

const HDR = u8(23, 3, 3, 0, 3);

/** A decryptor that "decrypts" by reading the last byte as the content type; bodies starting with 0xee fail. */
function fake(name: string): RecordDecryptor & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    decrypt(from: Side, type: number, _h: Uint8Array, body: Uint8Array) {
      calls.push(`${name}:${from}:${type}`);
      if (body[0] === 0xee) return { ok: false, reason: 'bad tag' };
      return { ok: true, contentType: body[body.length - 1]!, plaintext: body.subarray(0, body.length - 1) };
    },
  };
}

describe('RecordProtection', () => {
  it('TLS 1.2 without keys: a side is protected from its ChangeCipherSpec on, its records opaque and counted', () => {
    const notes: string[] = [];
    const p = new RecordProtection(false, (n) => notes.push(n));
    expect(p.isProtected('client', 22, -1, false)).toBe(false);
    p.changeCipherSpec('client');
    expect(p.isProtected('client', 22, -1, false)).toBe(true);
    expect(p.isProtected('server', 22, -1, false)).toBe(false);
    expect(p.open('client', 22, HDR, u8(1, 2), 5, false)).toEqual({ kind: 'opaque' });
    expect(p.count('client')).toBe(1);
    p.skipped('client');
    expect(p.count('client')).toBe(2);
    expect(p.open('client', 20, HDR, u8(1), 6, false)).toEqual({ kind: 'dropped' });
    p.resetCounts();
    p.skipped('client');
    expect(p.count('client')).toBe(1);
    p.newHandshake(false);
    expect(p.isProtected('client', 22, -1, false)).toBe(false);
    expect(notes).toEqual([]);
  });

  it('TLS 1.2 with keys: each side takes them up at its ChangeCipherSpec; a decrypted one asks for a resync', () => {
    const p = new RecordProtection(false, () => {});
    const first = fake('first');
    p.useKeys(first, false);
    expect(p.canDecrypt('client')).toBe(false);
    p.changeCipherSpec('client');
    expect(p.canDecrypt('client')).toBe(true);
    expect(p.canDecrypt('server')).toBe(false);
    expect(p.open('client', 22, HDR, u8(9, 8, 22), 1, false)).toEqual({ kind: 'decrypted', contentType: 22, plaintext: u8(9, 8) });
    // A renegotiation under the first keys: its keys are taken up by the decrypted ChangeCipherSpec.
    p.newHandshake(true);
    expect(p.isProtected('client', 22, -1, false)).toBe(true);
    const second = fake('second');
    p.useKeys(second, false);
    expect(p.open('client', 20, HDR, u8(1, 20), 2, false)).toEqual({ kind: 'resync' });
    p.open('client', 23, HDR, u8(5, 23), 3, false);
    expect(first.calls).toEqual(['first:client:22', 'first:client:20']);
    expect(second.calls).toEqual(['second:client:23']);
    p.newHandshake(false); // keys in force: the sides stay protected
    expect(p.isProtected('client', 23, -1, false)).toBe(true);
  });

  it('a failed decryption is noted once and leaves the side opaque', () => {
    const notes: string[] = [];
    const p = new RecordProtection(false, (n) => notes.push(n));
    const k = fake('k');
    p.useKeys(k, true);
    expect(p.open('server', 23, HDR, u8(0xee, 1), 7, true)).toEqual({ kind: 'opaque' });
    expect(p.count('server')).toBe(1);
    expect(notes).toEqual(['decryption-failed (server record, frame 7): bad tag']);
    expect(p.canDecrypt('server')).toBe(false);
    expect(p.open('server', 23, HDR, u8(1, 22), 8, true)).toEqual({ kind: 'opaque' });
    expect(p.count('server')).toBe(2);
    expect(p.open('client', 23, HDR, u8(0xee), 9, true)).toEqual({ kind: 'opaque' });
    expect(p.count('client')).toBe(1);
    expect(notes).toHaveLength(1);
    expect(k.calls).toEqual(['k:server:23', 'k:client:23']);
  });

  it('TLS 1.3: only application_data records are protected; DTLS: the epoch says', () => {
    const p = new RecordProtection(false, () => {});
    expect(p.isProtected('server', 23, -1, true)).toBe(true);
    expect(p.isProtected('server', 22, -1, true)).toBe(false);
    const k = fake('k');
    p.useKeys(k, true);
    expect(p.canDecrypt('client') && p.canDecrypt('server')).toBe(true);
    const d = new RecordProtection(true, () => {});
    d.changeCipherSpec('client');
    expect(d.isProtected('client', 22, 0, false)).toBe(false);
    expect(d.isProtected('server', 22, 1, false)).toBe(true);
    expect(d.open('server', 20, HDR, u8(1), 1, false)).toEqual({ kind: 'opaque' });
    expect(d.count('server')).toBe(1); // DTLS counts it
  });
});
