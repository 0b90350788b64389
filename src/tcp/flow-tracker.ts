import { LIMITS } from '../limits.js';
import type { Packet } from '../net/types.js';
import { formatAddress } from './address.js';
import { seqAdd } from './seq.js';
import { HalfStream, type StreamHost } from './stream.js';
import type { Endpoint } from '../model.js';
import type { Dir, FlowConsumer, FlowConsumerFactory, FlowEndReason, FlowInfo } from './types.js';

export interface TrackerOptions {
  /** Out-of-order bytes held per TCP direction before the lowest hole is given up as a gap. */
  maxBufferedBytesPerDirection: number;
  /** Out-of-order segments held per TCP direction, likewise. */
  maxSegmentsPerDirection: number;
  /** Flows tracked at once; past this the least recently seen flow is ended with 'evicted'. */
  maxFlows: number;
}

export interface TrackerStats {
  packets: number;
  flowsCreated: number;
  flowsEnded: Record<FlowEndReason, number>;
  /** Flows currently in the table. */
  flowsInProgress: number;
  gaps: number;
  gapBytes: number;
  /** Out-of-order bytes held across all flows right now, and the most ever held at once. */
  bufferedBytes: number;
  bufferedBytesPeak: number;
  /** Packets of flows whose consumer is done: one lookup, nothing else. */
  skippedPackets: number;
  /** TCP packets that neither belong to a known flow nor start one (a bare ACK/FIN/RST after the flow ended). */
  ignoredPackets: number;
  retransmissions: number;
  outOfOrderSegments: number;
  overlapMismatches: number;
  /** Times a per-direction cap forced a hole to be given up. */
  capFlushes: number;
  /** Exceptions thrown by a consumer; its flow is then treated as done. */
  consumerErrors: number;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** The text of an address held as four big-endian words and its length (at most 16 bytes are held). */
function addressText(w0: number, w1: number, w2: number, w3: number, len: number): string {
  const b = new Uint8Array(Math.min(len, 16));
  const w = [w0, w1, w2, w3];
  for (let i = 0; i < b.length; i++) b[i] = (w[i >> 2]! >>> (24 - 8 * (i & 3))) & 255;
  return formatAddress(b);
}

/**
 * A flow in the table. Its key hashes both endpoints symmetrically, so both directions find it; the endpoints
 * themselves are copied once at creation and compared byte by byte to resolve collisions.
 *
 * It is also the FlowInfo its consumer gets: the endpoints' text is made when asked for (the TLS stage does once per
 * handshake), not for each flow, most of which in a hostile capture never get that far.
 */
/** The words after the first of both addresses: held only when one is not zero (an IPv6 flow), null for IPv4. */
class LowWords {
  constructor(
    readonly a1: number,
    readonly a2: number,
    readonly a3: number,
    readonly b1: number,
    readonly b2: number,
    readonly b3: number,
  ) {}
}

// Flow.bits: what a flow would otherwise keep in nine fields of eight bytes each.
const SKIP = 1;
const ACTIVITY = 2;
const ENDED = 4;
const FIN_A = 8;
const FIN_B = 16;
const UDP = 32;
const SYN_SEEN = 64;
/** ackHint0 (ackHint1) holds an acknowledgment for direction 0 (1), whose half-stream is not made yet. */
const HINT0 = 128;
const HINT1 = 256;

class Flow implements FlowInfo {
  /** Next flow with the same hash key (collision chain). */
  nextInBucket: Flow | null = null;
  /** Least-recently-seen list, oldest at the head. */
  older: Flow | null = null;
  newer: Flow | null = null;
  /** Frame of the latest packet, for gaps reported when the flow ends. */
  lastFrame = 0;
  /**
   * The half-streams, made when a direction sends its first packet (or the peer's SYN-ACK says where it starts): a
   * flow of one segment has one. Until then the direction's latest acknowledgment from the peer waits here
   * (HalfStream.ackHint).
   */
  d0: HalfStream | null = null;
  d1: HalfStream | null = null;
  ackHint0 = 0;
  ackHint1 = 0;
  bits: number;
  /** The endpoints' address words after the first; null when all are zero (IPv4). */
  readonly low: LowWords | null;

