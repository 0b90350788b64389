/**
 * `scan --format zeek`: ssl.log and x509.log in Zeek's ASCII format with the Zeek 6/7 default field sets, so what
 * reads Zeek's default TSV logs (zeek-cut, RITA, Zeek's own input framework) takes certshark's as it takes Zeek's.
 * Pure functions of the model, one handshake at a time: the only state kept is the set of x509.log rows already
 * written, as Zeek keeps it (below): one entry per certificate and position, not per handshake.
 *
 * `curve` is the key exchange group (ServerKeyExchange named curve, TLS 1.3 key_share), `next_protocol` the ALPN
 * protocol the server selected. A field Zeek fills that the model cannot yet: `ssl_history` (the order of
 * handshake messages), written unset (`-`). `resumed` is derived: a TLS 1.2-or-earlier
 * handshake that completed without the server sending a certificate, on a cipher that needs one, was abbreviated.
 * `ts` is the time of the handshake's first TLS record (Zeek's is the connection's first packet).
 *
 * Added fields, after Zeek's: `validation_status` (the name of Zeek's policy/protocols/ssl/validate-certs field):
 * `ok`, or the code of the first error certshark found in the server's chain; `ja3` and `ja3s` (MD5 hex, the names
 * the JA3 Zeek package gives them) and `ja4` (the name of FoxIO's JA4 package); `certshark.id` (the handshake id of
 * certshark's other outputs), `certshark.severity` (the worst verdict), `certshark.verdicts` (the codes of the
 * warning and error verdicts, each once), `certshark.notes`.
 */
import { createHash } from 'node:crypto';
import type { CertificateInfo, Handshake, Verdict } from '../model.js';
import { matchDnsName } from '../trust/index.js';
import { worstSeverity } from './severity.js';
import { zeekCertificate, type ZeekCertificate } from './zeek-x509.js';
import { zeekFooter, zeekHeader, zeekLine, type ZeekField, type ZeekValue } from './zeek-log.js';

export const SSL_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'uid', type: 'string' },
  { name: 'id.orig_h', type: 'addr' },
  { name: 'id.orig_p', type: 'port' },
  { name: 'id.resp_h', type: 'addr' },
  { name: 'id.resp_p', type: 'port' },
  { name: 'version', type: 'string' },
  { name: 'cipher', type: 'string' },
  { name: 'curve', type: 'string' },
  { name: 'server_name', type: 'string' },
  { name: 'resumed', type: 'bool' },
  { name: 'last_alert', type: 'string' },
  { name: 'next_protocol', type: 'string' },
  { name: 'established', type: 'bool' },
  { name: 'ssl_history', type: 'string' },
  { name: 'cert_chain_fps', type: 'vector[string]' },
  { name: 'client_cert_chain_fps', type: 'vector[string]' },
  { name: 'sni_matches_cert', type: 'bool' },
  { name: 'validation_status', type: 'string' },
  { name: 'ja3', type: 'string' },
  { name: 'ja3s', type: 'string' },
  { name: 'ja4', type: 'string' },
  { name: 'certshark.id', type: 'count' },
  { name: 'certshark.severity', type: 'string' },
  { name: 'certshark.verdicts', type: 'vector[string]' },
  { name: 'certshark.notes', type: 'vector[string]' },
];

export const X509_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'fingerprint', type: 'string' },
  { name: 'certificate.version', type: 'count' },
  { name: 'certificate.serial', type: 'string' },
  { name: 'certificate.subject', type: 'string' },
  { name: 'certificate.issuer', type: 'string' },
  { name: 'certificate.not_valid_before', type: 'time' },
  { name: 'certificate.not_valid_after', type: 'time' },
  { name: 'certificate.key_alg', type: 'string' },
  { name: 'certificate.sig_alg', type: 'string' },
  { name: 'certificate.key_type', type: 'string' },
  { name: 'certificate.key_length', type: 'count' },
  { name: 'certificate.exponent', type: 'string' },
  { name: 'certificate.curve', type: 'string' },
  { name: 'san.dns', type: 'vector[string]' },
  { name: 'san.uri', type: 'vector[string]' },
  { name: 'san.email', type: 'vector[string]' },
  { name: 'san.ip', type: 'vector[addr]' },
  { name: 'basic_constraints.ca', type: 'bool' },
  { name: 'basic_constraints.path_len', type: 'count' },
  { name: 'host_cert', type: 'bool' },
  { name: 'client_cert', type: 'bool' },
];

export interface ZeekOptions {
  /**
   * Zeek logs a certificate once per (fingerprint, host_cert, client_cert) and day (X509::relog_known_certificates_after,
   * default 1 day; 0 turns it off). certshark does the same for the whole run; false logs every certificate of
   * every handshake, as Zeek with relog_known_certificates_after = 0secs.
   */
  dedupX509?: boolean;
}

/** Zeek's X509::known_log_certs_maximum_size: past it, certificates are logged again rather than remembered. */
const KNOWN_CERTS_MAX = 1_000_000;
/** Certificate views a writer keeps; past it they are made again. */
const VIEWS_MAX = 20_000;

export interface ZeekLines {
  ssl: string;
  x509: string;
}

