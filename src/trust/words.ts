import type { Severity, Verdict } from '../model.js';
import type { ParsedCertificate } from '../x509/index.js';
import { VERDICT_CODES, type VerdictCode } from './codes.js';

export type Profile = 'web' | 'anyconnect' | 'expressway';
export type Role = 'server' | 'client';

/** Control characters from the wire never reach a terminal raw (DESIGN.md error policy). */
export function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** How a certificate is named in messages: its CN, else its subject, else a short fingerprint. */
export function certName(c: ParsedCertificate): string {
  return clean(c.info.subjectCN || c.info.subject || `certificate ${c.sha256.slice(0, 16)}`);
}

export function issuerName(c: ParsedCertificate): string {
  return clean(c.info.issuerCN || c.info.issuer);
}

/** The device on each side, in the words of the field documents. */
export function sideName(role: Role, profile: Profile): string {
  if (profile === 'expressway') return role === 'server' ? 'the Expressway-E (server)' : 'the Expressway-C (client)';
  if (profile === 'anyconnect') return role === 'server' ? 'the ASA/MX (AnyConnect server)' : 'the AnyConnect client';
  return role === 'server' ? 'the server' : 'the client';
}

/** Where the trust list of the side that validates `role`'s certificate lives. */
export function trustListOf(role: Role, profile: Profile): string {
  if (profile === 'expressway')
    return role === 'server'
      ? 'the trusted CA list of the Expressway-C (Maintenance > Security > Trusted CA list)'
      : 'the trusted CA list of the Expressway-E (Maintenance > Security > Trusted CA list)';
  if (profile === 'anyconnect')
    return role === 'server'
      ? 'the trusted root store of the AnyConnect client devices'
      : 'the ASA trustpoint (crypto ca authenticate) or the MX client-authentication CA used to validate clients';
  return role === 'server' ? 'the clients\' trusted root store' : 'the server\'s client CA list';
}

export function verdict(code: VerdictCode, subject: string, message: string, fix?: string, severity?: Severity): Verdict {
  const v: Verdict = { code, severity: severity ?? VERDICT_CODES[code], subject, message };
  if (fix) v.fix = fix;
  return v;
}

export function days(ms: number): string {
  const d = Math.abs(ms) / 86_400_000;
  if (d >= 2) return `${Math.floor(d)} days`;
  const h = Math.abs(ms) / 3_600_000;
  if (h >= 2) return `${Math.floor(h)} hours`;
  return `${Math.max(1, Math.round(Math.abs(ms) / 60_000))} minutes`;
}