  constructor(
    readonly id: number,
    readonly key: number,
    udp: boolean,
    /** Endpoint a: address as four big-endian words, and port | address length << 16. */
    readonly a0: number,
    a1: number,
    a2: number,
    a3: number,
    readonly pa: number,
    readonly b0: number,
    b1: number,
    b2: number,
    b3: number,
    readonly pb: number,
    synSeen: boolean,
    readonly firstFrame: number,
    readonly firstTs: number,
  ) {
    this.bits = (udp ? UDP : 0) | (synSeen ? SYN_SEEN : 0);
    this.low = (a1 | a2 | a3 | b1 | b2 | b3) === 0 ? null : new LowWords(a1, a2, a3, b1, b2, b3);
  }

  /** Set right after construction: the factory is handed the flow itself. */
  consumer!: FlowConsumer;

  get udp(): boolean {
    return (this.bits & UDP) !== 0;
  }
  get synSeen(): boolean {
    return (this.bits & SYN_SEEN) !== 0;
  }
  /** Once true, the consumer gets no more data or gaps; only the TCP flags are still watched. */
  get skip(): boolean {
    return (this.bits & SKIP) !== 0;
  }
  set skip(v: boolean) {
    this.set(SKIP, v);
  }
  /** Some payload, FIN or RST was seen: a SYN with a new ISN now means a new connection on the same ports. */
  get activity(): boolean {
    return (this.bits & ACTIVITY) !== 0;
  }
  set activity(v: boolean) {
    this.set(ACTIVITY, v);
  }
  get ended(): boolean {
    return (this.bits & ENDED) !== 0;
  }
  set ended(v: boolean) {
    this.set(ENDED, v);
  }
  /** Side a (b) sent a FIN: kept here once the half-streams are freed (the consumer is done). */
  get finA(): boolean {
    return (this.bits & FIN_A) !== 0;
  }
  set finA(v: boolean) {
    this.set(FIN_A, v);
  }
  get finB(): boolean {
    return (this.bits & FIN_B) !== 0;
  }
  set finB(v: boolean) {
    this.set(FIN_B, v);
  }

  /** Whether ackHint0 (dir 0) or ackHint1 holds an acknowledgment for a half-stream not made yet. */
  hasHint(dir: Dir): boolean {
    return (this.bits & (dir === 0 ? HINT0 : HINT1)) !== 0;
  }

  setHint(dir: Dir, ack: number): void {
    if (dir === 0) this.ackHint0 = ack;
    else this.ackHint1 = ack;
    this.bits |= dir === 0 ? HINT0 : HINT1;
  }

  private set(bit: number, v: boolean): void {
    this.bits = v ? this.bits | bit : this.bits & ~bit;
  }

  /**
   * Whether the address words after the first are the packet's (s: its source, t: its destination), with the
   * packet's source as side a (`dir` 0) or as side b (1).
   */
  lowMatches(dir: Dir, s1: number, s2: number, s3: number, t1: number, t2: number, t3: number): boolean {
    const w = this.low;
    if (w === null) return (s1 | s2 | s3 | t1 | t2 | t3) === 0;
    return dir === 0
      ? w.a1 === s1 && w.a2 === s2 && w.a3 === s3 && w.b1 === t1 && w.b2 === t2 && w.b3 === t3
      : w.b1 === s1 && w.b2 === s2 && w.b3 === s3 && w.a1 === t1 && w.a2 === t2 && w.a3 === t3;
  }

  get transport(): 'tcp' | 'udp' {
    return this.udp ? 'udp' : 'tcp';
  }

  get a(): Endpoint {
    const w = this.low;
    return { ip: addressText(this.a0, w?.a1 ?? 0, w?.a2 ?? 0, w?.a3 ?? 0, this.pa >>> 16), port: this.pa & 0xffff };
  }

