/**
 * Handshake framer (DESIGN.md point 4, the second framer): handshake messages across record boundaries. A record may
 * carry several messages and a message may span many records; complete messages inside one record are handed
 * out as views, only a message that spans records is copied (bounded by LIMITS.tlsHandshakeMessageBytes).
 */
import { LIMITS } from '../limits.js';
import type { Dir } from '../tcp/types.js';
import { handshakeTypeName, isKnownHandshakeType } from './names.js';
import { grown } from './grow-buffer.js';

interface DirMsgState {
  hdr: Uint8Array;
  hdrFill: number;
  type: number;
  len: number;
  buf: Uint8Array | null;
  fill: number;
  /** Bytes of an over-limit message still to skip. */
  skip: number;
  /** Parsing of this direction stopped after a malformed header (until reset by a resync). */
  dead: boolean;
}

/** Splits plaintext handshake bytes of one direction into messages (TLS: across records; DTLS: fragments). */
export interface MessageFramer {
  /** `epoch`: the DTLS epoch of the record that carried `data` (-1 for TLS). */
  push(dir: Dir, data: Uint8Array, frame: number, ts: number, epoch: number): void;
  /** Forgets partial state of a direction; returns the name of the message that was cut, if any. */
  reset(dir: Dir): string | null;
  /** Describes a message left incomplete at the end of the flow, if any. */
  pending(dir: Dir): string | null;
}

export type Deliver = (dir: Dir, type: number, body: Uint8Array, frame: number, ts: number) => void;
export type Notify = (dir: Dir, note: string) => void;

/** Smallest buffer of a message that spans records; it doubles from there as records arrive. */
const MIN_MESSAGE = 256;
/** The buffer of a message whose first bytes are still to come: non-null (a message is open), holds nothing. */
const EMPTY = new Uint8Array(0);

/**
 * The direction's message buffer, able to hold `need` bytes: it grows with the bytes that arrived (doubling,
 * capped at the message's length), never to the length the header claims, which may be anything up to
 * LIMITS.tlsHandshakeMessageBytes in a flow that then sends nothing more.
 */
function room(st: DirMsgState, need: number): Uint8Array {
  return (st.buf = grown(st.buf!, 0, st.fill, need, st.len, MIN_MESSAGE));
}

/**
 * A direction's state, made when its first handshake record arrives (most flows of a hostile capture never send
 * one); the 4-byte header buffer only when a header is split across records.
 */
const mk = (): DirMsgState => ({ hdr: EMPTY, hdrFill: 0, type: 0, len: 0, buf: null, fill: 0, skip: 0, dead: false });

export class TlsMessageFramer implements MessageFramer {
  private s: [DirMsgState | null, DirMsgState | null] = [null, null];
  constructor(private readonly deliver: Deliver, private readonly notify: Notify) {}

  push(dir: Dir, data: Uint8Array, frame: number, ts: number, _epoch = -1): void {
    const st = (this.s[dir] ??= mk());
    let p = 0;
    const n = data.length;
    while (p < n && !st.dead) {
      if (st.skip > 0) {
        const k = Math.min(st.skip, n - p);
        st.skip -= k;
        p += k;
        continue;
      }
      if (st.buf) {
        const k = Math.min(st.len - st.fill, n - p);
        room(st, st.fill + k).set(data.subarray(p, p + k), st.fill);
        st.fill += k;
        p += k;
        if (st.fill === st.len) {
          const body = st.buf.subarray(0, st.len);
          st.buf = null;
          this.deliver(dir, st.type, body, frame, ts);
        }
        continue;
      }
      let type: number;
      let len: number;
      if (st.hdrFill === 0 && n - p >= 4) {
        type = data[p]!;
        len = (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
        p += 4;
      } else {
        if (st.hdr === EMPTY) st.hdr = new Uint8Array(4);
        while (st.hdrFill < 4 && p < n) st.hdr[st.hdrFill++] = data[p++]!;
        if (st.hdrFill < 4) return;
        st.hdrFill = 0;
        type = st.hdr[0]!;
        len = (st.hdr[1]! << 16) | (st.hdr[2]! << 8) | st.hdr[3]!;
      }
      if (!isKnownHandshakeType(type)) {
        st.dead = true;
        this.notify(dir, `malformed-handshake-stream: unknown message type ${type} (frame ${frame}); parsing of this direction stopped`);
        return;
      }
      if (len > LIMITS.tlsHandshakeMessageBytes) {
        this.notify(
          dir,
          `handshake-message-too-large: ${handshakeTypeName(type)} of ${len} bytes exceeds ${LIMITS.tlsHandshakeMessageBytes} (frame ${frame}); skipped`,
        );
        st.skip = len;
        continue;
      }
      if (n - p >= len) {
        const body = data.subarray(p, p + len);
        p += len;
        this.deliver(dir, type, body, frame, ts);
      } else {
        st.type = type;
        st.len = len;
        st.fill = 0;
        st.buf = EMPTY;
      }
    }
  }

  pending(dir: Dir): string | null {
    const st = this.s[dir];
    if (st === null) return null;
    if (st.buf) return `${handshakeTypeName(st.type)} message (${st.fill} of ${st.len} bytes)`;
    if (st.hdrFill > 0) return 'handshake message header';
    return null;
  }

  reset(dir: Dir): string | null {
    const st = this.s[dir];
    if (st === null) return null;
    const p = st.buf ? `${handshakeTypeName(st.type)} message` : st.hdrFill > 0 ? 'handshake message header' : null;
    st.buf = null;
    st.hdrFill = 0;
    st.skip = 0;
    st.dead = false;
    return p;
  }
}
