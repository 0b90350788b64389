/**
 * What a flow's TLS parsing gave up on, and why: one table. Each flow reports each code once when it ends
 * (HandshakeSink.gaveUp); the session counts the flows per code and writes one note per code on the capture
 * ("tcp-buffer-limit: 3 flows …"), so that a give-up is seen even on a flow that left no handshake to carry the
 * note. The flow's handshake, when there is one, carries the detailed note (same code) as well. The codes are part
 * of the JSON contract (the start of the capture note): add freely, rename none.
 */
import { LIMITS } from '../limits.js';
import { TCP_NOTES } from '../tcp/notes.js';

export const GIVE_UPS = {
  'flow-evicted': 'ended early while their TLS was still being read: more than {maxFlows} flows were open at once and these were the least recently seen',
  'tcp-buffer-limit': `lost bytes to a gap: ${TCP_NOTES['tcp-buffer-limit']}`,
  'tcp-overlap-mismatch': `had a retransmission with different bytes (the first copy was kept)`,
  'handshake-message-too-large': `had a handshake message over ${LIMITS.tlsHandshakeMessageBytes} bytes, skipped`,
  'malformed-handshake-stream': 'had a handshake stream that could not be parsed; parsing of that direction stopped',
  'resync-failed': `lost TLS record framing and found no record within ${LIMITS.tlsResyncWindowBytes} bytes`,
  'handshakes-per-flow': `had more than ${LIMITS.handshakesPerFlow} handshakes; later ones were ignored`,
  'no-handshake': 'began TLS records but ended before any handshake message was complete',
  'not-tls': `given up: no TLS handshake record in the first ${LIMITS.tlsResyncWindowBytes} bytes (not TLS, or TLS captured after its handshake)`,
  'internal-error': 'stopped on an internal error',
} as const;

export type GiveUpCode = keyof typeof GIVE_UPS;

const ORDER = Object.keys(GIVE_UPS) as GiveUpCode[];
const INDEX = new Map<string, number>(ORDER.map((c, i) => [c, i]));

/** The give-up code a note starts with (`code:` or `code ` at its start), if any. */
export function giveUpOf(note: string): GiveUpCode | undefined {
  const m = /^[a-z][a-z0-9-]*/.exec(note);
  return m !== null && INDEX.has(m[0]) ? (m[0] as GiveUpCode) : undefined;
}

/** A flow's give-ups as bits (a flow holds one number, not a set). */
export function giveUpBit(code: GiveUpCode): number {
  return 1 << INDEX.get(code)!;
}

export function giveUpCodes(bits: number): GiveUpCode[] {
  return ORDER.filter((_, i) => (bits & (1 << i)) !== 0);
}

/** The capture notes for per-code flow counts, in table order; `maxFlows` is the flow table's cap. */
export function giveUpNotes(counts: ReadonlyMap<GiveUpCode, number>, maxFlows: number = LIMITS.flowsInProgress): string[] {
  const out: string[] = [];
  for (const c of ORDER) {
    const n = counts.get(c) ?? 0;
    if (n > 0) out.push(`${c}: ${n} ${n === 1 ? 'flow' : 'flows'} ${GIVE_UPS[c].replace('{maxFlows}', String(maxFlows))}`);
  }
  return out;
}
