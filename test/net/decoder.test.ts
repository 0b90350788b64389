import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../src/capture/types.js';
import { NetDecoder, type Packet } from '../../src/net/index.js';
import {
  IP4_A, IP4_B, IP6_A, IP6_B, MAC_A, MAC_B, be16, be32, cat, eth, ext6, frag6, ipv4, ipv6, le32, mplsLabel, padTo60, tcp, text, udp, vlanTag,
  type Bytes,
} from './frames.js';

function rec(linkType: number, data: Bytes, frame = 1, ts = 0): CaptureRecord {
  return { frame, ts, linkType, data, capLen: data.length, origLen: data.length, iface: 0 };
}

const td = new TextDecoder();
function view(p: Packet | null) {
  if (p === null) return null;
  return {
    kind: p.kind,
    ipVersion: p.ipVersion,
    src: Array.from(p.src).join('.'),
    dst: Array.from(p.dst).join('.'),
    sport: p.sport,
    dport: p.dport,
    payload: td.decode(p.payload),
    missing: p.missingBytes,
  };
}

const le16 = (v: number) => [v & 0xff, v >>> 8];
const V4TCP = ipv4(6, tcp(1234, 443, text('hello')));
const V6UDP = ipv6(17, udp(5353, 53, text('dns?')));
const INNER4 = ipv4(6, tcp(5555, 7001, text('inner')), { src: [172, 16, 0, 1], dst: [172, 16, 0, 2] });
const W4: ReturnType<typeof view> = { kind: 'tcp', ipVersion: 4, src: '10.0.0.1', dst: '192.0.2.7', sport: 1234, dport: 443, payload: 'hello', missing: 0 };
const W6: ReturnType<typeof view> = { kind: 'udp', ipVersion: 6, src: IP6_A.join('.'), dst: IP6_B.join('.'), sport: 5353, dport: 53, payload: 'dns?', missing: 0 };
const WIN: ReturnType<typeof view> = { kind: 'tcp', ipVersion: 4, src: '172.16.0.1', dst: '172.16.0.2', sport: 5555, dport: 7001, payload: 'inner', missing: 0 };
const outer4 = (proto: number, p: Bytes) => eth(0x0800, ipv4(proto, p, { src: [198, 51, 100, 1], dst: [198, 51, 100, 2] }));

const wlanHdr = [0x88, 0x01, 0, 0, ...MAC_A, ...MAC_B, ...MAC_A, 0, 0, 0, 0]; // QoS data, ToDS: 24 + 2 QoS
const snap = (type: number) => [0xaa, 0xaa, 0x03, 0, 0, 0, ...be16(type)];

