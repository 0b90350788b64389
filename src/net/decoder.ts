import type { CaptureRecord } from '../capture/types.js';
import { FragmentTable, fragmentKey } from './fragments.js';
import type { Packet } from './types.js';

/** Encapsulations (tunnels, MPLS, nested Ethernet) followed before giving up: hostile nesting must end. */
export const MAX_ENCAP_DEPTH = 8;
const MAX_VLAN_TAGS = 8;
const MAX_MPLS_LABELS = 16;
const MAX_IPV6_EXT_HEADERS = 16;

const VXLAN_PORT = 4789; // RFC 7348 5
const VXLAN_GPE_PORT = 4790; // draft-ietf-nvo3-vxlan-gpe
const GENEVE_PORT = 6081; // RFC 8926 3.3

type R = Packet | null;

/**
 * Link, network and transport decoding: CaptureRecord -> the ONE reused Packet (TCP or UDP over IPv4/IPv6, the
 * innermost one when tunnelled), or null with the reason counted in `stats`.
 *
 * Zero-copy: `payload` is a subarray of the record's data (or of a reassembly buffer for fragments); `src`/`dst`
 * are decoder-owned 4- or 16-byte buffers overwritten by the next decode(). No allocation per packet besides the
 * payload view, except for fragment reassembly. Hostile input: every length is checked before use; nothing throws.
 */
export class NetDecoder {
  /** Packets not returned, by reason, plus informational counters (fragment-reassembled, fragment-overlap, ...). */
  readonly stats: Record<string, number> = {};
  private readonly src4 = new Uint8Array(4);
  private readonly dst4 = new Uint8Array(4);
  private readonly src6 = new Uint8Array(16);
  private readonly dst6 = new Uint8Array(16);
  private readonly pkt: Packet = {
    kind: 'tcp',
    frame: 0,
    ts: 0,
    ipVersion: 4,
    src: this.src4,
    dst: this.dst4,
    sport: 0,
    dport: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    payload: new Uint8Array(0),
    missingBytes: 0,
  };
  private readonly frags = new FragmentTable((r) => this.count(r));
  private readonly linkReasons = new Map<number, string>();
  private ts = 0;
  private ipVer: 4 | 6 = 4;

  decode(rec: CaptureRecord): Packet | null {
    this.pkt.frame = rec.frame;
    this.pkt.ts = this.ts = rec.ts;
    const d = rec.data;
    const end = d.length;
    switch (rec.linkType) {
      case 1: // EN10MB
        return this.ether(d, 0, end, 0);
      case 0: // NULL: AF_ value in the capturing host's byte order
        return this.loopback(d, end, d.length >= 4 && d[0] === 0 && d[1] === 0 ? (d[2] << 8) | d[3] : (d[1] << 8) | d[0]);
      case 108: // LOOP (OpenBSD): AF_ value in network byte order
        return this.loopback(d, end, d.length >= 4 ? (d[2] << 8) | d[3] : -1);
      case 12: // DLT_RAW on most BSDs
      case 14: // DLT_RAW on OpenBSD
      case 101: // LINKTYPE_RAW
      case 228: // IPV4
      case 229: // IPV6
        return this.rawIp(d, 0, end, 0);
      case 113: // LINUX_SLL: 16-byte cooked header, protocol at 14
        if (end < 16) return this.skip('truncated-link');
        return this.sll(d, 16, end, (d[2] << 8) | d[3], (d[14] << 8) | d[15]);
      case 276: // LINUX_SLL2: 20-byte header, protocol at 0, ARPHRD at 8
        if (end < 20) return this.skip('truncated-link');
        return this.sll(d, 20, end, (d[8] << 8) | d[9], (d[0] << 8) | d[1]);
      case 9: // PPP (may carry HDLC-like framing ff 03, or Cisco HDLC)
      case 50: // PPP_HDLC
        return this.pppFramed(d, 0, end, 0);
      case 104: // C_HDLC: address, control, ethertype
        if (end < 4) return this.skip('truncated-link');
        return this.ethType((d[2] << 8) | d[3], d, 4, end, 0);
      case 10: // FDDI: FC + two MACs, then 802.2 LLC/SNAP
        return this.llc(d, 13, end, 0);
      case 239:
        return this.nflog(d, end);
      case 105:
        return this.wlan(d, 0, end);
      case 127:
        return this.radiotap(d, end);
      default: {
        let reason = this.linkReasons.get(rec.linkType);
        if (reason === undefined) {
          reason = `unknown-linktype:${rec.linkType}`;
          this.linkReasons.set(rec.linkType, reason);
        }
        return this.skip(reason);
      }
    }
  }

