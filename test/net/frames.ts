/** Frame builders for net decoder tests, each following the RFC / format named in its comment. */
import { concatBytes } from '../bytes.js';

export type Bytes = Uint8Array;

export const cat: (...parts: (Bytes | number[])[]) => Bytes = concatBytes;

export const be16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
export const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
export const text = (s: string): Bytes => new TextEncoder().encode(s);

export const MAC_A = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
export const MAC_B = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];
export const IP4_A = [10, 0, 0, 1];
export const IP4_B = [192, 0, 2, 7];
export const IP6_A = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
export const IP6_B = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/** TCP header (RFC 9293 3.1), data offset 5 plus `options` (multiple of 4 bytes). */
export function tcp(sport: number, dport: number, payload: Bytes, o: { seq?: number; ack?: number; flags?: number; options?: number[] } = {}): Bytes {
  const opts = o.options ?? [];
  const doff = 5 + opts.length / 4;
  return cat(be16(sport), be16(dport), be32(o.seq ?? 1000), be32(o.ack ?? 0), [doff << 4, o.flags ?? 0x18], be16(65535), [0, 0, 0, 0], opts, payload);
}

/** UDP header (RFC 768); `len` overrides the length field. */
export function udp(sport: number, dport: number, payload: Bytes, len?: number): Bytes {
  return cat(be16(sport), be16(dport), be16(len ?? 8 + payload.length), [0, 0], payload);
}

/** IPv4 header (RFC 791 3.1), no options unless given. */
export function ipv4(proto: number, payload: Bytes, o: { id?: number; mf?: boolean; fragOff?: number; totalLen?: number; src?: number[]; dst?: number[]; options?: number[] } = {}): Bytes {
  const opts = o.options ?? [];
  const ihl = 5 + opts.length / 4;
  const total = o.totalLen ?? ihl * 4 + payload.length;
  const frag = (o.mf ? 0x2000 : 0) | ((o.fragOff ?? 0) >> 3);
  return cat([0x40 | ihl, 0], be16(total), be16(o.id ?? 1), be16(frag), [64, proto, 0, 0], o.src ?? IP4_A, o.dst ?? IP4_B, opts, payload);
}

/** IPv6 header (RFC 8200 3); `payload` includes any extension headers. */
export function ipv6(nextHeader: number, payload: Bytes, o: { plen?: number; src?: number[]; dst?: number[] } = {}): Bytes {
  return cat([0x60, 0, 0, 0], be16(o.plen ?? payload.length), [nextHeader, 64], o.src ?? IP6_A, o.dst ?? IP6_B, payload);
}

/** A generic IPv6 extension header (RFC 8200 4.3 style): next header, length in 8-octet units minus 1. */
export function ext6(next: number, totalLen8: number): number[] {
  const a = new Array(totalLen8 * 8).fill(0);
  a[0] = next;
  a[1] = totalLen8 - 1;
  if (a.length > 2) a[2] = 1; // a PadN-ish byte; content is not interpreted
  return a;
}

/** IPv6 Fragment header (RFC 8200 4.5). */
export function frag6(next: number, offset: number, more: boolean, id: number): number[] {
  return [next, 0, ...be16(offset | (more ? 1 : 0)), ...be32(id)];
}

/** Ethernet II (IEEE 802.3 clause 3 with EtherType). */
export function eth(type: number, payload: Bytes): Bytes {
  return cat(MAC_A, MAC_B, be16(type), payload);
}

/** A tag in front of an EtherType: 802.1Q/802.1ad TCI. */
export function vlanTag(tpid: number, vid: number): number[] {
  return [...be16(tpid), ...be16(vid)];
}

/** MPLS label stack entry (RFC 3032 2.1). */
export function mplsLabel(label: number, bos: boolean): number[] {
  return [(label >>> 12) & 0xff, (label >>> 4) & 0xff, ((label & 0xf) << 4) | (bos ? 1 : 0), 64];
}

/** Pad an Ethernet frame to the 60-byte minimum (what a NIC appends and the capture keeps). */
export function padTo60(f: Bytes): Bytes {
  return f.length >= 60 ? f : cat(f, new Uint8Array(60 - f.length).fill(0xee));
}
