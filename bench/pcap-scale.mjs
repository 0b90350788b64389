// Scales a real recorded capture up by rewriting its packets: every record is written `copies` times, copy k with
// its own IPv4 addresses (10.99.0.x -> 10.(100 + k>>8).(k&255).x), its own client ports, TCP sequence and
// acknowledgement numbers (and SACK edges) offset by a per-copy constant, and timestamps shifted by k * spread, so
// that the copies' flows overlap in time. The IPv4 header checksum is recomputed and the TCP checksum updated
// incrementally (RFC 1624 eqn. 3), so the copies stay valid packets. The copies are merged in timestamp order.
//
// Input: classic pcap, little-endian, microsecond timestamps, Ethernet (what tcpdump -w writes on a veth).
import fs from 'node:fs';

const SERVER_PORTS = new Set([443, 7001, 8443]);

/** Reads the seed into memory and indexes its records. */
export function loadSeed(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 24 || buf.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${file}: not a little-endian microsecond pcap`);
  if (buf.readUInt32LE(20) !== 1) throw new Error(`${file}: link type ${buf.readUInt32LE(20)}, want Ethernet (1)`);
  const offs = [], lens = [], ts = [], flow = [];
  // client port * 65536 + server port -> flow index (one client and one server address; a port pair reused later
  // in the recording counts as one flow here, its connections are counted by their SYNs)
  const flowIds = new Map();
  const flowBytes = [], flowPort = [], flowSyn = [];
  let off = 24;
  let t0 = -1;
  while (off + 16 <= buf.length) {
    const sec = buf.readUInt32LE(off), usec = buf.readUInt32LE(off + 4), incl = buf.readUInt32LE(off + 8);
    if (off + 16 + incl > buf.length) break; // truncated last record (capture stopped mid-write)
    const t = sec * 1e6 + usec;
    if (t0 < 0) t0 = t;
    offs.push(off); lens.push(16 + incl); ts.push(t - t0);
    let f = -1;
    const p = off + 16;
    if (incl >= 34 && buf.readUInt16BE(p + 12) === 0x0800 && buf[p + 23] === 6) {
      const ihl = (buf[p + 14] & 15) * 4;
      const tcp = p + 14 + ihl;
      if (tcp + 20 <= p + incl) {
        const sp = buf.readUInt16BE(tcp), dp = buf.readUInt16BE(tcp + 2);
        const server = SERVER_PORTS.has(dp) ? dp : sp, cli = server === dp ? sp : dp;
        const key = cli * 65536 + server;
        f = flowIds.get(key);
        if (f === undefined) { f = flowBytes.length; flowIds.set(key, f); flowBytes.push(0); flowPort.push(server); flowSyn.push(0); }
        flowBytes[f] += incl;
        const flags = buf[tcp + 13];
        if ((flags & 0x12) === 0x02 && dp === server) flowSyn[f]++;
      }
    }
    flow.push(f);
    off += 16 + incl;
  }
  return {
    buf, header: buf.subarray(0, 24),
    offs: Int32Array.from(offs), lens: Int32Array.from(lens), ts: Float64Array.from(ts), flow: Int32Array.from(flow),
    flowBytes, flowPort, flowSyn, durationUs: ts.length ? ts[ts.length - 1] : 0,
  };
}

const fold = (s) => { while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return s; };

/**
 * Writes `copies` rewritten copies of the seed's records (those whose flow passes `keepFlow`, plus non-TCP records
 * when `keepOther`) to `out`, merged by timestamp. Returns {packets, bytes, handshakes, flows, durationS}.
 */
export function scale(seed, { out, copies, spreadUs, keepFlow = () => true, keepOther = true }) {
  const { buf, offs, lens, ts, flow } = seed;
  const keepRec = new Uint8Array(offs.length);
  const keepF = seed.flowBytes.map((_, f) => !!keepFlow(f));
  let recs = 0;
  for (let i = 0; i < offs.length; i++) if (flow[i] >= 0 ? keepF[flow[i]] : keepOther) { keepRec[i] = 1; recs++; }
  const idx = new Int32Array(recs);
  for (let i = 0, j = 0; i < offs.length; i++) if (keepRec[i]) idx[j++] = i;

  // K-way merge of the copies by shifted timestamp: a binary heap of copy numbers keyed by their next record's time.
  const pos = new Int32Array(copies);
  const heap = Array.from({ length: copies }, (_, k) => k);
  const key = (k) => ts[idx[pos[k]]] + k * spreadUs;
  const down = (i) => {
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && key(heap[l]) < key(heap[m])) m = l;
      if (r < n && key(heap[r]) < key(heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  if (recs === 0) heap.length = 0;
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);

  const fd = fs.openSync(out, 'w');
  const OUT = Buffer.allocUnsafe(8 * 1024 * 1024);
  let o = 0;
  const flush = () => { fs.writeSync(fd, OUT, 0, o); o = 0; };
  seed.header.copy(OUT, 0); o = 24;
  const base = seed.buf.readUInt32LE(24) * 1e6 + seed.buf.readUInt32LE(28); // first record's time
  let packets = 0, bytes = 24;
  while (heap.length) {
    const k = heap[0];
    const r = idx[pos[k]];
    const len = lens[r];
    if (o + len > OUT.length) flush();
    buf.copy(OUT, o, offs[r], offs[r] + len);
    const t = base + ts[r] + k * spreadUs;
    OUT.writeUInt32LE(Math.floor(t / 1e6), o);
    OUT.writeUInt32LE(t % 1e6, o + 4);
    rewrite(OUT, o + 16, len - 16, k);
    o += len; bytes += len; packets++;
    if (++pos[k] === recs) { heap[0] = heap[heap.length - 1]; heap.pop(); } // this copy is done
    if (heap.length) down(0);
  }
  flush();
  fs.closeSync(fd);
  let handshakes = 0;
  for (let f = 0; f < keepF.length; f++) if (keepF[f]) handshakes += seed.flowSyn[f];
  return { packets, bytes, handshakes: handshakes * copies, durationS: (ts[idx[recs - 1]] + (copies - 1) * spreadUs) / 1e6 };
}

/** Rewrites one Ethernet frame at b[p..p+n) in place for copy k. */
function rewrite(b, p, n, k) {
  if (n < 34 || b[p + 12] !== 0x08 || b[p + 13] !== 0x00) return; // not IPv4: ARP and the like go out as recorded
  const ip = p + 14;
  const ihl = (b[ip] & 15) * 4;
  if (ihl < 20 || ip + ihl > p + n) return;
  const a1 = 100 + (k >> 8), a2 = k & 255;
  // Old one's-complement sum of every 16-bit word the TCP checksum covers that we change.
  let oldSum = 0, newSum = 0;
  const isTcp = b[ip + 9] === 6 && ip + ihl + 20 <= p + n;
  for (const a of [ip + 12, ip + 16]) {
    if (b[a] !== 10 || b[a + 1] !== 99 || b[a + 2] !== 0) continue;
    oldSum += b.readUInt16BE(a);
    b[a + 1] = a1; b[a + 2] = a2;
    newSum += b.readUInt16BE(a);
    // the word with byte 3 is unchanged; byte 2 sits in the second word together with byte 3
    oldSum += (0 << 8) | b[a + 3]; // original byte 2 was 0 (10.99.0.x)
    newSum += (a2 << 8) | b[a + 3];
  }
  // IPv4 header checksum (RFC 791): recompute over the header.
  b[ip + 10] = 0; b[ip + 11] = 0;
  let s = 0;
  for (let i = 0; i < ihl; i += 2) s += b.readUInt16BE(ip + i);
  b.writeUInt16BE(~fold(s) & 0xffff, ip + 10);
  if (!isTcp) return;
  const t = ip + ihl;
  const hlen = (b[t + 12] >> 4) * 4;
  const seqOff = Math.imul(k, 0x9e3779b1) >>> 0;
  const w16 = (at, v) => { oldSum += b.readUInt16BE(at); b.writeUInt16BE(v, at); newSum += v; };
  const w32 = (at, v) => { w16(at, v >>> 16); w16(at + 2, v & 0xffff); };
  // Client (ephemeral, >= 10000 from Linux) port: shifted per copy within 10000..65535, clear of the server ports.
  for (const at of [t, t + 2]) {
    const port = b.readUInt16BE(at);
    if (port >= 10000) w16(at, 10000 + (port - 10000 + k * 7919) % 55536);
  }
  w32(t + 4, (b.readUInt32BE(t + 4) + seqOff) >>> 0);
  if (b[t + 13] & 0x10) w32(t + 8, (b.readUInt32BE(t + 8) + seqOff) >>> 0);
  // SACK blocks (RFC 2018) carry sequence numbers of the other direction, offset by the same constant.
  for (let i = t + 20, end = Math.min(t + hlen, p + n); i < end;) {
    const kind = b[i];
    if (kind === 0) break;
    if (kind === 1) { i++; continue; }
    if (i + 1 >= end) break;
    const len = b[i + 1];
    if (len < 2 || i + len > end) break;
    if (kind === 5) for (let e = i + 2; e + 4 <= i + len; e += 4) w32(e, (b.readUInt32BE(e) + seqOff) >>> 0);
    i += len;
  }
  const ck = t + 16;
  if (ck + 2 > p + n) return;
  const hc = b.readUInt16BE(ck);
  const acc = fold((~hc & 0xffff) + (~fold(oldSum) & 0xffff) + fold(newSum));
  b.writeUInt16BE(~acc & 0xffff, ck);
}
