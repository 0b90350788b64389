import { LIMITS } from '../limits.js';
import { addNote } from '../model.js';
import { describeBadMagic, isMagicPrefix } from './magic.js';
import { linkTypeName } from './link-types.js';
import { CaptureError, type CaptureEndInfo, type CaptureRecord, type CaptureSink } from './types.js';

// Parser states. A "unit" is what the parser consumes at once: the pcap file header, a pcap record, a pcapng block.
const ST_MAGIC = 0;
const ST_PCAP_HEADER = 1;
const ST_PCAP = 2;
const ST_PCAPNG = 3;
const ST_DEAD = 4;

const PCAP_HEADER_BYTES = 24;
/** Block type, block length and (for an SHB) the byte-order magic: enough to size any pcapng block. */
const PCAPNG_PEEK_BYTES = 12;

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2; // obsolete Packet Block (pcapng draft, still written by old tools)
const BT_SPB = 3;
const BT_EPB = 6;
const BT_DSB = 0x0a;

/**
 * Push parser for classic pcap (µs and ns, both byte orders, and the "modified" Kuznetzov variant) and pcapng
 * (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html). Accepts arbitrary chunk boundaries.
 *
 * Zero-copy: a record that lies wholly inside a pushed chunk is handed to the sink as a subarray of that chunk;
 * only a record that spans chunks is assembled in a carry buffer (bounded by LIMITS.maxRecordBytes). The sink
 * gets ONE reused CaptureRecord whose `data` is valid only during the callback.
 *
 * Hostile input: a record or block length above LIMITS.maxRecordBytes, or an impossible pcapng block length, is
 * taken as corruption: parsing stops there and end() reports `truncated` at that offset; everything before it
 * was delivered. Only input that is not a capture at all throws (CaptureError, from push or end).
 */
export class CaptureParser {
  private state = ST_MAGIC;
  private le = true;
  private recHdr = 16;
  private nsRes = false;
  private format = '';
  private pcapLinkType = 0;

  // pcapng: interfaces of the current section.
  private ifLink: number[] = [];
  private ifSnap: number[] = [];
  private ifUnits: number[] = [];
  private ifOffset: number[] = [];

  private carry = new Uint8Array(64 * 1024);
  private carryLen = 0;
  /** Stream offset of the first byte of the unit being parsed (the one in carry, or the next one). */
  private offset = 0;
  private pushed = 0;
  private lastTs = 0;
  private packets = 0;
  private truncated: { atOffset: number; message: string } | undefined;
  private readonly notes: string[] = [];
  private readonly linkNums: number[] = [];
  private readonly rec: CaptureRecord = {
    frame: 0,
    ts: 0,
    linkType: 0,
    data: new Uint8Array(0),
    capLen: 0,
    origLen: 0,
    iface: 0,
  };

  constructor(private readonly sink: CaptureSink) {}

  /** true once the parser stopped at corruption; further input is ignored (a reader can stop reading). */
  get done(): boolean {
    return this.state === ST_DEAD;
  }