  get b(): Endpoint {
    const w = this.low;
    return { ip: addressText(this.b0, w?.b1 ?? 0, w?.b2 ?? 0, w?.b3 ?? 0, this.pb >>> 16), port: this.pb & 0xffff };
  }
}

/** 32-bit finaliser of MurmurHash3: spreads every input bit over the word. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function endpointHash(w0: number, w1: number, w2: number, w3: number, pl: number): number {
  let h = Math.imul(pl ^ 0x2c1b3c6d, 0x9e3779b1);
  h = Math.imul(h ^ w0, 0xcc9e2d51);
  h = Math.imul(((h << 13) | (h >>> 19)) ^ w1, 0xcc9e2d51);
  h = Math.imul(((h << 13) | (h >>> 19)) ^ w2, 0xcc9e2d51);
  h = Math.imul(((h << 13) | (h >>> 19)) ^ w3, 0xcc9e2d51);
  return fmix(h);
}

/**
 * Big-endian 32-bit word at byte i, zero-padded past the end. Addresses are 4 or 16 bytes; only the first 16
 * bytes of anything longer take part in the flow key (src/net never hands out more).
 */
function wordAt(b: Uint8Array, i: number): number {
  const n = b.length;
  if (i + 4 <= n) return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  let w = 0;
  for (let k = 0; k < 4; k++) w = (w << 8) | (i + k < n ? b[i + k]! : 0);
  return w;
}

/** The empty slots of a hash table of `n` chains. */
function emptyBuckets(n: number): (Flow | null)[] {
  return new Array<Flow | null>(n).fill(null);
}

/**
 * The flow table and TCP reassembly stage (DESIGN.md pipeline, src/tcp). Feed it every decoded packet with add();
 * it creates one consumer per flow through the factory and hands it in-order bytes per direction (TCP) or each
 * datagram (UDP), gaps where bytes are known missing, and one end() call. finish() ends every open flow.
 *
 * Flow keys are numbers: the sum of two endpoint hashes (symmetric, so both directions meet), mixed with the
 * transport, into a hash table whose chains run through the flows and are resolved by comparing address bytes
 * and ports. No string, array or object is built per packet on the in-order path.
 */
export class FlowTracker implements StreamHost {
  readonly stats: TrackerStats = {
    packets: 0,
    flowsCreated: 0,
    flowsEnded: { closed: 0, reused: 0, evicted: 0, limit: 0, eof: 0 },
    flowsInProgress: 0,
    gaps: 0,
    gapBytes: 0,
    bufferedBytes: 0,
    bufferedBytesPeak: 0,
    skippedPackets: 0,
    ignoredPackets: 0,
    retransmissions: 0,
    outOfOrderSegments: 0,
    overlapMismatches: 0,
    capFlushes: 0,
    consumerErrors: 0,
  };
  readonly maxBufferedBytes: number;
  readonly maxSegments: number;
  readonly maxFlows: number;
  /**
   * The hash table: a power-of-two array of collision chains indexed by the key's low bits, doubled when it holds
   * more flows than slots (past 2^18 flows only). A Map cost about 36 bytes a flow; a slot costs 8 to 16.
   */
  private buckets: (Flow | null)[];
  private mask: number;
  private oldest: Flow | null = null;
  private newest: Flow | null = null;
  private nextId = 0;
  /** The flow being worked on, so a consumer's exception can be pinned on it. */
  private current: Flow | null = null;

  constructor(
    private readonly factory: FlowConsumerFactory,
    opts: Partial<TrackerOptions> = {},
  ) {
    this.maxBufferedBytes = opts.maxBufferedBytesPerDirection ?? LIMITS.tcpBufferedBytesPerDirection;
    this.maxSegments = opts.maxSegmentsPerDirection ?? LIMITS.tcpSegmentsPerDirection;
    this.maxFlows = Math.max(1, opts.maxFlows ?? LIMITS.flowsInProgress);
    // Sized for the cap from the start (at most 2^18 slots, 2 MB): doubling it from small while a capture filled the
    // table cost the 300,000-flow hostile capture about 0.25 CPU s more than a table made at its size.
    let size = 1024;
    while (size < this.maxFlows && size < 1 << 18) size *= 2;
    this.buckets = emptyBuckets(size);
    this.mask = size - 1;
  }