export class ZeekLogWriter {
  private readonly known = new Set<string>();
  /** The Zeek view of each certificate, made once per writer (the same chains come back in every handshake). */
  private readonly views = new Map<string, ZeekCertificate>();
  private readonly dedup: boolean;
  constructor(opts: ZeekOptions = {}) {
    this.dedup = opts.dedupX509 !== false;
  }

  begin(open: Date = new Date()): ZeekLines {
    return { ssl: zeekHeader('ssl', SSL_FIELDS, open), x509: zeekHeader('x509', X509_FIELDS, open) };
  }

  handshake(h: Handshake, cert: (sha256: string) => CertificateInfo | undefined): ZeekLines {
    let x509 = '';
    const views = this.views;
    const view = (sha: string) => {
      let v = views.get(sha);
      if (!v) {
        const info = cert(sha);
        v = info ? zeekCertificate(info) : { hostNames: [] };
        if (views.size >= VIEWS_MAX) views.clear();
        views.set(sha, v);
      }
      return v;
    };
    const chains: Array<[readonly string[], boolean]> = [[h.serverChain, false], [h.clientChain, true]];
    for (const [chain, client] of chains) {
      chain.forEach((sha, i) => {
        const host = i === 0;
        if (this.dedup) {
          const key = `${sha}${host ? 'H' : 'C'}${client ? 'c' : 's'}`;
          if (this.known.has(key)) return;
          if (this.known.size < KNOWN_CERTS_MAX) this.known.add(key);
        }
        x509 += x509Line(h, sha, view(sha), host, client);
      });
    }
    return { ssl: sslLine(h, h.serverChain[0] ? view(h.serverChain[0]) : undefined), x509 };
  }

  end(close: Date = new Date()): ZeekLines {
    const f = zeekFooter(close);
    return { ssl: f, x509: f };
  }
}

function x509Line(h: Handshake, sha: string, z: ZeekCertificate, host: boolean, client: boolean): string {
  const values: ZeekValue[] = [
    h.ts, sha, z.version, z.serial, z.subject, z.issuer, z.notValidBefore, z.notValidAfter, z.keyAlg, z.sigAlg,
    z.keyType, z.keyLength, z.exponent, z.curve,
    nonEmpty(z.san?.dns), nonEmpty(z.san?.uri), nonEmpty(z.san?.email), nonEmpty(z.san?.ip),
    z.basicConstraints?.ca, z.basicConstraints?.pathLen, host, client,
  ];
  return zeekLine(X509_FIELDS, values);
}

/** Zeek sets a SAN vector only when the extension holds a name of that kind. */
function nonEmpty(v: string[] | undefined): string[] | undefined {
  return v && v.length ? v : undefined;
}

function sslLine(h: Handshake, leaf: ZeekCertificate | undefined): string {
  const alert = [...h.alerts].reverse().find((a) => !a.encrypted);
  const values: ZeekValue[] = [
    h.ts, zeekUid(h), h.client.ip, h.client.port, h.server.ip, h.server.port,
    zeekVersion(h.version), h.cipher, h.keyExchangeGroup, h.sni, resumed(h), alert?.descriptionName, h.negotiatedAlpn, h.complete,
    undefined, h.serverChain, h.clientChain,
    h.sni && leaf ? leaf.hostNames.some((n) => matchDnsName(n, h.sni!)) : undefined,
    validationStatus(h), h.ja3, h.ja3s, h.ja4, h.id, worstSeverity(h),
    [...new Set((h.verdicts ?? []).filter((v) => v.severity === 'warning' || v.severity === 'error').map((v) => v.code))],
    h.notes,
  ];
  return zeekLine(SSL_FIELDS, values);
}

/** "TLS 1.2" → TLSv12, "SSL 3.0" → SSLv3, "DTLS 1.0" → DTLSv10: Zeek's SSL::version_strings. */
export function zeekVersion(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^(TLS|DTLS|SSL) (\d)\.(\d)/.exec(v);
  if (!m) return v;
  return m[1] === 'SSL' ? `SSLv${m[2]}` : `${m[1]}v${m[2]}${m[3]}`;
}

function resumed(h: Handshake): boolean {
  if (h.encrypted || !h.complete || h.serverChain.length > 0 || !h.version || /1\.3/.test(h.version)) return false;
  return !/_anon_|PSK|SRP/.test(h.cipher ?? '');
}

/** `ok`, or the code of the first error verdict on the server's chain; unset when the server sent none. */
function validationStatus(h: Handshake): string | undefined {
  if (h.serverChain.length === 0) return undefined;
  const server = new Set(h.serverChain);
  const err = (h.verdicts ?? []).find((v: Verdict) => v.severity === 'error' && (v.subject === 'server' || server.has(v.subject)));
  return err ? err.code : 'ok';
}

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A Zeek-like connection uid: `C` and 96 bits in base62, from the 5-tuple and the first frame, so the same
 * capture gives the same uids on every run and on every machine (Zeek's are random unless seeded).
 */
export function zeekUid(h: Handshake): string {
  const key = `${h.transport} ${h.client.ip} ${h.client.port} ${h.server.ip} ${h.server.port} ${h.firstFrame}`;
  let n = BigInt('0x' + createHash('sha256').update(key).digest('hex').slice(0, 24));
  let s = '';
  while (n > 0n) {
    s = BASE62[Number(n % 62n)]! + s;
    n /= 62n;
  }
  return 'C' + (s || '0');
}
