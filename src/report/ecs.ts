/**
 * `scan --format ecs`: one event per handshake, one JSON object a line, in the Elastic Common Schema (ECS_VERSION),
 * for Elasticsearch/OpenSearch through Filebeat, Logstash or the bulk API. Only ECS fields are written outside
 * the `certshark` object, each with the type the ECS field reference gives it (test/fixtures/ecs lists them);
 * certshark's verdicts and notes go under `certshark.*`. Values follow the reference's examples and Packetbeat's
 * TLS output where ECS leaves the form open: hashes and serial numbers in upper-case hex, signature algorithms as
 * `SHA256-RSA`, curves as `nistp256`, certificate chains as the base64 body of each PEM (`MII…`), leaf first.
 *
 * tls.client.ja3 and tls.server.ja3s are the MD5 hex (as the reference's examples); ECS has no JA4 field, so JA4 is
 * certshark.ja4. tls.curve is the key exchange group (Zeek's names: x25519, secp256r1), tls.next_protocol the ALPN
 * protocol the server selected. Not written yet: tls.client.supported_ciphers and tls.resumed.
 */
import { isIP } from 'node:net';
import type { CertificateInfo, Handshake } from '../model.js';
import { parseCertificate, parseName } from '../x509/index.js';
import { pemToDer } from './export.js';
import { worstSeverity } from './severity.js';
import { zeekOfParsed } from './zeek-x509.js';

/** The ECS release whose field reference (generated/csv/fields.csv) the events follow. */
export const ECS_VERSION = '8.12.0';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
type Obj = { [k: string]: Json | undefined };

export function ecsEvent(h: Handshake, cert: (sha256: string) => CertificateInfo | undefined, version: string): string {
  const fatal = h.alerts.some((a) => a.level === 2);
  const tls: Obj = {
    version: h.version ? versionNumber(h.version) : undefined,
    version_protocol: h.version ? versionProtocol(h.version) : undefined,
    cipher: h.cipher,
    established: h.complete,
    curve: h.keyExchangeGroup,
    next_protocol: h.negotiatedAlpn,
    client: side(h.clientChain, cert, { server_name: h.sni, ja3: h.ja3 }),
    server: side(h.serverChain, cert, { ja3s: h.ja3s }),
  };
  const event: Obj = {
    '@timestamp': h.time,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'event',
      category: ['network'],
      type: ['connection', 'protocol'],
      module: 'certshark',
      dataset: 'certshark.tls',
      outcome: h.complete ? 'success' : fatal ? 'failure' : 'unknown',
    },
    source: { ip: h.client.ip, port: h.client.port },
    destination: { ip: h.server.ip, port: h.server.port },
    // ECS names the layer-4 protocol: QUIC handshakes are UDP (the QUIC version is certshark.quic_version).
    network: { transport: h.transport === 'quic' ? 'udp' : h.transport, type: isIP(h.client.ip) === 6 ? 'ipv6' : 'ipv4', protocol: 'tls' },
    tls,
    certshark: {
      version,
      handshake_id: h.id,
      ja4: h.ja4,
      severity: worstSeverity(h),
      verdicts: (h.verdicts ?? []).map((v) => ({ code: v.code, severity: v.severity, subject: v.subject, message: v.message, fix: v.fix })),
      notes: h.notes,
      start_tls: h.startTls,
      quic_version: h.quic?.version,
      encrypted: h.encrypted,
      first_frame: h.firstFrame,
      last_frame: h.lastFrame,
    },
  };
  return JSON.stringify(prune(event)) + '\n';
}

function side(chain: readonly string[], cert: (sha256: string) => CertificateInfo | undefined, extra: Obj): Obj {
  const infos = chain.map((s) => cert(s));
  const leaf = infos[0];
  const out: Obj = { ...extra };
  if (leaf && leaf.subject !== undefined) {
    out.x509 = x509(leaf);
    out.hash = { sha256: leaf.sha256.toUpperCase(), sha1: leaf.sha1.toUpperCase() };
  }
  if (infos.length && infos.every((c) => c?.pem)) out.certificate_chain = infos.map((c) => pemBody(c!.pem));
  return out;
}

