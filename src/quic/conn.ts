/**
 * One QUIC connection seen on a UDP flow: datagrams -> coalesced long-header packets -> protection removed
 * (Initial keys from the client's first Destination Connection ID, Handshake keys once the key log's secrets are
 * given) -> frames -> CRYPTO streams per packet-number space and direction, handed to the sink in order. 0-RTT and
 * 1-RTT packets are not opened: a 1-RTT packet only tells that its sender is past the handshake.
 */
import { LIMITS } from '../limits.js';
import type { Dir } from '../tcp/types.js';
import { CryptoStream, type CryptoBudget } from './crypto-stream.js';
import { readFrames } from './frames.js';
import { INITIAL_SUITE, initialSecret, packetKeys, sideInitialSecret, suiteHashLength, type PacketKeys } from './packet-keys.js';
import { MIN_CLIENT_DATAGRAM, MIN_CLIENT_DCID, openPacket, parseLongHeader, type Opened } from './packet.js';
import { quicVersionName, type QuicVersion } from './versions.js';

export type Space = 'initial' | 'handshake';
type SideIndex = 0 | 1; // 0 client, 1 server

export interface QuicSink {
  /** In-order bytes of the CRYPTO stream of a direction and packet-number space (a view valid during the call). */
  crypto(dir: Dir, space: Space, data: Uint8Array, frame: number, ts: number): void;
  /** The first 1-RTT (short-header) packet of a direction: its sender is past its handshake. */
  oneRtt(dir: Dir, frame: number): void;
  /** A CONNECTION_CLOSE read in an Initial or Handshake packet. */
  close(dir: Dir, code: number, application: boolean, reason: string, frame: number): void;
  /** A client Initial for a new connection on the same addresses and ports: what was read so far is complete. */
  restart(frame: number): void;
  note(s: string): void;
}

/** Datagrams looked at before a flow whose Initial packets never decrypt is taken for something else. */
const ATTEMPTS = 3;


interface Queued {
  dir: Dir;
  packet: Uint8Array;
  pnOffset: number;
  frame: number;
  ts: number;
}

interface InitialKeys {
  client: PacketKeys;
  /** Derived when the server's first Initial comes. */
  server: PacketKeys | null;
  initial: Uint8Array;
  version: QuicVersion;
}

export class QuicConn {
  clientDir: Dir | -1 = -1;
  version: QuicVersion | null = null;
  /** An Initial packet decrypted: the flow is QUIC. */
  confirmed = false;
  /** Not QUIC after all (or nothing of it readable): long-header datagrams none of whose Initials decrypted. */
  rejected = false;
  /** The server sent a Retry. */
  retry = false;
  /** Versions a Version Negotiation packet offered. */
  offeredVersions: string[] | undefined;
  private initial: InitialKeys | null = null;
  private handshake: [PacketKeys | null, PacketKeys | null] = [null, null];
  /** Largest packet number opened, by space (initial 0, handshake 1) * 2 + side. */
  private largest = [-1, -1, -1, -1];
  private budget: CryptoBudget = { held: 0, limit: LIMITS.quicCryptoBufferedBytes, hit: false };
  private streams = [0, 1, 2, 3].map(() => new CryptoStream(this.budget));
  /** Handshake packets waiting for their keys (the ServerHello that names the suite may come later). */
  private queued: Queued[] = [];
  private queuedBytes = 0;
  private replayDue = false;
  /** The key log has nothing for this connection: Handshake packets are counted, not kept. */
  private keyless = false;
  private attempts = 0;
  private oneRttSeen = [false, false];
  private noted = new Set<string>();
  /** Handshake packets that could not be opened, by side. */
  readonly unread: [number, number] = [0, 0];

  constructor(private readonly sink: QuicSink) {}

  private sideIndex(dir: Dir): SideIndex {
    return dir === this.clientDir ? 0 : 1;
  }

  private sideName(dir: Dir): string {
    return this.clientDir === -1 ? 'unknown side' : dir === this.clientDir ? 'client' : 'server';
  }

  /** A note once per kind (a flood of damaged packets must not crowd out the rest). */
  private noteOnce(kind: string, s: string): void {
    if (this.noted.has(kind)) return;
    this.noted.add(kind);
    this.sink.note(s);
  }

