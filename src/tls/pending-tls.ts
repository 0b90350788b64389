/**
 * The TCP consumer of a flow until TLS can have started on it: a hostile capture opens hundreds of thousands of
 * flows that each send a few bytes of a record and nothing more, and a full connection (record framer, direction
 * state, builder context) costs each of them about a kilobyte. This one holds the flow's first chunk of bytes in a
 * string (about its own length in memory) and makes the connection only when something could happen in it: a
 * second chunk, a gap, a TCP note, a first chunk that could hold a complete record, or the end of the flow. The
 * connection is then fed what was held, with its own direction, frame and time, so everything it reports is what it
 * would have reported had it been made with the flow.
 */
import type { TcpNoteCode } from '../tcp/notes.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../tcp/types.js';
import { TlsConn, type TlsOptions } from './conn.js';
import type { HandshakeSink } from './types.js';

/**
 * The most bytes a first chunk held may have: far below the resynchronisation window (so holding it cannot hide a
 * direction the record framer would have given up on), and above the one-segment records that hostile captures send.
 */
export const PENDING_HOLD_BYTES = 256;

/**
 * Whether a first chunk (stream offset 0, nothing seen before on the flow) can contain a complete record. The record
 * framer, before any handshake began, starts a record only at a 0x16 byte, or at offset 0 on an SSL 2.0 header
 * (high bit set): if no record starting at any such byte fits in the chunk, the framer only fills buffers and
 * delivers nothing, which this consumer can do later just as well. Any other answer makes the connection now.
 */
export function mayHoldRecord(b: Uint8Array): boolean {
  const n = b.length;
  if (n >= 2 && b[0]! & 0x80 && 2 + (((b[0]! & 0x7f) << 8) | b[1]!) <= n) return true;
  for (let i = b.indexOf(0x16); i >= 0 && i + 5 <= n; i = b.indexOf(0x16, i + 1)) {
    if (i + 5 + ((b[i + 3]! << 8) | b[i + 4]!) <= n) return true;
  }
  return false;
}

/** Latin-1 text of the bytes: one byte a character, the cheapest thing V8 keeps bytes in (no ArrayBuffer). */
function hold(b: Uint8Array): string {
  // One flat string (appending a character at a time would build a tree of string pieces).
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

function unhold(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * What an ended flow keeps: nothing. The tracker holds every open flow until the end of the capture has ended them
 * all, and a connection made only to say what the flow gave up must not stay with it. Stateless, so shared.
 */
const ENDED = { done: true, data() {}, gap() {}, end() {}, note() {} };

export class PendingTls implements FlowConsumer {
  private conn: TlsConn | typeof ENDED | null = null;
  /** The first chunk, while no connection is made; null when none arrived. */
  private held: string | null = null;
  private heldDir: Dir = 0;
  private heldFrame = 0;
  private heldTs = 0;

  constructor(
    private readonly info: FlowInfo,
    private readonly sink: HandshakeSink,
    private readonly opts: TlsOptions,
  ) {}

  /** A connection just made is not done: nothing has been fed to it. */
  get done(): boolean {
    return this.conn !== null && this.conn.done;
  }

  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void {
    if (this.conn === null && this.held === null && chunk.length <= PENDING_HOLD_BYTES && !mayHoldRecord(chunk)) {
      this.held = hold(chunk);
      this.heldDir = dir;
      this.heldFrame = frame;
      this.heldTs = ts;
      return;
    }
    this.connection().data(dir, chunk, frame, ts);
  }

  gap(dir: Dir, bytes: number, frame: number): void {
    this.connection().gap(dir, bytes, frame);
  }

  note(dir: Dir, code: TcpNoteCode, frame: number): void {
    this.connection().note(dir, code, frame);
  }

  end(reason: FlowEndReason): void {
    // The end reports the flow's give-ups (an evicted flow, records without a handshake): the connection says them.
    this.connection().end(reason);
    this.conn = ENDED;
  }

  /** Live input: a connection not yet made has no handshake to report, as the connection itself would find. */
  idle(seconds: number): void {
    if (this.conn instanceof TlsConn) this.conn.idle(seconds);
  }

  private connection(): TlsConn | typeof ENDED {
    if (this.conn !== null) return this.conn;
    const c = (this.conn = new TlsConn(this.info, this.sink, this.opts, false));
    const held = this.held;
    if (held !== null) {
      this.held = null;
      c.data(this.heldDir, unhold(held), this.heldFrame, this.heldTs);
    }
    return c;
  }
}
