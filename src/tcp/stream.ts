import type { Dir, FlowConsumer } from './types.js';
import { seqAdd, seqDiff, seqLe } from './seq.js';
import { LIMITS } from '../limits.js';

/** What a half-stream reports to its tracker: counters, caps and the running total of buffered bytes. */
export interface StreamHost {
  readonly maxBufferedBytes: number;
  readonly maxSegments: number;
  /** Adds `n` (may be negative) to the tracker-wide count of buffered out-of-order bytes. */
  buffered(n: number): void;
  countGap(bytes: number): void;
  countRetransmission(): void;
  countOutOfOrder(): void;
  countOverlapMismatch(): void;
  countCapFlush(): void;
}

/**
 * One buffered piece of a direction, copied out of its packet. `data === null` marks bytes the snaplen cut off:
 * known to exist, never to be seen, delivered as a gap.
 */
interface Piece {
  seq: number;
  len: number;
  data: Uint8Array | null;
  frame: number;
  ts: number;
}

/** The empty piece list shared by every direction that holds nothing; never written to (insert replaces it). */
const NO_PIECES: Piece[] = [];

const NO_ISN = 0;
const OPEN = 1;
const FINISHED = 2;

// HalfStream.bits: six yes-or-no fields and the direction in one number (a field costs eight bytes a direction).
const DIR1 = 1;
const HAS_SYN = 2;
const FIN_SEEN = 4;
const HAS_ACK_HINT = 8;
const MISMATCH_NOTED = 16;
const LIMIT_NOTED = 32;
const PATIENCE_HOLE = 64;

/**
 * Reassembly of one TCP direction (gopacket reassembly's halfconnection, Zeek's TCP_Reassembler).
 *
 * In-order payload goes to the consumer as the packet's own view, without a copy. Segments ahead of the next
 * expected byte are copied into `pending`, kept sorted and non-overlapping: when a later segment overlaps bytes
 * already held, the bytes that arrived first win (what Linux, BSD and Windows do for overlapping data they have
 * queued; RFC 9293 section 3.10.7.4 leaves it to the implementation) and a difference is counted and noted.
 * Bytes before `nextSeq` are gone: a retransmission of them is dropped without comparison.
 */
export class HalfStream {
  state = NO_ISN;
  /** Sequence number of the next byte to deliver (valid once state !== NO_ISN). */
  nextSeq = 0;
  /** The first value nextSeq took, to recognise a SYN that arrives after the data it started. */
  initSeq = 0;
  /** ISN from this direction's SYN (the SYN's own sequence number, not ISN+1). */
  isn = 0;
  /** Sequence number the FIN occupies (after the last data byte). */
  finSeq = 0;
  /**
   * Capture started mid-flow: the peer's latest acknowledgment before this direction's first payload. The stream
   * starts there when the first segment seen lies a little after it (it overtook an earlier one, or the capture
   * missed one): the bytes in between then arrive late or become a gap, instead of being lost without a word.
   */
  ackHint = 0;
  /** NO_PIECES until the first out-of-order segment: most directions never hold one. */
  pending: Piece[] = NO_PIECES;
  pendingBytes = 0;
  /** Acknowledgments seen past the current hole (see acked()). */
  private patience = 0;
  private patienceTarget = 0;
  private bits: number;

  constructor(
    dir: Dir,
    readonly consumer: FlowConsumer,
    private readonly host: StreamHost,
  ) {
    this.bits = dir === 1 ? DIR1 : 0;
  }