  datagram(dir: Dir, d: Uint8Array, frame: number, ts: number): void {
    if (this.rejected) return;
    let off = 0;
    while (off < d.length) {
      const b0 = d[off]!;
      // Some stacks pad the datagram with zeros after its last coalesced packet (RFC 9000 §12.2).
      if (b0 === 0) break;
      if ((b0 & 0x80) === 0) {
        this.shortHeader(dir, frame);
        break;
      }
      const r = parseLongHeader(d, off);
      if (!r.ok) {
        if (this.confirmed) this.noteOnce(`bad-${r.kind}`, `quic-${r.kind}-packet from the ${this.sideName(dir)} at datagram offset ${r.offset} (${r.what}, frame ${frame})`);
        break;
      }
      const h = r.value;
      if (h.kind === 'version-negotiation') {
        if (this.confirmed && dir !== this.clientDir) {
          this.offeredVersions = h.versions.map(quicVersionName);
          this.sink.note(`version-negotiation: the server offers ${this.offeredVersions.join(', ') || 'no version'} (frame ${frame})`);
        }
        break;
      }
      if (h.kind === 'unknown-version') {
        if (this.confirmed) this.noteOnce('unknown-version', `quic-unknown-version 0x${h.version.toString(16)} from the ${this.sideName(dir)} (frame ${frame}); not read`);
        break;
      }
      if (h.type === 'initial') {
        // Until an Initial decrypts, only a datagram that can be a client's first (see couldBeClientInitial) is
        // worth deriving keys for: UDP that merely starts like QUIC costs no cryptography.
        if (!this.confirmed && (d.length < MIN_CLIENT_DATAGRAM || h.dcid.length < MIN_CLIENT_DCID)) break;
        this.initialPacket(dir, d, off, h.version, h.dcid, h.pnOffset, h.end, frame, ts);
      }
      else if (h.type === 'handshake') this.handshakePacket(dir, d.subarray(off, h.end), h.pnOffset - off, frame, ts, true);
      else if (h.type === 'retry' && this.confirmed && dir !== this.clientDir) {
        this.retry = true;
        this.sink.note(`retry: the server asked the client to prove its address (frame ${frame}); the client's next Initial uses a new connection ID`);
      }
      off = h.end;
      if (this.replayDue) this.replay();
    }
    if (!this.confirmed && ++this.attempts >= ATTEMPTS) this.rejected = true;
  }

  private shortHeader(dir: Dir, frame: number): void {
    if (!this.confirmed || this.oneRttSeen[dir]) return;
    this.oneRttSeen[dir] = true;
    this.sink.oneRtt(dir, frame);
  }

  private initialPacket(dir: Dir, d: Uint8Array, off: number, version: QuicVersion, dcid: Uint8Array, pnOffset: number, end: number, frame: number, ts: number): void {
    const h = { pnOffset, end };
    if (!this.initial) {
      // Only a client's Initial gives the keys (they derive from its Destination Connection ID): a server's Initial
      // seen first cannot be opened and waits for nothing.
      const keys = this.initialKeys(version, dcid);
      const o = openPacket(d, off, h, keys.client, -1);
      if (!o) return;
      this.initial = keys;
      this.version = version;
      this.clientDir = dir;
      this.confirmed = true;
      this.frames(dir, 'initial', o, frame, ts);
      return;
    }
    const side = this.sideIndex(dir);
    let o = openPacket(d, off, h, side === 0 ? this.initial.client : this.serverInitialKeys(this.initial), this.largest[side]!);
    if (!o && side === 0) {
      // After a Retry or a Version Negotiation the client protects its Initials under the new connection ID or
      // version; otherwise it is a new connection on the same ports.
      const keys = this.initialKeys(version, dcid);
      o = openPacket(d, off, h, keys.client, -1);
      if (o) {
        const renegotiated = this.offeredVersions !== undefined && version !== this.version;
        if (!this.retry && !renegotiated) {
          this.sink.restart(frame);
          this.reset();
        } else if (renegotiated) {
          this.streams[0] = new CryptoStream(this.budget);
          this.streams[1] = new CryptoStream(this.budget);
        }
        this.initial = keys;
        this.version = version;
        this.largest[0] = -1;
      }
    }
    if (!o) {
      this.noteOnce(`initial-${side}`, `quic-undecryptable-initial from the ${this.sideName(dir)} (frame ${frame}): damaged, or of another connection`);
      return;
    }
    this.frames(dir, 'initial', o, frame, ts);
  }

  private initialKeys(version: QuicVersion, dcid: Uint8Array): InitialKeys {
    const initial = initialSecret(version, dcid);
    return { client: packetKeys(INITIAL_SUITE, sideInitialSecret(initial, 'client'), version)!, server: null, initial, version };
  }

  private serverInitialKeys(k: InitialKeys): PacketKeys {
    return (k.server ??= packetKeys(INITIAL_SUITE, sideInitialSecret(k.initial, 'server'), k.version)!);
  }

