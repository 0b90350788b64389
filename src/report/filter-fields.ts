/**
 * The fields of the filter language: one table (name, type, what it holds, an example) that the parser, its error
 * messages and the field listing of `--help` and the README all read.
 *
 * A Wireshark name means here what it would mean on the packets of the handshake, as far as the model knows it:
 * `ip.src` is the client (it sent the ClientHello), `ip.dst` the server, `tls.handshake.type == 11` says a
 * Certificate message was read, `x509sat.*` are the name strings of the certificates both sides sent. A field may
 * hold several values (`ip.addr` holds both ends): `==` and the ordering operators are true when any value is,
 * `!=` is `not ==` (Wireshark 4's reading: `ip.addr != 10.0.0.1` leaves out every handshake with that address at
 * either end), and a field with no value (no SNI) is false for every comparison but `!=`.
 *
 * Unlike Wireshark, text comparisons ignore case (`==` and `contains` as well as `matches`): DNS names, verdict
 * codes and alert names are case-insensitive anyway, and certshark's filter always was.
 */
import { BlockList, isIP } from 'node:net';
import type { CertificateInfo, Handshake, Severity } from '../model.js';
import { alertLevelName, alertName, cipherName, handshakeTypeName, versionName } from '../tls/names.js';
import { FilterError, type CompareOp } from './filter-lexer.js';
import { SEVERITY_RANK, worstVerdictSeverity } from './severity.js';
import { chainNames, VERDICT_CODE_LIST, type CertLookup, type HandshakePredicate } from './filter-words.js';

/** A value as typed after an operator or a short keyword (quotes removed), with where it stands. */
export interface Literal {
  text: string;
  start: number;
  end: number;
}

export interface FilterField {
  name: string;
  /** What its values are, for the listing and the error messages: `IPv4 address`, `port`, `text`, ... */
  type: string;
  description: string;
  /** A whole expression using it. */
  example: string;
  /**
   * certshark's short form, `port 7001` or `sni vpn`: the keyword takes the next word as its value, compared with
   * this operator. The six keywords of the first filter language have it, and need a value.
   */
  short?: '==' | 'contains';
  /** A Wireshark (dotted) name: alone, it tests that the field has a value. */
  wireshark: boolean;
  exists: HandshakePredicate;
  /** `field op literal`; throws FilterError (at the operator or at the literal) when they do not fit. */
  compare(op: CompareOp, opAt: { start: number; end: number }, lit: Literal): HandshakePredicate;
}

type Values<V> = (h: Handshake, certs: CertLookup) => readonly V[];

/** How the values of a type are compared with a literal. */
interface Kind<V> {
  type: string;
  /** The test `==` applies to each value (and `!=` negates, and `in` ORs). */
  equal(lit: Literal, field: string): (v: V) => boolean;
  /** The ordering operators, for ordered types. */
  order?(op: '<' | '<=' | '>' | '>=', lit: Literal, field: string): (v: V) => boolean;
  /** The text `contains` and `matches` look at, for types that have one. */
  text?(v: V): string;
}

interface Spec<V> {
  name: string;
  kind: Kind<V>;
  values: Values<V>;
  description: string;
  example: string;
  short?: '==' | 'contains';
}

function field<V>(s: Spec<V>): FilterField {
  const { kind, values, name } = s;
  return {
    name,
    type: kind.type,
    description: s.description,
    example: s.example,
    short: s.short,
    wireshark: name.includes('.'),
    exists: (h, c) => values(h, c).length > 0,
    compare(op, opAt, lit) {
      switch (op) {
        case '==': {
          const m = kind.equal(lit, name);
          return (h, c) => values(h, c).some(m);
        }
        case '!=': {
          const m = kind.equal(lit, name);
          return (h, c) => !values(h, c).some(m);
        }
        case 'contains':
        case 'matches': {
          const text = kind.text;
          if (!text) throw new FilterError(`'${op}' looks into text; ${name} is a ${kind.type} (compare it with == or !=)`, opAt.start, opAt.end);
          if (op === 'contains') {
            const w = lit.text.toLowerCase();
            return (h, c) => values(h, c).some((v) => text(v).toLowerCase().includes(w));
          }
          const re = regex(lit);
          return (h, c) => values(h, c).some((v) => re.test(text(v)));
        }
        default: {
          if (!kind.order) throw new FilterError(`'${op}' orders numbers; ${name} is a ${kind.type} (compare it with == or !=)`, opAt.start, opAt.end);
          const m = kind.order(op, lit, name);
          return (h, c) => values(h, c).some(m);
        }
      }
    },
  };
}