  get dir(): Dir {
    return (this.bits & DIR1) as Dir;
  }
  /** A SYN was seen in this direction. */
  get hasSyn(): boolean {
    return (this.bits & HAS_SYN) !== 0;
  }
  set hasSyn(v: boolean) {
    this.set(HAS_SYN, v);
  }
  get finSeen(): boolean {
    return (this.bits & FIN_SEEN) !== 0;
  }
  set finSeen(v: boolean) {
    this.set(FIN_SEEN, v);
  }
  /** ackHint holds an acknowledgment. */
  get hasAckHint(): boolean {
    return (this.bits & HAS_ACK_HINT) !== 0;
  }
  set hasAckHint(v: boolean) {
    this.set(HAS_ACK_HINT, v);
  }
  private get mismatchNoted(): boolean {
    return (this.bits & MISMATCH_NOTED) !== 0;
  }
  private set mismatchNoted(v: boolean) {
    this.set(MISMATCH_NOTED, v);
  }
  private get limitNoted(): boolean {
    return (this.bits & LIMIT_NOTED) !== 0;
  }
  private set limitNoted(v: boolean) {
    this.set(LIMIT_NOTED, v);
  }
  /** patienceTarget is the hole being waited for. */
  private get patienceHole(): boolean {
    return (this.bits & PATIENCE_HOLE) !== 0;
  }
  private set patienceHole(v: boolean) {
    this.set(PATIENCE_HOLE, v);
  }

  private set(bit: number, v: boolean): void {
    this.bits = v ? this.bits | bit : this.bits & ~bit;
  }

  get finished(): boolean {
    return this.state === FINISHED;
  }

  get open(): boolean {
    return this.state !== NO_ISN;
  }

  /** Sets the next expected byte from a SYN (`isn`+1) or, for the peer of a SYN-ACK, from its acknowledgment number. */
  start(nextSeq: number): void {
    if (this.state !== NO_ISN) return;
    this.state = OPEN;
    this.nextSeq = nextSeq >>> 0;
    this.initSeq = this.nextSeq;
  }

  /**
   * Payload occupying [seq, seq + payload.length + missing): the captured bytes, then `missing` bytes the snaplen
   * cut off. A capture that starts mid-flow takes its first payload-carrying segment as the start of the stream.
   */
  segment(seq: number, payload: Uint8Array, missing: number, frame: number, ts: number): void {
    const len = payload.length + missing;
    if (len === 0 || this.state === FINISHED) return;
    if (this.state === NO_ISN) {
      const ahead = this.hasAckHint ? seqDiff(this.ackHint, seq) : 0;
      this.start(ahead > 0 && ahead <= this.host.maxBufferedBytes ? this.ackHint : seq);
    }
    const d = seqDiff(this.nextSeq, seq);
    const endRel = d + len;
    if (endRel <= 0) {
      this.host.countRetransmission();
      return;
    }
    const pending = this.pending;
    if (d <= 0 && (pending.length === 0 || endRel <= seqDiff(this.nextSeq, pending[0]!.seq))) {
      // The common case: the segment continues the stream and does not reach into buffered data.
      if (d < 0) this.host.countRetransmission();
      const off = -d;
      const c = this.consumer;
      if (off < payload.length) {
        c.data(this.dir, off === 0 ? payload : payload.subarray(off), frame, ts);
      }
      this.nextSeq = seqAdd(this.nextSeq, endRel);
      if (missing > 0) {
        const lost = off > payload.length ? len - off : missing;
        this.host.countGap(lost);
        if (!c.done) c.gap(this.dir, lost, frame);
      }
      if (pending.length !== 0) this.drain();
      this.checkFin();
      return;
    }
    if (d > 0) this.host.countOutOfOrder();
    this.insert(seq, payload, missing, frame, ts);
    this.drain();
    this.enforceCaps();
    this.checkFin();
  }

  /** A FIN at `finSeq` (the sequence number after the segment's data). */
  fin(finSeq: number): void {
    if (this.finSeen || this.state === FINISHED) return;
    if (this.state === NO_ISN) this.start(finSeq);
    this.finSeen = true;
    this.finSeq = finSeq >>> 0;
    this.checkFin();
  }