  /** One decoded packet. `p` and its views are read during the call only. Never throws for bad input. */
  add(p: Packet): void {
    this.stats.packets++;
    this.current = null;
    try {
      if (p.kind === 'udp') this.addUdp(p);
      else this.addTcp(p);
    } catch {
      // A consumer threw (the tracker itself does not throw on input): keep going, stop feeding that consumer.
      this.stats.consumerErrors++;
      const f = this.current as Flow | null;
      if (f !== null && !f.ended) this.goQuiet(f);
    }
  }

  /** End of capture: every open flow, in order of its first frame, gets its buffered data (after gaps) and end('eof'). */
  finish(): void {
    const flows: Flow[] = [];
    for (let f = this.oldest; f !== null; f = f.newer) flows.push(f);
    flows.sort((x, y) => x.firstFrame - y.firstFrame || x.id - y.id);
    for (const f of flows) {
      this.current = f;
      try {
        this.endFlow(f, 'eof', f.lastFrame);
      } catch {
        this.stats.consumerErrors++;
        if (!f.ended) this.removeFlow(f);
      }
    }
    this.current = null;
  }

  /**
   * Live input: the consumers of flows without a packet since frame `frame` are told they have been idle for
   * `seconds`. The least-recently-seen list is walked from its oldest end, so the walk stops at the first flow seen
   * after `frame`; src/session.ts maps wall-clock time to frame numbers.
   */
  idle(frame: number, seconds: number): void {
    let next: Flow | null;
    for (let f = this.oldest; f !== null && f.lastFrame <= frame; f = next) {
      next = f.newer;
      const c = f.consumer;
      if (f.skip || f.ended || c.idle === undefined) continue;
      this.current = f;
      try {
        c.idle(seconds);
        if (c.done) this.goQuiet(f);
      } catch {
        this.stats.consumerErrors++;
        this.goQuiet(f);
      }
    }
    this.current = null;
  }

  // StreamHost: counters fed by the half-streams.
  buffered(n: number): void {
    const s = this.stats;
    s.bufferedBytes += n;
    if (s.bufferedBytes > s.bufferedBytesPeak) s.bufferedBytesPeak = s.bufferedBytes;
  }
  countGap(bytes: number): void {
    this.stats.gaps++;
    this.stats.gapBytes += bytes;
  }
  countRetransmission(): void {
    this.stats.retransmissions++;
  }
  countOutOfOrder(): void {
    this.stats.outOfOrderSegments++;
  }
  countOverlapMismatch(): void {
    this.stats.overlapMismatches++;
  }
  countCapFlush(): void {
    this.stats.capFlushes++;
  }

  // The packet's endpoints as numbers, loaded once per packet by keyOf (fields, not an object: no allocation).
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private sp = 0;
  private t0 = 0;
  private t1 = 0;
  private t2 = 0;
  private t3 = 0;
  private tp = 0;

  private keyOf(udp: boolean, p: Packet): number {
    const src = p.src;
    const dst = p.dst;
    if (src.length === 4 && dst.length === 4) {
      this.s0 = (src[0]! << 24) | (src[1]! << 16) | (src[2]! << 8) | src[3]!;
      this.t0 = (dst[0]! << 24) | (dst[1]! << 16) | (dst[2]! << 8) | dst[3]!;
      this.s1 = this.s2 = this.s3 = this.t1 = this.t2 = this.t3 = 0;
    } else {
      this.s0 = wordAt(src, 0);
      this.s1 = wordAt(src, 4);
      this.s2 = wordAt(src, 8);
      this.s3 = wordAt(src, 12);
      this.t0 = wordAt(dst, 0);
      this.t1 = wordAt(dst, 4);
      this.t2 = wordAt(dst, 8);
      this.t3 = wordAt(dst, 12);
    }
    // The address length keeps a 4-byte address apart from a 16-byte one with the same leading bytes.
    this.sp = (p.sport & 0xffff) | (src.length << 16);
    this.tp = (p.dport & 0xffff) | (dst.length << 16);
    // A sum is symmetric: both directions of a flow get the same key.
    const h =
      (endpointHash(this.s0, this.s1, this.s2, this.s3, this.sp) + endpointHash(this.t0, this.t1, this.t2, this.t3, this.tp)) | 0;
    // Small integers (31-bit on 64-bit V8) stay unboxed as Map keys.
    return fmix(udp ? h ^ 0x5bd1e995 : h) & 0x3fffffff;
  }