  /** A new connection on the flow: everything of the previous one is forgotten. */
  private reset(): void {
    this.handshake = [null, null];
    this.largest = [-1, -1, -1, -1];
    this.budget.held = 0;
    this.streams = [0, 1, 2, 3].map(() => new CryptoStream(this.budget));
    this.queued = [];
    this.queuedBytes = 0;
    this.oneRttSeen = [false, false];
    this.retry = false;
    this.offeredVersions = undefined;
  }

  /** `packet` holds one Handshake packet alone; `fresh`: from the wire (a view), not from the queue (a copy). */
  private handshakePacket(dir: Dir, packet: Uint8Array, pnOffset: number, frame: number, ts: number, fresh: boolean): void {
    if (!this.confirmed) return;
    const side = this.sideIndex(dir);
    const keys = this.handshake[side];
    if (!keys) {
      if (this.keyless) {
        this.unread[side]++;
      } else if (this.queuedBytes + packet.length <= LIMITS.quicCryptoBufferedBytes) {
        this.queued.push({ dir, packet: fresh ? packet.slice() : packet, pnOffset, frame, ts });
        this.queuedBytes += packet.length;
      } else {
        this.unread[side]++;
        this.noteOnce('queue', `quic-buffer-limit: Handshake packets waiting for their keys exceed ${LIMITS.quicCryptoBufferedBytes} bytes (frame ${frame}); later ones dropped`);
      }
      return;
    }
    const o = openPacket(packet, 0, { pnOffset, end: packet.length }, keys, this.largest[2 + side]!);
    if (!o) {
      this.unread[side]++;
      this.noteOnce(
        `handshake-${side}`,
        `quic-undecryptable-handshake from the ${this.sideName(dir)} (frame ${frame}): the key log's secret does not open it (a key log of another connection, or a damaged packet)`,
      );
      return;
    }
    this.frames(dir, 'handshake', o, frame, ts);
  }

  /** The packets that waited for keys, in arrival order; those whose side still has none wait on. */
  private replay(): void {
    this.replayDue = false;
    const q = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    for (const p of q) this.handshakePacket(p.dir, p.packet, p.pnOffset, p.frame, p.ts, false);
  }

  private frames(dir: Dir, space: Space, o: Opened, frame: number, ts: number): void {
    const side = this.sideIndex(dir);
    const i = (space === 'initial' ? 0 : 2) + side;
    if (o.pn > this.largest[i]!) this.largest[i] = o.pn;
    const stream = this.streams[i]!;
    const problem = readFrames(o.payload, {
      crypto: (offset, data) => stream.push(offset, data, (piece) => this.sink.crypto(dir, space, piece, frame, ts)),
      close: (code, application, reason) => this.sink.close(dir, code, application, reason, frame),
    });
    if (problem) this.noteOnce(`frames-${space}`, `quic-malformed-frame in ${space === 'initial' ? 'an Initial' : 'a Handshake'} packet from the ${this.sideName(dir)} (frame ${frame}): ${problem}`);
    if (this.budget.hit) {
      this.noteOnce('crypto-limit', `quic-crypto-buffer-limit: CRYPTO data held out of order exceeds ${LIMITS.quicCryptoBufferedBytes} bytes (frame ${frame}); frames past it dropped`);
    }
  }

  /**
   * The key log's handshake traffic secrets for this connection (the TLS handshake's callback at the ServerHello,
   * which names the suite). Returns a problem to note, or null. Packets that waited are opened after the current one.
   */
  useHandshakeSecrets(cipherSuite: number, client: Uint8Array | undefined, server: Uint8Array | undefined): string | null {
    const v = this.version;
    if (!v) return 'no QUIC version known for this connection';
    const len = suiteHashLength(cipherSuite);
    if (len === null) return `cipher suite 0x${cipherSuite.toString(16).padStart(4, '0')} is not one QUIC uses`;
    if ((client && client.length !== len) || (server && server.length !== len)) return 'key log secret length does not match the cipher suite';
    this.handshake = [client ? packetKeys(cipherSuite, client, v) : null, server ? packetKeys(cipherSuite, server, v) : null];
    if (this.queued.length > 0) this.replayDue = true;
    return null;
  }

  /** No Handshake keys will come (the key log has no secret for this connection): what waited is dropped. */
  noHandshakeKeys(): void {
    this.keyless = true;
    this.unread[0] += this.queued.filter((q) => q.dir === this.clientDir).length;
    this.unread[1] += this.queued.filter((q) => q.dir !== this.clientDir).length;
    this.queued = [];
    this.queuedBytes = 0;
  }

  /** Whether Handshake keys are known for the side of `dir`. */
  hasHandshakeKeys(dir: Dir): boolean {
    return this.handshake[this.sideIndex(dir)] !== null;
  }

  /** Bytes still held: waiting CRYPTO data and queued packets. */
  get heldBytes(): number {
    return this.budget.held + this.queuedBytes;
  }
}
