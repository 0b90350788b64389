import type { Packet } from '../../src/net/types.js';
import { FlowTracker, type TrackerOptions } from '../../src/tcp/index.js';
import type { Dir, FlowConsumer, FlowEndReason, FlowInfo } from '../../src/tcp/types.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** What one consumer saw, per direction: data as text with gaps written `<gap N>`. */
export class Recorder implements FlowConsumer {
  out: [string, string] = ['', ''];
  bytes: [number[], number[]] = [[], []];
  gaps: { dir: Dir; bytes: number; frame: number }[] = [];
  notes: string[] = [];
  ends: FlowEndReason[] = [];
  calls = 0;
  callsAfterDone = 0;
  done = false;
  /** Set done after this many data bytes in total (for fast-path tests). */
  doneAfterBytes = Infinity;
  private total = 0;

  constructor(readonly info: FlowInfo) {}

  data(dir: Dir, chunk: Uint8Array): void {
    this.calls++;
    if (this.done) this.callsAfterDone++;
    // The chunk is a view valid during this call only: copy.
    for (const b of chunk) this.bytes[dir].push(b);
    this.out[dir] += Buffer.from(chunk).toString('latin1');
    this.total += chunk.length;
    if (this.total >= this.doneAfterBytes) this.done = true;
  }
  gap(dir: Dir, bytes: number, frame: number): void {
    this.calls++;
    if (this.done) this.callsAfterDone++;
    this.gaps.push({ dir, bytes, frame });
    this.out[dir] += `<gap ${bytes}>`;
  }
  note(dir: Dir, code: string): void {
    this.notes.push(`${dir}:${code}`);
  }
  end(reason: FlowEndReason): void {
    this.ends.push(reason);
  }
}

/** A segment of a table-driven case. `d` 0 is a (10.0.0.1:40000) -> b (10.0.0.2:443). */
export interface Seg {
  d: Dir;
  seq: number;
  ack?: number;
  /** Any of S A F R P, e.g. 'SA'. Default 'A' when `ack` is given, '' otherwise. */
  f?: string;
  data?: string | Uint8Array;
  /** Bytes the snaplen cut off after `data`. */
  miss?: number;
  /** Other ports, for port-reuse cases. */
  sport?: number;
}

const A_ADDR = Uint8Array.of(10, 0, 0, 1);
const B_ADDR = Uint8Array.of(10, 0, 0, 2);

function flagBits(f: string): number {
  let v = 0;
  for (const ch of f) v |= ch === 'S' ? SYN : ch === 'A' ? ACK : ch === 'F' ? FIN : ch === 'R' ? RST : ch === 'P' ? PSH : 0;
  return v;
}

/**
 * Drives a tracker the way src/net does: ONE Packet object and ONE scratch buffer reused for every packet, the
 * buffer overwritten after each add(), so a tracker that keeps a view instead of a copy delivers garbage.
 */
export class Driver {
  readonly tracker: FlowTracker;
  readonly flows: Recorder[] = [];
  private frame = 0;
  private readonly scratch = new Uint8Array(70_000);
  private readonly srcBuf = new Uint8Array(16);
  private readonly dstBuf = new Uint8Array(16);
  private readonly pkt: Packet = {
    kind: 'tcp',
    frame: 0,
    ts: 0,
    ipVersion: 4,
    src: this.srcBuf,
    dst: this.dstBuf,
    sport: 0,
    dport: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    payload: this.scratch.subarray(0, 0),
    missingBytes: 0,
  };

  constructor(opts: Partial<TrackerOptions> = {}, onFlow?: (r: Recorder) => void) {
    this.tracker = new FlowTracker((info) => {
      const r = new Recorder(info);
      onFlow?.(r);
      this.flows.push(r);
      return r;
    }, opts);
  }

  raw(
    kind: 'tcp' | 'udp',
    src: Uint8Array,
    sport: number,
    dst: Uint8Array,
    dport: number,
    seq: number,
    ack: number,
    flags: number,
    data: Uint8Array,
    miss = 0,
  ): void {
    const p = this.pkt;
    p.kind = kind;
    p.frame = ++this.frame;
    p.ts = 1_700_000_000 + this.frame / 1000;
    p.ipVersion = src.length === 16 ? 6 : 4;
    this.srcBuf.set(src);
    this.dstBuf.set(dst);
    p.src = this.srcBuf.subarray(0, src.length);
    p.dst = this.dstBuf.subarray(0, dst.length);
    p.sport = sport;
    p.dport = dport;
    p.seq = seq >>> 0;
    p.ack = ack >>> 0;
    p.flags = flags;
    this.scratch.set(data);
    p.payload = this.scratch.subarray(0, data.length);
    p.missingBytes = miss;
    this.tracker.add(p);
    this.scratch.fill(0xee, 0, Math.max(data.length, 1));
    this.srcBuf.fill(0xee);
    this.dstBuf.fill(0xee);
  }

  seg(s: Seg): void {
    const data = typeof s.data === 'string' ? Buffer.from(s.data, 'latin1') : (s.data ?? new Uint8Array(0));
    const f = flagBits(s.f ?? (s.ack !== undefined ? 'A' : ''));
    const aPort = s.sport ?? 40000;
    if (s.d === 0) this.raw('tcp', A_ADDR, aPort, B_ADDR, 443, s.seq, s.ack ?? 0, f, data, s.miss ?? 0);
    else this.raw('tcp', B_ADDR, 443, A_ADDR, aPort, s.seq, s.ack ?? 0, f, data, s.miss ?? 0);
  }

  run(segs: Seg[], finish = true): this {
    for (const s of segs) this.seg(s);
    if (finish) this.tracker.finish();
    return this;
  }
}