const CASES: { name: string; lt: number; frame: Bytes; want: ReturnType<typeof view> }[] = [
  { name: 'Ethernet II + IPv4 + TCP, padded to 60 bytes (padding trimmed by IP total length)', lt: 1, frame: padTo60(eth(0x0800, V4TCP)), want: W4 },
  { name: 'Ethernet II + IPv6 + UDP', lt: 1, frame: eth(0x86dd, V6UDP), want: W6 },
  { name: 'IEEE 802.1Q VLAN', lt: 1, frame: cat(MAC_A, MAC_B, vlanTag(0x8100, 10), be16(0x0800), V4TCP), want: W4 },
  { name: 'IEEE 802.1ad QinQ (88a8 + 8100)', lt: 1, frame: cat(MAC_A, MAC_B, vlanTag(0x88a8, 100), vlanTag(0x8100, 10), be16(0x86dd), V6UDP), want: W6 },
  { name: 'pre-standard QinQ 0x9100', lt: 1, frame: cat(MAC_A, MAC_B, vlanTag(0x9100, 100), vlanTag(0x8100, 10), be16(0x0800), V4TCP), want: W4 },
  { name: 'Cisco VN-Tag 0x8926 then 802.1Q', lt: 1, frame: cat(MAC_A, MAC_B, be16(0x8926), [0, 0, 0, 0], vlanTag(0x8100, 11), be16(0x0800), V4TCP), want: W4 },
  { name: '802.3 length + LLC/SNAP', lt: 1, frame: cat(MAC_A, MAC_B, be16(8 + V4TCP.length), snap(0x0800), V4TCP), want: W4 },
  { name: 'MPLS unicast, two labels (RFC 3032) -> IPv4', lt: 1, frame: eth(0x8847, cat(mplsLabel(100, false), mplsLabel(200, true), V4TCP)), want: W4 },
  { name: 'MPLS multicast -> IPv6', lt: 1, frame: eth(0x8848, cat(mplsLabel(16, true), V6UDP)), want: W6 },
  { name: 'MPLS Ethernet pseudowire with control word (RFC 4448)', lt: 1, frame: eth(0x8847, cat(mplsLabel(300, true), [0, 0, 0, 1], eth(0x0800, V4TCP))), want: W4 },
  { name: 'PPPoE session (RFC 2516) + PPP IPv4', lt: 1, frame: eth(0x8864, cat([0x11, 0, 0x12, 0x34], be16(2 + V4TCP.length), be16(0x0021), V4TCP)), want: W4 },
  { name: 'PPPoE over QinQ + PPP IPv6', lt: 1, frame: cat(MAC_A, MAC_B, vlanTag(0x88a8, 1), vlanTag(0x8100, 2), be16(0x8864), [0x11, 0, 0, 1], be16(2 + V6UDP.length), be16(0x0057), V6UDP), want: W6 },
  { name: 'LINUX_SLL (113)', lt: 113, frame: cat(be16(0), be16(1), be16(6), MAC_A, [0, 0], be16(0x0800), V4TCP), want: W4 },
  { name: 'LINUX_SLL with 802.1Q protocol', lt: 113, frame: cat(be16(0), be16(1), be16(6), MAC_A, [0, 0], be16(0x8100), [0, 5], be16(0x0800), V4TCP), want: W4 },
  { name: 'LINUX_SLL2 (276)', lt: 276, frame: cat(be16(0x86dd), [0, 0], be32(2), be16(1), [0, 6], MAC_A, [0, 0], V6UDP), want: W6 },
  { name: 'NULL, AF_INET little-endian', lt: 0, frame: cat(le32(2), V4TCP), want: W4 },
  { name: 'NULL, AF_INET big-endian', lt: 0, frame: cat(be32(2), V4TCP), want: W4 },
  { name: 'NULL, AF_INET6 = 30 (macOS)', lt: 0, frame: cat(le32(30), V6UDP), want: W6 },
  { name: 'NULL, AF_INET6 = 28 (FreeBSD) big-endian', lt: 0, frame: cat(be32(28), V6UDP), want: W6 },
  { name: 'LOOP (108), AF_INET6 = 24 network order', lt: 108, frame: cat(be32(24), V6UDP), want: W6 },
  { name: 'RAW (101) IPv4', lt: 101, frame: V4TCP, want: W4 },
  { name: 'RAW (101) IPv6', lt: 101, frame: V6UDP, want: W6 },
  { name: 'IPV4 (228)', lt: 228, frame: V4TCP, want: W4 },
  { name: 'IPV6 (229)', lt: 229, frame: V6UDP, want: W6 },
  { name: 'old DLT_RAW 12', lt: 12, frame: V4TCP, want: W4 },
  { name: 'old DLT_RAW 14', lt: 14, frame: V6UDP, want: W6 },
  { name: 'PPP (9) with HDLC-like framing ff 03 (RFC 1662)', lt: 9, frame: cat([0xff, 0x03], be16(0x0021), V4TCP), want: W4 },
  { name: 'PPP (9) without address/control', lt: 9, frame: cat(be16(0x0057), V6UDP), want: W6 },
  { name: 'PPP (9) protocol-field compression (RFC 1661 6.5)', lt: 9, frame: cat([0x21], V4TCP), want: W4 },
  { name: 'PPP_HDLC (50)', lt: 50, frame: cat([0xff, 0x03], be16(0x0021), V4TCP), want: W4 },
  { name: 'PPP_HDLC (50) carrying Cisco HDLC', lt: 50, frame: cat([0x0f, 0x00], be16(0x0800), V4TCP), want: W4 },
  { name: 'C_HDLC (104)', lt: 104, frame: cat([0x8f, 0x00], be16(0x86dd), V6UDP), want: W6 },
  {
    name: 'NFLOG (239): prefix TLV, then payload TLV 9',
    lt: 239,
    frame: cat([2, 0, 0, 0], le16(9), le16(10), text('abcde'), [0, 0, 0], le16(8), le16(1), [0x08, 0, 3, 0], le16(4 + V4TCP.length), le16(9), V4TCP),
    want: W4,
  },
  { name: 'FDDI (10) + LLC/SNAP', lt: 10, frame: cat([0x50], MAC_A, MAC_B, snap(0x0800), V4TCP), want: W4 },
  { name: 'IEEE 802.11 QoS data + LLC/SNAP (105)', lt: 105, frame: cat(wlanHdr, snap(0x0800), V4TCP), want: W4 },
  { name: 'radiotap (127) with FCS flag: trailing FCS dropped', lt: 127, frame: cat([0, 0], le16(9), le32(2), [0x10], wlanHdr, snap(0x86dd), V6UDP, [1, 2, 3, 4]), want: W6 },
  { name: 'GRE (RFC 2784) IPv4 in IPv4: the inner packet is returned', lt: 1, frame: outer4(47, cat([0, 0], be16(0x0800), INNER4)), want: WIN },
  { name: 'GRE with checksum, key, sequence (RFC 2890) -> IPv6', lt: 1, frame: outer4(47, cat([0xb0, 0], be16(0x86dd), [0, 0, 0, 0], be32(7), be32(1), V6UDP)), want: W6 },
  { name: 'GRE transparent Ethernet bridging 0x6558', lt: 1, frame: outer4(47, cat([0x20, 0], be16(0x6558), be32(9), eth(0x0800, INNER4))), want: WIN },
  { name: 'ERSPAN type I (GRE 0x88be, no sequence, no header)', lt: 1, frame: outer4(47, cat([0, 0], be16(0x88be), eth(0x0800, INNER4))), want: WIN },
  { name: 'ERSPAN type II (GRE S bit, 8-byte header)', lt: 1, frame: outer4(47, cat([0x10, 0], be16(0x88be), be32(5), [0x10, 0x0a, 0x00, 0x01, 0, 0, 0, 0], eth(0x0800, INNER4))), want: WIN },
  {
    name: 'ERSPAN type III (0x22eb) with platform subheader (O bit)',
    lt: 1,
    frame: outer4(47, cat([0x10, 0], be16(0x22eb), be32(5), [0x20, 0x0a, 0, 1], be32(12345), [0, 0, 0x00, 0x01], new Uint8Array(8), eth(0x0800, INNER4))),
    want: WIN,
  },
  { name: 'PPTP enhanced GRE v1 (RFC 2637) carrying PPP', lt: 1, frame: outer4(47, cat([0x30, 0x01], be16(0x880b), be16(4 + INNER4.length), be16(7), be32(1), [0xff, 0x03], be16(0x0021), INNER4)), want: WIN },
  { name: 'VXLAN (RFC 7348): inner TCP returned, not the outer UDP', lt: 1, frame: outer4(17, udp(40000, 4789, cat([0x08, 0, 0, 0, 0, 0, 0x64, 0], eth(0x0800, INNER4)))), want: WIN },
  {
    name: 'Geneve (RFC 8926) with 8 bytes of options',
    lt: 1,
    frame: outer4(17, udp(40000, 6081, cat([0x02, 0], be16(0x6558), [0, 0, 1, 0], [0x01, 0x02, 0x03, 0x01, 9, 9, 9, 9], eth(0x86dd, V6UDP)))),
    want: W6,
  },
  { name: 'VXLAN-GPE next protocol IPv4', lt: 1, frame: outer4(17, udp(40000, 4790, cat([0x0c, 0, 0, 1, 0, 0, 1, 0], INNER4))), want: WIN },
  { name: 'IPv4 in IPv4 (RFC 2003)', lt: 1, frame: outer4(4, INNER4), want: WIN },
  { name: 'IPv6 in IPv4 (RFC 4213)', lt: 1, frame: outer4(41, V6UDP), want: W6 },
  { name: 'IPv4 in IPv6', lt: 101, frame: ipv6(4, INNER4), want: WIN },
  { name: 'IPv4 with options (IHL 6)', lt: 101, frame: ipv4(6, tcp(1234, 443, text('hello')), { options: [1, 1, 1, 0] }), want: W4 },
  { name: 'IPv4 AH (RFC 4302)', lt: 101, frame: ipv4(51, cat([6, 4, 0, 0], be32(1), be32(2), new Uint8Array(12), tcp(1234, 443, text('hello')))), want: W4 },
  { name: 'IPv6 hop-by-hop, destination options, routing (RFC 8200 4)', lt: 101, frame: ipv6(0, cat(ext6(60, 1), ext6(43, 2), ext6(17, 1), udp(5353, 53, text('dns?')))), want: W6 },
  { name: 'IPv6 AH', lt: 101, frame: ipv6(51, cat([17, 4, 0, 0], be32(1), be32(2), new Uint8Array(12), udp(5353, 53, text('dns?')))), want: W6 },
  { name: 'IPv6 atomic fragment (RFC 6946)', lt: 101, frame: ipv6(44, cat(frag6(17, 0, false, 99), udp(5353, 53, text('dns?')))), want: W6 },
];