function x509(c: CertificateInfo): Obj {
  const der = pemToDer(c.pem);
  const pc = parseCertificate(der);
  if (!pc.ok) return {};
  const z = zeekOfParsed(pc);
  return {
    subject: nameFields(pc.subjectRaw, c.subject),
    issuer: nameFields(pc.issuerRaw, c.issuer),
    not_before: c.notBefore || undefined,
    not_after: c.notAfter || undefined,
    alternative_names: c.sans.length ? c.sans.map((s) => s.value) : undefined,
    serial_number: c.serial ? c.serial.toUpperCase() : undefined,
    public_key_algorithm: KEY_ALG[c.key.type] ?? c.key.type,
    public_key_size: c.key.bits,
    public_key_curve: c.key.curve ? (CURVE[c.key.curve] ?? c.key.curve) : undefined,
    public_key_exponent: z.exponent !== undefined && Number.isSafeInteger(Number(z.exponent)) ? Number(z.exponent) : undefined,
    signature_algorithm: z.sigAlg ? (SIG_ALG[z.sigAlg] ?? z.sigAlg) : undefined,
    version_number: String(pc.version),
  };
}

function nameFields(raw: Uint8Array, dn: string): Obj {
  const attrs = parseName(raw).attrs;
  const all = (t: string) => {
    const v = attrs.filter((a) => a.type === t).map((a) => a.value);
    return v.length ? v : undefined;
  };
  return {
    distinguished_name: dn || undefined,
    common_name: all('CN'),
    country: all('C'),
    locality: all('L'),
    organization: all('O'),
    organizational_unit: all('OU'),
    state_or_province: all('ST'),
  };
}

const KEY_ALG: Record<string, string> = { RSA: 'RSA', 'RSA-PSS': 'RSA', EC: 'ECDSA', DSA: 'DSA', Ed25519: 'Ed25519', Ed448: 'Ed448' };
const CURVE: Record<string, string> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521', 'P-224': 'nistp224', 'P-192': 'nistp192' };
/** OpenSSL long names → the `SHA256-RSA` style of the ECS example (Go's crypto/x509 names, as Packetbeat writes). */
const SIG_ALG: Record<string, string> = {
  md2WithRSAEncryption: 'MD2-RSA', md5WithRSAEncryption: 'MD5-RSA', sha1WithRSAEncryption: 'SHA1-RSA', sha1WithRSA: 'SHA1-RSA',
  sha224WithRSAEncryption: 'SHA224-RSA', sha256WithRSAEncryption: 'SHA256-RSA', sha384WithRSAEncryption: 'SHA384-RSA',
  sha512WithRSAEncryption: 'SHA512-RSA', rsassaPss: 'RSAPSS', 'ecdsa-with-SHA1': 'ECDSA-SHA1', 'ecdsa-with-SHA224': 'ECDSA-SHA224',
  'ecdsa-with-SHA256': 'ECDSA-SHA256', 'ecdsa-with-SHA384': 'ECDSA-SHA384', 'ecdsa-with-SHA512': 'ECDSA-SHA512',
  dsaWithSHA1: 'DSA-SHA1', dsa_with_SHA256: 'DSA-SHA256', ED25519: 'Ed25519', ED448: 'Ed448',
};

/** "TLS 1.2" → 1.2, "SSL 3.0" → 3.0, "DTLS 1.2" → 1.2 (ECS: the numeric part). */
function versionNumber(v: string): string | undefined {
  return /(\d+\.\d+)/.exec(v)?.[1];
}

function versionProtocol(v: string): string | undefined {
  const m = /^(TLS|DTLS|SSL)\b/.exec(v);
  return m ? m[1]!.toLowerCase() : undefined;
}

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** Drops unset values and objects left empty, so every field written has a value of its type. */
function prune(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      out[k] = v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? prune(x as Obj) : x));
      continue;
    }
    if (typeof v === 'object') {
      const p = prune(v as Obj);
      if (Object.keys(p).length) out[k] = p;
      continue;
    }
    out[k] = v;
  }
  return out;
}