/** Wireshark's `matches`: a regular expression (here JavaScript's), case-insensitive. */
function regex(lit: Literal): RegExp {
  try {
    return new RegExp(lit.text, 'i');
  } catch (e) {
    // V8 says "Invalid regular expression: /(/i: Unterminated group"; the reason is the part after the pattern.
    const reason = e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(e);
    throw new FilterError(`bad regular expression '${lit.text}': ${reason}`, lit.start, lit.end);
  }
}

// ---- types ----

function parseUint(lit: Literal, field: string, max: number): number {
  const t = lit.text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a whole number' : `a number from 0 to ${max}`;
    throw new FilterError(`'${field}' needs ${range}, not '${lit.text}'`, lit.start, lit.end);
  }
  return n;
}

function orderTest(op: '<' | '<=' | '>' | '>=', n: number): (v: number) => boolean {
  switch (op) {
    case '<': return (v) => v < n;
    case '<=': return (v) => v <= n;
    case '>': return (v) => v > n;
    default: return (v) => v >= n;
  }
}

function uint(type: string, max: number): Kind<number> {
  return {
    type,
    equal: (lit, f) => {
      const n = parseUint(lit, f, max);
      return (v) => v === n;
    },
    order: (op, lit, f) => orderTest(op, parseUint(lit, f, max)),
  };
}

/** `frame.number`: a handshake spans its first to its last frame; any frame number in that range is "its". */
const FRAMES: Kind<readonly [number, number]> = {
  type: 'frame range',
  equal: (lit, f) => {
    const n = parseUint(lit, f, Number.MAX_SAFE_INTEGER);
    return ([lo, hi]) => lo <= n && n <= hi;
  },
  order: (op, lit, f) => {
    const n = parseUint(lit, f, Number.MAX_SAFE_INTEGER);
    // Some frame of the range is below (above) n exactly when its first (last) frame is.
    const t = orderTest(op, n);
    return op === '<' || op === '<=' ? ([lo]) => t(lo) : ([, hi]) => t(hi);
  },
};

const TEXT: Kind<string> = {
  type: 'text',
  equal: (lit) => {
    const w = lit.text.toLowerCase();
    return (v) => v.toLowerCase() === w;
  },
  text: (v) => v,
};

/**
 * Addresses, compared by node:net's BlockList (so `fd00:0::1` equals `fd00::1`), family by family: an IPv4
 * literal or prefix matches IPv4 ends only and an IPv6 one IPv6 ends only. BlockList itself would let the IPv4
 * rule 10.0.0.0/8 match the IPv4-mapped ::ffff:10.0.0.1 and ::/0 match every IPv4 address; here an IPv4-mapped
 * address is what the capture says it is, an IPv6 end (as in Wireshark, where that packet has ipv6.addr and no
 * ip.addr), so write `ipv6.addr == ::ffff:10.0.0.0/104` to find one. `prefix` allows certshark's older spelling,
 * a text prefix ending in a dot or a colon (`ip 10.77.`).
 */
