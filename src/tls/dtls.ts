/**
 * DTLS over UDP (RFC 4347, RFC 6347; DTLS 1.3 RFC 9147 only noted): several records per datagram, each with
 * epoch and 48-bit sequence number, and handshake messages carried as fragments (message_seq, fragment_offset,
 * fragment_length) that may arrive out of order, overlap, or be retransmitted with a whole flight.
 */
import { LIMITS } from '../limits.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { TlsConn, type MessageFramer, type TlsOptions } from './conn.js';
import { handshakeTypeName, isKnownHandshakeType } from './names.js';
import type { HandshakeSink } from './types.js';

const MAX_RECORD = 16384 + 2048;
/** Incomplete messages held per direction (a flight has fewer than ten). */
const PENDING_PER_DIR = 32;
/** Datagrams examined before a flow that never showed DTLS (or never a handshake) is given up. */
const PROBE_DATAGRAMS = 4;
const NO_HANDSHAKE_DATAGRAMS = 16;

function isDtlsVersion(v: number): boolean {
  return v === 0xfeff || v === 0xfefd || v === 0xfefc || v === 0x0100;
}

interface Partial {
  type: number;
  len: number;
  buf: Uint8Array;
  /** Received byte ranges [start, end), sorted and merged. */
  ranges: number[];
}

/** Reassembles DTLS handshake fragments per (epoch, message_seq); completed ones are not delivered twice. */
export class DtlsReassembler implements MessageFramer {
  private pendingMsgs: [Map<number, Partial>, Map<number, Partial>] = [new Map(), new Map()];
  private delivered: [Set<number>, Set<number>] = [new Set(), new Set()];
  epoch = 0;
  constructor(
    private readonly deliver: (dir: Dir, type: number, body: Uint8Array, frame: number, ts: number) => void,
    private readonly notify: (note: string) => void,
  ) {}

