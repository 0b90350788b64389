/**
 * The public CAs' end of the TLS Web Client Authentication EKU (the "client-EKU sunset"): one table of dates with
 * their sources, so that the next policy change is one edit here. Dates are UTC days.
 *
 * Certificates already issued keep their EKUs until they expire; private PKI and self-signed certificates are not
 * affected (Cisco, "Navigate Client EKU Sunset with Expressway X15.5"). The CA rows name the date from which the CA
 * issues without clientAuth by default and the date after which it issues none; the dates moved more than once in
 * 2025-2026, and the row says which revision it follows.
 */
import type { ParsedCertificate, Path } from '../x509/index.js';

export interface Source {
  title: string;
  url: string;
}

/**
 * Chrome Root Program Policy, Version 1.8 (2026-02-05), section 3.2.2 "PKI hierarchies included in the Chrome Root
 * Store": hierarchies serve TLS server authentication only; a new intermediate disclosed from 2026-06-15 and every
 * new leaf chaining to a Chrome-trusted root from 2027-03-15 must assert id-kp-serverAuth only. (Earlier versions
 * and Cisco's first field notice said June 2026 for both.)
 */
export const CHROME_ROOT_POLICY = {
  source: { title: 'Chrome Root Program Policy, Version 1.8 (2026-02-05)', url: 'https://g.co/chrome/root-policy' },
  intermediatesFrom: '2026-06-15',
  leavesFrom: '2027-03-15',
} as const;

export interface CaCutoff {
  ca: string;
  /** Matched against the organisation and common names of the certificates of the path. */
  names: RegExp;
  /** From this day the CA leaves clientAuth out unless asked for it. */
  byDefault: string;
  /** After this day the CA issues no public TLS certificate with clientAuth. */
  last: string;
  source: Source;
}

export const CA_CUTOFFS: readonly CaCutoff[] = [
  {
    ca: 'DigiCert',
    names: /\b(digicert|geotrust|thawte|rapidssl|encryption everywhere)\b/i,
    byDefault: '2025-10-01',
    // First announced as 2026-05-01; DigiCert moved it when Chrome moved the leaf date (ALERT53 of 2026-03-03,
    // and the CertCentral EKU options page: "On March 1, 2027, DigiCert will remove the EKU options").
    last: '2027-03-01',
    source: {
      title: 'DigiCert ALERT53, "Removing the client authentication EKU from public TLS certificates" (revised 2026-03-03)',
      url: 'https://knowledge.digicert.com/alerts/sunsetting-client-authentication-eku-from-digicert-public-tls-certificates',
    },
  },
  {
    ca: "Let's Encrypt",
    names: /\blet'?s encrypt\b|\bisrg\b/i,
    // the default "classic" ACME profile; the opt-in "tlsclient" profile ended 2026-05-13
    byDefault: '2026-02-11',
    last: '2026-05-13',
    source: {
      title: "Let's Encrypt, \"Ending TLS Client Authentication Certificate Support in 2026\" (2025-05-14)",
      url: 'https://letsencrypt.org/2025/05/14/ending-tls-client-authentication',
    },
  },
  {
    ca: 'Sectigo',
    names: /\b(sectigo|comodo|usertrust)\b/i,
    byDefault: '2025-09-15',
    last: '2026-05-15',
    source: {
      title: 'Sectigo, "Deprecation of Client Authentication EKU from Sectigo SSL/TLS Certificates" (FAQ)',
      url: 'https://sectigo.com/faq-client-authentication-eku-deprecation',
    },
  },
];

const DAY = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** The first day any listed public CA left clientAuth out by default: before it, a missing clientAuth was a choice. */
export const SUNSET_BEGAN = CA_CUTOFFS.map((c) => c.byDefault).sort()[0]!;

/** The table row of the CA that issued this path's leaf, by the names of the path's CA certificates. */
export function cutoffOf(path: Path): CaCutoff | undefined {
  const names = path.elements.slice(1).map((e) => `${e.cert.info.subject}`).join(' | ');
  return CA_CUTOFFS.find((c) => c.names.test(names));
}

function when(day: string, atMs: number, past: string, future: string): string {
  return `${DAY(day) <= atMs ? past : future} ${day}`;
}

/** The CA's dates in one phrase, or every row's when the CA is not in the table. */
export function cutoffPhrase(cut: CaCutoff | undefined, atMs: number): string {
  const one = (c: CaCutoff) =>
    `${c.ca} ${when(c.byDefault, atMs, 'left it out by default from', 'leaves it out by default from')} and ${when(c.last, atMs, 'issued it for the last time on', 'issues it for the last time on')}`;
  if (cut) return `${one(cut)} (${cut.source.title})`;
  return `public CAs are dropping it ${everyCa()}`;
}

function everyCa(): string {
  return `(${CA_CUTOFFS.map((c) => `${c.ca} by default from ${c.byDefault}, none after ${c.last}`).join('; ')})`;
}

/** The same, as the reason an issue date explains a missing clientAuth. */
function afterCutoffPhrase(cut: CaCutoff | undefined, atMs: number): string {
  return cut ? `after ${cutoffPhrase(cut, atMs)}` : `after public CAs began leaving clientAuth out of TLS certificates ${everyCa()}`;
}

export function chromePhrase(): string {
  const p = CHROME_ROOT_POLICY;
  return `${p.source.title} requires serverAuth only of every new intermediate from ${p.intermediatesFrom} and of every new leaf chaining to a Chrome-trusted root from ${p.leavesFrom}`;
}

function ekuOf(c: ParsedCertificate): { present: boolean; client: boolean } {
  const e = c.info.extKeyUsage;
  return { present: c.ekuPresent, client: e.includes('clientAuth') || e.includes('anyExtendedKeyUsage') };
}

/**
 * Why a leaf of a public hierarchy lacks clientAuth, when the table or the path shows it: an intermediate that
 * asserts EKUs without clientAuth (a dedicated TLS server hierarchy cannot issue it), or an issue date on or after
 * the CA's cut-off. Undefined when nothing points at the CAs' policy (an older certificate requested without it).
 */
export function clientAuthDropCause(path: Path, atMs: number): string | undefined {
  const leaf = path.elements[0]!.cert;
  const issued = leaf.info.notBefore.slice(0, 10);
  const tlsOnly = path.elements.slice(1).find((e) => { const k = ekuOf(e.cert); return k.present && !k.client; });
  if (tlsOnly)
    return `it was issued ${issued} under '${tlsOnly.cert.info.subjectCN ?? tlsOnly.cert.info.subject}', a serverAuth-only intermediate of a public CA: a dedicated TLS server hierarchy cannot issue clientAuth (${chromePhrase()})`;
  const cut = cutoffOf(path);
  if (leaf.notBefore >= DAY(cut?.byDefault ?? SUNSET_BEGAN))
    return `it was issued ${issued}, ${afterCutoffPhrase(cut, atMs)}; ${chromePhrase()}`;
  return undefined;
}
