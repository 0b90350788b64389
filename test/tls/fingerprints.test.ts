/**
 * JA4 against the worked example of the JA4 specification (FoxIO-LLC/ja4, technical_details/JA4.md): a ClientHello
 * built from its cipher, extension and signature-algorithm lists (the specification's pcaps with their expected
 * outputs are not at hand here), GREASE added where a real client sends it, which every part must ignore. JA3 and
 * JA3S are checked against tshark on real captures (fingerprints-tshark.test.ts); here only GREASE and the
 * empty-field forms of the JA3 string.
 */
import { describe, expect, it } from 'vitest';
import { FingerprintMemo } from '../../src/tls/fingerprint-memo.js';
import { ja3, ja3s, ja3String, ja3sString, ja4 } from '../../src/tls/fingerprints.js';
import { parseClientHello, parseEncryptedExtensionsAlpn, parseServerHello, type ClientHelloInfo } from '../../src/tls/hello-messages.js';
import { parseServerKeyExchangeGroup } from '../../src/tls/messages.js';
import { groupName } from '../../src/tls/names.js';
import { ascii, be, cat, ext, RANDOM_C, serverHelloBody, u8, vec } from './fixtures.js';

const list16 = (vs: number[]): Uint8Array => cat(...vs.map((v) => be(v, 2)));

/** The specification's example ClientHello: ciphers and extensions in its "original order" (JA4_ro). */
const CIPHERS = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
const EXTS = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015];
const SIGALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];

function extData(t: number, o: { sigAlgs: number[]; alpn: Uint8Array | null }): Uint8Array {
  switch (t) {
    case 0x0000: return vec(2, cat(u8(0), vec(2, ascii('example.com'))));
    case 0x0010: return o.alpn ? vec(2, vec(1, o.alpn)) : vec(2, new Uint8Array(0));
    case 0x000d: return vec(2, list16(o.sigAlgs));
    case 0x002b: return vec(1, list16([0x7a7a, 0x0304, 0x0303]));
    case 0x000a: return vec(2, list16([0x2a2a, 0x001d, 0x0017, 0x0018]));
    case 0x000b: return vec(1, u8(0));
    default: return new Uint8Array(0);
  }
}

function hello(o: { sigAlgs?: number[]; alpn?: Uint8Array | null; exts?: number[]; ciphers?: number[] } = {}): ClientHelloInfo {
  const opts = { sigAlgs: o.sigAlgs ?? [0x0a0a, ...SIGALGS], alpn: o.alpn === undefined ? ascii('h2') : o.alpn };
  const exts = (o.exts ?? [0x1a1a, ...EXTS, 0x3a3a]).map((t) => ext(t, extData(t, opts)));
  const body = cat(
    be(0x0303, 2),
    RANDOM_C,
    vec(1, new Uint8Array(0)),
    vec(2, list16(o.ciphers ?? [0x0a0a, ...CIPHERS])),
    vec(1, u8(0)),
    vec(2, cat(...exts)),
  );
  const r = parseClientHello(body, false);
  if (!r.ok) throw new Error(r.what);
  return r.value;
}