function address(family: 4 | 6 | 0, prefix: boolean): Kind<string> {
  const type = family === 4 ? 'IPv4 address' : family === 6 ? 'IPv6 address' : 'address';
  return {
    type,
    equal: (lit, f) => {
      const t = lit.text.trim().toLowerCase();
      if (prefix && (/^[0-9]+(\.[0-9]+)*\.$/.test(t) || /^[0-9a-f:]*:$/.test(t))) return (v) => v.toLowerCase().startsWith(t);
      const slash = t.indexOf('/');
      const addr = slash < 0 ? t : t.slice(0, slash);
      const bits = slash < 0 ? undefined : t.slice(slash + 1);
      const fam = isIP(addr);
      const example = family === 6 ? 'fd00::1 or fd00::/8' : family === 4 ? '10.77.0.1 or 10.77.0.0/24' : '10.77.0.1, 10.77.0.0/24, fd00::/8';
      if (fam === 0 || addr.includes('%')) {
        const more = prefix ? `, or a prefix ending in '.' or ':' such as 10.77.` : '';
        throw new FilterError(`'${f}' needs an address or CIDR prefix (${example}${more}), not '${lit.text}'`, lit.start, lit.end);
      }
      if (family !== 0 && fam !== family) {
        const other = family === 4 ? f.replace(/^ip\./, 'ipv6.') : f.replace(/^ipv6\./, 'ip.');
        throw new FilterError(`'${lit.text}' is an IPv${fam} address and ${f} holds IPv${family} addresses (use ${other})`, lit.start, lit.end);
      }
      const max = fam === 4 ? 32 : 128;
      if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max)) {
        throw new FilterError(`'${lit.text}': the prefix length after '/' must be 0 to ${max}`, lit.start, lit.end);
      }
      const list = new BlockList();
      const ft = fam === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) list.addAddress(addr, ft);
      else list.addSubnet(addr, Number(bits), ft);
      // A capture repeats a few addresses many times, and BlockList parses the string on every check (about 1 µs):
      // the answers are kept per address, bounded, so the view refilters 100,000 handshakes at typing speed.
      const seen = new Map<string, boolean>();
      return (v) => {
        let r = seen.get(v);
        if (r === undefined) {
          r = isIP(v) === fam && list.check(v, ft);
          if (seen.size >= 65536) seen.clear();
          seen.set(v, r);
        }
        return r;
      };
    },
  };
}

/**
 * Values that have a number and a name (cipher suites, versions, alert descriptions): a literal is either, the
 * number turned into the name the report shows (tls/names.ts), so `== 48` and `== unknown_ca` are one test. A
 * name the registry does not know is an error rather than a filter that can never match.
 */
function named(type: string, max: number, namer: (n: number) => string, known: () => ReadonlyMap<string, string>, norm: (s: string) => string = (s) => s.toLowerCase()): Kind<string> {
  return {
    type,
    equal: (lit, f) => {
      const t = lit.text.trim();
      let want: string;
      if (/^(\d+|0x[0-9a-f]+)$/i.test(t)) {
        want = norm(namer(parseUint(lit, f, max)));
      } else {
        want = norm(t);
        if (!known().has(want)) {
          const all = [...known().values()];
          const near = nearest(t, all, 3);
          const hint = near.length ? ` (did you mean ${orList(near)}?)` : all.length <= 8 ? ` (${orList(all)})` : '';
          throw new FilterError(`'${f}': unknown ${type} '${lit.text}'${hint}`, lit.start, lit.end);
        }
      }
      return (v) => norm(v) === want;
    },
    text: (v) => v,
  };
}

/** Names of a registry from its namer, leaving out what it prints for unknown values. */
function registry(max: number, namer: (n: number) => string, unknown: RegExp, extra: string[] = []): () => ReadonlyMap<string, string> {
  let m: Map<string, string> | undefined;
  return () => {
    if (!m) {
      m = new Map();
      for (let n = 0; n <= max; n++) {
        const s = namer(n);
        if (!unknown.test(s)) m.set(s.toLowerCase(), s);
      }
      for (const s of extra) m.set(s.toLowerCase(), s);
    }
    return m;
  };
}