  /** Packets delivered so far. */
  get packetCount(): number {
    return this.packets;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0 || this.state === ST_DEAD) return;
    this.pushed += n;
    let pos = 0;
    if (this.state === ST_MAGIC) {
      const take = Math.min(4 - this.carryLen, n);
      this.carry.set(chunk.subarray(0, take), this.carryLen);
      this.carryLen += take;
      pos = take;
      if (this.carryLen < 4) return;
      this.detect(chunk, pos);
    }
    if (this.carryLen > 0) {
      pos = this.fillCarry(chunk, pos);
      if (pos < 0) return;
    }
    while (pos < n && this.state !== ST_DEAD) {
      const avail = n - pos;
      if (avail < this.headerNeed()) break;
      const len = this.unitLength(chunk, pos);
      if (len < 0) return;
      if (avail < len) break;
      this.process(chunk, pos, len);
      pos += len;
      this.offset += len;
    }
    if (pos < n && this.state !== ST_DEAD) {
      this.ensureCarry(n - pos);
      this.carry.set(chunk.subarray(pos), 0);
      this.carryLen = n - pos;
    }
  }

  /** Call once at the end of input. Throws CaptureError for an empty input or one that is not a capture. */
  end(): CaptureEndInfo {
    if (this.state === ST_MAGIC) {
      if (this.pushed === 0) throw new CaptureError('empty file');
      const head = this.carry.subarray(0, this.carryLen);
      if (!isMagicPrefix(head)) throw new CaptureError(describeBadMagic(head));
      this.truncated = { atOffset: 0, message: `file ends inside the file header (${this.carryLen} bytes)` };
    } else if (this.carryLen > 0 && this.state !== ST_DEAD) {
      const need = this.carryLen >= this.headerNeed() ? this.unitLength(this.carry, 0) : -1;
      const what = this.state === ST_PCAPNG ? 'block' : this.state === ST_PCAP_HEADER ? 'file header' : 'record';
      if (this.truncated === undefined) {
        this.truncated = {
          atOffset: this.offset,
          message:
            need > 0
              ? `file ends inside a ${what}: ${this.carryLen} of ${need} bytes`
              : what === 'file header'
                ? `file ends inside the file header: ${this.carryLen} bytes`
                : `file ends inside a ${what} header: ${this.carryLen} bytes`,
        };
      }
    }
    this.carryLen = 0;
    const info: CaptureEndInfo = {
      format: this.format,
      linkTypes: this.linkNums.map(linkTypeName),
      linkTypeNumbers: this.linkNums.slice(),
      packets: this.packets,
      notes: this.notes.slice(),
    };
    if (this.truncated) info.truncated = { ...this.truncated };
    return info;
  }

  // ---- framing ----

  private detect(chunk: Uint8Array, pos: number): void {
    const c = this.carry;
    const be = ((c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3]) >>> 0;
    const le = ((c[3] << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;
    const classic = (m: number): boolean => be === m || le === m;
    if (be === BT_SHB) {
      this.state = ST_PCAPNG;
      this.format = 'pcapng';
      return;
    }
    if (classic(0xa1b2c3d4) || classic(0xa1b23c4d) || classic(0xa1b2cd34)) {
      this.le = le === 0xa1b2c3d4 || le === 0xa1b23c4d || le === 0xa1b2cd34;
      const magic = this.le ? le : be;
      this.nsRes = magic === 0xa1b23c4d;
      // Kuznetzov's patched libpcap adds ifindex, protocol, pkt_type and padding: 24-byte record headers.
      this.recHdr = magic === 0xa1b2cd34 ? 24 : 16;
      this.format = this.nsRes ? 'pcap-ns' : 'pcap';
      this.state = ST_PCAP_HEADER;
      return;
    }
    const head = new Uint8Array(Math.min(16, 4 + chunk.length - pos));
    head.set(c.subarray(0, 4), 0);
    head.set(chunk.subarray(pos, pos + head.length - 4), 4);
    this.state = ST_DEAD;
    throw new CaptureError(describeBadMagic(head));
  }

  private headerNeed(): number {
    switch (this.state) {
      case ST_PCAP_HEADER:
        return PCAP_HEADER_BYTES;
      case ST_PCAP:
        return this.recHdr;
      default:
        return PCAPNG_PEEK_BYTES;
    }
  }

  /** Total length of the unit at `off` (its header is available), or -1 after marking the stream corrupt. */
  private unitLength(b: Uint8Array, off: number): number {
    if (this.state === ST_PCAP_HEADER) return PCAP_HEADER_BYTES;
    if (this.state === ST_PCAP) {
      const capLen = this.u32(b, off + 8);
      if (capLen > LIMITS.maxRecordBytes) {
        return this.corrupt(`record length ${capLen} exceeds ${LIMITS.maxRecordBytes} bytes (corrupt file?)`);
      }
      return this.recHdr + capLen;
    }
    // pcapng: an SHB carries its own byte order (its magic is a palindrome, its BOM is not).
    if (((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0 === BT_SHB) {
      const bom = ((b[off + 8] << 24) | (b[off + 9] << 16) | (b[off + 10] << 8) | b[off + 11]) >>> 0;
      if (bom === 0x1a2b3c4d) this.le = false;
      else if (bom === 0x4d3c2b1a) this.le = true;
      else return this.corrupt(`pcapng section header with bad byte-order magic 0x${bom.toString(16)}`);
    }
    const len = this.u32(b, off + 4);
    if (len < 12 || len % 4 !== 0 || len > LIMITS.maxRecordBytes) {
      return this.corrupt(`pcapng block with bad length ${len} (corrupt file?)`);
    }
    return len;
  }

  private corrupt(message: string): number {
    this.truncated = { atOffset: this.offset, message };
    addNote(this.notes, `${message} at offset ${this.offset}`, LIMITS.notesPerObject);
    this.state = ST_DEAD;
    this.carryLen = 0;
    return -1;
  }

  private ensureCarry(n: number): void {
    if (this.carry.length >= n) return;
    let size = this.carry.length;
    while (size < n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.carry.subarray(0, this.carryLen));
    this.carry = next;
  }

  /** Completes the unit held in carry from `chunk`; returns the new chunk position, or -1 if still incomplete. */
  private fillCarry(chunk: Uint8Array, pos: number): number {
    const n = chunk.length;
    const hn = this.headerNeed();
    if (this.carryLen < hn) {
      const take = Math.min(hn - this.carryLen, n - pos);
      this.ensureCarry(this.carryLen + take);
      this.carry.set(chunk.subarray(pos, pos + take), this.carryLen);
      this.carryLen += take;
      pos += take;
      if (this.carryLen < hn) return -1;
    }
    const len = this.unitLength(this.carry, 0);
    if (len < 0) return -1;
    if (this.carryLen < len) {
      const take = Math.min(len - this.carryLen, n - pos);
      this.ensureCarry(len);
      this.carry.set(chunk.subarray(pos, pos + take), this.carryLen);
      this.carryLen += take;
      pos += take;
      if (this.carryLen < len) return -1;
    }
    this.carryLen = 0;
    this.process(this.carry, 0, len);
    this.offset += len;
    return pos;
  }

  // ---- units ----

  private u16(b: Uint8Array, i: number): number {
    return this.le ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1];
  }

  private u32(b: Uint8Array, i: number): number {
    return this.le
      ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0
      : ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  }

  private note(msg: string): void {
    addNote(this.notes, msg, LIMITS.notesPerObject);
  }

  private seeLinkType(lt: number): void {
    if (!this.linkNums.includes(lt)) this.linkNums.push(lt);
  }

  private process(b: Uint8Array, off: number, len: number): void {
    if (this.state === ST_PCAP) return this.pcapRecord(b, off, len);
    if (this.state === ST_PCAPNG) return this.pcapngBlock(b, off, len);
    // pcap file header (ST_PCAP_HEADER)
    const major = this.u16(b, off + 4);
    if (major !== 2) this.note(`pcap file version ${major}.${this.u16(b, off + 6)} (expected 2.4)`);
    // The link-type field's upper bits carry FCS information (pcap draft, "LinkType and additional information").
    this.pcapLinkType = this.u32(b, off + 20) & 0x03ffffff;
    this.seeLinkType(this.pcapLinkType);
    this.state = ST_PCAP;
  }

  private pcapRecord(b: Uint8Array, off: number, len: number): void {
    const sec = this.u32(b, off);
    const frac = this.u32(b, off + 4);
    const rec = this.rec;
    rec.ts = sec + frac / (this.nsRes ? 1e9 : 1e6);
    rec.capLen = len - this.recHdr;
    rec.origLen = this.u32(b, off + 12);
    rec.data = b.subarray(off + this.recHdr, off + len);
    rec.linkType = this.pcapLinkType;
    rec.iface = 0;
    this.deliver();
  }

  private deliver(): void {
    const rec = this.rec;
    rec.frame = ++this.packets;
    this.lastTs = rec.ts;
    this.sink.packet(rec);
  }

  private pcapngBlock(b: Uint8Array, off: number, len: number): void {
    const type = this.u32(b, off);
    if (this.u32(b, off + len - 4) !== len) {
      this.note(`pcapng block at offset ${this.offset}: trailing length differs from leading length ${len}`);
    }
    const bodyEnd = off + len - 4;
    switch (type) {
      case BT_SHB: {
        if (len < 28) {
          this.note(`pcapng section header too short (${len} bytes) at offset ${this.offset}`);
        } else {
          const major = this.u16(b, off + 12);
          if (major !== 1) this.note(`pcapng section version ${major} at offset ${this.offset} (expected 1)`);
        }
        // Interface IDs are scoped to their section.
        this.ifLink.length = this.ifSnap.length = this.ifUnits.length = this.ifOffset.length = 0;
        return;
      }
      case BT_IDB: {
        if (len < 20) return this.note(`pcapng interface block too short (${len} bytes) at offset ${this.offset}`);
        const lt = this.u16(b, off + 8);
        let units = 1e6;
        let tsOffset = 0;
        // Options: code(2) length(2) value padded to 4; opt_endofopt (0) ends the list.
        for (let p = off + 16; p + 4 <= bodyEnd; ) {
          const code = this.u16(b, p);
          const olen = this.u16(b, p + 2);
          if (code === 0) break;
          if (p + 4 + olen > bodyEnd) {
            this.note(`pcapng interface option ${code} overruns its block at offset ${this.offset}`);
            break;
          }
          if (code === 9 && olen >= 1) {
            // if_tsresol: high bit clear = 10^-n, set = 2^-n seconds per tick.
            const v = b[p + 4];
            units = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
          } else if (code === 14 && olen >= 8) {
            // if_tsoffset: signed 64-bit seconds added to every timestamp.
            const hi = this.u32(b, p + 4 + (this.le ? 4 : 0)) | 0;
            const lo = this.u32(b, p + 4 + (this.le ? 0 : 4));
            tsOffset = hi * 4294967296 + lo;
          }
          p += 4 + ((olen + 3) & ~3);
        }
        this.ifLink.push(lt);
        this.ifSnap.push(this.u32(b, off + 12));
        this.ifUnits.push(units);
        this.ifOffset.push(tsOffset);
        this.seeLinkType(lt);
        return;
      }
      case BT_EPB:
      case BT_PB: {
        if (len < 32) return this.note(`pcapng packet block too short (${len} bytes) at offset ${this.offset}`);
        const iface = type === BT_EPB ? this.u32(b, off + 8) : this.u16(b, off + 8);
        if (iface >= this.ifLink.length) {
          return this.note(`pcapng packet for undefined interface ${iface} at offset ${this.offset} skipped`);
        }
        let capLen = this.u32(b, off + 20);
        if (off + 28 + capLen > bodyEnd) {
          this.note(`pcapng packet longer than its block at offset ${this.offset}; cut to the block`);
          capLen = bodyEnd - off - 28;
        }
        this.packet(iface, this.u32(b, off + 12), this.u32(b, off + 16), b, off + 28, capLen, this.u32(b, off + 24));
        return;
      }
      case BT_SPB: {
        if (len < 16) return this.note(`pcapng simple packet block too short at offset ${this.offset}`);
        if (this.ifLink.length === 0) {
          return this.note(`pcapng simple packet block before any interface at offset ${this.offset} skipped`);
        }
        // RFC draft 4.4: captured length = min(original length, snaplen of interface 0, what the block holds).
        const origLen = this.u32(b, off + 8);
        const snap = this.ifSnap[0];
        let capLen = Math.min(origLen, bodyEnd - off - 12);
        if (snap > 0 && snap < capLen) capLen = snap;
        const rec = this.rec;
        // An SPB has no timestamp: reuse the previous packet's time, so capture-time checks still have one.
        rec.ts = this.lastTs;
        rec.linkType = this.ifLink[0];
        rec.iface = 0;
        rec.capLen = capLen;
        rec.origLen = origLen;
        rec.data = b.subarray(off + 12, off + 12 + capLen);
        this.deliver();
        return;
      }
      case BT_DSB: {
        if (len < 20 || this.sink.decryptionSecrets === undefined) return;
        const secLen = this.u32(b, off + 12);
        if (off + 16 + secLen > bodyEnd) return this.note(`pcapng decryption secrets block overruns at ${this.offset}`);
        this.sink.decryptionSecrets(this.u32(b, off + 8), b.subarray(off + 16, off + 16 + secLen), this.packets);
        return;
      }
      default:
        return; // statistics, name resolution, custom and unknown blocks: skipped by length
    }
  }

  private packet(iface: number, hi: number, lo: number, b: Uint8Array, at: number, capLen: number, orig: number) {
    const units = this.ifUnits[iface];
    const rec = this.rec;
    rec.ts = ticksToSeconds(hi, lo, units) + this.ifOffset[iface];
    rec.linkType = this.ifLink[iface];
    rec.iface = iface;
    rec.capLen = capLen;
    rec.origLen = orig;
    rec.data = b.subarray(at, at + capLen);
    this.deliver();
  }
}

/**
 * (hi * 2^32 + lo) / units as whole seconds + remainder / units, the same double a classic pcap gives for the same
 * instant. The tick count exceeds 2^53 for nanosecond clocks, so the division is done exactly in 16-bit steps
 * (valid while units * 2^16 < 2^53); other resolutions fall back to floating point.
 */
export function ticksToSeconds(hi: number, lo: number, units: number): number {
  if (!Number.isInteger(units) || units > 2 ** 36) return hi * (4294967296 / units) + lo / units;
  const r1 = hi % units;
  const q1 = (hi - r1) / units;
  const a = r1 * 65536 + (lo >>> 16);
  const q2 = Math.floor(a / units);
  const b = (a - q2 * units) * 65536 + (lo & 0xffff);
  const q3 = Math.floor(b / units);
  return q1 * 4294967296 + q2 * 65536 + q3 + (b - q3 * units) / units;
}
