/**
 * Byte builders for capture files, written from the formats' specifications:
 * classic pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html) and
 * pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html).
 */
import { concatBytes } from '../bytes.js';

export interface Pkt {
  sec: number;
  frac: number; // µs or ns depending on the file
  data: Uint8Array;
  origLen?: number;
}

class W {
  private parts: number[] = [];
  constructor(private le: boolean) {}
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    if (this.le) this.parts.push(v & 0xff, (v >>> 8) & 0xff);
    else this.parts.push((v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  u32(v: number): this {
    if (this.le) this.parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    else this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]);
    return this;
  }
  pad4(): this {
    while (this.parts.length % 4) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  out(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export const concat: (...arrs: Uint8Array[]) => Uint8Array = concatBytes;

/** Classic pcap: magic a1b2c3d4 (µs) or a1b23c4d (ns), version 2.4, snaplen, link type; 16-byte record headers. */
export function pcapFile(opts: { le: boolean; ns?: boolean; linkType?: number; snaplen?: number }, pkts: Pkt[]): Uint8Array {
  const w = new W(opts.le);
  w.u32(opts.ns ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(opts.snaplen ?? 65535).u32(opts.linkType ?? 1);
  for (const p of pkts) {
    w.u32(p.sec).u32(p.frac).u32(p.data.length).u32(p.origLen ?? p.data.length).bytes(p.data);
  }
  return w.out();
}

export function payload(n: number, seed = 1): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 31 + seed * 7) & 0xff;
  return a;
}

type Opt = [code: number, value: Uint8Array];

function block(le: boolean, type: number, body: (w: W) => void): Uint8Array {
  const inner = new W(le);
  body(inner);
  inner.pad4();
  const b = inner.out();
  const len = 12 + b.length;
  return new W(le).u32(type).u32(len).bytes(b).u32(len).out();
}

function options(w: W, opts: Opt[]): void {
  if (opts.length === 0) return;
  for (const [code, v] of opts) w.u16(code).u16(v.length).bytes(v).pad4();
  w.u16(0).u16(0);
}

/** pcapng builder: one call per block, byte order chosen per section. */
export class Pcapng {
  private blocks: Uint8Array[] = [];
  private le = true;
  shb(le: boolean): this {
    this.le = le;
    // Block type, length, byte-order magic 1A2B3C4D, version 1.0, section length -1 (unknown).
    this.blocks.push(block(le, 0x0a0d0d0a, (w) => w.u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff)));
    return this;
  }
  idb(linkType: number, snaplen = 0, opts: Opt[] = []): this {
    this.blocks.push(block(this.le, 1, (w) => {
      w.u16(linkType).u16(0).u32(snaplen);
      options(w, opts);
    }));
    return this;
  }
  epb(iface: number, ticks: bigint, data: Uint8Array, origLen = data.length, opts: Opt[] = []): this {
    this.blocks.push(block(this.le, 6, (w) => {
      w.u32(iface).u32(Number(ticks >> 32n)).u32(Number(ticks & 0xffffffffn)).u32(data.length).u32(origLen).bytes(data).pad4();
      options(w, opts);
    }));
    return this;
  }
  /** Obsolete Packet Block (type 2): 16-bit interface id and drops count. */
  pb(iface: number, ticks: bigint, data: Uint8Array, origLen = data.length): this {
    this.blocks.push(block(this.le, 2, (w) => {
      w.u16(iface).u16(0).u32(Number(ticks >> 32n)).u32(Number(ticks & 0xffffffffn)).u32(data.length).u32(origLen).bytes(data);
    }));
    return this;
  }
  spb(data: Uint8Array, origLen = data.length): this {
    this.blocks.push(block(this.le, 3, (w) => w.u32(origLen).bytes(data)));
    return this;
  }
  dsb(type: number, secret: Uint8Array): this {
    this.blocks.push(block(this.le, 0x0a, (w) => w.u32(type).u32(secret.length).bytes(secret)));
    return this;
  }
  raw(type: number, body: Uint8Array): this {
    this.blocks.push(block(this.le, type, (w) => w.bytes(body)));
    return this;
  }
  out(): Uint8Array {
    return concat(...this.blocks);
  }
}

export function u8(v: number): Uint8Array {
  return Uint8Array.of(v);
}

export function u64(le: boolean, v: bigint): Uint8Array {
  const w = new W(le);
  const hi = Number((v >> 32n) & 0xffffffffn);
  const lo = Number(v & 0xffffffffn);
  return le ? w.u32(lo).u32(hi).out() : w.u32(hi).u32(lo).out();
}

export function hex(a: Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.length).toString('hex');
}
