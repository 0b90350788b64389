/**
 * Which direction of a flow is the client's, for the connection (conn.ts). Learnt from the first handshake message
 * seen: a capture that starts mid-handshake guesses from that message's type, and says so.
 */
import type { Dir } from '../tcp/types.js';
import { handshakeTypeName } from './names.js';
import type { Side } from './types.js';

/** Handshake types taken as the client's when one opens the flow: ClientHello, CertificateVerify, ClientKeyExchange, EndOfEarlyData. */
const CLIENT_TYPES = new Set([1, 15, 16, 5]);

export class FlowSides {
  private clientDir: Dir | -1 = -1;

  side(dir: Dir): Side | null {
    if (this.clientDir === -1) return null;
    return dir === this.clientDir ? 'client' : 'server';
  }

  /** "client", "server", or which direction while the sides are not known (for notes). */
  name(dir: Dir): string {
    return this.side(dir) ?? (dir === 0 ? 'first' : 'second');
  }

  /** Whether the flow's first direction is the client's; while the sides are not known, whether `dir` is it. */
  clientIsA(dir: Dir): boolean {
    return this.clientDir === -1 ? dir === 0 : this.clientDir === 0;
  }

  /** An SSL 2.0-compatible CLIENT-HELLO came from `dir`: only a client sends one. */
  clientFrom(dir: Dir): void {
    if (this.clientDir === -1) this.clientDir = dir;
  }

  /** A handshake message of `type` from `dir`: the first one decides the sides. Returns a note when they were guessed. */
  learn(dir: Dir, type: number): string | null {
    if (this.clientDir !== -1) return null;
    this.clientDir = CLIENT_TYPES.has(type) ? dir : dir === 0 ? 1 : 0;
    return type !== 1 && type !== 2 ? `capture-started-mid-handshake: first message seen is ${handshakeTypeName(type)} (side guessed)` : null;
  }
}