describe('NetDecoder: link types and encapsulations', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const dec = new NetDecoder();
      expect(view(dec.decode(rec(c.lt, c.frame)))).toEqual(c.want);
    });
  }

  it('headers cut at every offset never throw', () => {
    const dec = new NetDecoder();
    for (const c of CASES) {
      for (let k = 0; k < c.frame.length; k++) {
        const p = dec.decode(rec(c.lt, c.frame.subarray(0, k)));
        if (p !== null) expect(p.payload.length).toBeLessThanOrEqual(k);
      }
      // Random garbage after a valid prefix does not throw either.
      const junk = Uint8Array.from(c.frame, (b, i) => (i > 14 ? (b * 7 + i) & 0xff : b));
      expect(() => dec.decode(rec(c.lt, junk))).not.toThrow();
    }
  });

  it('returns ONE reused Packet', () => {
    const dec = new NetDecoder();
    const a = dec.decode(rec(101, V4TCP));
    const b = dec.decode(rec(101, V6UDP));
    expect(a).toBe(b);
    expect(b?.src.length).toBe(16);
  });
});

describe('NetDecoder: TCP and UDP fields', () => {
  it('seq/ack are unsigned 32-bit, flags and options honoured', () => {
    const dec = new NetDecoder();
    const p = dec.decode(rec(101, ipv4(6, tcp(1, 2, text('x'), { seq: 0xfffffff0, ack: 0x80000001, flags: 0x12, options: [2, 4, 5, 0xb4] }))));
    expect(p).toMatchObject({ kind: 'tcp', seq: 0xfffffff0, ack: 0x80000001, flags: 0x12, frame: 1 });
    expect(td.decode(p!.payload)).toBe('x');
  });

  it('UDP length shorter than the IP payload trims the datagram', () => {
    const dec = new NetDecoder();
    const p = dec.decode(rec(101, ipv4(17, cat(udp(1, 2, text('abc'), 11), text('trailer')))));
    expect(td.decode(p!.payload)).toBe('abc');
  });

  it('snaplen truncation: missingBytes from the IP total length', () => {
    const dec = new NetDecoder();
    const body = new Uint8Array(1000).fill(0x41);
    const full = eth(0x0800, ipv4(6, tcp(1, 2, body)));
    const p = dec.decode(rec(1, full.subarray(0, 14 + 20 + 20 + 100)));
    expect(p).toMatchObject({ kind: 'tcp', missingBytes: 900 });
    expect(p!.payload.length).toBe(100);
    const u = dec.decode(rec(101, ipv6(17, udp(1, 2, body)).subarray(0, 40 + 8 + 10)));
    expect(u).toMatchObject({ kind: 'udp', missingBytes: 990 });
    expect(u!.payload.length).toBe(10);
  });

  it('counts what it does not return', () => {
    const dec = new NetDecoder();
    expect(dec.decode(rec(147, V4TCP))).toBeNull();
    expect(dec.decode(rec(147, V4TCP))).toBeNull();
    expect(dec.decode(rec(1, eth(0x0806, new Uint8Array(28))))).toBeNull();
    expect(dec.decode(rec(101, ipv4(1, new Uint8Array(8))))).toBeNull();
    expect(dec.decode(rec(101, ipv6(50, new Uint8Array(16))))).toBeNull();
    expect(dec.decode(rec(101, ipv4(6, tcp(1, 2, text('x'))).subarray(0, 30)))).toBeNull();
    expect(dec.decode(rec(101, Uint8Array.of(0x45, 0, 0, 10)))).toBeNull();
    expect(dec.stats).toEqual({ 'unknown-linktype:147': 2, 'non-ip': 1, icmp: 1, esp: 1, 'truncated-tcp': 1, 'truncated-ip': 1 });
  });

  it('bounds tunnel nesting', () => {
    let f: Bytes = INNER4;
    for (let i = 0; i < 20; i++) f = ipv4(47, cat([0, 0], be16(0x0800), f));
    const dec = new NetDecoder();
    expect(dec.decode(rec(101, f))).toBeNull();
    expect(dec.stats['encap-too-deep']).toBe(1);
  });
});