  /**
   * The peer acknowledged everything before `ack`. A hole it acknowledged will never be retransmitted, so the
   * bytes were lost from the capture, not from the connection: report the gap and deliver what follows (gopacket
   * and Zeek both give up on a hole only at the end; the ACK lets us do it as soon as the peer has moved on).
   * Captures do record an ACK before the data it acknowledges (SPAN ports, multi-queue NICs, merged interfaces), so
   * the hole is given up only after LIMITS.tcpAckPatience acknowledgments past it (at once when the acknowledging
   * packet is the peer's RST); the data usually turns up first.
   */
  acked(ack: number, frame: number, final = false): void {
    if (this.state !== OPEN) return;
    while (!this.consumer.done) {
      let target: number;
      if (this.pending.length !== 0) target = this.pending[0]!.seq;
      else if (this.finSeen) target = this.finSeq;
      else return;
      if (!seqLe(target, ack) || seqDiff(this.nextSeq, target) <= 0) return;
      if (!this.patienceHole || this.patienceTarget !== target) {
        this.patienceHole = true;
        this.patienceTarget = target;
        this.patience = 0;
      }
      // An RST from the peer is its last word: nothing will follow to fill the hole. (A FIN is not: captures
      // reorder a FIN before the data it follows as readily as an ACK.)
      if (++this.patience < LIMITS.tcpAckPatience && !final) return;
      this.patienceHole = false;
      this.skipTo(target, frame);
      this.drain();
      this.checkFin();
      if (this.state !== OPEN) return;
    }
  }

  /**
   * Gives up on every hole: each becomes a gap, buffered bytes are delivered, and a hole before a FIN already seen
   * is reported too. For end of capture, RST and eviction.
   */
  flush(frame: number): void {
    if (this.state !== OPEN) return;
    while (this.pending.length !== 0 && !this.consumer.done) {
      const p = this.pending[0]!;
      this.skipTo(p.seq, p.frame);
      this.drain();
    }
    if (this.finSeen && !this.consumer.done && seqDiff(this.nextSeq, this.finSeq) > 0) {
      this.skipTo(this.finSeq, frame);
    }
    this.checkFin();
  }

  /** Drops buffered bytes (the consumer is done, or the flow ends). */
  free(): void {
    if (this.pendingBytes !== 0) this.host.buffered(-this.pendingBytes);
    this.pendingBytes = 0;
    this.pending = NO_PIECES;
  }

  private checkFin(): void {
    // A FIN behind data already delivered is bogus (nothing follows a FIN); take it as the end all the same.
    if (this.finSeen && this.state === OPEN && seqDiff(this.nextSeq, this.finSeq) <= 0) {
      this.nextSeq = seqAdd(this.nextSeq, 1); // the FIN occupies one sequence number (RFC 9293 section 3.4)
      this.state = FINISHED;
    }
  }

  /** Reports [nextSeq, seq) as a gap and moves past it. */
  private skipTo(seq: number, frame: number): void {
    const hole = seqDiff(this.nextSeq, seq);
    if (hole <= 0) return;
    this.host.countGap(hole);
    this.consumer.gap(this.dir, hole, frame);
    this.nextSeq = seq;
  }

  /** Delivers buffered pieces that now continue the stream. */
  private drain(): void {
    const pending = this.pending;
    const c = this.consumer;
    let n = 0;
    let freed = 0;
    while (n < pending.length && !c.done) {
      const p = pending[n]!;
      const d = seqDiff(this.nextSeq, p.seq);
      if (d > 0) break;
      n++;
      freed += p.data === null ? 0 : p.data.length;
      // Pieces never start before nextSeq (insert trims them), but stay safe if one does.
      if (d + p.len <= 0) continue;
      const off = -d;
      if (p.data === null) {
        this.host.countGap(p.len - off);
        c.gap(this.dir, p.len - off, p.frame);
      } else {
        c.data(this.dir, off === 0 ? p.data : p.data.subarray(off), p.frame, p.ts);
      }
      this.nextSeq = seqAdd(p.seq, p.len);
    }
    if (n !== 0) {
      pending.splice(0, n);
      this.pendingBytes -= freed;
      this.host.buffered(-freed);
    }
  }

