/**
 * Expressway software versions and the certificate rules each implies (`--expressway-version`).
 *
 * - Cisco, "Navigate Client EKU Sunset with Expressway X15.5" (document 225693),
 *   https://www.cisco.com/c/en/us/support/docs/unified-communications/telepresence-video-communication-server-expressway/225693-navigate-client-eku-sunset-with.html
 *   : X15.5 has two certificate stores, a server certificate store and a client certificate store; X15.4 had the CLI
 *   switch `xConfiguration XCP TLS Certificate CVS EnableServerEkuUpload: On` to upload a serverAuth-only certificate
 *   on the Expressway-E, deprecated in X15.5.
 * - Cisco Field Notice FN74362, https://www.cisco.com/c/en/us/support/docs/field-notices/743/fn74362.html : every
 *   release X14.0.0 to X15.3.2 is affected by the public CAs' end of clientAuth; the fix is defect CSCwr73373
 *   "Support for separate server and client Certificate for Expressway".
 * - Cisco, "Prepare Expressway for Client Auth EKU Sunset in Public CA Certificates" (document 225482),
 *   https://www.cisco.com/c/en/us/support/docs/unified-communications/expressway-series/225482-prepare-expressway-for-client.html
 * - Before X15.5 one certificate serves both roles: the Certificate Creation and Use Deployment Guide (X8.11 to X14)
 *   says the server certificate "should be able to act as both a client and server certificate", and the MRA
 *   certificate document (background 004) that it "must have both client and server authentication attributes",
 *   the upload being refused otherwise.
 */
import type { Role } from './words.js';

export interface ExpresswayRules {
  /** The version as the messages name it: "X15.5.1", "X15.4"; "X15.5" when none was given. */
  version: string;
  major: number;
  minor: number;
  /** No --expressway-version: the X15.5 rules are assumed (the current release when these rules were written). */
  assumed: boolean;
  /** X15.5 and later: a server certificate store and a client certificate store. */
  twoStores: boolean;
  /** X15.4 with EnableServerEkuUpload: On: the Expressway-E's certificate may lack clientAuth. */
  serverEkuUpload: boolean;
}

export type Eku = 'serverAuth' | 'clientAuth';

export const ACCEPTED_VERSIONS = 'X15.5, x15.5, 15.5 or X15.5.1 (any release from X8.1 on; later than X15.5 means X15.5 rules)';

const SWITCH = 'xConfiguration XCP TLS Certificate CVS EnableServerEkuUpload: On';

