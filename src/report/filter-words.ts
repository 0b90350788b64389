/**
 * The lone words of the filter language, as the engineers say them: the badge (`bad`, `warn`, `ok`, `info`),
 * `alert`, `tcp`, `udp`/`dtls`, `mtls`, `encrypted`, a verdict code, and free text.
 */
import type { CertificateInfo, Handshake } from '../model.js';
import { VERDICT_CODES } from '../trust/codes.js';
import { worstVerdictSeverity } from './severity.js';

/** A Map of certificates by SHA-256, or anything that looks one up. */
export type CertLookup = { get(sha256: string): CertificateInfo | undefined };
export type HandshakePredicate = (h: Handshake, certs: CertLookup) => boolean;

/** The keyword words and what they test (several spellings each, as before the grammar had fields). */
const WORDS: Record<string, HandshakePredicate> = {};
const word = (names: string[], p: HandshakePredicate) => {
  for (const n of names) WORDS[n] = p;
};
word(['bad', 'error', 'errors'], (h) => worstVerdictSeverity(h.verdicts) === 'error');
word(['warn', 'warning', 'warnings'], (h) => worstVerdictSeverity(h.verdicts) === 'warning');
word(['ok', 'good'], (h) => worstVerdictSeverity(h.verdicts) === 'ok');
word(['info'], (h) => worstVerdictSeverity(h.verdicts) === 'info');
word(['alert', 'alerts'], (h) => h.alerts.length > 0);
word(['tcp'], (h) => h.transport === 'tcp');
// QUIC runs over UDP too; DTLS is the 'udp' transport of the model.
word(['udp'], (h) => h.transport === 'udp' || h.transport === 'quic');
word(['dtls'], (h) => h.transport === 'udp');
word(['quic'], (h) => h.transport === 'quic');
word(['mtls'], (h) => h.clientChain.length > 0 || h.certificateRequest !== undefined);
word(['encrypted'], (h) => h.encrypted);

/** The keyword word `w` (lower case), if it is one. */
export function keywordWord(w: string): HandshakePredicate | undefined {
  return Object.prototype.hasOwnProperty.call(WORDS, w) ? WORDS[w] : undefined;
}

export function isVerdictCode(w: string): boolean {
  return Object.prototype.hasOwnProperty.call(VERDICT_CODES, w);
}

export const VERDICT_CODE_LIST: readonly string[] = Object.keys(VERDICT_CODES);

export function hasVerdictCode(code: string): HandshakePredicate {
  return (h) => (h.verdicts ?? []).some((v) => v.code === code);
}

/** Lower-cased subject CNs (and with `withSans`, SAN values) of every certificate of both chains. */
export function chainNames(h: Handshake, certs: CertLookup, withSans: boolean): string[] {
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

/**
 * Free text `w` (lower case): a substring of the SNI, an address, the version, the cipher, an ALPN value, a
 * verdict code, an alert name or a certificate name (CN or SAN); or a port, whole.
 */
export function freeText(w: string): HandshakePredicate {
  return (h, certs) => {
    if (h.sni?.toLowerCase().includes(w)) return true;
    if (h.client.ip.toLowerCase().includes(w) || h.server.ip.toLowerCase().includes(w)) return true;
    if (String(h.server.port) === w || String(h.client.port) === w) return true;
    if (h.version?.toLowerCase().includes(w) || h.cipher?.toLowerCase().includes(w)) return true;
    if (h.alpn?.some((a) => a.toLowerCase().includes(w))) return true;
    if (h.verdicts?.some((v) => v.code.includes(w))) return true;
    if (h.alerts.some((a) => a.descriptionName.toLowerCase().includes(w))) return true;
    return chainNames(h, certs, true).some((n) => n.includes(w));
  };
}