/** "TLS 1.2", "tls1.2" and "TLSv1.2" are one version. */
const normVersion = (s: string): string => s.toLowerCase().replace(/\s+/g, '').replace(/^(d?tls|ssl)v/, '$1');
const VERSIONS = (() => {
  const r = registry(0xffff, versionName, /^0x/);
  let m: Map<string, string> | undefined;
  return () => (m ??= new Map([...r()].map(([, s]) => [normVersion(s), s])));
})();
const CIPHERS = registry(0xffff, cipherName, /^0x/);
const ALERTS = registry(255, alertName, /^unknown\(/);
const ALERTS_OR_ENCRYPTED = registry(255, alertName, /^unknown\(/, ['encrypted']);
const LEVELS = registry(255, alertLevelName, /^unknown\(/);
const HS_TYPES = registry(255, handshakeTypeName, /^handshake type /);

const SEVERITY_WORDS: Record<string, Severity> = { error: 'error', bad: 'error', warning: 'warning', warn: 'warning', ok: 'ok', info: 'info' };

function severityOf(lit: Literal, f: string): Severity {
  const s = SEVERITY_WORDS[lit.text.trim().toLowerCase()];
  if (!s) throw new FilterError(`'${f}' is error, warning, ok or info, not '${lit.text}'`, lit.start, lit.end);
  return s;
}

/** The worst verdict, ordered info < ok < warning < error (SEVERITY_RANK). */
const SEVERITY: Kind<Severity> = {
  type: 'severity',
  equal: (lit, f) => {
    const s = severityOf(lit, f);
    return (v) => v === s;
  },
  order: (op, lit, f) => {
    const t = orderTest(op, SEVERITY_RANK[severityOf(lit, f)]);
    return (v) => t(SEVERITY_RANK[v]);
  },
};

/** Serial numbers as the report prints them (hex); `0x`, colons and leading zeros do not matter. */
const normSerial = (s: string): string => s.toLowerCase().replace(/^0x/, '').replace(/[:\s]/g, '').replace(/^0+(?=.)/, '');
const SERIAL: Kind<string> = {
  type: 'hex number',
  equal: (lit, f) => {
    const w = normSerial(lit.text);
    if (!/^[0-9a-f]+$/.test(w)) throw new FilterError(`'${f}' needs a serial number in hex (as the report prints it), not '${lit.text}'`, lit.start, lit.end);
    return (v) => normSerial(v) === w;
  },
  text: (v) => v,
};

/** Verdict codes: `==` must name one of src/trust/codes.ts. */
const CODE: Kind<string> = {
  type: 'verdict code',
  equal: (lit, f) => {
    const w = lit.text.trim().toLowerCase();
    if (!VERDICT_CODE_LIST.includes(w)) {
      const near = nearest(w, VERDICT_CODE_LIST, 3);
      throw new FilterError(`'${f}': unknown verdict code '${lit.text}'${near.length ? ` (did you mean ${orList(near)}?)` : ''}`, lit.start, lit.end);
    }
    return (v) => v === w;
  },
  text: (v) => v,
};

// ---- values ----

const isV4 = (ip: string) => isIP(ip) === 4;
const isV6 = (ip: string) => isIP(ip) === 6;
const ends = (h: Handshake): string[] => [h.client.ip, h.server.ip];
/** UDP ports are those of DTLS and of QUIC handshakes (QUIC runs over UDP). */
const ports = (transport: 'tcp' | 'udp', which: 'both' | 'src' | 'dst'): Values<number> => (h) =>
  (transport === 'udp' ? h.transport === 'tcp' : h.transport !== 'tcp') ? [] : which === 'src' ? [h.client.port] : which === 'dst' ? [h.server.port] : [h.client.port, h.server.port];

function chainCerts(h: Handshake, certs: CertLookup): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  for (const sha of [...h.serverChain, ...h.clientChain]) {
    const c = certs.get(sha);
    if (c) out.push(c);
  }
  return out;
}

/** Attribute values of an RFC 4514 string (as src/tls/dn.ts writes them: `\,` and `\0A` escapes). */
export function dnValues(dn: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < dn.length) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) break;
    i = eq + 1;
    let v = '';
    while (i < dn.length && dn[i] !== ',' && dn[i] !== '+') {
      if (dn[i] === '\\' && i + 1 < dn.length) {
        const hex = dn.slice(i + 1, i + 3);
        if (/^[0-9a-f]{2}$/i.test(hex)) {
          v += String.fromCharCode(parseInt(hex, 16));
          i += 3;
        } else {
          v += dn[i + 1];
          i += 2;
        }
      } else {
        v += dn[i++];
      }
    }
    out.push(v);
    i++;
  }
  return out;
}

const nameStrings = new WeakMap<CertificateInfo, string[]>();
function certNameStrings(c: CertificateInfo): string[] {
  let v = nameStrings.get(c);
  if (!v) {
    v = [...dnValues(c.subject), ...dnValues(c.issuer)];
    nameStrings.set(c, v);
  }
  return v;
}