/** The rules for `--expressway-version VERSION [--server-eku-upload]`, or why they cannot be had (a usage error). */
export function expresswayRules(version?: string, serverEkuUpload = false): ExpresswayRules | string {
  let major = 15, minor = 5, label = 'X15.5';
  if (version !== undefined) {
    const m = /^[xX]?(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?$/.exec(version.trim());
    if (!m || Number(m[1]) < 8)
      return `--expressway-version wants an Expressway release such as ${ACCEPTED_VERSIONS}, not '${version}'`;
    major = Number(m[1]);
    minor = m[2] === undefined ? 0 : Number(m[2]);
    label = `X${major}${m[2] === undefined ? '' : `.${minor}`}${m[3] === undefined ? '' : `.${Number(m[3])}`}`;
  }
  const twoStores = major > 15 || (major === 15 && minor >= 5);
  const isX154 = major === 15 && minor === 4;
  if (serverEkuUpload && !isX154)
    return `--server-eku-upload is X15.4's EnableServerEkuUpload switch (Cisco documents it for X15.4 and deprecates it in X15.5): use it with --expressway-version X15.4${version === undefined ? ' (the default rules are X15.5)' : `, not ${label}`}`;
  return { version: label, major, minor, assumed: version === undefined, twoStores, serverEkuUpload };
}

export const DEFAULT_EXPRESSWAY_RULES = expresswayRules() as ExpresswayRules;

/**
 * The EKUs the certificate an Expressway presents in `role` must carry. On the traversal zone the Expressway-E is
 * the TLS server and the Expressway-C the TLS client (background 004), which is how certshark names the sides.
 */
export function requiredEkus(r: ExpresswayRules, role: Role): Eku[] {
  if (r.twoStores) return [role === 'server' ? 'serverAuth' : 'clientAuth'];
  if (r.serverEkuUpload && role === 'server') return ['serverAuth'];
  return ['serverAuth', 'clientAuth'];
}

function rulesName(r: ExpresswayRules): string {
  return r.assumed ? 'X15.5 (the rules assumed without --expressway-version)' : r.version;
}

/** Why the certificate presented in `role` needs `eku`, for the message of a missing EKU. */
export function ekuReason(r: ExpresswayRules, role: Role): string {
  if (r.twoStores)
    return role === 'server'
      ? `on Expressway ${rulesName(r)} the Expressway-E presents the certificate of its server certificate store as TLS server, which needs serverAuth (clientAuth is not needed there)`
      : `on Expressway ${rulesName(r)} the Expressway-C presents the certificate of its client certificate store as TLS client, which needs clientAuth (serverAuth is not needed there)`;
  if (r.serverEkuUpload)
    return role === 'server'
      ? `with EnableServerEkuUpload on Expressway ${r.version} the Expressway-E's certificate needs serverAuth`
      : `on Expressway ${r.version} the Expressway-C's one certificate serves as TLS server and TLS client, so it needs both serverAuth and clientAuth (EnableServerEkuUpload concerns the Expressway-E only)`;
  return `on Expressway ${r.version} one certificate serves both roles (each Expressway is TLS server and TLS client), so it needs both serverAuth and clientAuth`;
}

/** The fix for a certificate presented in `role` without `eku`, in the words of the release's own remedy. */
export function ekuFix(r: ExpresswayRules, role: Role, eku: Eku): string {
  if (r.twoStores)
    return eku === 'clientAuth'
      ? `Put a client certificate with TLS Web Client Authentication (clientAuth), issued by a private CA (such as the enterprise CA), in the Expressway-C's client certificate store and add that CA to the Expressway-E's trusted CA list; the server certificate can stay as it is. X15.5 does not need one certificate with both EKUs, and public CAs no longer issue clientAuth.`
      : `Put a certificate with TLS Web Server Authentication (serverAuth) in the ${role === 'server' ? 'Expressway-E' : 'Expressway'}'s server certificate store (a public CA's TLS certificate has it; clientAuth is not needed there on X15.5).`;
  const upgrade = 'or upgrade to X15.5, which has a server certificate store and a client certificate store (CSCwr73373)';
  if (eku === 'clientAuth') {
    if (role === 'server' && r.major === 15 && r.minor === 4)
      return `On X15.4 the Expressway-E can take a serverAuth-only certificate: ${SWITCH} (judge it with --server-eku-upload); ${upgrade}. Otherwise a certificate with both EKUs from a private CA (such as the enterprise CA): public CAs no longer issue clientAuth.`;
    return `Get a certificate with both TLS Web Server and TLS Web Client Authentication from a private CA (such as the enterprise CA) (public CAs no longer issue clientAuth; on a Windows CA, a template with both) and upload it as the server certificate${role === 'client' && r.major === 15 && r.minor === 4 ? ' (EnableServerEkuUpload is for the Expressway-E only)' : ''}; ${upgrade}.`;
  }
  return `Have the CA sign a new CSR with both TLS Web Server and TLS Web Client Authentication (on a Windows CA, a template with both; a private CA for the clientAuth part, which public CAs no longer issue), then upload it as the server certificate; ${upgrade}.`;
}

/** What a bad_certificate alert on the traversal zone most often means under these rules. */
export function badCertificateHint(r: ExpresswayRules): string {
  return r.twoStores
    ? 'on Expressway X15.5 often the role EKU: serverAuth on the server certificate, clientAuth on the client certificate'
    : `on Expressway ${r.version} often the serverAuth+clientAuth EKU of its one certificate`;
}

/** The fix when the Expressway-E asked for a client certificate and the Expressway-C sent none. */
export function clientCertificateFix(r: ExpresswayRules): string {
  return r.twoStores
    ? 'On the Expressway-C, put a client certificate (clientAuth EKU) issued by a CA in the list into its client certificate store (a private CA: public CAs no longer issue clientAuth); on the Expressway-E, add that CA to its trusted CA list.'
    : 'On the Expressway-C, install a server certificate issued by a CA in the list with both serverAuth and clientAuth (from a private CA: public CAs no longer issue clientAuth), or upgrade to X15.5 and use its client certificate store; on the Expressway-E, add that CA to its trusted CA list.';
}

/** The remedy for a certificate that needs clientAuth and chains to a public root (the client-EKU sunset). */
export function sunsetFix(r: ExpresswayRules, role: Role): string {
  if (r.twoStores)
    return 'Before it is renewed, put a client certificate from a private CA (such as the enterprise CA) in the Expressway-C\'s client certificate store and add that CA to the Expressway-E\'s trusted CA list; the server certificates can stay public (serverAuth only).';
  const upgrade = 'upgrade to X15.5 and keep the public certificate in the server certificate store with a private CA\'s certificate in the client certificate store';
  if (role === 'server' && r.major === 15 && r.minor === 4 && !r.serverEkuUpload)
    return `On X15.4 the Expressway-E can take a serverAuth-only certificate with ${SWITCH}; or ${upgrade}.`;
  return `Before it is renewed, ${upgrade}, or use a certificate with both EKUs from a private CA (such as the enterprise CA).`;
}