  private count(reason: string): void {
    this.stats[reason] = (this.stats[reason] ?? 0) + 1;
  }

  private skip(reason: string): null {
    this.stats[reason] = (this.stats[reason] ?? 0) + 1;
    return null;
  }

  // ---- link layers ----

  private ether(d: Uint8Array, off: number, end: number, depth: number): R {
    if (depth > MAX_ENCAP_DEPTH) return this.skip('encap-too-deep');
    if (off + 14 > end) return this.skip('truncated-link');
    const type = (d[off + 12] << 8) | d[off + 13];
    // IEEE 802.3 length field instead of an EtherType: 802.2 LLC follows.
    if (type <= 1500) return this.llc(d, off + 14, end, depth);
    return this.ethType(type, d, off + 14, end, depth);
  }

  /** 802.2 LLC: only SNAP (AA AA 03, OUI, EtherType) can carry IP. */
  private llc(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off + 3 > end) return this.skip('truncated-link');
    if (d[off] !== 0xaa || d[off + 1] !== 0xaa || d[off + 2] !== 0x03) return this.skip('non-ip');
    if (off + 8 > end) return this.skip('truncated-link');
    return this.ethType((d[off + 6] << 8) | d[off + 7], d, off + 8, end, depth);
  }

  private ethType(type: number, d: Uint8Array, off: number, end: number, depth: number): R {
    for (let tags = 0; tags <= MAX_VLAN_TAGS; tags++) {
      switch (type) {
        case 0x0800:
          return this.ipv4(d, off, end, depth);
        case 0x86dd:
          return this.ipv6(d, off, end, depth);
        case 0x8100: // 802.1Q
        case 0x88a8: // 802.1ad (QinQ outer)
        case 0x9100: // pre-standard QinQ
        case 0x9200:
          if (off + 4 > end) return this.skip('truncated-link');
          type = (d[off + 2] << 8) | d[off + 3];
          off += 4;
          continue;
        case 0x8926: // Cisco VN-Tag: 4-byte tag then the EtherType
          if (off + 6 > end) return this.skip('truncated-link');
          type = (d[off + 4] << 8) | d[off + 5];
          off += 6;
          continue;
        case 0x893f: // 802.1BR E-Tag: 6 bytes then the EtherType
          if (off + 8 > end) return this.skip('truncated-link');
          type = (d[off + 6] << 8) | d[off + 7];
          off += 8;
          continue;
        case 0x88e7: // 802.1ah PBB I-Tag: 4 bytes, then the customer MACs and EtherType
          return this.ether(d, off + 4, end, depth + 1);
        case 0x6558: // Transparent Ethernet Bridging (GRE, Geneve)
          return this.ether(d, off, end, depth + 1);
        case 0x8847: // MPLS unicast
        case 0x8848: // MPLS multicast
          return this.mpls(d, off, end, depth + 1);
        case 0x8864: // PPPoE session stage (RFC 2516 4)
          return this.pppoe(d, off, end, depth + 1);
        default:
          return this.skip('non-ip');
      }
    }
    return this.skip('too-many-vlan-tags');
  }

  /** RFC 3032 label stack; after the bottom-of-stack label the payload is guessed from its first nibble (RFC 4385). */
  private mpls(d: Uint8Array, off: number, end: number, depth: number): R {
    if (depth > MAX_ENCAP_DEPTH) return this.skip('encap-too-deep');
    for (let i = 0; ; i++) {
      if (off + 4 > end) return this.skip('truncated-link');
      const bos = d[off + 2] & 1;
      off += 4;
      if (bos) break;
      if (i >= MAX_MPLS_LABELS) return this.skip('malformed-mpls');
    }
    if (off >= end) return this.skip('truncated-link');
    const nibble = d[off] >> 4;
    if (nibble === 4 && (d[off] & 15) >= 5) return this.ipv4(d, off, end, depth);
    if (nibble === 6) return this.ipv6(d, off, end, depth);
    // Ethernet pseudowire (RFC 4448): with the control word (first nibble 0) or without.
    if (nibble === 0) return this.ether(d, off + 4, end, depth + 1);
    return this.ether(d, off, end, depth + 1);
  }

  /** PPPoE session header (RFC 2516): ver/type, code, session id, length; then a PPP protocol field. */
  private pppoe(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off + 6 > end) return this.skip('truncated-link');
    if (d[off] !== 0x11 || d[off + 1] !== 0) return this.skip('malformed-pppoe');
    const len = (d[off + 4] << 8) | d[off + 5];
    const pend = Math.min(end, off + 6 + len);
    return this.ppp(d, off + 6, pend, depth);
  }

  /** PPP protocol field (RFC 1661 2), possibly compressed to one byte (odd value). */
  private ppp(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off + 1 > end) return this.skip('truncated-link');
    let proto: number;
    if (d[off] & 1) {
      proto = d[off];
      off += 1;
    } else {
      if (off + 2 > end) return this.skip('truncated-link');
      proto = (d[off] << 8) | d[off + 1];
      off += 2;
    }
    switch (proto) {
      case 0x0021:
        return this.ipv4(d, off, end, depth);
      case 0x0057:
        return this.ipv6(d, off, end, depth);
      case 0x0281:
      case 0x0283:
        return this.mpls(d, off, end, depth + 1);
      default:
        return this.skip('non-ip');
    }
  }

  /** PPP with optional HDLC-like framing (RFC 1662: ff 03), or Cisco HDLC (0f/8f 00 + EtherType). */
  private pppFramed(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off + 2 > end) return this.skip('truncated-link');
    if (d[off] === 0xff && d[off + 1] === 0x03) return this.ppp(d, off + 2, end, depth);
    if ((d[off] === 0x0f || d[off] === 0x8f) && d[off + 1] === 0) {
      if (off + 4 > end) return this.skip('truncated-link');
      return this.ethType((d[off + 2] << 8) | d[off + 3], d, off + 4, end, depth);
    }
    return this.ppp(d, off, end, depth);
  }

  private loopback(d: Uint8Array, end: number, family: number): R {
    if (end < 4) return this.skip('truncated-link');
    switch (family) {
      case 2: // AF_INET everywhere
        return this.ipv4(d, 4, end, 0);
      case 10: // AF_INET6 on Linux
      case 24: // NetBSD, OpenBSD, BSD/OS
      case 28: // FreeBSD, DragonFly
      case 30: // macOS
        return this.ipv6(d, 4, end, 0);
      default:
        return this.skip('non-ip');
    }
  }

  private rawIp(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off >= end) return this.skip('truncated-ip');
    const v = d[off] >> 4;
    if (v === 4) return this.ipv4(d, off, end, depth);
    if (v === 6) return this.ipv6(d, off, end, depth);
    return this.skip('non-ip');
  }

  private sll(d: Uint8Array, off: number, end: number, hatype: number, proto: number): R {
    // ARPHRD_NETLINK (824) carries netlink messages; protocol 1 (802.3) and 4 (802.2) are not IP.
    if (hatype === 824) return this.skip('non-ip');
    if (proto === 0x0004) return this.llc(d, off, end, 0);
    if (hatype === 778 /* ARPHRD_IPGRE */) return this.gre(d, off, end, 1);
    return this.ethType(proto, d, off, end, 0);
  }

  /** NFLOG (LINKTYPE 239): 4-byte header then TLVs in host byte order; TLV type 9 (NFULA_PAYLOAD) is the IP packet. */
  private nflog(d: Uint8Array, end: number): R {
    if (end < 4) return this.skip('truncated-link');
    let p = 4;
    // Host byte order is not recorded: take little-endian unless only big-endian gives a sane first length.
    let le = true;
    if (p + 4 <= end) {
      const l = d[p] | (d[p + 1] << 8);
      const b = (d[p] << 8) | d[p + 1];
      if ((l < 4 || p + l > end) && b >= 4 && p + b <= end) le = false;
    }
    while (p + 4 <= end) {
      const len = le ? d[p] | (d[p + 1] << 8) : (d[p] << 8) | d[p + 1];
      const type = (le ? d[p + 2] | (d[p + 3] << 8) : (d[p + 2] << 8) | d[p + 3]) & 0x7fff;
      if (len < 4) return this.skip('malformed-nflog');
      if (type === 9) return this.rawIp(d, p + 4, Math.min(end, p + len), 0);
      p += (len + 3) & ~3;
    }
    return this.skip('non-ip');
  }

  /** Radiotap: little-endian length at 2; the Flags field (present bit 1) tells whether an FCS ends the frame. */
  private radiotap(d: Uint8Array, end: number): R {
    if (end < 8) return this.skip('truncated-link');
    const len = d[2] | (d[3] << 8);
    if (len < 8 || len > end) return this.skip('truncated-link');
    let p = 4;
    let present = (d[4] | (d[5] << 8) | (d[6] << 16) | (d[7] << 24)) >>> 0;
    const first = present;
    while (present & 0x80000000) {
      p += 4;
      if (p + 4 > len) return this.skip('malformed-radiotap');
      present = (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)) >>> 0;
    }
    p += 4;
    let fcs = false;
    if (first & 2) {
      if (first & 1) p = ((p + 7) & ~7) + 8; // TSFT, 8-byte aligned
      if (p < len) fcs = (d[p] & 0x10) !== 0;
    }
    return this.wlan(d, len, fcs ? end - 4 : end);
  }

  /** IEEE 802.11 data frames with LLC/SNAP; protected (encrypted) frames cannot be decoded. */
  private wlan(d: Uint8Array, off: number, end: number): R {
    if (off + 24 > end) return this.skip('truncated-link');
    const fc0 = d[off];
    const fc1 = d[off + 1];
    if (((fc0 >> 2) & 3) !== 2) return this.skip('non-ip'); // management/control frame
    const subtype = fc0 >> 4;
    if (subtype & 4) return this.skip('non-ip'); // null data, no body
    if (fc1 & 0x40) return this.skip('encrypted-80211');
    let hdr = 24;
    if ((fc1 & 3) === 3) hdr += 6; // four-address (WDS)
    if (subtype & 8) {
      hdr += 2; // QoS control
      if (off + hdr > end) return this.skip('truncated-link');
      if (d[off + hdr - 2] & 0x80) return this.skip('non-ip'); // A-MSDU aggregate: not unpacked
      if (fc1 & 0x80) hdr += 4; // HT control
    }
    return this.llc(d, off + hdr, end, 0);
  }

  // ---- network layer ----

  private ipv4(d: Uint8Array, off: number, end: number, depth: number): R {
    if (depth > MAX_ENCAP_DEPTH) return this.skip('encap-too-deep');
    if (off + 20 > end) return this.skip('truncated-ip');
    const vi = d[off];
    if (vi >> 4 !== 4) return this.skip('malformed-ip');
    const ihl = (vi & 15) << 2;
    if (ihl < 20) return this.skip('malformed-ip');
    if (off + ihl > end) return this.skip('truncated-ip');
    let total = (d[off + 2] << 8) | d[off + 3];
    // Total length 0: a TSO/GSO segment captured before the NIC filled it in; trust the captured length.
    if (total === 0) total = end - off;
    else if (total < ihl) return this.skip('malformed-ip');
    // The packet ends at its length (trimming Ethernet padding and trailers), or where the snaplen cut it.
    const ipEnd = Math.min(end, off + total);
    const missing = off + total - ipEnd;
    const s4 = this.src4;
    const d4 = this.dst4;
    for (let i = 0; i < 4; i++) {
      s4[i] = d[off + 12 + i];
      d4[i] = d[off + 16 + i];
    }
    this.ipVer = 4;
    const proto = d[off + 9];
    const frag = (d[off + 6] << 8) | d[off + 7];
    if (frag & 0x3fff) {
      // MF set or a non-zero offset (RFC 791 3.2).
      if (missing > 0) return this.skip('fragment-truncated');
      const key = fragmentKey(d, [off + 12, 8, off + 4, 2, proto]);
      const data = this.frags.add(key, (frag & 0x1fff) << 3, (frag & 0x2000) !== 0, d.subarray(off + ihl, ipEnd), this.ts);
      if (data === null) return this.skip('fragment-pending');
      return this.transport(proto, data, 0, data.length, 0, depth);
    }
    return this.transport(proto, d, off + ihl, ipEnd, missing, depth);
  }

  private ipv6(d: Uint8Array, off: number, end: number, depth: number): R {
    if (depth > MAX_ENCAP_DEPTH) return this.skip('encap-too-deep');
    if (off + 40 > end) return this.skip('truncated-ip');
    if (d[off] >> 4 !== 6) return this.skip('malformed-ip');
    const plen = (d[off + 4] << 8) | d[off + 5];
    // Payload length 0: a jumbogram (RFC 2675) or a GSO segment; trust the captured length.
    const total = plen === 0 ? end - off : 40 + plen;
    const ipEnd = Math.min(end, off + total);
    const missing = off + total - ipEnd;
    const s6 = this.src6;
    const d6 = this.dst6;
    for (let i = 0; i < 16; i++) {
      s6[i] = d[off + 8 + i];
      d6[i] = d[off + 24 + i];
    }
    this.ipVer = 6;
    return this.ipv6Walk(d[off + 6], d, off + 40, ipEnd, missing, depth, 0, off);
  }

  /** RFC 8200 4: extension headers until an upper-layer protocol. `ipOff` is the IPv6 header (for fragment keys). */
  private ipv6Walk(nh: number, d: Uint8Array, p: number, ipEnd: number, missing: number, depth: number, n: number, ipOff: number): R {
    for (; n < MAX_IPV6_EXT_HEADERS; n++) {
      switch (nh) {
        case 0: // hop-by-hop options
        case 43: // routing
        case 60: // destination options
        case 135: // mobility
        case 139: // HIP
        case 140: // shim6
        case 51: {
          // AH (RFC 4302 2.2) counts its length in 4-byte units minus 2; the others in 8-byte units minus 1.
          if (p + 2 > ipEnd) return this.skip(missing > 0 ? 'truncated-ip' : 'malformed-ip');
          const len = nh === 51 ? (d[p + 1] + 2) << 2 : (d[p + 1] + 1) << 3;
          nh = d[p];
          p += len;
          if (p > ipEnd) return this.skip(missing > 0 ? 'truncated-ip' : 'malformed-ip');
          continue;
        }
        case 44: {
          // Fragment header (RFC 8200 4.5): next header, reserved, offset(13) res(2) M(1), identification(32).
          if (p + 8 > ipEnd) return this.skip(missing > 0 ? 'truncated-ip' : 'malformed-ip');
          const next = d[p];
          const fo = ((d[p + 2] << 8) | d[p + 3]) & 0xfff8;
          const more = (d[p + 3] & 1) !== 0;
          if (fo === 0 && !more) {
            // Atomic fragment (RFC 6946): process in isolation.
            nh = next;
            p += 8;
            continue;
          }
          if (missing > 0) return this.skip('fragment-truncated');
          if (ipOff < 0) return this.skip('malformed-ip'); // fragment header inside a reassembled datagram
          const key = fragmentKey(d, [ipOff + 8, 32, p + 4, 4, 0x100 | next]);
          const data = this.frags.add(key, fo, more, d.subarray(p + 8, ipEnd), this.ts);
          if (data === null) return this.skip('fragment-pending');
          return this.ipv6Walk(next, data, 0, data.length, 0, depth, n + 1, -1);
        }
        case 50:
          return this.skip('esp');
        case 59:
          return this.skip('no-next-header');
        default:
          return this.transport(nh, d, p, ipEnd, missing, depth);
      }
    }
    return this.skip('malformed-ip');
  }

  private transport(proto: number, d: Uint8Array, off: number, end: number, missing: number, depth: number): R {
    switch (proto) {
      case 6:
        return this.tcp(d, off, end, missing);
      case 17:
        return this.udp(d, off, end, missing, depth);
      case 47:
        return this.gre(d, off, end, depth + 1);
      case 4: // IPv4 in IP (RFC 2003)
        return this.ipv4(d, off, end, depth + 1);
      case 41: // IPv6 in IP (RFC 4213)
        return this.ipv6(d, off, end, depth + 1);
      case 51: {
        // IPv4 AH (RFC 4302): skip it, the payload follows in the clear.
        if (off + 2 > end || depth > MAX_ENCAP_DEPTH) return this.skip('malformed-ip');
        return this.transport(d[off], d, off + ((d[off + 1] + 2) << 2), end, missing, depth + 1);
      }
      case 1:
      case 58:
        return this.skip('icmp');
      case 50:
        return this.skip('esp');
      default:
        return this.skip('other-ip-proto');
    }
  }

  private setAddrs(): void {
    const p = this.pkt;
    if (this.ipVer === 4) {
      p.ipVersion = 4;
      p.src = this.src4;
      p.dst = this.dst4;
    } else {
      p.ipVersion = 6;
      p.src = this.src6;
      p.dst = this.dst6;
    }
  }

  private tcp(d: Uint8Array, off: number, end: number, missing: number): R {
    if (off + 20 > end) return this.skip(missing > 0 ? 'truncated-tcp' : 'malformed-tcp');
    const doff = (d[off + 12] >> 4) << 2;
    if (doff < 20) return this.skip('malformed-tcp');
    if (off + doff > end) return this.skip(missing > 0 ? 'truncated-tcp' : 'malformed-tcp');
    const p = this.pkt;
    p.kind = 'tcp';
    this.setAddrs();
    p.sport = (d[off] << 8) | d[off + 1];
    p.dport = (d[off + 2] << 8) | d[off + 3];
    p.seq = ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0;
    p.ack = ((d[off + 8] << 24) | (d[off + 9] << 16) | (d[off + 10] << 8) | d[off + 11]) >>> 0;
    p.flags = d[off + 13];
    p.payload = d.subarray(off + doff, end);
    p.missingBytes = missing;
    return p;
  }

  private udp(d: Uint8Array, off: number, end: number, missing: number, depth: number): R {
    if (off + 8 > end) return this.skip('truncated-udp');
    const len = (d[off + 4] << 8) | d[off + 5];
    const declEnd = end + missing;
    let udpEnd: number;
    if (len >= 8) udpEnd = Math.min(off + len, declEnd);
    else if (len === 0) udpEnd = declEnd; // jumbogram (RFC 2675 4) or GSO
    else return this.skip('malformed-udp');
    const capEnd = Math.min(end, udpEnd);
    const sport = (d[off] << 8) | d[off + 1];
    const dport = (d[off + 2] << 8) | d[off + 3];
    const body = off + 8;
    if (dport === VXLAN_PORT) {
      // RFC 7348 5: 8-byte header (flags with I bit, VNI), then an Ethernet frame.
      if (body + 8 > capEnd) return this.skip('truncated-tunnel');
      return this.ether(d, body + 8, capEnd, depth + 1);
    }
    if (dport === GENEVE_PORT) return this.geneve(d, body, capEnd, depth + 1);
    if (dport === VXLAN_GPE_PORT) return this.vxlanGpe(d, body, capEnd, depth + 1);
    const p = this.pkt;
    p.kind = 'udp';
    this.setAddrs();
    p.sport = sport;
    p.dport = dport;
    p.seq = 0;
    p.ack = 0;
    p.flags = 0;
    p.payload = d.subarray(body, capEnd);
    p.missingBytes = udpEnd - capEnd;
    return p;
  }

  // ---- tunnels ----

  /** Geneve (RFC 8926 3.4): ver(2) optlen(6, 4-byte words), flags, protocol type, VNI, reserved, options. */
  private geneve(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off + 8 > end) return this.skip('truncated-tunnel');
    if (d[off] >> 6 !== 0) return this.skip('malformed-tunnel');
    const hdr = 8 + ((d[off] & 0x3f) << 2);
    if (off + hdr > end) return this.skip('truncated-tunnel');
    return this.ethType((d[off + 2] << 8) | d[off + 3], d, off + hdr, end, depth);
  }

  /** VXLAN-GPE: the next-protocol byte (3) says IPv4 (1), IPv6 (2), Ethernet (3), MPLS (5). */
  private vxlanGpe(d: Uint8Array, off: number, end: number, depth: number): R {
    if (off + 8 > end) return this.skip('truncated-tunnel');
    switch (d[off + 3]) {
      case 1:
        return this.ipv4(d, off + 8, end, depth);
      case 2:
        return this.ipv6(d, off + 8, end, depth);
      case 3:
        return this.ether(d, off + 8, end, depth);
      case 5:
        return this.mpls(d, off + 8, end, depth);
      default:
        return this.skip('non-ip');
    }
  }

  /** GRE (RFC 2784/2890; version 1 is PPTP's enhanced GRE, RFC 2637 4.1), incl. ERSPAN I/II/III. */
  private gre(d: Uint8Array, off: number, end: number, depth: number): R {
    if (depth > MAX_ENCAP_DEPTH) return this.skip('encap-too-deep');
    if (off + 4 > end) return this.skip('truncated-tunnel');
    const f = (d[off] << 8) | d[off + 1];
    const proto = (d[off + 2] << 8) | d[off + 3];
    const ver = f & 7;
    let p = off + 4;
    if (ver === 1) {
      // Key (payload length + call id) always present; sequence (S, 0x1000) and ack (A, 0x0080) optional.
      p += 4;
      if (f & 0x1000) p += 4;
      if (f & 0x0080) p += 4;
      if (proto !== 0x880b) return this.skip('non-ip');
      if (p >= end) return this.skip(p === end ? 'non-ip' : 'truncated-tunnel'); // ack-only packet
      return this.pppFramed(d, p, end, depth);
    }
    if (ver !== 0) return this.skip('malformed-tunnel');
    if (f & 0x4000) return this.skip('gre-source-routing'); // RFC 1701 routing: obsolete, not followed
    if (f & 0x8000) p += 4; // checksum + reserved
    if (f & 0x2000) p += 4; // key
    const seq = (f & 0x1000) !== 0;
    if (seq) p += 4;
    if (p > end) return this.skip('truncated-tunnel');
    if (proto === 0x88be) {
      // ERSPAN type I has no sequence number and no header; type II (version 1) has an 8-byte header.
      if (seq) {
        if (p + 8 > end) return this.skip('truncated-tunnel');
        p += 8;
      }
      return this.ether(d, p, end, depth);
    }
    if (proto === 0x22eb) {
      // ERSPAN type III: 12-byte header; O bit (byte 11, bit 0) adds an 8-byte platform-specific subheader;
      // frame type FT (byte 10, bits 6..2) 0 is Ethernet.
      if (p + 12 > end) return this.skip('truncated-tunnel');
      const ft = (d[p + 10] >> 2) & 0x1f;
      const hdr = d[p + 11] & 1 ? 20 : 12;
      if (ft !== 0) return this.skip('non-ip');
      return this.ether(d, p + hdr, end, depth);
    }
    return this.ethType(proto, d, p, end, depth);
  }
}
