/**
 * Record protection, the step after the record framer: per side, whether its records are protected yet (TLS
 * <= 1.2: from its ChangeCipherSpec; TLS 1.3: application_data records after ServerHello; DTLS: epoch > 0) and
 * the key-log decryptor in force. A protected record comes out decrypted, or opaque with the side's count of
 * such records; a ChangeCipherSpec taken up comes out as "resync", for the caller to restart the handshake
 * framer of that direction (the messages after it are under other keys).
 */
import type { RecordDecryptor, Side } from './types.js';

export type Opened =
  | { kind: 'decrypted'; contentType: number; plaintext: Uint8Array }
  /** Not readable (no keys, or they failed): counted, see count(). */
  | { kind: 'opaque' }
  /** A ChangeCipherSpec under the previous keys was taken up: the handshake framer must start over. */
  | { kind: 'resync' }
  /** Nothing to read or count (a protected ChangeCipherSpec that cannot be read). */
  | { kind: 'dropped' };

// Shared results: most protected records are opaque (application data without keys), one per record.
const OPAQUE: Opened = { kind: 'opaque' };
const RESYNC: Opened = { kind: 'resync' };
const DROPPED: Opened = { kind: 'dropped' };

const at = (side: Side): 0 | 1 => (side === 'client' ? 0 : 1);

export class RecordProtection {
  /** TLS <= 1.2: ChangeCipherSpec seen, later records of the side are protected. */
  private ccs: [boolean, boolean] = [false, false];
  /**
   * Decryptor in force per side (0 client, 1 server). TLS <= 1.2: a side's records switch to the keys of the
   * handshake being negotiated at that side's ChangeCipherSpec (RFC 5246 7.1), so in a renegotiation the new
   * messages travel under the previous keys until then; TLS 1.3: both sides use the new keys from ServerHello on.
   */
  private dec: [RecordDecryptor | null, RecordDecryptor | null] = [null, null];
  /** TLS <= 1.2: keys of the current handshake, taken up by each side at its ChangeCipherSpec. */
  private pending: RecordDecryptor | null = null;
  private counts: [number, number] = [0, 0];
  private failureNoted = false;

  constructor(
    private readonly dtls: boolean,
    private readonly note: (s: string) => void,
  ) {}

  /**
   * Whether records of this type from this side are protected. `tls13` is true after a TLS 1.3 ServerHello of the
   * current handshake; `epoch` is the DTLS epoch, -1 for TLS.
   */
  isProtected(side: Side, type: number, epoch: number, tls13: boolean): boolean {
    if (this.dtls && epoch >= 0) return epoch > 0;
    if (tls13) return type === 23;
    return this.ccs[at(side)];
  }

  /** A decryptor is in force for this side (its application data is worth buffering). */
  canDecrypt(side: Side): boolean {
    return this.dec[at(side)] !== null;
  }

  /** Some side still decrypts (a renegotiation inside the session can be read). */
  keyed(): boolean {
    return this.dec[0] !== null || this.dec[1] !== null;
  }

  /** The keys of the handshake just negotiated: TLS 1.3 (RFC 8446 7.3) at once, TLS <= 1.2 at each ChangeCipherSpec. */
  useKeys(k: RecordDecryptor, tls13: boolean): void {
    this.failureNoted = false;
    if (tls13) this.dec = [k, k];
    else this.pending = k;
  }

  /** A new ClientHello: no keys negotiated for it yet; without keys in force, no side is protected any more. */
  newHandshake(renegotiation: boolean): void {
    this.pending = null;
    if (!renegotiation && !this.keyed()) this.ccs = [false, false];
  }

  /** A side's plaintext ChangeCipherSpec: its later records are under the keys negotiated in this handshake. */
  changeCipherSpec(side: Side): void {
    this.ccs[at(side)] = true;
    this.dec[at(side)] = this.pending;
  }

  /** A new handshake (or a TLS 1.3 ServerHello) starts the counts of protected records over. */
  resetCounts(): void {
    this.counts = [0, 0];
  }

  /** A protected record the record framer skipped unread: counted. */
  skipped(side: Side): void {
    this.counts[at(side)]++;
  }

  /** Opaque records from this side since the counts started over. */
  count(side: Side): number {
    return this.counts[at(side)];
  }

  /** A protected record with its body. `tls13`: the current handshake negotiated TLS 1.3. */
  open(side: Side, type: number, header: Uint8Array, body: Uint8Array, frame: number, tls13: boolean): Opened {
    const i = at(side);
    const d = this.dec[i];
    // A protected ChangeCipherSpec only occurs in a renegotiation (under the previous keys); without keys it is
    // tolerated as is.
    if (type === 20 && !this.dtls && !d) return DROPPED;
    if (d) {
      let r;
      try {
        r = d.decrypt(side, type, header, body);
      } catch (e) {
        r = { ok: false as const, reason: e instanceof Error ? e.message : String(e) };
      }
      if (r.ok) {
        if (type === 20 && !this.dtls && !tls13) {
          this.changeCipherSpec(side);
          return RESYNC;
        }
        return { kind: 'decrypted', contentType: r.contentType, plaintext: r.plaintext };
      }
      if (!this.failureNoted) {
        this.failureNoted = true;
        this.note(`decryption-failed (${side} record, frame ${frame}): ${r.reason}`);
      }
      // Sequence numbers (and TLS 1.0's chained IVs) are now out of step: this side stays opaque.
      this.dec[i] = null;
      if (type === 20 && !this.dtls) return DROPPED;
    }
    this.counts[i]++;
    return OPAQUE;
  }
}
