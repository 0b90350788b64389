/**
 * The handshake filter language shared by `--filter` and the interactive `/`, in the words the engineers use:
 * `port 7001`, `sni vpn`, `ip 10.0.0.1` (a trailing dot or colon makes a prefix), `host vcse`, `cn Example`,
 * `code missing-intermediate` (or the bare code), `bad` / `warn` / `ok` / `info` (the worst verdict), `alert`,
 * `tcp`, `dtls`, `mtls`, `encrypted`, and free text (SNI, addresses, ports, version, cipher, ALPN, verdict codes,
 * alert names, certificate names). Terms are ANDed; `!term` or `not term` negates one. Case-insensitive.
 */
import type { CertificateInfo, Handshake } from '../model.js';
import { VERDICT_CODES } from '../trust/codes.js';
import { worstVerdictSeverity } from './severity.js';

export { SEVERITY_RANK, worstSeverity, worstVerdictSeverity } from './severity.js';

/** A Map of certificates by SHA-256, or anything that looks one up. */
export type CertLookup = { get(sha256: string): CertificateInfo | undefined };
export type HandshakePredicate = (h: Handshake, certs: CertLookup) => boolean;

type Term = (h: Handshake, certs: CertLookup) => boolean;

const KEYWORDS_WITH_ARG = new Set(['port', 'ip', 'host', 'sni', 'cn', 'code']);
const EXAMPLES: Record<string, string> = {
  port: '7001', ip: '10.0.0.1', host: 'vpn.example.com', sni: 'vpn', cn: 'Example', code: 'missing-intermediate',
};

export interface CompiledFilter {
  test: HandshakePredicate;
  /** Normalised text, for the status line. */
  text: string;
  /**
   * What is wrong with the expression, if anything (`port` without a number, a keyword without its value). The
   * interactive filter still filters as typed; the command line refuses it.
   */
  error?: string;
}

export function compileFilter(text: string): CompiledFilter {
  const tokens = text.trim().toLowerCase().split(/\s+/).filter((t) => t !== '');
  const terms: Term[] = [];
  let error: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    let tok = tokens[i]!;
    let negate = false;
    if (tok === 'not' && i + 1 < tokens.length) {
      negate = true;
      tok = tokens[++i]!;
    } else if (tok === 'not') {
      error ??= "'not' needs a term after it";
    } else if (tok.startsWith('!') && tok.length > 1) {
      negate = true;
      tok = tok.slice(1);
    }
    let term: Term;
    if (KEYWORDS_WITH_ARG.has(tok) && i + 1 < tokens.length) {
      const arg = tokens[++i]!;
      if (tok === 'port' && !/^\d{1,5}$/.test(arg)) error ??= `'port' needs a number from 0 to 65535, not '${arg}'`;
      term = keywordTerm(tok, arg);
    } else {
      if (KEYWORDS_WITH_ARG.has(tok)) error ??= `'${tok}' needs a value, e.g. '${tok} ${EXAMPLES[tok]}'`;
      term = wordTerm(tok);
    }
    terms.push(negate ? (h, c) => !term(h, c) : term);
  }
  const test: HandshakePredicate =
    terms.length === 0 ? () => true : (h, c) => terms.every((t) => t(h, c));
  return error === undefined ? { test, text: tokens.join(' ') } : { test, text: tokens.join(' '), error };
}

function keywordTerm(kw: string, arg: string): Term {
  switch (kw) {
    case 'port': {
      const p = Number(arg);
      return (h) => h.client.port === p || h.server.port === p;
    }
    case 'ip': {
      // A trailing dot or colon means a prefix (`ip 10.0.0.`), otherwise the address must be equal.
      const prefix = arg.endsWith('.') || arg.endsWith(':');
      return (h) => {
        const c = h.client.ip.toLowerCase();
        const s = h.server.ip.toLowerCase();
        return prefix ? c.startsWith(arg) || s.startsWith(arg) : c === arg || s === arg;
      };
    }
    case 'sni':
      return (h) => h.sni !== undefined && h.sni.toLowerCase().includes(arg);
    case 'cn':
      return (h, certs) => chainNames(h, certs, false).some((n) => n.includes(arg));
    case 'host':
      return (h, certs) =>
        (h.sni !== undefined && h.sni.toLowerCase().includes(arg)) ||
        h.server.ip.toLowerCase().includes(arg) ||
        h.client.ip.toLowerCase().includes(arg) ||
        chainNames(h, certs, true).some((n) => n.includes(arg));
    default: // code
      return (h) => (h.verdicts ?? []).some((v) => v.code === arg);
  }
}

function wordTerm(w: string): Term {
  switch (w) {
    case 'bad':
    case 'error':
    case 'errors':
      return (h) => worstVerdictSeverity(h.verdicts) === 'error';
    case 'warn':
    case 'warning':
    case 'warnings':
      return (h) => worstVerdictSeverity(h.verdicts) === 'warning';
    case 'ok':
    case 'good':
      return (h) => worstVerdictSeverity(h.verdicts) === 'ok';
    case 'info':
      return (h) => worstVerdictSeverity(h.verdicts) === 'info';
    case 'alert':
    case 'alerts':
      return (h) => h.alerts.length > 0;
    case 'tcp':
      return (h) => h.transport === 'tcp';
    case 'udp':
    case 'dtls':
      return (h) => h.transport === 'udp';
    case 'mtls':
      return (h) => h.clientChain.length > 0 || h.certificateRequest !== undefined;
    case 'encrypted':
      return (h) => h.encrypted;
  }
  if (Object.prototype.hasOwnProperty.call(VERDICT_CODES, w)) {
    return (h) => (h.verdicts ?? []).some((v) => v.code === w);
  }
  return (h, certs) => freeText(h, certs, w);
}

function chainNames(h: Handshake, certs: CertLookup, withSans: boolean): string[] {
  const out: string[] = [];
  for (const chain of [h.serverChain, h.clientChain]) {
    for (const sha of chain) {
      const c = certs.get(sha);
      if (!c) continue;
      if (c.subjectCN) out.push(c.subjectCN.toLowerCase());
      if (withSans) for (const s of c.sans ?? []) out.push(s.value.toLowerCase());
    }
  }
  return out;
}

function freeText(h: Handshake, certs: CertLookup, w: string): boolean {
  if (h.sni?.toLowerCase().includes(w)) return true;
  if (h.client.ip.toLowerCase().includes(w) || h.server.ip.toLowerCase().includes(w)) return true;
  if (String(h.server.port) === w || String(h.client.port) === w) return true;
  if (h.version?.toLowerCase().includes(w) || h.cipher?.toLowerCase().includes(w)) return true;
  if (h.alpn?.some((a) => a.toLowerCase().includes(w))) return true;
  if (h.verdicts?.some((v) => v.code.includes(w))) return true;
  if (h.alerts.some((a) => a.descriptionName.toLowerCase().includes(w))) return true;
  return chainNames(h, certs, true).some((n) => n.includes(w));
}
