import { describe, expect, it } from 'vitest';
import { MORE, NO, recordStartAt, YES, YES_V2 } from '../../src/tls/record-start.js';
import { ALERT, cat, clientHelloBody, hex, hs, record, u8 } from './fixtures.js';

const at = (b: Uint8Array, o: { abs?: number; synced?: boolean; version?: number; begun?: boolean } = {}) =>
  recordStartAt(b, 0, b.length, o.abs ?? 5, o.synced ?? false, o.version ?? 0x0303, o.begun ?? false);

describe('recordStartAt', () => {
  const hello = record(22, 0x0301, hs(1, clientHelloBody()));

  it('a handshake record with a plausible first message starts TLS; a cut one asks for more bytes', () => {
    expect(at(hello)).toBe(YES);
    expect(at(hello.subarray(0, 7))).toBe(MORE);
    const bad = hello.slice();
    bad[5] = 99; // not a handshake type a stream may start on
    expect(at(bad)).toBe(NO);
    expect(at(u8(0x16, 3, 3, 0, 1, 1))).toBe(NO); // a record too short for a message header
  });

  it('an alert or ChangeCipherSpec starts a direction only once a handshake has begun', () => {
    expect(at(ALERT(2, 40))).toBe(NO);
    expect(at(ALERT(2, 40), { begun: true })).toBe(YES);
    expect(at(ALERT(2, 200), { begun: true })).toBe(NO); // no such alert
    const ccs = record(20, 0x0303, u8(1));
    expect(at(ccs, { begun: true })).toBe(MORE); // a byte past it is looked at first
    expect(at(cat(ccs, hello), { begun: true })).toBe(YES);
  });

  it('after an earlier sync any record header of the direction\'s version will do', () => {
    const app = record(23, 0x0303, new Uint8Array(40));
    expect(at(app)).toBe(NO);
    expect(at(app, { synced: true })).toBe(YES);
    expect(at(app, { synced: true, version: 0x0301 })).toBe(NO);
  });

  it('an SSL 2.0 CLIENT-HELLO counts at stream offset 0 only', () => {
    // 2-byte header (length 34), CLIENT-HELLO, version 3.1, 3 cipher specs (9 bytes), no session id, 16-byte challenge.
    const v2 = cat(hex('8022 01 0301 0009 0000 0010'), hex('00002f 000035 00000a'), new Uint8Array(16).fill(7));
    expect(at(v2, { abs: 0 })).toBe(YES_V2);
    expect(at(v2, { abs: 3 })).toBe(NO);
  });
});
