/**
 * A flow's notes and give-ups, kept by the connection (conn.ts): a note goes on the handshake being built, or waits
 * (the first few) for the next one to begin; a note that names a give-up (give-ups.ts) also sets that code's bit,
 * and the codes are reported to the sink once, when the flow ends, so that a flow with no handshake to carry the
 * note is still counted on the capture.
 */
import { giveUpBit, giveUpCodes, giveUpOf, type GiveUpCode } from './give-ups.js';
import type { HandshakeBuilder } from './handshake-builder.js';
import type { HandshakeSink } from './types.js';

/** Notes kept while no handshake is being built: enough to explain the one that follows, bounded for a long flow. */
const WAITING_MAX = 8;

export class FlowNotes {
  /** Made with the first such note: most flows have none. */
  private waiting: string[] | null = null;
  /** What this flow gave up on, as bits (a flow holds one number, not a set). */
  private bits = 0;

  /** A note on the flow; `cur` is the handshake being built, if any. */
  add(s: string, cur: HandshakeBuilder | null): void {
    const g = giveUpOf(s);
    if (g !== undefined) this.bits |= giveUpBit(g);
    if (cur && !cur.emitted) cur.note(s);
    else if (this.waiting === null) this.waiting = [s];
    else if (this.waiting.length < WAITING_MAX) this.waiting.push(s);
  }

  /** A give-up without a note of its own on a handshake (the flow evicted, never TLS, a limit already noted). */
  gaveUp(code: GiveUpCode): void {
    this.bits |= giveUpBit(code);
  }

  /** A handshake begins: it takes the notes that waited for it. */
  handTo(b: HandshakeBuilder): void {
    if (this.waiting === null) return;
    for (const n of this.waiting) b.note(n);
    this.waiting = null;
  }

  /** The flow ended: each code it gave up on, once. */
  report(sink: HandshakeSink): void {
    if (this.bits === 0 || !sink.gaveUp) return;
    for (const c of giveUpCodes(this.bits)) {
      try {
        sink.gaveUp(c);
      } catch {
        // A sink failure must not stop the capture.
      }
    }
  }
}
