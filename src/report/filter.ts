import type { CertificateInfo, Handshake, Severity } from '../model.js';

/**
 * The handshake filter language shared by `--filter` and the TUI's `/`: whitespace-separated terms, all of which
 * must match (AND); `not TERM` or `!TERM` negates one term.
 *   port N          client or server port          ip A / host A   client or server IP (host also matches SNI)
 *   sni TEXT        SNI contains TEXT              verdict CODE    a verdict with this code (prefix match)
 *   bad | error     worst verdict is an error      warn | warning  worst verdict is a warning or worse
 *   ok | good       no warning or error            alert           any alert was sent
 *   tcp | udp | dtls                               mtls            the client presented certificates
 *   tls1.3 / tls1.2 / …                            anything else   text in SNI, IPs, certificate names
 * Matching is case-insensitive.
 */
export type FilterTerm = { negate: boolean; test: (h: Handshake, certs?: (sha256: string) => CertificateInfo | undefined) => boolean };

export interface ParsedFilter {
  ok: boolean;
  error?: string;
  terms: FilterTerm[];
}

const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, error: 3 };

export function worstSeverity(h: Handshake): Severity {
  let worst: Severity = 'ok';
  for (const v of h.verdicts ?? []) if (SEVERITY_RANK[v.severity] > SEVERITY_RANK[worst]) worst = v.severity;
  return worst;
}

const KEYWORD_ARG = new Set(['port', 'ip', 'host', 'sni', 'verdict']);

export function parseFilter(expr: string): ParsedFilter {
  const words = expr.trim().split(/\s+/).filter((w) => w.length > 0);
  const terms: FilterTerm[] = [];
  for (let i = 0; i < words.length; i++) {
    let negate = false;
    let w = words[i]!.toLowerCase();
    if (w === 'not') {
      negate = true;
      i++;
      if (i >= words.length) return { ok: false, error: "'not' needs a term after it", terms: [] };
      w = words[i]!.toLowerCase();
    } else if (w.startsWith('!') && w.length > 1) {
      negate = true;
      w = w.slice(1);
    }
    if (KEYWORD_ARG.has(w)) {
      const arg = words[++i]?.toLowerCase();
      if (arg === undefined) return { ok: false, error: `'${w}' needs a value, e.g. '${w} ${example(w)}'`, terms: [] };
      const t = keywordTerm(w, arg);
      if (typeof t === 'string') return { ok: false, error: t, terms: [] };
      terms.push({ negate, test: t });
    } else {
      terms.push({ negate, test: wordTerm(w) });
    }
  }
  return { ok: true, terms };
}

function example(k: string): string {
  return { port: '7001', ip: '10.0.0.1', host: 'vpn.example.com', sni: 'vpn', verdict: 'missing-intermediate' }[k] ?? 'x';
}

function keywordTerm(k: string, arg: string): FilterTerm['test'] | string {
  switch (k) {
    case 'port': {
      const n = Number(arg);
      if (!Number.isInteger(n) || n < 0 || n > 65535) return `'port' needs a number from 0 to 65535, not '${arg}'`;
      return (h) => h.client.port === n || h.server.port === n;
    }
    case 'ip':
      return (h) => h.client.ip.toLowerCase() === arg || h.server.ip.toLowerCase() === arg;
    case 'host':
      return (h) =>
        h.client.ip.toLowerCase() === arg || h.server.ip.toLowerCase() === arg || (h.sni ?? '').toLowerCase().includes(arg);
    case 'sni':
      return (h) => (h.sni ?? '').toLowerCase().includes(arg);
    default:
      return (h) => (h.verdicts ?? []).some((v) => v.code.startsWith(arg));
  }
}

function wordTerm(w: string): FilterTerm['test'] {
  switch (w) {
    case 'bad':
    case 'error':
    case 'errors':
      return (h) => worstSeverity(h) === 'error';
    case 'warn':
    case 'warning':
    case 'warnings':
      return (h) => SEVERITY_RANK[worstSeverity(h)] >= SEVERITY_RANK.warning;
    case 'ok':
    case 'good':
      return (h) => SEVERITY_RANK[worstSeverity(h)] < SEVERITY_RANK.warning;
    case 'alert':
    case 'alerts':
      return (h) => h.alerts.length > 0;
    case 'tcp':
      return (h) => h.transport === 'tcp';
    case 'udp':
    case 'dtls':
      return (h) => h.transport === 'udp';
    case 'mtls':
      return (h) => h.clientChain.length > 0;
    case 'encrypted':
      return (h) => h.encrypted;
  }
  const version = /^(tls|dtls|ssl)v?(\d(?:\.\d)?)$/.exec(w);
  if (version) {
    const want = `${version[1]!.toUpperCase()} ${version[2]}`;
    return (h) => (h.version ?? '').toUpperCase() === want;
  }
  return (h, certs) => {
    if ((h.sni ?? '').toLowerCase().includes(w)) return true;
    if (h.client.ip.toLowerCase().includes(w) || h.server.ip.toLowerCase().includes(w)) return true;
    if (!certs) return false;
    for (const sha of [...h.serverChain, ...h.clientChain]) {
      const c = certs(sha);
      if (!c) continue;
      if (c.subject.toLowerCase().includes(w) || c.issuer.toLowerCase().includes(w)) return true;
      if (c.sans.some((s) => s.value.toLowerCase().includes(w))) return true;
    }
    return false;
  };
}

export function matchFilter(
  f: ParsedFilter,
  h: Handshake,
  certs?: (sha256: string) => CertificateInfo | undefined,
): boolean {
  for (const t of f.terms) if (t.test(h, certs) === t.negate) return false;
  return true;
}
