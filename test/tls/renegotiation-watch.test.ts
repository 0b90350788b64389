import { describe, expect, it } from 'vitest';
import type { Handshake } from '../../src/model.js';
import { RenegotiationWatch } from '../../src/tls/renegotiation-watch.js';

const hs = (o: Partial<Handshake>): Handshake => ({ ...o }) as Handshake;

describe('RenegotiationWatch', () => {
  it('looks at a bounded number of records after a completed handshake', () => {
    const w = new RenegotiationWatch();
    expect(w.watching).toBe(false);
    w.start(3);
    expect(w.watching).toBe(true);
    expect([w.passed(), w.passed(), w.passed()]).toEqual([false, false, true]);
    expect(w.watching).toBe(false);
  });

  it('an encrypted renegotiation takes the version and cipher of the handshake before it, and ends the watch', () => {
    const w = new RenegotiationWatch();
    w.completed(hs({ id: 7, version: 'TLS 1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' }));
    w.start(5);
    const h = hs({ id: 8, encrypted: false });
    const note = w.encrypted(h, 'server', 42);
    expect(h).toMatchObject({ encrypted: true, version: 'TLS 1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
    expect(note).toMatch(/^renegotiated-under-encryption: the server sent an encrypted handshake record at frame 42 after handshake #7 completed;/);
    expect(w.watching).toBe(false);
    expect(w.decryptedNote(50)).toMatch(/^renegotiation of handshake #7: this ClientHello \(frame 50\)/);
  });
});