// A 120-byte TCP segment (20 header + 100 data) split into IPv4 fragments of 48, 48, 24 bytes (RFC 791 3.2).
const SEG = tcp(4000, 443, text('0123456789'.repeat(10)));
function frag4(off: number, len: number, more: boolean, id = 7, data: Bytes = SEG): Bytes {
  return ipv4(6, data.subarray(off, off + len), { id, fragOff: off, mf: more });
}
const FR = [frag4(0, 48, true), frag4(48, 48, true), frag4(96, 24, false)];
const PERMS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

describe('IPv4 fragment reassembly', () => {
  for (const order of PERMS) {
    it(`fragments in order ${order.join(',')}`, () => {
      const dec = new NetDecoder();
      const out = order.map((i, n) => view(dec.decode(rec(101, FR[i], n + 1))));
      expect(out.slice(0, 2)).toEqual([null, null]);
      expect(out[2]).toMatchObject({ kind: 'tcp', sport: 4000, dport: 443, payload: '0123456789'.repeat(10) });
      expect(dec.stats['fragment-pending']).toBe(2);
    });
  }

  it('overlapping fragments: bytes that came first win, the overlap is counted', () => {
    const other = Uint8Array.from(SEG, (b, i) => (i >= 40 ? 0x58 : b)); // 'X' from offset 40
    const dec = new NetDecoder();
    expect(dec.decode(rec(101, frag4(0, 48, true)))).toBeNull();
    expect(dec.decode(rec(101, frag4(40, 56, true, 7, other)))).toBeNull();
    const p = view(dec.decode(rec(101, frag4(96, 24, false))));
    expect(p?.payload).toBe('0123456789'.repeat(2) + '01234567' + 'X'.repeat(48) + '6789' + '0123456789'.repeat(2));
    expect(dec.stats['fragment-overlap']).toBe(1);
  });

  it('duplicate fragments are harmless; other ids and protocols do not mix', () => {
    const dec = new NetDecoder();
    expect(dec.decode(rec(101, FR[0]))).toBeNull();
    expect(dec.decode(rec(101, FR[0]))).toBeNull();
    expect(dec.decode(rec(101, frag4(96, 24, false, 8)))).toBeNull(); // id 8
    expect(dec.decode(rec(101, FR[1]))).toBeNull();
    expect(view(dec.decode(rec(101, FR[2])))?.payload).toBe('0123456789'.repeat(10));
    expect(dec.stats['fragment-overlap']).toBeUndefined();
  });

  it('stale sets expire by capture time', () => {
    const dec = new NetDecoder();
    expect(dec.decode(rec(101, FR[0], 1, 0))).toBeNull();
    expect(dec.decode(rec(101, FR[1], 2, 100))).toBeNull();
    expect(dec.decode(rec(101, FR[2], 3, 100))).toBeNull();
    expect(dec.stats['fragment-expired']).toBe(1);
  });

  it('a datagram beyond 64 KiB is refused', () => {
    const dec = new NetDecoder();
    expect(dec.decode(rec(101, ipv4(6, new Uint8Array(2000), { fragOff: 65528, mf: false })))).toBeNull();
    expect(dec.stats['fragment-too-large']).toBe(1);
  });
});

describe('IPv6 fragment reassembly (RFC 8200 4.5)', () => {
  const DG = udp(5353, 53, text('abcdefgh'.repeat(8))); // 72 bytes
  const f6 = (off: number, len: number, more: boolean) => ipv6(60, cat(ext6(44, 1), frag6(17, off, more, 0xdeadbeef), DG.subarray(off, off + len)));
  it('out of order, after a destination options header', () => {
    const dec = new NetDecoder();
    expect(dec.decode(rec(101, f6(64, 8, false)))).toBeNull();
    expect(dec.decode(rec(101, f6(32, 32, true)))).toBeNull();
    const p = view(dec.decode(rec(101, f6(0, 32, true))));
    expect(p).toMatchObject({ kind: 'udp', ipVersion: 6, sport: 5353, dport: 53, payload: 'abcdefgh'.repeat(8) });
  });
});
