// Writes captures built to exhaust memory, for bench/memory.mjs and test/integration/memory-limits.test.ts:
//   flows.pcap      N TCP flows (default 300,000), each one 25-byte segment: a TLS handshake record header that
//                   claims 16 KiB, a ClientHello header that claims 16 KiB - 4, and 16 bytes of it (~28 MB)
//   bigcert.pcap    one TCP flow (SYN, SYN-ACK, ACK) whose server streams ~330 MB of TLS handshake records: a
//                   ServerHello, then a Certificate message whose header claims 16 MiB - 1
// Every packet is Ethernet / IPv4 / TCP with correct IPv4 and TCP checksums, classic pcap, microsecond time.
//
//   node bench/hostile-captures.mjs DIR [flows|bigcert] [--flows N] [--megabytes M]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;

function checksum(buf, start, end, initial = 0) {
  let s = initial;
  for (let i = start; i + 1 < end; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if ((end - start) & 1) s += buf[end - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Streams pcap records into a file in 1 MiB writes. */
class PcapWriter {
  constructor(file) {
    this.fd = fs.openSync(file, 'w');
    this.buf = Buffer.alloc(1 << 20);
    this.n = 0;
    this.packets = 0;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(1, 20); // Ethernet
    fs.writeSync(this.fd, h);
  }

  /** One TCP segment; addresses are 4-byte arrays. */
  tcp(tsUs, src, dst, sport, dport, seq, ack, flags, payload) {
    const len = 14 + 20 + 20 + payload.length;
    if (this.n + 16 + len > this.buf.length) this.drain();
    const b = this.buf;
    let o = this.n;
    b.writeUInt32LE(Math.floor(tsUs / 1e6), o);
    b.writeUInt32LE(tsUs % 1e6, o + 4);
    b.writeUInt32LE(len, o + 8);
    b.writeUInt32LE(len, o + 12);
    o += 16;
    b.fill(0, o, o + 54);
    b[o + 0] = 0x02; b[o + 5] = 0x01; b[o + 6] = 0x02; b[o + 11] = 0x02; // locally administered MACs
    b.writeUInt16BE(0x0800, o + 12);
    const ip = o + 14;
    b[ip] = 0x45;
    b.writeUInt16BE(20 + 20 + payload.length, ip + 2);
    b.writeUInt16BE(0x4000, ip + 6); // DF
    b[ip + 8] = 64;
    b[ip + 9] = 6;
    b.set(src, ip + 12);
    b.set(dst, ip + 16);
    b.writeUInt16BE(~checksum(b, ip, ip + 20) & 0xffff, ip + 10);
    const t = ip + 20;
    b.writeUInt16BE(sport, t);
    b.writeUInt16BE(dport, t + 2);
    b.writeUInt32BE(seq >>> 0, t + 4);
    b.writeUInt32BE(ack >>> 0, t + 8);
    b[t + 12] = 5 << 4;
    b[t + 13] = flags;
    b.writeUInt16BE(65535, t + 14);
    b.set(payload, t + 20);
    // Pseudo-header (RFC 9293 section 3.1) then the segment.
    const tcpLen = 20 + payload.length;
    const pseudo = checksum(b, ip + 12, ip + 20) + 6 + tcpLen;
    b.writeUInt16BE(~checksum(b, t, t + tcpLen, pseudo) & 0xffff, t + 16);
    this.n = t + tcpLen;
    this.packets++;
  }

  drain() {
    fs.writeSync(this.fd, this.buf, 0, this.n);
    this.n = 0;
  }

  close() {
    this.drain();
    fs.closeSync(this.fd);
    return this.packets;
  }
}

const SERVER = [192, 0, 2, 1];

/** The 25-byte segment: record header (handshake, TLS 1.0, 16384), ClientHello header (16380), 16 bytes. */
function flowPayload() {
  const p = Buffer.alloc(25);
  p.set([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3f, 0xfc, 0x03, 0x03]);
  for (let i = 11; i < 25; i++) p[i] = i;
  return p;
}

/** N one-segment flows from distinct client addresses, 10 µs apart. */
export function writeFlows(file, n = 300_000) {
  const w = new PcapWriter(file);
  const payload = flowPayload();
  for (let i = 0; i < n; i++) {
    const client = [10, (i >>> 16) & 255, (i >>> 8) & 255, i & 255];
    w.tcp(1_700_000_000e6 + i * 10, client, SERVER, 40_000 + (i % 20_000), 443, 1000 + i, 5000, PSH | ACK, payload);
  }
  return { file, packets: w.close(), flows: n };
}

/**
 * One flow; the server sends `megabytes` MB (10^6 bytes) of full 16 KiB handshake records in 1448-byte segments.
 * The first record holds a ServerHello and starts a Certificate message of 16 MiB - 1; the bytes after that message
 * (0xaa) are no message header certshark knows, so its parsing of that direction stops there while records keep
 * coming.
 */
export function writeBigCert(file, megabytes = 330) {
  const w = new PcapWriter(file);
  const client = [10, 0, 0, 2];
  const cport = 50_000;
  const iss = 100;
  const irs = 900_000;
  let t = 1_700_000_000e6;
  w.tcp(t, client, SERVER, cport, 443, iss, 0, SYN, Buffer.alloc(0));
  w.tcp((t += 50), SERVER, client, 443, cport, irs, iss + 1, SYN | ACK, Buffer.alloc(0));
  w.tcp((t += 50), client, SERVER, cport, 443, iss + 1, irs + 1, ACK, Buffer.alloc(0));
  const record = Buffer.alloc(5 + 16384, 0xaa);
  record.set([0x16, 0x03, 0x03, 0x40, 0x00]);
  // The first record: a ServerHello (TLS 1.2, no session id, TLS_RSA_WITH_AES_128_GCM_SHA256, no extensions), so
  // that the stream is recognised as TLS, then the Certificate header: 16 MiB - 1, certificate_list 16 MiB - 4.
  const first = Buffer.from(record);
  const hello = [0x02, 0x00, 0x00, 0x26, 0x03, 0x03, ...Array(32).fill(0x42), 0x00, 0x00, 0x9c, 0x00];
  first.set([...hello, 0x0b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb], 5);
  const total = megabytes * 1e6;
  const mss = 1448;
  let seq = irs + 1;
  let sent = 0;
  let carry = Buffer.alloc(0);
  while (sent < total) {
    const rec = sent === 0 ? first : record;
    let stream = carry.length ? Buffer.concat([carry, rec]) : rec;
    let o = 0;
    while (stream.length - o >= mss) {
      const seg = stream.subarray(o, o + mss);
      w.tcp((t += 10), SERVER, client, 443, cport, seq, iss + 1, ACK, seg);
      seq = (seq + mss) >>> 0;
      o += mss;
      sent += mss;
      if (sent % (64 * mss) === 0) w.tcp((t += 5), client, SERVER, cport, 443, iss + 1, seq, ACK, Buffer.alloc(0));
    }
    carry = Buffer.from(stream.subarray(o));
  }
  return { file, packets: w.close(), bytes: sent };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args[0];
  if (!dir) {
    process.stderr.write('usage: node bench/hostile-captures.mjs DIR [flows|bigcert] [--flows N] [--megabytes M]\n');
    process.exit(2);
  }
  const opt = (name, d) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const which = args[1] && !args[1].startsWith('--') ? [args[1]] : ['flows', 'bigcert'];
  fs.mkdirSync(dir, { recursive: true });
  if (which.includes('flows')) process.stdout.write(JSON.stringify(writeFlows(path.join(dir, 'flows.pcap'), opt('--flows', 300_000))) + '\n');
  if (which.includes('bigcert')) process.stdout.write(JSON.stringify(writeBigCert(path.join(dir, 'bigcert.pcap'), opt('--megabytes', 330))) + '\n');
}
