import type { DecryptResult, RecordDecryptor, Side } from '../types.js';
import { aeadOpen, TAG_LENGTH, xorSequence } from './aead.js';
import { hkdfExpandLabel } from '../../keys/hkdf.js';
import type { Tls13Suite } from './suites.js';

/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
const MAX_CIPHERTEXT = 16384 + 256;
const APPLICATION_DATA = 23;

interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
  /** Records opened (or attempted) with these keys: the next record's sequence number (RFC 8446 §5.3). */
  seq: number;
}

interface Direction {
  /** Key epochs in the order a side uses them: [early (client only)], handshake, application. */
  epochs: TrafficKeys[];
  current: number;
  missing: string;
}

export interface Tls13Secrets {
  clientEarly?: Uint8Array;
  clientHandshake?: Uint8Array;
  serverHandshake?: Uint8Array;
  clientApplication?: Uint8Array;
  serverApplication?: Uint8Array;
}

function trafficKeys(suite: Tls13Suite, secret: Uint8Array): TrafficKeys {
  // RFC 8446 §7.3: [sender]_write_key / _iv = HKDF-Expand-Label(Secret, "key" / "iv", "", length).
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', new Uint8Array(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', new Uint8Array(0), 12),
    seq: 0,
  };
}

/**
 * TLS 1.3 record protection (RFC 8446 §5.2-5.4) for one handshake.
 *
 * Each side moves through key epochs: client early data (0-RTT, when the key log has
 * CLIENT_EARLY_TRAFFIC_SECRET), handshake traffic, application traffic (SECRET_0). This class does not parse
 * handshake messages, so it cannot see a side's Finished; instead, when a record fails under the current epoch
 * it tries the later epochs at their own sequence numbers and moves on for good when one opens it. That follows
 * a side past its Finished (post-handshake CertificateRequest/Certificate, NewSessionTicket) when the key log
 * has the application secrets, and past rejected early data. KeyUpdate (later traffic secrets) is not followed.
 *
 * HelloRetryRequest needs nothing here: the secrets come from the key log, already bound to the transcript
 * with the HRR, and the client_random does not change between the two ClientHellos (RFC 8446 §4.1.2).
 */
export class Tls13Decryptor implements RecordDecryptor {
  private readonly client: Direction;
  private readonly server: Direction;
  private readonly nonce = new Uint8Array(12);

  constructor(private readonly suite: Tls13Suite, secrets: Tls13Secrets) {
    const c: TrafficKeys[] = [];
    if (secrets.clientEarly) c.push(trafficKeys(suite, secrets.clientEarly));
    if (secrets.clientHandshake) c.push(trafficKeys(suite, secrets.clientHandshake));
    if (secrets.clientApplication) c.push(trafficKeys(suite, secrets.clientApplication));
    const s: TrafficKeys[] = [];
    if (secrets.serverHandshake) s.push(trafficKeys(suite, secrets.serverHandshake));
    if (secrets.serverApplication) s.push(trafficKeys(suite, secrets.serverApplication));
    this.client = { epochs: c, current: 0, missing: 'key log has no handshake secret for the client side of this session' };
    this.server = { epochs: s, current: 0, missing: 'key log has no handshake secret for the server side of this session' };
  }

  decrypt(from: Side, contentType: number, header: Uint8Array, body: Uint8Array): DecryptResult {
    if (contentType !== APPLICATION_DATA) {
      return { ok: false, reason: `not a protected TLS 1.3 record (outer content type ${contentType})` };
    }
    if (header.length !== 5) return { ok: false, reason: 'record header must be 5 bytes' };
    const dir = from === 'client' ? this.client : this.server;
    const cur = dir.epochs[dir.current];
    if (!cur) return { ok: false, reason: dir.missing };
    if (body.length < TAG_LENGTH + 1) {
      cur.seq++;
      return { ok: false, reason: `record too short to be protected (${body.length} bytes)` };
    }
    if (body.length > MAX_CIPHERTEXT) {
      cur.seq++;
      return { ok: false, reason: `protected record longer than TLS 1.3 allows (${body.length} bytes)` };
    }
    let plain = this.open(cur, header, body);
    cur.seq++;
    if (!plain) {
      for (let i = dir.current + 1; i < dir.epochs.length && !plain; i++) {
        const next = dir.epochs[i]!;
        plain = this.open(next, header, body);
        if (plain) {
          next.seq++;
          dir.current = i;
        }
      }
    }
    if (!plain) return { ok: false, reason: 'decryption failed: wrong key or corrupted record' };
    // TLSInnerPlaintext = content || ContentType type || zeros (RFC 8446 §5.4): the type is the last non-zero byte.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (end < 0) return { ok: false, reason: 'decrypted record has no content type (all padding)' };
    return { ok: true, contentType: plain[end]!, plaintext: plain.subarray(0, end) };
  }

  private open(k: TrafficKeys, header: Uint8Array, body: Uint8Array): Buffer | null {
    return aeadOpen(this.suite.cipher, k.key, xorSequence(k.iv, k.seq, this.nonce), header, body);
  }
}