const sni: Values<string> = (h) => (h.sni !== undefined ? [h.sni] : []);
const alpn: Values<string> = (h) => h.alpn ?? [];
const ja3: Values<string> = (h) => (h.ja3 !== undefined ? [h.ja3] : []);
const ja3s: Values<string> = (h) => (h.ja3s !== undefined ? [h.ja3s] : []);
const version: Values<string> = (h) => (h.version !== undefined ? [h.version] : []);
const cipher: Values<string> = (h) => (h.cipher !== undefined ? [h.cipher] : []);
const worst: Values<Severity> = (h) => {
  const s = worstVerdictSeverity(h.verdicts);
  return s === undefined ? [] : [s];
};
const serials: Values<string> = (h, c) => chainCerts(h, c).map((x) => x.serial).filter((s) => s !== '');

/**
 * Handshake message types the model can vouch for: ClientHello and ServerHello when their frames were seen,
 * Certificate (11) when either side's Certificate message was read (also an empty one), CertificateRequest (13)
 * when the server asked. Others (ServerKeyExchange, Finished, ...) are not kept, so they never match; in TLS 1.3
 * without a key log the Certificate is encrypted and 11 does not match either.
 */
const handshakeTypes: Values<string> = (h) => {
  const t: string[] = [];
  if (h.frames?.clientHello !== undefined) t.push('ClientHello');
  if (h.frames?.serverHello !== undefined) t.push('ServerHello');
  if (
    h.serverChain.length > 0 || h.clientChain.length > 0 || h.clientSentEmptyCertificate ||
    h.frames?.serverCertificate !== undefined || h.frames?.clientCertificate !== undefined
  ) t.push('Certificate');
  if (h.certificateRequest) t.push('CertificateRequest');
  return t;
};

const VERSION_KIND = named('TLS version', 0xffff, versionName, VERSIONS, normVersion);
const CIPHER_KIND = named('cipher suite', 0xffff, cipherName, CIPHERS);