  /**
   * Copies the parts of [seq, seq+len) not yet delivered and not already buffered into `pending`, keeping it
   * sorted by sequence number (relative to nextSeq, so the order survives wrap-around).
   */
  private insert(seq: number, payload: Uint8Array, missing: number, frame: number, ts: number): void {
    if (this.pending === NO_PIECES) this.pending = [];
    const pending = this.pending;
    const base = this.nextSeq;
    const s0 = seqDiff(base, seq); // where the packet starts, relative to nextSeq
    const capEnd = s0 + payload.length; // end of the captured bytes
    const e = capEnd + missing;
    let cur = s0 > 0 ? s0 : 0;
    // First piece that ends after cur; pieces are usually appended, so try the end first.
    let i = pending.length;
    if (i !== 0 && seqDiff(base, pending[i - 1]!.seq) + pending[i - 1]!.len > cur) {
      let lo = 0;
      let hi = pending.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const m = pending[mid]!;
        if (seqDiff(base, m.seq) + m.len <= cur) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    while (cur < e) {
      if (i < pending.length) {
        const p = pending[i]!;
        const ps = seqDiff(base, p.seq);
        const pe = ps + p.len;
        if (ps > cur) {
          const stop = ps < e ? ps : e;
          i += this.addPieces(i, base, cur, stop, s0, capEnd, payload, frame, ts);
          cur = stop;
          continue;
        }
        // [cur, min(e, pe)) is already held: the first arrival wins; compare the bytes both have.
        const oe = pe < e ? pe : e;
        if (p.data !== null) {
          const a = cur > capEnd ? capEnd : cur;
          const b = oe > capEnd ? capEnd : oe;
          for (let k = a; k < b; k++) {
            if (payload[k - s0] !== p.data[k - ps]) {
              this.mismatch(frame);
              break;
            }
          }
        }
        cur = oe;
        i++;
      } else {
        i += this.addPieces(i, base, cur, e, s0, capEnd, payload, frame, ts);
        cur = e;
      }
    }
  }

  /** Inserts at index i the captured and cut-off parts of [from, to) (relative offsets); returns how many. */
  private addPieces(
    i: number,
    base: number,
    from: number,
    to: number,
    s0: number,
    capEnd: number,
    payload: Uint8Array,
    frame: number,
    ts: number,
  ): number {
    let added = 0;
    if (from < capEnd) {
      const stop = to < capEnd ? to : capEnd;
      const data = payload.slice(from - s0, stop - s0);
      this.pending.splice(i, 0, { seq: seqAdd(base, from), len: stop - from, data, frame, ts });
      this.pendingBytes += data.length;
      this.host.buffered(data.length);
      added++;
      from = stop;
    }
    if (from < to) {
      this.pending.splice(i + added, 0, { seq: seqAdd(base, from), len: to - from, data: null, frame, ts });
      added++;
    }
    return added;
  }

  private mismatch(frame: number): void {
    this.host.countOverlapMismatch();
    if (!this.mismatchNoted) {
      this.mismatchNoted = true;
      this.consumer.note?.(this.dir, 'tcp-overlap-mismatch', frame);
    }
  }

  /** Past a cap, give up on the lowest hole(s) until the buffer fits again (gopacket's MaxBufferedPagesPerConnection). */
  private enforceCaps(): void {
    const host = this.host;
    if (this.pendingBytes <= host.maxBufferedBytes && this.pending.length <= host.maxSegments) return;
    host.countCapFlush();
    if (!this.limitNoted) {
      this.limitNoted = true;
      this.consumer.note?.(this.dir, 'tcp-buffer-limit', this.pending[0]!.frame);
    }
    while (
      this.pending.length !== 0 &&
      !this.consumer.done &&
      (this.pendingBytes > host.maxBufferedBytes || this.pending.length > host.maxSegments)
    ) {
      const p = this.pending[0]!;
      this.skipTo(p.seq, p.frame);
      this.drain();
    }
  }
}
