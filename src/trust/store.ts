import { existsSync } from 'node:fs';
import tls from 'node:tls';
import type { Verdict } from '../model.js';
import {
  certificatesFromBytes, couldIssue, loadCertificates, parseCertificate, type AnchorSource, type ParsedCertificate,
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

  /**
   * Warnings about the user's own CA list: two different CAs with the same subject. Expressway (and VCS) search the
   * trusted CA list by subject and stop at the first match, so the lower one is as good as absent.
   */
  verdicts(): Verdict[] {
    const seen = new Map<string, ParsedCertificate[]>();
    for (const c of this.userOrder) {
      const l = seen.get(c.subjectKey) ?? [];
      if (!l.some((x) => x.sha256 === c.sha256)) l.push(c);
      seen.set(c.subjectKey, l);
    }
    const out: Verdict[] = [];
    for (const l of seen.values()) {
      if (l.length < 2) continue;
      const subj = l[0]!.info.subject;
      out.push({
        code: 'trust-store-duplicate-subject',
        severity: VERDICT_CODES['trust-store-duplicate-subject'],
        subject: l[0]!.sha256,
        message: `The trusted CA list holds ${l.length} different certificates with the same subject '${subj}' ` +
          `(SHA-256 ${l.map((c) => c.sha256.slice(0, 16)).join(', ')}); Expressway stops at the first one with a matching subject, ` +
          `so a chain signed by the other one is rejected as if its CA were missing.`,
        fix: 'Keep only the CA certificate that actually signed your certificates under this subject in the trusted CA list, ' +
          'or re-sign the certificates (for example CUCM tomcat and CallManager) with one CA and trust that CA alone.',
      });
    }
    return out;
  }
}

function publicKey(c: ParsedCertificate): string {
  return `${c.subjectKey}|${Buffer.from(c.spki).toString('base64')}`;
}
