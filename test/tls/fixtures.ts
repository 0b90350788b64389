/**
 * Byte-exact builders for TLS/DTLS records and handshake messages (RFC 5246, RFC 8446, RFC 6347), so tests state
 * the wire format they exercise instead of pasting opaque hex.
 */
import { createHash } from 'node:crypto';
import type { Handshake } from '../../src/model.js';
import type { Dir, FlowInfo } from '../../src/tcp/types.js';
import { createTlsConsumer, type HandshakeMemo } from '../../src/tls/index.js';
import type { KeyProvider } from '../../src/tls/types.js';
import { concatBytes } from '../bytes.js';

export const u8 = (...a: number[]): Uint8Array => Uint8Array.from(a);
export const cat: (...parts: Uint8Array[]) => Uint8Array = concatBytes;
export const be = (v: number, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
};
export const vec = (n: 1 | 2 | 3, b: Uint8Array): Uint8Array => cat(be(b.length, n), b);
export const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A real self-signed P-256 certificate (CN=tls-test.example, O=Certshark Tests), made with openssl for these tests. */
export const CERT_A = Uint8Array.from(
  Buffer.from(
    'MIIBvjCCAWWgAwIBAgIUW2VRytpdNsrjbq86nd8JyfkYWtMwCgYIKoZIzj0EAwIwNTEZMBcGA1UEAwwQdGxzLXRlc3QuZXhhbXBsZTEYMBYGA1UECgwPQ2VydHNoYXJrIFRlc3RzMB4XDTI2MTEyMzExMTUxMloXDTM2MTEyMDExMTUxMlowNTEZMBcGA1UEAwwQdGxzLXRlc3QuZXhhbXBsZTEYMBYGA1UECgwPQ2VydHNoYXJrIFRlc3RzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEme9IL+f8s4D4RlTlz2JcytedwxMcuH6d2vpoeakJQz7aeXGANTvnpgI58dorHvUuIen3fFpT+bmOoRBzScHFHqNTMFEwHQYDVR0OBBYEFCKQ5brlpqlv5zxU8h1gVUYG8XQ6MB8GA1UdIwQYMBaAFCKQ5brlpqlv5zxU8h1gVUYG8XQ6MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgZZu8weTucIYvQnogBImFr6UuNPBmDGO/elXa5V3O1xkCIATZg0/y0m0wYhkl0obw+lqWH3nVMzO6cnXD4ZF4v4p0',
    'base64',
  ),
);
export const CERT_A_SHA256 = 'c7f067d32f00d0cebbb298a7470cc178d57ac6924a618785a34f71343bcaef5e';
/** Opaque stand-ins: the TLS stage treats certificate DER as bytes; these distinguish chain order. */
export const CERT_B = cat(u8(0x30, 0x82, 0x01, 0x00), new Uint8Array(256).fill(0xbb));
export const CERT_C = cat(u8(0x30, 0x81, 0x80), new Uint8Array(128).fill(0xcc));

export const record = (type: number, version: number, body: Uint8Array): Uint8Array =>
  cat(u8(type, version >> 8, version & 0xff), be(body.length, 2), body);
export const hs = (type: number, body: Uint8Array): Uint8Array => cat(u8(type), be(body.length, 3), body);
export const ext = (type: number, data: Uint8Array): Uint8Array => cat(be(type, 2), vec(2, data));

export const RANDOM_C = new Uint8Array(32).map((_, i) => i + 1);
export const RANDOM_S = new Uint8Array(32).map((_, i) => 0xa0 + i);

export interface ClientHelloOpts {
  version?: number;
  random?: Uint8Array;
  sni?: string;
  alpn?: string[];
  supportedVersions?: number[];
  ciphers?: number[];
  dtlsCookie?: Uint8Array;
}

export function clientHelloBody(o: ClientHelloOpts = {}): Uint8Array {
  const exts: Uint8Array[] = [];
  if (o.sni !== undefined) exts.push(ext(0, vec(2, cat(u8(0), vec(2, ascii(o.sni))))));
  if (o.alpn) exts.push(ext(16, vec(2, cat(...o.alpn.map((a) => vec(1, ascii(a)))))));
  if (o.supportedVersions) exts.push(ext(43, vec(1, cat(...o.supportedVersions.map((v) => be(v, 2))))));
  const ciphers = o.ciphers ?? [0xc02f, 0x1301];
  return cat(
    be(o.version ?? 0x0303, 2),
    o.random ?? RANDOM_C,
    vec(1, new Uint8Array(0)),
    o.dtlsCookie ? vec(1, o.dtlsCookie) : new Uint8Array(0),
    vec(2, cat(...ciphers.map((c) => be(c, 2)))),
    vec(1, u8(0)),
    exts.length ? vec(2, cat(...exts)) : new Uint8Array(0),
  );
}

