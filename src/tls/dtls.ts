/**
 * DTLS over UDP (RFC 4347, RFC 6347; DTLS 1.3 RFC 9147 only noted), the record framer of the UDP path: several
 * records per datagram, each with epoch and 48-bit sequence number. The handshake fragments they carry are joined
 * by dtls-reassembler.ts.
 */
import type { Dir } from '../tcp/types.js';
import type { RecordFramer, RecordSink } from './types.js';

const MAX_RECORD = 16384 + 2048;
/** Datagrams examined before a flow that never showed DTLS (or never a handshake) is given up. */
const PROBE_DATAGRAMS = 4;
const NO_HANDSHAKE_DATAGRAMS = 16;

function isDtlsVersion(v: number): boolean {
  return v === 0xfeff || v === 0xfefd || v === 0xfefc || v === 0x0100;
}

export class DtlsRecordFramer implements RecordFramer {
  readonly startTls = undefined;
  handshakeBegun = false;
  private datagrams = 0;
  private seenDtls = false;
  /** Not DTLS, or DTLS without a handshake: given up. */
  private failed = false;
  private noted13 = false;

  constructor(private readonly sink: RecordSink) {}

  get done(): boolean {
    return this.failed;
  }

  get sawRecords(): boolean {
    return this.seenDtls;
  }

  data(dir: Dir, d: Uint8Array, frame: number, ts: number): void {
    // RFC 7983 demultiplexing (WebRTC puts STUN, DTLS and SRTP on one 5-tuple): STUN (first byte 0-3 with the
    // magic cookie) and RTP/RTCP (128-191) are not DTLS and do not count against the probe.
    const b0 = d[0] ?? 0;
    if (d.length >= 20 && b0 <= 3 && d[4] === 0x21 && d[5] === 0x12 && d[6] === 0xa4 && d[7] === 0x42) return;
    if (b0 >= 128 && b0 <= 191 && this.seenDtls) return;
    this.datagrams++;
    let p = 0;
    let any = false;
    while (p + 13 <= d.length) {
      const type = d[p]!;
      if ((type & 0xe0) === 0x20 && this.seenDtls) {
        // RFC 9147 4: unified header of an encrypted DTLS 1.3 record.
        if (!this.noted13) {
          this.noted13 = true;
          this.sink.flowNote(`dtls-1.3-ciphertext records (frame ${frame}): not decrypted`);
        }
        break;
      }
      const version = (d[p + 1]! << 8) | d[p + 2]!;
      const epoch = (d[p + 3]! << 8) | d[p + 4]!;
      const len = (d[p + 11]! << 8) | d[p + 12]!;
      // 25 is tls12_cid (RFC 9146).
      if (type < 20 || type > 25 || !isDtlsVersion(version) || len > MAX_RECORD || p + 13 + len > d.length) {
        if (this.seenDtls) this.sink.flowNote(`malformed-dtls-record at datagram offset ${p} (frame ${frame})`);
        break;
      }
      any = true;
      this.seenDtls = true;
      this.sink.record(dir, type, d.subarray(p, p + 13), d.subarray(p + 13, p + 13 + len), len, frame, ts, epoch);
      if (this.sink.closed) return;
      p += 13 + len;
    }
    if (!this.seenDtls && !any && this.datagrams >= PROBE_DATAGRAMS) this.failed = true;
    if (this.seenDtls && !this.handshakeBegun && this.datagrams >= NO_HANDSHAKE_DATAGRAMS) this.failed = true;
  }

  gap(_dir: Dir, _bytes: number, _frame: number): void {
    // Datagrams have no byte stream to lose; a truncated datagram simply fails its record length check.
  }

  end(): void {
    // Each datagram was framed whole: nothing is left partial.
  }

  release(): void {
    // Nothing buffered.
  }
}
