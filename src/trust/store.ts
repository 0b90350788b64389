import { existsSync } from 'node:fs';
import tls from 'node:tls';
import type { Verdict } from '../model.js';
import {
  bytesEqual, certificatesFromBytes, couldIssue, loadCertificates, parseCertificate, type AnchorSource, type ParsedCertificate,
} from '../x509/index.js';
import { VERDICT_CODES } from './codes.js';

export type AnchorOrigin = 'public' | 'system' | 'user';

export interface TrustStoreOptions {
  /** Node's bundled public roots (tls.rootCertificates); default true (`--no-public-roots` sets false). */
  publicRoots?: boolean;
  /**
   * `--public-roots FILE`: the public root store to use instead of Node's bundled Mozilla list (Chrome's or
   * Microsoft's store exported as a PEM bundle; tests mark their own lab root as public this way).
   */
  publicRootFiles?: string[];
  /** `--system-ca`: add the operating system's bundle. */
  systemCa?: boolean;
  /** Path of the system bundle; default the Debian/Ubuntu/Alpine location. */
  systemCaPath?: string;
  /** `--ca PATH` values, in order (files or directories). */
  caFiles?: string[];
}

/** The system bundles tried for `--system-ca`, first existing wins (Debian/Ubuntu, RHEL/Fedora, macOS Homebrew). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/**
 * Trust anchors: public roots, system bundle and the user's CA files (an Expressway trusted CA list, an ASA
 * trustpoint export, an enterprise root). Any certificate in the store is an anchor, as in an Expressway trusted
 * CA list; src/trust decides what an anchor that is not self-signed means for each profile.
 */
export class TrustStore implements AnchorSource {
  private readonly bySha = new Map<string, { cert: ParsedCertificate; origin: AnchorOrigin }>();
  private readonly bySubject = new Map<string, ParsedCertificate[]>();
  /** User certificates in file order, for the Expressway first-match-by-subject warning. */
  private readonly userOrder: ParsedCertificate[] = [];
  readonly notes: string[] = [];
  /** true when `--ca` gave at least one certificate. */
  userGiven = false;
  /**
   * The public root store's certificates, also when `--ca` lists one of them too (its origin is then 'user'): the
   * client-EKU sunset concerns what chains to a public root, whoever else trusts it. By SHA-256 and by name + key,
   * so a re-encoded copy of a root counts too.
   */
  private readonly publicShas = new Set<string>();
  private readonly publicKeys = new Set<string>();

  /** Build the store; throws CertificateFileError (one-line message) when a `--ca` path cannot be used. */
  static create(opts: TrustStoreOptions = {}): TrustStore {
    const s = new TrustStore();
    if (opts.publicRootFiles?.length) for (const f of opts.publicRootFiles) s.addFile(f, 'public');
    else if (opts.publicRoots !== false) s.addPublicRoots();
    if (opts.systemCa) {
      const p = opts.systemCaPath ?? SYSTEM_BUNDLES.find((f) => existsSync(f));
      if (p && existsSync(p)) s.addFile(p, 'system');
      else s.notes.push('--system-ca: no system CA bundle found (looked for ' + SYSTEM_BUNDLES.join(', ') + ')');
    }
    for (const f of opts.caFiles ?? []) s.addFile(f, 'user');
    return s;
  }

  addPublicRoots(): void {
    for (const pem of tls.rootCertificates) for (const der of certificatesFromBytes(Buffer.from(pem), 'node').certs) this.add(der, 'public');
  }

  addFile(path: string, origin: AnchorOrigin): void {
    const r = loadCertificates(path);
    this.notes.push(...r.notes);
    for (const der of r.certs) this.add(der, origin);
  }

  /** Add one certificate; unparsable ones are skipped with a note. Returns the parsed certificate. */
  add(der: Uint8Array, origin: AnchorOrigin): ParsedCertificate {
    const c = parseCertificate(der);
    if (!c.ok) {
      this.notes.push(`trust store (${origin}): a certificate that does not parse was skipped (${c.info.notes?.join('; ')})`);
      return c;
    }
    if (origin === 'user') {
      this.userGiven = true;
      this.userOrder.push(c);
    }
    if (origin === 'public') {
      this.publicShas.add(c.sha256);
      this.publicKeys.add(publicKey(c));
    }
    const had = this.bySha.get(c.sha256);
    // A certificate the user listed stays 'user' even when it is also a public root.
    if (had) {
      if (origin === 'user') had.origin = 'user';
      return c;
    }
    this.bySha.set(c.sha256, { cert: c, origin });
    const list = this.bySubject.get(c.subjectKey);
    if (list) list.push(c);
    else this.bySubject.set(c.subjectKey, [c]);
    return c;
  }

  get size(): number {
    return this.bySha.size;
  }

  isAnchor(sha256: string): boolean {
    return this.bySha.has(sha256);
  }

  originOf(sha256: string): AnchorOrigin | undefined {
    return this.bySha.get(sha256)?.origin;
  }

  /** Whether this certificate is one of the public root store's (see publicShas). */
  isPublic(c: ParsedCertificate): boolean {
    return this.publicShas.has(c.sha256) || (this.publicKeys.size > 0 && this.publicKeys.has(publicKey(c)));
  }

  issuersOf(cert: ParsedCertificate): ParsedCertificate[] {
    return (this.bySubject.get(cert.issuerKey) ?? []).filter((c) => couldIssue(c, cert));
  }

