import { gunzipSync } from 'node:zlib';
import type { Packet } from '../../src/net/types.js';

/**
 * Test-only reader for the reference captures: classic pcap (either byte order, gzip or not), Ethernet with
 * optional 802.1Q tags, IPv4 (unfragmented) and IPv6 (no extension headers), TCP and UDP. Just enough to feed
 * FlowTracker real packets independently of src/capture and src/net; it reuses ONE Packet like src/net does.
 */
export function* pcapPackets(file: Uint8Array): Generator<Packet> {
  const buf = file[0] === 0x1f && file[1] === 0x8b ? new Uint8Array(gunzipSync(file)) : file;
  if (buf.length < 24) return;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  if (![0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1].includes(magic)) return; // pcapng etc.: not here
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (dv.getUint32(20, le) !== 1) return; // Ethernet only
  const p: Packet = {
    kind: 'tcp',
    frame: 0,
    ts: 0,
    ipVersion: 4,
    src: buf.subarray(0, 0),
    dst: buf.subarray(0, 0),
    sport: 0,
    dport: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    payload: buf.subarray(0, 0),
    missingBytes: 0,
  };
  let off = 24;
  let frame = 0;
  while (off + 16 <= buf.length) {
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const capLen = dv.getUint32(off + 8, le);
    const origLen = dv.getUint32(off + 12, le);
    const start = off + 16;
    off = start + capLen;
    frame++;
    if (off > buf.length || capLen < 14) return;
    let q = start + 12;
    let type = dv.getUint16(q);
    while (type === 0x8100 && q + 8 <= off) {
      q += 4;
      type = dv.getUint16(q);
    }
    q += 2;
    let proto: number;
    let l4: number;
    let l4End: number;
    if (type === 0x0800 && q + 20 <= off) {
      const ihl = (buf[q]! & 15) * 4;
      const total = dv.getUint16(q + 2);
      if ((dv.getUint16(q + 6) & 0x3fff) !== 0) continue; // fragments: not needed here
      proto = buf[q + 9]!;
      p.ipVersion = 4;
      p.src = buf.subarray(q + 12, q + 16);
      p.dst = buf.subarray(q + 16, q + 20);
      l4 = q + ihl;
      l4End = q + total;
    } else if (type === 0x86dd && q + 40 <= off) {
      proto = buf[q + 6]!;
      p.ipVersion = 6;
      p.src = buf.subarray(q + 8, q + 24);
      p.dst = buf.subarray(q + 24, q + 40);
      l4 = q + 40;
      l4End = l4 + dv.getUint16(q + 4);
    } else continue;
    // What the snaplen cut: the IP length says how much there was.
    const missing = Math.max(0, l4End - off);
    const end = Math.min(l4End, off);
    p.frame = frame;
    p.ts = sec + frac / (nano ? 1e9 : 1e6);
    if (proto === 6 && l4 + 20 <= end) {
      p.kind = 'tcp';
      p.sport = dv.getUint16(l4);
      p.dport = dv.getUint16(l4 + 2);
      p.seq = dv.getUint32(l4 + 4);
      p.ack = dv.getUint32(l4 + 8);
      p.flags = buf[l4 + 13]!;
      const hl = (buf[l4 + 12]! >> 4) * 4;
      p.payload = buf.subarray(Math.min(l4 + hl, end), end);
      p.missingBytes = missing;
      yield p;
    } else if (proto === 17 && l4 + 8 <= end) {
      p.kind = 'udp';
      p.sport = dv.getUint16(l4);
      p.dport = dv.getUint16(l4 + 2);
      p.seq = p.ack = p.flags = 0;
      p.payload = buf.subarray(l4 + 8, end);
      p.missingBytes = missing;
      yield p;
    }
    void origLen;
  }
}
