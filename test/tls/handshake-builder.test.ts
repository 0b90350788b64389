import { describe, expect, it } from 'vitest';
import { HandshakeBuilder, newHandshake, type FlowFacts } from '../../src/tls/handshake-builder.js';
import { HandshakeMemo } from '../../src/tls/handshake-memo.js';
import { IsoTime } from '../../src/tls/iso-time.js';
import type { HandshakeKeyParams, KeyProvider, RecordDecryptor } from '../../src/tls/types.js';
import { CERT_A, CERT_A_SHA256, CERT_B, certificateBody, certificateBody13, clientHelloBody, INFO, RANDOM_C, serverHelloBody, sha256, u8 } from './fixtures.js';

const TS = 1_700_000_000.25;

function builder(keys?: KeyProvider) {
  const facts: FlowFacts = { clientRandom: new Uint8Array(32), serverFlightRead: false };
  const h = newHandshake(1, INFO, true, 1, TS, new IsoTime().format(TS));
  const b = new HandshakeBuilder(h, { dtls: false, memo: new HandshakeMemo(), clock: new IsoTime(), ...(keys ? { keys } : {}) }, facts);
  return { b, h, facts };
}

const decryptor: RecordDecryptor = { decrypt: () => ({ ok: false, reason: 'unused' }) };

describe('HandshakeBuilder', () => {
  it('ClientHello, ServerHello and Certificate fill the model; the key log is asked once by the ClientHello random', () => {
    const asked: HandshakeKeyParams[] = [];
    const { b, h, facts } = builder({ forHandshake: (p) => (asked.push(p), decryptor) });
    expect(b.message('client', 1, clientHelloBody({ sni: 'a.example', alpn: ['h2'], random: RANDOM_C }), 1, TS, false)).toBe(null);
    expect(h).toMatchObject({ sni: 'a.example', alpn: ['h2'], clientVersion: 'TLS 1.2', time: '2023-11-14T22:13:20.250Z' });
    expect(facts.clientRandom).toEqual(RANDOM_C);
    expect(b.message('server', 2, serverHelloBody({ cipher: 0xc02f }), 2, TS, false)).toEqual({ kind: 'server-hello', tls13: false, keys: decryptor });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ clientRandom: RANDOM_C, version: 0x0303, cipherSuite: 0xc02f });
    expect(b.message('server', 11, certificateBody([CERT_A, CERT_B]), 2, TS, false)).toBe(null);
    expect(h.serverChain).toEqual([CERT_A_SHA256, sha256(CERT_B)]);
    expect(b.certs.get(CERT_A_SHA256)).toEqual(CERT_A);
    expect(h).toMatchObject({ version: 'TLS 1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', frames: { clientHello: 1, serverHello: 2, serverCertificate: 2 } });
    b.message('server', 2, serverHelloBody({ cipher: 0xc02f }), 3, TS, false);
    expect(asked).toHaveLength(1);
    expect(h.notes).toEqual([]);
  });

  it('TLS 1.3: the ServerHello says so, the Certificate has its 1.3 form and a server Finished marks its flight read', () => {
    const { b, h, facts } = builder({ forHandshake: () => ({ error: 'no traffic secret' }) });
    b.message('client', 1, clientHelloBody({ supportedVersions: [0x0304] }), 1, TS, false);
    expect(b.message('server', 2, serverHelloBody({ cipher: 0x1301, selected: 0x0304 }), 2, TS, false)).toEqual({ kind: 'server-hello', tls13: true, keys: null });
    expect(h.notes).toEqual(['keylog: no traffic secret']);
    b.message('server', 11, certificateBody13([CERT_A]), 3, TS, true);
    expect(h.serverChain).toEqual([CERT_A_SHA256]);
    expect(b.message('client', 20, new Uint8Array(32), 4, TS, true)).toEqual({ kind: 'finished' });
    expect(facts.serverFlightRead).toBe(true); // from the server's Certificate
  });

  it('a malformed message is a note, an empty client Certificate is recorded, a fatal alert ends the handshake', () => {
    const { b, h } = builder();
    expect(b.message('server', 2, u8(3, 3, 0), 2, TS, false)).toBe(null);
    expect(h.notes).toEqual([expect.stringMatching(/^truncated-server-hello-message at offset \d+ \(.*, frame 2\)$/)]);
    b.message('client', 11, certificateBody([]), 5, TS, false);
    expect(h.clientSentEmptyCertificate).toBe(true);
    b.alert('server', 2, 42, 6, false);
    expect(b.fatal).toBe(true);
    expect(h.alerts).toEqual([{ from: 'server', level: 2, levelName: 'fatal', description: 42, descriptionName: 'bad_certificate', frame: 6 }]);
  });
});