  /** The flow of the packet whose endpoints keyOf loaded, or null; its direction goes to this.dir. */
  private lookup(key: number, udp: boolean): Flow | null {
    for (let f = this.buckets[key & this.mask] as Flow | null; f !== null; f = f.nextInBucket) {
      if (f.key !== key || f.udp !== udp) continue;
      if (
        f.pa === this.sp && f.pb === this.tp && f.a0 === this.s0 && f.b0 === this.t0 &&
        f.lowMatches(0, this.s1, this.s2, this.s3, this.t1, this.t2, this.t3)
      ) {
        this.dir = 0;
        return f;
      }
      if (
        f.pb === this.sp && f.pa === this.tp && f.b0 === this.s0 && f.a0 === this.t0 &&
        f.lowMatches(1, this.s1, this.s2, this.s3, this.t1, this.t2, this.t3)
      ) {
        this.dir = 1;
        return f;
      }
    }
    return null;
  }
  private dir: Dir = 0;

  private addUdp(p: Packet): void {
    const key = this.keyOf(true, p);
    let f = this.lookup(key, true);
    let dir = this.dir;
    if (f === null) {
      f = this.createFlow(key, true, p, false, false);
      dir = 0;
    } else {
      this.touch(f, p.frame);
    }
    if (f.skip) {
      this.stats.skippedPackets++;
      return;
    }
    this.current = f;
    const c = f.consumer;
    // One call per datagram: DTLS records never span datagrams (RFC 9147 section 4.1.1).
    c.data(dir, p.payload, p.frame, p.ts);
    if (p.missingBytes > 0 && !c.done) {
      this.countGap(p.missingBytes);
      c.gap(dir, p.missingBytes, p.frame);
    }
    if (c.done) this.goQuiet(f);
  }