describe('JA4 (the specification example)', () => {
  it('t13d1516h2_8daaf6152771_e5627efa2ab1, GREASE ignored in ciphers, extensions, versions and signature algorithms', () => {
    expect(ja4(hello(), false)).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('no signature algorithms: the extension list alone, without the underscore (6d807ffa2a79)', () => {
    expect(ja4(hello({ sigAlgs: [] }), false).split('_')[2]).toBe('6d807ffa2a79');
  });

  it('DTLS, no SNI, no ALPN, no ciphers, no extensions', () => {
    expect(ja4(hello({ exts: EXTS.filter((t) => t !== 0 && t !== 0x10) }), true)).toMatch(/^d13i151400_8daaf6152771_/);
    expect(ja4(hello({ exts: [], ciphers: [] }), false)).toBe('t12i000000_000000000000_000000000000');
  });

  it('ALPN: first and last character, a single character twice, hex when either end is not alphanumeric', () => {
    const alpn = (b: number[] | string): string => ja4(hello({ alpn: typeof b === 'string' ? ascii(b) : Uint8Array.from(b) }), false).slice(8, 10);
    expect(alpn('http/1.1')).toBe('h1');
    expect(alpn('h')).toBe('hh');
    expect(alpn([0xab])).toBe('ab');
    expect(alpn([0xab, 0xcd])).toBe('ad');
    expect(alpn([0x30, 0xab])).toBe('3b');
    expect(alpn([0x30, 0x31, 0xab, 0xcd])).toBe('3d');
    expect(alpn([0x30, 0xab, 0xcd, 0x31])).toBe('01');
    expect(ja4(hello({ alpn: null }), false).slice(8, 10)).toBe('00');
  });

  it('counts stop at 99', () => {
    const many = Array.from({ length: 120 }, (_, i) => 0x0100 + i);
    expect(ja4(hello({ ciphers: many }), false).slice(4, 6)).toBe('99');
  });
});

describe('JA3 and JA3S strings', () => {
  it('GREASE removed from ciphers, extensions and groups; legacy_version, not supported_versions', () => {
    expect(ja3String(hello())).toBe(
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,' +
        '27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0',
    );
  });

  it('no extensions: empty fields keep their commas', () => {
    expect(ja3String(hello({ exts: [] }))).toBe('771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,,,');
  });

  it('JA3S: version, cipher, extensions of the ServerHello', () => {
    const r = parseServerHello(serverHelloBody({ cipher: 0x1301, selected: 0x0304 }));
    if (!r.ok) throw new Error(r.what);
    expect(ja3sString(r.value)).toBe('771,4865,43');
  });
});

describe('the server side: key exchange group, selected ALPN', () => {
  it('ServerHello key_share (51) and ALPN; the draft key_share number (40); ServerKeyExchange named_curve', () => {
    const body = (exts: Uint8Array[]) => cat(serverHelloBody({ cipher: 0x1301 }), vec(2, cat(...exts)));
    const ks = ext(51, cat(be(29, 2), vec(2, new Uint8Array(32))));
    const alpn = ext(16, vec(2, vec(1, ascii('h2'))));
    const r = parseServerHello(body([ks, alpn]));
    if (!r.ok) throw new Error(r.what);
    expect([r.value.keyShareGroup, r.value.alpn]).toEqual([29, 'h2']);
    const d = parseServerHello(body([ext(40, cat(be(24, 2), vec(2, new Uint8Array(97))))]));
    expect(d.ok && d.value.keyShareGroup).toBe(24);
    // A server's ALPN names exactly one protocol (RFC 7301 3.1): a list of two is no selection.
    const two = parseServerHello(body([ext(16, vec(2, cat(vec(1, ascii('h2')), vec(1, ascii('http/1.1')))))]));
    expect(two.ok && two.value.alpn).toBeUndefined();
    const ske = parseServerKeyExchangeGroup(cat(u8(3), be(23, 2), vec(1, new Uint8Array(65))));
    expect(ske.ok && ske.value).toBe(23);
    expect(groupName(23)).toBe('secp256r1');
    expect(groupName(0x1234)).toBe('unknown-4660');
  });

  it('EncryptedExtensions (TLS 1.3, read with a key log): the selected ALPN', () => {
    const ee = vec(2, cat(ext(10, vec(2, be(29, 2))), ext(16, vec(2, vec(1, ascii('http/1.1'))))));
    const r = parseEncryptedExtensionsAlpn(ee);
    expect(r.ok && r.value).toBe('http/1.1');
    const none = parseEncryptedExtensionsAlpn(vec(2, new Uint8Array(0)));
    expect(none.ok && none.value).toBeUndefined();
  });
});

describe('FingerprintMemo (the session remembers hellos already fingerprinted)', () => {
  // Each variant changes one input of one fingerprint; the memo has seen all the others first, so a key that left
  // that input out would hand back an earlier hello's value.
  const variants: [string, () => ClientHelloInfo, boolean, boolean?][] = [
    ['the example', () => hello(), false],
    ['the example over DTLS', () => hello(), true],
    ['the example over QUIC', () => hello(), false, true],
    ['ciphers reordered', () => hello({ ciphers: [...CIPHERS].reverse() }), false],
    ['one cipher fewer', () => hello({ ciphers: CIPHERS.slice(1) }), false],
    ['extensions reordered', () => hello({ exts: [...EXTS].reverse() }), false],
    ['no ALPN value', () => hello({ alpn: null }), false],
    ['another ALPN value', () => hello({ alpn: ascii('http/1.1') }), false],
    ['signature algorithms reordered', () => hello({ sigAlgs: [...SIGALGS].reverse() }), false],
    ['no signature algorithms', () => hello({ exts: EXTS.filter((t) => t !== 0x000d) }), false],
  ];

  it('gives what the fingerprint functions give, for every variant, seen once or again', () => {
    const memo = new FingerprintMemo();
    for (let round = 0; round < 2; round++) {
      for (const [what, make, dtls, quic] of variants) {
        const ch = make();
        expect(memo.client(ch, dtls, quic), `${what}, round ${round}`).toEqual({ ja3: ja3(ch), ja4: ja4(ch, dtls, quic) });
      }
    }
    const distinct = new Set(variants.map(([, make, dtls, quic]) => memo.client(make(), dtls, quic).ja3 + memo.client(make(), dtls, quic).ja4));
    expect(distinct.size).toBe(variants.length);
  });

  it('returns the kept result for a hello that differs only in its random (no fingerprint reads it)', () => {
    const memo = new FingerprintMemo();
    const a = hello();
    const b = { ...hello(), random: new Uint8Array(32).fill(7) };
    expect(memo.client(b, false)).toBe(memo.client(a, false));
  });

  it('JA3S: a memo hit only for the same version, cipher and extension list', () => {
    const memo = new FingerprintMemo();
    const bodies = [
      serverHelloBody({ cipher: 0xc02f }),
      serverHelloBody({ cipher: 0xc030 }),
      serverHelloBody({ cipher: 0xc02f, selected: 0x0304 }),
      serverHelloBody({ cipher: 0xc02f, version: 0x0302 }),
    ];
    for (let round = 0; round < 2; round++) {
      for (const body of bodies) {
        const r = parseServerHello(body);
        if (!r.ok) throw new Error(r.what);
        expect(memo.server(r.value)).toBe(ja3s(r.value));
      }
    }
  });
});