  push(dir: Dir, data: Uint8Array, frame: number, ts: number): void {
    let p = 0;
    while (p < data.length) {
      if (data.length - p < 12) {
        this.notify(`truncated-dtls-handshake-fragment: ${data.length - p} bytes left in a record (frame ${frame})`);
        return;
      }
      const type = data[p]!;
      const len = (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
      const seq = (data[p + 4]! << 8) | data[p + 5]!;
      const off = (data[p + 6]! << 16) | (data[p + 7]! << 8) | data[p + 8]!;
      const flen = (data[p + 9]! << 16) | (data[p + 10]! << 8) | data[p + 11]!;
      if (!isKnownHandshakeType(type) || off + flen > len || p + 12 + flen > data.length) {
        this.notify(
          `malformed-dtls-handshake-fragment (frame ${frame}): type ${type}, length ${len}, offset ${off}, fragment ${flen}`,
        );
        return;
      }
      const frag = data.subarray(p + 12, p + 12 + flen);
      p += 12 + flen;
      const key = this.epoch * 65536 + seq;
      if (this.delivered[dir].has(key)) continue; // retransmitted flight
      if (len > LIMITS.tlsHandshakeMessageBytes) {
        this.notify(`handshake-message-too-large: ${handshakeTypeName(type)} of ${len} bytes (frame ${frame}); skipped`);
        this.delivered[dir].add(key);
        continue;
      }
      if (off === 0 && flen === len) {
        this.delivered[dir].add(key);
        this.pendingMsgs[dir].delete(key);
        this.deliver(dir, type, frag, frame, ts);
        continue;
      }
      const pend = this.pendingMsgs[dir];
      let m = pend.get(key);
      if (m && (m.type !== type || m.len !== len)) {
        this.notify(`inconsistent-dtls-fragments for message_seq ${seq} (frame ${frame})`);
        continue;
      }
      if (!m) {
        if (pend.size >= PENDING_PER_DIR) {
          this.notify(`dtls-reassembly limit: more than ${PENDING_PER_DIR} incomplete messages (frame ${frame})`);
          continue;
        }
        m = { type, len, buf: new Uint8Array(len), ranges: [] };
        pend.set(key, m);
      }
      m.buf.set(frag, off);
      addRange(m.ranges, off, off + flen);
      if (m.ranges.length === 2 && m.ranges[0] === 0 && m.ranges[1] === len) {
        pend.delete(key);
        this.delivered[dir].add(key);
        this.deliver(dir, type, m.buf, frame, ts);
      }
    }
  }

  reset(dir: Dir): string | null {
    const p = this.pending(dir);
    this.pendingMsgs[dir].clear();
    return p;
  }

  pending(dir: Dir): string | null {
    for (const m of this.pendingMsgs[dir].values()) {
      let have = 0;
      for (let i = 0; i < m.ranges.length; i += 2) have += m.ranges[i + 1]! - m.ranges[i]!;
      return `${handshakeTypeName(m.type)} message (${have} of ${m.len} bytes)`;
    }
    return null;
  }
}

/** Inserts [s, e) into a sorted list of disjoint ranges, merging overlaps and neighbours. */
export function addRange(r: number[], s: number, e: number): void {
  if (e <= s) return;
  const out: number[] = [];
  let placed = false;
  for (let i = 0; i < r.length; i += 2) {
    const a = r[i]!;
    const b = r[i + 1]!;
    if (b < s) out.push(a, b);
    else if (a > e) {
      if (!placed) {
        out.push(s, e);
        placed = true;
      }
      out.push(a, b);
    } else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  if (!placed) out.push(s, e);
  r.length = 0;
  r.push(...out);
}

export class DtlsConsumer implements FlowConsumer {
  readonly conn: TlsConn;
  private reasm: DtlsReassembler;
  private datagrams = 0;
  private seenDtls = false;
  private failed = false;
  private noted13 = false;

  constructor(info: FlowInfo, sink: HandshakeSink, opts: TlsOptions) {
    this.conn = new TlsConn(info, sink, opts, true);
    this.reasm = new DtlsReassembler(
      (dir, type, body, frame, ts) => this.conn.handshakeMessage(dir, type, body, frame, ts),
      (note) => this.conn.note(note),
    );
    this.conn.framer = this.reasm;
  }

  idle(seconds: number): void {
    this.conn.idle(seconds);
  }

  get done(): boolean {
    return this.failed || this.conn.done;
  }

  data(dir: Dir, d: Uint8Array, frame: number, ts: number): void {
    if (this.done) return;
    try {
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
            this.conn.note(`dtls-1.3-ciphertext records (frame ${frame}): not decrypted`);
          }
          break;
        }
        const version = (d[p + 1]! << 8) | d[p + 2]!;
        const epoch = (d[p + 3]! << 8) | d[p + 4]!;
        const len = (d[p + 11]! << 8) | d[p + 12]!;
        // 25 is tls12_cid (RFC 9146).
        if (type < 20 || type > 25 || !isDtlsVersion(version) || len > MAX_RECORD || p + 13 + len > d.length) {
          if (this.seenDtls) this.conn.note(`malformed-dtls-record at datagram offset ${p} (frame ${frame})`);
          break;
        }
        any = true;
        this.seenDtls = true;
        this.reasm.epoch = epoch;
        this.conn.record(dir, type, d.subarray(p, p + 13), d.subarray(p + 13, p + 13 + len), len, frame, ts, epoch);
        if (this.conn.done) return;
        p += 13 + len;
      }
      if (!this.seenDtls && !any && this.datagrams >= PROBE_DATAGRAMS) this.failed = true;
      if (this.seenDtls && !this.conn.hasHandshake() && this.datagrams >= NO_HANDSHAKE_DATAGRAMS) this.failed = true;
    } catch (e) {
      this.conn.note(`internal-error: ${e instanceof Error ? e.message : String(e)}`);
      this.failed = true;
    }
  }

  gap(_dir: Dir, _bytes: number, _frame: number): void {
    // Datagrams have no byte stream to lose; a truncated datagram simply fails its record length check.
  }

  end(_reason: FlowEndReason): void {
    try {
      this.conn.end();
    } catch {
      this.failed = true;
    }
  }
}