  private addTcp(p: Packet): void {
    const flags = p.flags;
    const seq = p.seq >>> 0;
    const key = this.keyOf(false, p);
    let f = this.lookup(key, false);
    let dir = this.dir;
    const syn = (flags & (SYN | RST)) === SYN;
    if (f !== null) {
      this.current = f;
      this.touch(f, p.frame);
      if (syn && this.isNewConnection(f, dir, flags, seq)) {
        this.endFlow(f, 'reused', p.frame);
        f = null;
      }
    }
    if (f === null) {
      // A bare ACK, FIN or RST of a flow already ended (or never seen) starts nothing.
      if (!syn && p.payload.length === 0 && p.missingBytes === 0) {
        this.stats.ignoredPackets++;
        return;
      }
      const synAck = syn && (flags & ACK) !== 0;
      // For a SYN-ACK seen first, its receiver is the client: side a.
      f = this.createFlow(key, false, p, syn, synAck);
      dir = synAck ? 1 : 0;
    }
    if (f.skip) {
      this.stats.skippedPackets++;
      this.quietFlags(f, dir, flags, seq, p.frame);
      return;
    }
    if ((flags & RST) !== 0) {
      // RFC 9293 section 3.10.7: RST aborts the connection in both directions; flush what was held.
      f.activity = true;
      this.endFlow(f, 'closed', p.frame);
      return;
    }
    const s = this.half(f, dir);
    let o = dir === 0 ? f.d1 : f.d0;
    let dataSeq = seq;
    if ((flags & SYN) !== 0) {
      if ((flags & ACK) !== 0) {
        if (!s.hasSyn) {
          s.hasSyn = true;
          s.isn = seq;
          s.start(seqAdd(seq, 1));
        }
        // The SYN-ACK acknowledges the client's ISN+1: the client's stream starts there even if its SYN was missed.
        (o ??= this.half(f, dir === 0 ? 1 : 0)).start(p.ack >>> 0);
      } else if (!s.hasSyn) {
        s.hasSyn = true;
        s.isn = seq;
        s.start(seqAdd(seq, 1));
      }
      // The SYN occupies one sequence number; data carried on it (TFO, RFC 7413) follows it.
      dataSeq = seqAdd(seq, 1);
    }
    const c = f.consumer;
    if (p.payload.length !== 0 || p.missingBytes !== 0) {
      f.activity = true;
      s.segment(dataSeq, p.payload, p.missingBytes, p.frame, p.ts);
    }
    if ((flags & ACK) !== 0) {
      if (o === null) f.setHint(dir === 0 ? 1 : 0, p.ack >>> 0);
      else if (!o.open) {
        o.ackHint = p.ack >>> 0;
        o.hasAckHint = true;
      } else if (o.pending.length + (o.finSeen ? 1 : 0) !== 0 && !c.done) o.acked(p.ack >>> 0, p.frame, (flags & RST) !== 0);
    }
    if ((flags & FIN) !== 0) {
      f.activity = true;
      s.fin(seqAdd(dataSeq, p.payload.length + p.missingBytes));
    }
    if (c.done) {
      this.goQuiet(f);
      this.quietFlags(f, dir, flags & ~SYN, seq, p.frame);
      return;
    }
    if (s.finished && o !== null && o.finished) this.endFlow(f, 'closed', p.frame);
  }

  /**
   * A SYN on a known 4-tuple starts a new connection when it is not a retransmission of the one that opened this
   * flow: a different ISN, or the flow already carried data or a FIN without a SYN from this side (RFC 9293
   * section 3.10.7.4 lets a SYN in TIME-WAIT open a new incarnation; captures show the same ports reused later).
   */
  private isNewConnection(f: Flow, dir: Dir, flags: number, seq: number): boolean {
    const s = this.half(f, dir);
    if ((flags & ACK) !== 0) {
      // A SYN-ACK with a new ISN whose SYN the capture missed: a new connection only if this one was closing.
      return s.hasSyn && s.isn !== seq && (f.finA || f.finB || s.finSeen);
    }
    if (s.hasSyn) return s.isn !== seq;
    // A SYN arriving after the data it opened (reordered capture): its ISN+1 is where the stream began.
    if (!f.skip && s.open && seqAdd(seq, 1) === s.initSeq) return false;
    return f.activity;
  }

  /** Flags of a flow whose consumer is done: only FIN/RST (for the end) and SYN (for port reuse) matter. */
  private quietFlags(f: Flow, dir: Dir, flags: number, seq: number, frame: number): void {
    if ((flags & RST) !== 0) {
      f.activity = true;
      this.endFlow(f, 'closed', frame);
      return;
    }
    if ((flags & SYN) !== 0) {
      const s = this.half(f, dir);
      if (!s.hasSyn) {
        s.hasSyn = true;
        s.isn = seq;
      }
    }
    if ((flags & FIN) !== 0) {
      f.activity = true;
      if (dir === 0) f.finA = true;
      else f.finB = true;
      if (f.finA && f.finB) this.endFlow(f, 'closed', frame);
    }
  }

  /** The consumer is done: free its buffers and put the flow on the fast path. */
  private goQuiet(f: Flow): void {
    f.skip = true;
    // Remember which directions had already finished, for the end of the connection.
    if (f.d0 !== null) {
      f.finA = f.finA || f.d0.finSeen;
      f.d0.free();
    }
    if (f.d1 !== null) {
      f.finB = f.finB || f.d1.finSeen;
      f.d1.free();
    }
  }