export function serverHelloBody(o: { version?: number; random?: Uint8Array; cipher?: number; selected?: number } = {}): Uint8Array {
  const exts = o.selected !== undefined ? vec(2, ext(43, be(o.selected, 2))) : new Uint8Array(0);
  return cat(be(o.version ?? 0x0303, 2), o.random ?? RANDOM_S, vec(1, new Uint8Array(32).fill(7)), be(o.cipher ?? 0xc02f, 2), u8(0), exts);
}

export const certificateBody = (ders: Uint8Array[]): Uint8Array => vec(3, cat(...ders.map((d) => vec(3, d))));
export const certificateBody13 = (ders: Uint8Array[], ctx = new Uint8Array(0)): Uint8Array =>
  cat(vec(1, ctx), vec(3, cat(...ders.map((d) => cat(vec(3, d), vec(2, new Uint8Array(0)))))));

/** DER encoding of a Name from [oid, value] RDNs (UTF8String values). */
export function derName(rdns: [string, string][]): Uint8Array {
  const tlv = (tag: number, v: Uint8Array): Uint8Array =>
    v.length < 128 ? cat(u8(tag, v.length), v) : cat(u8(tag, 0x81, v.length), v);
  const oid = (s: string): Uint8Array => {
    const p = s.split('.').map(Number);
    const out = [p[0]! * 40 + p[1]!];
    for (const n of p.slice(2)) {
      const b: number[] = [n & 0x7f];
      for (let x = n >> 7; x > 0; x >>= 7) b.unshift((x & 0x7f) | 0x80);
      out.push(...b);
    }
    return tlv(6, Uint8Array.from(out));
  };
  return tlv(0x30, cat(...rdns.map(([o, v]) => tlv(0x31, tlv(0x30, cat(oid(o), tlv(0x0c, ascii(v))))))));
}

export const CCS = (v = 0x0303): Uint8Array => record(20, v, u8(1));
export const ALERT = (level: number, desc: number, v = 0x0303): Uint8Array => record(21, v, u8(level, desc));

/** A complete TLS 1.2 full handshake with a server chain, as two direction streams in send order. */
export function tls12Flow(opts: { chain?: Uint8Array[]; sni?: string } = {}): { dir: Dir; bytes: Uint8Array }[] {
  const chain = opts.chain ?? [CERT_A, CERT_B];
  return [
    { dir: 0, bytes: record(22, 0x0301, hs(1, clientHelloBody({ sni: opts.sni ?? 'example.com', alpn: ['h2', 'http/1.1'] }))) },
    {
      dir: 1,
      bytes: record(22, 0x0303, cat(hs(2, serverHelloBody()), hs(11, certificateBody(chain)), hs(14, new Uint8Array(0)))),
    },
    { dir: 0, bytes: cat(record(22, 0x0303, hs(16, vec(1, new Uint8Array(65).fill(4)))), CCS(), record(22, 0x0303, new Uint8Array(40).fill(0xee))) },
    { dir: 1, bytes: cat(CCS(), record(22, 0x0303, new Uint8Array(40).fill(0xdd))) },
    { dir: 0, bytes: record(23, 0x0303, new Uint8Array(100).fill(0x55)) },
  ];
}

export const INFO: FlowInfo = {
  transport: 'tcp',
  a: { ip: '192.0.2.1', port: 50000 },
  b: { ip: '198.51.100.7', port: 443 },
  synSeen: true,
  firstFrame: 1,
  firstTs: 1_700_000_000,
};

export interface Run {
  handshakes: Handshake[];
  certs: Map<string, Uint8Array>;
  done: boolean;
}

/**
 * Feeds direction chunks (each chunk is one data() call, frames numbered from 1) and ends the flow. `split`
 * optionally cuts every chunk into smaller data() calls.
 */
export function run(
  steps: { dir: Dir; bytes: Uint8Array; gap?: number }[],
  o: { info?: FlowInfo; keys?: KeyProvider; split?: (b: Uint8Array) => Uint8Array[]; noEnd?: boolean; memo?: HandshakeMemo } = {},
): Run {
  const handshakes: Handshake[] = [];
  const certs = new Map<string, Uint8Array>();
  let id = 0;
  const c = createTlsConsumer(
    o.info ?? INFO,
    { handshake: (h, m) => (handshakes.push(h), m.forEach((v, k) => certs.set(k, v))) },
    { keys: o.keys, nextId: () => ++id, memo: o.memo },
  );
  let frame = 0;
  for (const s of steps) {
    frame++;
    if (s.gap) {
      c.gap(s.dir, s.gap, frame);
      continue;
    }
    const parts = o.split ? o.split(s.bytes) : [s.bytes];
    for (const p of parts) c.data(s.dir, p, frame, 1_700_000_000 + frame / 10);
  }
  const done = c.done;
  if (!o.noEnd) c.end('eof');
  return { handshakes, certs, done };
}