  /** Every anchor whose subject is this name (normalised RFC 4514 key). */
  bySubjectKey(key: string): ParsedCertificate[] {
    return this.bySubject.get(key) ?? [];
  }

  /** The user's CA certificates in the order given, duplicates included (a CA list as uploaded, entry by entry). */
  get userEntries(): readonly ParsedCertificate[] {
    return this.userOrder;
  }

  /**
   * Remarks about the user's own CA list, by subject. Expressway (and VCS) search the trusted CA list by subject and
   * stop at the first match, so of two different CAs with one subject the lower one is as good as absent (the field
   * document: "ensure there is not another certificate higher on the list with the same subject"). With different
   * keys that is certain to break the chains of one of them (an error); with the same key (a re-issued CA
   * certificate) it breaks once the first one expires (a warning).
   *
   * `lint` (`certshark check --ca-list`) adds what only matters for a list as uploaded: the same certificate twice,
   * and different CAs with the same common name, which Cisco asks not to upload ("On Expressway-C and Expressway-E,
   * we recommend that you do not upload multiple CA certificates with the same common name": Cisco Expressway
   * Certificate Creation and Use Deployment Guide X14.0, "Loading Certificates and Keys Onto Expressway",
   * https://www.cisco.com/c/en/us/td/docs/voice_ip_comm/expressway/config_guide/X14-0/cert_creation_use/exwy_b_cisco-expressway-certificate-creation-and-use-deployment-guide-x14-0/exwy_b_certificate-creation-use-deployment-guide_chapter_0110.html).
   */
  verdicts(opts: { lint?: boolean; entryNumbers?: number[] } = {}): Verdict[] {
    // 1-based positions in the list (`entryNumbers` when the list had entries the store skipped); the same
    // certificate twice is the same (cached) object, so by index.
    const positions = new Map<string, number[]>();
    this.userOrder.forEach((c, i) => positions.set(c.sha256, [...(positions.get(c.sha256) ?? []), opts.entryNumbers?.[i] ?? i + 1]));
    const pos = (c: ParsedCertificate) => positions.get(c.sha256)![0]!;
    const bySubject = new Map<string, ParsedCertificate[]>();
    const bySha = new Map<string, ParsedCertificate[]>();
    for (const c of this.userOrder) {
      const same = bySha.get(c.sha256);
      if (same) { same.push(c); continue; }
      bySha.set(c.sha256, [c]);
      const l = bySubject.get(c.subjectKey);
      if (l) l.push(c);
      else bySubject.set(c.subjectKey, [c]);
    }
    const out: Verdict[] = [];
    for (const l of bySubject.values()) {
      if (l.length < 2) continue;
      const subj = l[0]!.info.subject;
      const sameKey = l.every((c) => bytesEqual(c.spki, l[0]!.spki));
      const at = opts.lint ? ` (entries ${l.map((c) => '#' + pos(c)).join(', ')})` : '';
      out.push({
        code: 'trust-store-duplicate-subject',
        severity: sameKey ? VERDICT_CODES['trust-store-duplicate-subject'] : 'error',
        subject: l[0]!.sha256,
        message: `The trusted CA list holds ${l.length} different certificates with the same subject '${subj}'${at} ` +
          `(SHA-256 ${l.map((c) => c.sha256.slice(0, 16)).join(', ')}); Expressway stops at the first one with a matching subject, ` +
          (sameKey
            ? 'and they share one key, so chains verify with either: but once the first one expires it hides the valid one.'
            : 'and they have different keys, so a chain signed by the other one is rejected as if its CA were missing.'),
        fix: 'Keep only the CA certificate that actually signed your certificates under this subject in the trusted CA list, ' +
          'or re-sign the certificates (for example CUCM tomcat and CallManager) with one CA and trust that CA alone.',
      });
    }
    if (!opts.lint) return out;
    for (const l of bySha.values()) {
      if (l.length < 2) continue;
      out.push({
        code: 'trust-store-duplicate-certificate',
        severity: VERDICT_CODES['trust-store-duplicate-certificate'],
        subject: l[0]!.sha256,
        message: `'${l[0]!.info.subject}' is in the list ${l.length} times (entries ${positions.get(l[0]!.sha256)!.map((p) => '#' + p).join(', ')}, SHA-256 ${l[0]!.sha256.slice(0, 16)}…); the copies add nothing.`,
        fix: 'Upload each CA certificate once.',
      });
    }
    const byCn = new Map<string, ParsedCertificate[]>();
    for (const l of bySubject.values()) {
      const cn = l[0]!.info.subjectCN?.toLowerCase();
      if (!cn) continue;
      byCn.set(cn, [...(byCn.get(cn) ?? []), l[0]!]);
    }
    for (const l of byCn.values()) {
      if (l.length < 2) continue;
      out.push({
        code: 'trust-store-duplicate-common-name',
        severity: VERDICT_CODES['trust-store-duplicate-common-name'],
        subject: l[0]!.sha256,
        message: `${l.length} CA certificates with different subjects share the common name '${l[0]!.info.subjectCN}' (${l.map((c) => `#${pos(c)} '${c.info.subject}'`).join(', ')}); ` +
          'Cisco recommends not uploading multiple CA certificates with the same common name to an Expressway: endpoints may fail to log in when the Expressway authenticates them with an external IdP.',
        fix: 'Keep one CA per common name in the list; if both CAs are needed, have one of them re-issued under a distinct name.',
      });
    }
    return out;
  }
}

function publicKey(c: ParsedCertificate): string {
  return `${c.subjectKey}|${Buffer.from(c.spki).toString('base64')}`;
}