  private createFlow(key: number, udp: boolean, p: Packet, syn: boolean, synAck: boolean): Flow {
    if (this.stats.flowsInProgress >= this.maxFlows && this.oldest !== null) {
      this.endFlow(this.oldest, 'evicted', p.frame);
    }
    // Side a is the SYN sender; a SYN-ACK seen first names its receiver as a.
    const aIsSrc = !synAck;
    // keyOf loaded this packet's endpoints; eviction above did not touch them.
    const f = aIsSrc
      ? new Flow(this.nextId++, key, udp, this.s0, this.s1, this.s2, this.s3, this.sp, this.t0, this.t1, this.t2, this.t3, this.tp, syn, p.frame, p.ts)
      : new Flow(this.nextId++, key, udp, this.t0, this.t1, this.t2, this.t3, this.tp, this.s0, this.s1, this.s2, this.s3, this.sp, syn, p.frame, p.ts);
    const consumer = (f.consumer = this.factory(f));
    f.lastFrame = p.frame;
    if (this.stats.flowsInProgress >= this.buckets.length) this.grow();
    const i = key & this.mask;
    f.nextInBucket = this.buckets[i] as Flow | null;
    this.buckets[i] = f;
    f.older = this.newest;
    if (this.newest !== null) this.newest.newer = f;
    else this.oldest = f;
    this.newest = f;
    this.stats.flowsCreated++;
    this.stats.flowsInProgress++;
    this.current = f;
    if (consumer.done) this.goQuiet(f);
    return f;
  }

  /** The half-stream of a direction, made on first use with the acknowledgment hint the flow held for it. */
  private half(f: Flow, dir: Dir): HalfStream {
    const h = dir === 0 ? f.d0 : f.d1;
    if (h !== null) return h;
    const n = new HalfStream(dir, f.consumer, this);
    if (f.hasHint(dir)) {
      n.ackHint = dir === 0 ? f.ackHint0 : f.ackHint1;
      n.hasAckHint = true;
    }
    if (dir === 0) f.d0 = n;
    else f.d1 = n;
    return n;
  }

  /** Moves f to the newest end of the least-recently-seen list. */
  private touch(f: Flow, frame: number): void {
    f.lastFrame = frame;
    if (f === this.newest) return;
    const older = f.older;
    const newer = f.newer!;
    if (older !== null) older.newer = newer;
    else this.oldest = newer;
    newer.older = older;
    f.older = this.newest;
    f.newer = null;
    this.newest!.newer = f;
    this.newest = f;
  }

  /** Flushes held data (unless the consumer is done), calls end() once, removes the flow. */
  private endFlow(f: Flow, reason: FlowEndReason, frame: number): void {
    if (f.ended) return;
    // Removed first, so that a consumer throwing from flush or end() cannot leave the flow half-ended.
    this.removeFlow(f);
    if (!f.skip) {
      f.d0?.flush(frame);
      f.d1?.flush(frame);
    }
    f.d0?.free();
    f.d1?.free();
    this.stats.flowsEnded[reason]++;
    f.consumer.end(reason);
  }

  /** Doubles the table: every flow (all are on the least-recently-seen list) goes into its new chain. */
  private grow(): void {
    const size = this.buckets.length * 2;
    const buckets = emptyBuckets(size);
    const mask = size - 1;
    for (let f = this.oldest; f !== null; f = f.newer) {
      const i = f.key & mask;
      f.nextInBucket = buckets[i] as Flow | null;
      buckets[i] = f;
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  private removeFlow(f: Flow): void {
    f.ended = true;
    let prev: Flow | null = null;
    const i = f.key & this.mask;
    for (let g = this.buckets[i] as Flow | null; g !== null; prev = g, g = g.nextInBucket) {
      if (g !== f) continue;
      if (prev !== null) prev.nextInBucket = g.nextInBucket;
      else this.buckets[i] = g.nextInBucket;
      break;
    }
    f.nextInBucket = null;
    if (f.older !== null) f.older.newer = f.newer;
    else this.oldest = f.newer;
    if (f.newer !== null) f.newer.older = f.older;
    else this.newest = f.older;
    f.older = f.newer = null;
    this.stats.flowsInProgress--;
  }
}