/** The table, Wireshark's names first. */
export const FILTER_FIELDS: readonly FilterField[] = [
  field({ name: 'ip.addr', kind: address(4, false), values: (h) => ends(h).filter(isV4), description: 'IPv4 address of either end', example: 'ip.addr == 10.77.0.0/24' }),
  field({ name: 'ip.src', kind: address(4, false), values: (h) => [h.client.ip].filter(isV4), description: 'IPv4 address of the client (it sent the ClientHello)', example: 'ip.src == 10.77.0.1' }),
  field({ name: 'ip.dst', kind: address(4, false), values: (h) => [h.server.ip].filter(isV4), description: 'IPv4 address of the server', example: 'ip.dst == 10.77.0.2' }),
  field({ name: 'ipv6.addr', kind: address(6, false), values: (h) => ends(h).filter(isV6), description: 'IPv6 address of either end', example: 'ipv6.addr == fd00::/8' }),
  field({ name: 'ipv6.src', kind: address(6, false), values: (h) => [h.client.ip].filter(isV6), description: 'IPv6 address of the client', example: 'ipv6.src == fd77::1' }),
  field({ name: 'ipv6.dst', kind: address(6, false), values: (h) => [h.server.ip].filter(isV6), description: 'IPv6 address of the server', example: 'ipv6.dst == fd77::2' }),
  field({ name: 'tcp.port', kind: uint('port', 65535), values: ports('tcp', 'both'), description: 'TCP port of either end', example: 'tcp.port == 7001' }),
  field({ name: 'tcp.srcport', kind: uint('port', 65535), values: ports('tcp', 'src'), description: 'TCP port of the client', example: 'tcp.srcport > 1023' }),
  field({ name: 'tcp.dstport', kind: uint('port', 65535), values: ports('tcp', 'dst'), description: 'TCP port of the server', example: 'tcp.dstport == 5061' }),
  field({ name: 'udp.port', kind: uint('port', 65535), values: ports('udp', 'both'), description: 'UDP (DTLS) port of either end', example: 'udp.port == 443' }),
  field({ name: 'udp.srcport', kind: uint('port', 65535), values: ports('udp', 'src'), description: 'UDP port of the client', example: 'udp.srcport > 1023' }),
  field({ name: 'udp.dstport', kind: uint('port', 65535), values: ports('udp', 'dst'), description: 'UDP port of the server', example: 'udp.dstport == 443' }),
  field({ name: 'tls.handshake.extensions_server_name', kind: TEXT, values: sni, description: 'SNI the client sent', example: 'tls.handshake.extensions_server_name contains "vpn"' }),
  field({ name: 'tls.handshake.type', kind: named('handshake message type', 255, handshakeTypeName, HS_TYPES), values: handshakeTypes, description: 'message seen: 1 ClientHello, 2 ServerHello, 11 Certificate (read, also an empty one), 13 CertificateRequest', example: 'tls.handshake.type == 13' }),
  field({ name: 'tls.handshake.version', kind: VERSION_KIND, values: version, description: 'negotiated version (from supported_versions when present, so TLS 1.3 is 0x0304), number or name', example: 'tls.handshake.version == 0x0304' }),
  field({ name: 'tls.handshake.ciphersuite', kind: CIPHER_KIND, values: cipher, description: 'negotiated cipher suite, number or name', example: 'tls.handshake.ciphersuite == 0xc030' }),
  field({ name: 'tls.handshake.extensions_alpn_str', kind: TEXT, values: alpn, description: 'ALPN protocols the client offered', example: 'tls.handshake.extensions_alpn_str == h2' }),
  field({ name: 'tls.handshake.ja3', kind: TEXT, values: ja3, description: 'JA3 of the ClientHello (MD5, hex)', example: 'tls.handshake.ja3 == 871a754af286dfb70c1b53c6887c62e0' }),
  field({ name: 'tls.handshake.ja3s', kind: TEXT, values: ja3s, description: 'JA3S of the ServerHello (MD5, hex)', example: 'tls.handshake.ja3s == ec74a5c51106f0419184d0dd08fb05bc' }),
  field({ name: 'tls.alert_message.desc', kind: named('alert', 255, alertName, ALERTS), values: (h) => h.alerts.filter((a) => !a.encrypted).map((a) => a.descriptionName), description: 'alert description, number or name (alerts read in the clear)', example: 'tls.alert_message.desc == unknown_ca' }),
  field({ name: 'tls.alert_message.level', kind: named('alert level', 255, alertLevelName, LEVELS), values: (h) => h.alerts.filter((a) => !a.encrypted).map((a) => a.levelName), description: 'alert level: 1 warning, 2 fatal', example: 'tls.alert_message.level == fatal' }),
  field({ name: 'x509sat.uTF8String', kind: TEXT, values: (h, c) => chainCerts(h, c).flatMap(certNameStrings), description: 'a subject or issuer name string (CN, O, OU, C, ...) of a certificate either side sent; the model does not keep the string type, so it is the same as x509sat.printableString', example: 'x509sat.uTF8String == "Example Test Lab"' }),
  field({ name: 'x509sat.printableString', kind: TEXT, values: (h, c) => chainCerts(h, c).flatMap(certNameStrings), description: 'the same as x509sat.uTF8String', example: 'x509sat.printableString == US' }),
  field({ name: 'x509ce.dNSName', kind: TEXT, values: (h, c) => chainCerts(h, c).flatMap((x) => (x.sans ?? []).filter((s) => s.type.toLowerCase() === 'dns').map((s) => s.value)), description: 'a DNS name in a subjectAltName of a certificate either side sent', example: 'x509ce.dNSName matches "^expe[0-9]"' }),
  field({ name: 'x509af.serialNumber', kind: SERIAL, values: serials, description: 'serial number of a certificate either side sent, in hex', example: 'x509af.serialNumber == 04cafb95691a85b1' }),
  field({ name: 'frame.number', kind: FRAMES, values: (h) => [[h.firstFrame, h.lastFrame] as const], description: 'a frame between the first and the last frame of the handshake', example: 'frame.number == 10' }),
  // certshark's own words
  field({ name: 'port', kind: uint('port', 65535), values: (h) => [h.client.port, h.server.port], short: '==', description: 'port of either end, TCP or UDP', example: 'port 7001' }),
  field({ name: 'transport', kind: TEXT, values: (h) => [h.transport], short: '==', description: "the handshake's transport: tcp, udp (DTLS) or quic", example: 'transport == quic' }),
  field({ name: 'ip', kind: address(0, true), values: ends, short: '==', description: "address of either end, IPv4 or IPv6; a CIDR prefix, or a text prefix ending in '.' or ':'", example: 'ip 10.77.0.0/24' }),
  field({ name: 'host', kind: TEXT, values: (h, c) => [...sni(h, c), ...ends(h), ...chainNames(h, c, true)], short: 'contains', description: 'SNI, address, or certificate CN or SAN', example: 'host expe.example.test' }),
  field({ name: 'sni', kind: TEXT, values: sni, short: 'contains', description: 'SNI the client sent', example: 'sni vpn' }),
  field({ name: 'cn', kind: TEXT, values: (h, c) => chainNames(h, c, false), short: 'contains', description: 'subject CN of a certificate either side sent', example: 'cn "Issuing CA"' }),
  field({ name: 'code', kind: CODE, values: (h) => (h.verdicts ?? []).map((v) => v.code), short: '==', description: 'a verdict code of the handshake', example: 'code missing-intermediate' }),
  field({ name: 'severity', kind: SEVERITY, values: worst, description: 'the worst verdict: info < ok < warning < error', example: 'severity >= warning' }),
  field({ name: 'alert', kind: named('alert', 255, alertName, ALERTS_OR_ENCRYPTED), values: (h) => h.alerts.map((a) => a.descriptionName), description: "alert description, number or name ('encrypted' for an alert that could not be read)", example: 'alert == handshake_failure' }),
  field({ name: 'san', kind: TEXT, values: (h, c) => chainCerts(h, c).flatMap((x) => (x.sans ?? []).map((s) => s.value)), description: 'any subjectAltName value (DNS, IP, e-mail, URI) of a certificate either side sent', example: 'san contains expe2' }),
  field({ name: 'version', kind: VERSION_KIND, values: version, description: 'the same as tls.handshake.version', example: 'version == tls1.3' }),
  field({ name: 'cipher', kind: CIPHER_KIND, values: cipher, description: 'the same as tls.handshake.ciphersuite', example: 'cipher contains ECDSA' }),
  field({ name: 'alpn', kind: TEXT, values: alpn, description: 'the same as tls.handshake.extensions_alpn_str', example: 'alpn == h2' }),
  field({ name: 'ja4', kind: TEXT, values: (h) => (h.ja4 !== undefined ? [h.ja4] : []), description: 'JA4 of the ClientHello (tshark 4.0 has no JA4 field)', example: 'ja4 matches "^t13d"' }),
  field({ name: 'serial', kind: SERIAL, values: serials, description: 'the same as x509af.serialNumber', example: 'serial == 04cafb95691a85b1' }),
  field({ name: 'note', kind: TEXT, values: (h) => h.notes, description: 'a note on the handshake (truncation, gaps, limits hit)', example: 'note contains hello-verify' }),
];

