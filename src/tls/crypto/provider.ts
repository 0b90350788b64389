import type { HandshakeKeyParams, KeyProvider, RecordDecryptor } from '../types.js';
import { sessionSecrets, type KeyLog, type SessionSecrets } from '../../keys/keylog.js';
import { suiteHex, TLS12_SUITES, TLS13_SUITES } from './suites.js';
import { Tls12Decryptor } from './tls12.js';
import { Tls13Decryptor } from './tls13.js';

/**
 * Optional extras the TLS parser may pass along with HandshakeKeyParams. encryptThenMac: whether the
 * ServerHello carried encrypt_then_mac (RFC 7366); when absent, CBC records are tried both ways and the first
 * record that verifies settles it.
 */
export interface ExtraKeyParams {
  encryptThenMac?: boolean;
}

const TLS13 = 0x0304;

/**
 * KeyProvider over an NSS key log. Matches sessions by client_random. Error strings are plain and carry no
 * secret material.
 *
 * TLS 1.3: keys from the (CLIENT|SERVER)_HANDSHAKE_TRAFFIC_SECRET lines (plus CLIENT_EARLY_TRAFFIC_SECRET and
 * *_TRAFFIC_SECRET_0 when present, see Tls13Decryptor). HelloRetryRequest: the parser asks after the final
 * ServerHello; the client_random is the same in both ClientHellos, so the lookup is unaffected.
 * TLS 1.0-1.2: keys from the CLIENT_RANDOM master secret; renegotiations are separate handshakes with their
 * own client_random and so their own lookup.
 */
export class KeyLogProvider implements KeyProvider {
  constructor(private readonly keylog: KeyLog) {}

  /** QUIC derives its packet keys from the raw handshake secrets itself (RFC 9001 §5.1). */
  secrets(clientRandom: Uint8Array): SessionSecrets | undefined {
    return sessionSecrets(this.keylog, clientRandom);
  }

  forHandshake(p: HandshakeKeyParams & ExtraKeyParams): RecordDecryptor | { error: string } | null {
    if (p.clientRandom.length !== 32 || p.serverRandom.length !== 32) return null;
    const s = sessionSecrets(this.keylog, p.clientRandom);
    if (!s) return null;
    if (p.version === TLS13) {
      const hasTls13 =
        s.clientHandshakeTrafficSecret || s.serverHandshakeTrafficSecret || s.clientTrafficSecret0 || s.serverTrafficSecret0;
      if (!hasTls13) return { error: 'key log has no handshake secret for this session' };
      const suite = TLS13_SUITES.get(p.cipherSuite);
      if (!suite) return { error: `cipher suite ${suiteHex(p.cipherSuite)} is not supported for TLS 1.3 decryption` };
      const hashLen = suite.hash === 'sha256' ? 32 : 48;
      const secrets = {
        clientEarly: s.clientEarlyTrafficSecret,
        clientHandshake: s.clientHandshakeTrafficSecret,
        serverHandshake: s.serverHandshakeTrafficSecret,
        clientApplication: s.clientTrafficSecret0,
        serverApplication: s.serverTrafficSecret0,
      };
      for (const v of Object.values(secrets)) {
        if (v && v.length !== hashLen) {
          return { error: `key log secret length does not match cipher suite ${suite.name}` };
        }
      }
      // With application secrets only, the handshake stays closed but post-handshake messages still open.
      return new Tls13Decryptor(suite, secrets);
    }
    if (p.version >= 0x0301 && p.version <= 0x0303) {
      if (!s.masterSecret) return { error: 'key log has no master secret (CLIENT_RANDOM line) for this session' };
      const suite = TLS12_SUITES.get(p.cipherSuite);
      if (!suite) return { error: `cipher suite ${suiteHex(p.cipherSuite)} is not supported for decryption` };
      if (suite.tls12Only && p.version < 0x0303) {
        return { error: `cipher suite ${suite.name} cannot be used before TLS 1.2` };
      }
      return new Tls12Decryptor(suite, p.version, s.masterSecret, p.clientRandom, p.serverRandom, p.encryptThenMac);
    }
    if (p.version === 0x0300) return { error: 'SSL 3.0 decryption is not supported' };
    if (p.version >= 0xfefc) return { error: 'DTLS decryption is not supported' };
    return { error: `protocol version ${suiteHex(p.version)} is not supported for decryption` };
  }
}
