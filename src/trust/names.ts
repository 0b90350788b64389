import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** Reference identifier normalised for comparison: A-labels, lower case, no trailing dot (RFC 6125 §6.2.1). */
export function normalizeHost(host: string): string {
  let h = host.trim().replace(/\.$/, '');
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (isIP(h)) return h.toLowerCase();
  // U-labels become A-labels (RFC 5890); an unconvertible name is compared as given.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(h)) h = domainToASCII(h) || h;
  return h.toLowerCase();
}

/** Canonical bytes of an IPv4/IPv6 literal, for comparison with iPAddress SANs; null when not an IP. */
export function ipBytes(s: string): Uint8Array | null {
  const v = isIP(s);
  if (v === 4) return Uint8Array.from(s.split('.').map(Number));
  if (v !== 6) return null;
  let str = s;
  let tail: number[] = [];
  const m = str.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/); // IPv4-mapped / embedded form
  if (m) {
    const b = m[2]!.split('.').map(Number);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    str = m[1]!.endsWith('::') ? m[1]! : m[1]!.slice(0, -1);
  }
  const [l, r] = str.split('::') as [string, string | undefined];
  const left = l ? l.split(':').map((x) => parseInt(x, 16)) : [];
  const right = r !== undefined ? (r ? r.split(':').map((x) => parseInt(x, 16)) : []) : [];
  const fill = 8 - tail.length - left.length - right.length;
  const words = r !== undefined ? [...left, ...new Array(Math.max(0, fill)).fill(0), ...right, ...tail] : [...left, ...tail];
  if (words.length !== 8) return null;
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[i * 2] = w >> 8; out[i * 2 + 1] = w & 0xff; });
  return out;
}

/**
 * Match one presented DNS identifier (SAN dNSName, or CN when there is no SAN) against a reference host
 * (RFC 6125 §6.4). A wildcard is honoured only as the complete left-most label ("*.example.com"), matches
 * exactly one label, and needs at least two labels after it. Partial-label wildcards ("foo*.example.com",
 * "*oo.example.com"), which RFC 6125 §6.4.3 leaves to the client, are not matched: browsers and the CA/Browser
 * Forum forbid them, and Cisco clients do not accept them.
 */
export function matchDnsName(presented: string, host: string): boolean {
  const p = normalizeHost(presented);
  const h = normalizeHost(host);
  if (!p || !h) return false;
  if (!p.includes('*')) return p === h;
  if (!p.startsWith('*.') || p.indexOf('*', 1) !== -1) return false;
  const suffix = p.slice(1); // ".example.com"
  if (suffix.split('.').length < 3) return false; // "*.com": a wildcard over a public suffix-like single label
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

export interface NameCheck {
  matched: boolean;
  /** Which identifier matched, or what was compared. */
  by?: string;
  hostIsIp: boolean;
  /** DNS-type names the certificate holds (SAN dNSName, or CN when there is no SAN). */
  dnsNames: string[];
  ipNames: string[];
  usedCn: boolean;
}

/** Check a reference host against a certificate's SANs (CN only when no DNS/IP SAN exists, RFC 6125 §6.4.4). */
export function checkHostname(host: string, sans: { type: string; value: string }[], cn?: string): NameCheck {
  const h = normalizeHost(host);
  const dns = sans.filter((s) => s.type === 'dns').map((s) => s.value);
  const ips = sans.filter((s) => s.type === 'ip').map((s) => s.value);
  const usedCn = dns.length === 0 && ips.length === 0 && !!cn;
  const dnsNames = usedCn ? [cn!] : dns;
  const hb = ipBytes(h);
  if (hb) {
    // An IP reference identity matches only iPAddress SANs (RFC 6125 §6.4, RFC 5280 §4.2.1.6), never a dNSName.
    for (const ip of ips) {
      const b = ipBytes(ip);
      if (b && b.length === hb.length && b.every((x, i) => x === hb[i])) return { matched: true, by: ip, hostIsIp: true, dnsNames, ipNames: ips, usedCn };
    }
    return { matched: false, hostIsIp: true, dnsNames, ipNames: ips, usedCn };
  }
  for (const n of dnsNames) if (matchDnsName(n, h)) return { matched: true, by: n, hostIsIp: false, dnsNames, ipNames: ips, usedCn };
  return { matched: false, hostIsIp: false, dnsNames, ipNames: ips, usedCn };
}

/** Name constraint on DNS names (RFC 5280 §4.2.1.10): "example.com" permits it and any subdomain; ".example.com" only subdomains. */
export function dnsWithin(name: string, base: string): boolean {
  const n = normalizeHost(name).replace(/^\*\./, 'x.');
  const b = normalizeHost(base);
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith('.' + b);
}

/** rfc822Name constraint: a full mailbox, a host ("example.com") or a domain (".example.com"). */
export function emailWithin(addr: string, base: string): boolean {
  const a = addr.toLowerCase();
  const b = base.toLowerCase();
  if (b.includes('@')) return a === b;
  const host = a.slice(a.lastIndexOf('@') + 1);
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}