const BY_NAME = new Map(FILTER_FIELDS.map((f) => [f.name.toLowerCase(), f]));

/** The field named `name` (any case); Wireshark's old `ssl.` names mean `tls.`, as they do in Wireshark. */
export function lookupField(name: string): FilterField | undefined {
  const n = name.toLowerCase();
  return BY_NAME.get(n) ?? (n.startsWith('ssl.') ? BY_NAME.get('tls.' + n.slice(4)) : undefined);
}

/**
 * First labels of the Wireshark names (`ip`, `tls`, `x509sat`, ...), and `ssl` and `dtls`: a lone dotted word
 * that starts with one of them and is not a field is taken for a mistyped field, not for free text.
 */
export const FIELD_PROTOCOLS: ReadonlySet<string> = new Set([
  ...FILTER_FIELDS.filter((f) => f.wireshark).map((f) => f.name.slice(0, f.name.indexOf('.')).toLowerCase()),
  'ssl',
  'dtls',
]);

/** The `n` candidates nearest to `word` by edit distance, closest first (ties: shorter first). */
export function nearest(word: string, candidates: readonly string[], n: number): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.ceil(w.length / 2));
  return candidates
    .map((c) => ({ c, d: editDistance(w, c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.length - b.c.length)
    .slice(0, n)
    .map((x) => x.c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function orList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

/** The field table as aligned lines (name, type, description), for `--help` and the README. */
export function filterFieldLines(): string[] {
  const w = Math.max(...FILTER_FIELDS.map((f) => f.name.length));
  const t = Math.max(...FILTER_FIELDS.map((f) => f.type.length));
  return FILTER_FIELDS.map((f) => `${f.name.padEnd(w)}  ${f.type.padEnd(t)}  ${f.description}`);
}
