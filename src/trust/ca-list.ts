/**
 * Lint of a trusted CA list as it is uploaded to a device (Expressway Maintenance > Security > Trusted CA list, an
 * ASA trustpoint, FTD, Meraki), entry by entry, and, given captures, which entries the captured peers' chains need
 * and which they miss: the list an engineer must upload.
 *
 * Entry checks: not a CA (a leaf uploaded as a CA), expired or not yet valid, an intermediate whose root is not in
 * the list, weak signature or key, and the subject and common-name collisions of TrustStore.verdicts({lint}).
 * Needs: each captured chain is built against the list alone; under the Expressway profile every CA of the chain
 * up to the self-signed root must be in the list (an Expressway sends only its own certificate, and needs the
 * root: the same rule as src/trust/chain.ts), elsewhere the root (or the CA the chain stops at) must be.
 */
import type { Handshake, Verdict } from '../model.js';
import { LIMITS } from '../limits.js';
import { buildPaths, bytesEqual, parseCertificate, type ParsedCertificate, type Path } from '../x509/index.js';
import { TrustStore } from './store.js';
import { certName, clean, issuerName, verdict, type Profile, type Role } from './words.js';

const WEAK_SIG = /md2|md5|sha1|SHA1/;

export interface CaListEntry {
  /** 1-based position in the list as given (file order; a folder's files by name). */
  index: number;
  sha256: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  isCA: boolean;
  selfSigned: boolean;
}

export interface CaListLint {
  entries: CaListEntry[];
  verdicts: Verdict[];
  /** The list as a trust store of its own (no public roots), for CaListNeeds. */
  store: TrustStore;
  parsed: ParsedCertificate[];
}

function entryOf(c: ParsedCertificate, index: number): CaListEntry {
  return {
    index, sha256: c.sha256, subject: c.info.subject, issuer: c.info.issuer, notBefore: c.info.notBefore,
    notAfter: c.info.notAfter, isCA: c.info.isCA, selfSigned: c.ok && c.info.selfSigned,
  };
}

/** Lint the certificates of a list (DER, in list order) as of `atMs`. */
export function lintCaList(ders: Uint8Array[], atMs: number, profile: Profile): CaListLint {
  const store = TrustStore.create({ publicRoots: false });
  const parsed = ders.map((d) => parseCertificate(d));
  const out: Verdict[] = [];
  parsed.forEach((c, i) => {
    const n = `Entry #${i + 1}`;
    if (!c.ok) {
      out.push(verdict('certificate-unparsable', c.sha256, `${n} does not parse as a certificate (${clean(c.info.notes?.join('; ') ?? 'malformed')}); a device rejects the upload or ignores it.`,
        'Export the CA certificate again (PEM or DER) from the CA.'));
      return;
    }
    store.add(c.der, 'user');
    const name = `${n} '${certName(c)}'`;
    const v1Root = c.version < 3 && c.info.selfSigned;
    if (!c.info.isCA && !v1Root)
      out.push(verdict('ca-list-not-a-ca', c.sha256, `${name} is not a CA certificate (basicConstraints cA is ${c.basicConstraintsPresent ? 'false' : 'absent'}; issued by '${issuerName(c)}'): it can issue nothing, so it makes at most this one certificate trusted, on devices that accept an end-entity certificate in their CA list, and not the certificates of its CA.`,
        c.info.selfSigned ? 'If the peer really uses this self-signed certificate, keep it; otherwise remove it.' : `Upload the CA that issued it ('${issuerName(c)}') and that CA's root instead.`));
    if (atMs > c.notAfter)
      out.push(verdict('ca-list-expired', c.sha256, `${name} expired ${c.info.notAfter}: an expired CA anchors no chain${c.info.isCA ? ', and on an Expressway it still hides a valid CA certificate of the same subject listed after it' : ''}.`,
        'Remove it and upload the renewed CA certificate.'));
    else if (atMs < c.notBefore)
      out.push(verdict('ca-list-not-yet-valid', c.sha256, `${name} is not valid before ${c.info.notBefore}: it anchors nothing until then (or a clock is wrong).`,
        'Check the clock (NTP) of the device and of the CA; upload the CA certificate that is valid now.'));
    if (!c.info.selfSigned && WEAK_SIG.test(c.info.signatureAlgorithm))
      out.push(verdict('ca-list-weak-signature', c.sha256, `${name} is signed with ${c.info.signatureAlgorithm}; current clients reject SHA-1 and MD5 signatures on CA certificates below the root.`,
        'Replace it with the CA certificate re-issued with a SHA-256 signature.'));
    const k = c.info.key;
    if ((k.type === 'RSA' || k.type === 'DSA') && k.bits !== undefined && k.bits < 2048)
      out.push(verdict('ca-list-weak-key', c.sha256, `${name} has a ${k.bits}-bit ${k.type} key; 2048 bits is the minimum clients accept.`,
        'Replace the CA with one whose key has at least 2048 bits (or EC P-256).'));
  });
  // An intermediate whose issuer is not in the list (checked once the whole list is in the store).
  const ok = parsed.filter((c) => c.ok);
  for (const c of ok) {
    if (c.info.selfSigned || !c.info.isCA) continue;
    if (store.issuersOf(c).some((i) => i.sha256 !== c.sha256)) continue;
    out.push(verdict('ca-list-root-missing', c.sha256, `Entry #${parsed.indexOf(c) + 1} '${certName(c)}' is an intermediate CA, and the CA that issued it, '${issuerName(c)}', is not in the list${profile === 'expressway' ? ': an Expressway needs every CA of a chain up to the self-signed root in its trusted CA list' : ': devices that validate up to a self-signed root (Expressway, OpenSSL without partial-chain) reject its chains'}.`,
      `Upload the root CA '${issuerName(c)}' (and any CA between) as well.`, profile === 'expressway' ? 'error' : 'warning'));
  }
  out.push(...store.verdicts({ lint: true, entryNumbers: parsed.flatMap((c, i) => (c.ok ? [i + 1] : [])) }));
  return { entries: parsed.map((c, i) => entryOf(c, i + 1)), verdicts: out, store, parsed };
}

export interface NeededEntry {
  entry: CaListEntry;
  handshakes: number[];
  moreHandshakes: number;
  roles: Role[];
}

export interface MissingCa {
  /** Subject of the CA the chains need. */
  subject: string;
  /** The CA certificate itself when a peer sent it (so `certshark export --chains` can write it). */
  sha256?: string;
  /** Its key identifier, when only the issuer name of the certificate below is known. */
  keyId?: string;
  /** Certificates whose chain needs it (first few). */
  neededBy: string[];
  handshakes: number[];
  moreHandshakes: number;
  /** A list entry with this subject but another key, which takes its place on an Expressway. */
  shadowedBy?: number;
  /**
   * false for an intermediate a peer sent in every handshake that needed it: not needed there, but needed by the
   * peers of an Expressway, which sends only its own certificate (profile expressway only).
   */
  required: boolean;
}

export interface CaListNeedsResult {
  handshakes: number;
  chains: number;
  /** Chains that stop at a CA neither sent nor listed: what lies above that CA is not known. */
  incomplete: number;
  needed: NeededEntry[];
  missing: MissingCa[];
  unused: CaListEntry[];
  verdicts: Verdict[];
}

const MAX_NAMES = 5;

/** Which entries of a linted list the chains of captured handshakes need, and which CAs they miss. */
export class CaListNeeds {
  private readonly used = new Map<string, { ids: number[]; count: number; roles: Set<Role> }>();
  private readonly missing = new Map<string, MissingCa & { count: number }>();
  private handshakes = 0;
  private chains = 0;
  /** Chains that stop at a CA nobody has: what lies above it is unknown. */
  private incomplete = 0;

  constructor(private readonly lint: CaListLint, private readonly profile: Profile, private readonly roles: Role[]) {}

  /** One finished handshake and the parsed certificates of the session. */
  add(h: Handshake, certs: Map<string, ParsedCertificate>): void {
    this.handshakes++;
    for (const role of this.roles) {
      const shas = role === 'server' ? h.serverChain : h.clientChain;
      const chain = shas.map((s) => certs.get(s)).filter((c): c is ParsedCertificate => !!c && c.ok);
      const leaf = chain[0];
      if (!leaf) continue;
      this.chains++;
      const path = bestPath(buildPaths(leaf, chain, this.lint.store), this.profile === 'expressway');
      if (!path) continue;
      this.record(h, role, leaf, path);
    }
  }

  private record(h: Handshake, role: Role, leaf: ParsedCertificate, path: Path): void {
    const store = this.lint.store;
    const els = path.elements;
    const expressway = this.profile === 'expressway';
    els.forEach((e, i) => {
      // The peer's own certificate counts as used only when the list trusts it directly (nothing above it), and
      // on an Expressway only when it is self-signed: Expressway validates up to a self-signed root.
      if (i === 0 && (els.length > 1 || (expressway && !e.cert.info.selfSigned))) return;
      if (store.isAnchor(e.cert.sha256)) {
        const u = this.used.get(e.cert.sha256) ?? { ids: [], count: 0, roles: new Set<Role>() };
        if (u.count === 0 || u.ids[u.ids.length - 1] !== h.id) {
          u.count++;
          if (u.ids.length < LIMITS.consistencyIdsPerVariant) u.ids.push(h.id);
        }
        u.roles.add(role);
        this.used.set(e.cert.sha256, u);
      } else if (i === els.length - 1 && i > 0 && path.end === 'untrusted-self-signed') {
        // A root the peer sent: sending it makes nothing trusted, the list must hold it.
        this.need(h, leaf, e.cert.info.subject, e.cert.subjectKey, { sha256: e.cert.sha256 }, true);
      } else if (i > 0 && expressway) {
        // An intermediate this peer sent: these handshakes did not need it in the list, but an Expressway peer
        // sends only its own certificate, so the list of an Expressway's peer needs it.
        this.need(h, leaf, e.cert.info.subject, e.cert.subjectKey, { sha256: e.cert.sha256 }, false);
      }
    });
    // A self-signed certificate used directly (a phone, a temporary certificate) is trusted only if listed itself.
    if (els.length === 1 && path.end === 'untrusted-self-signed') this.need(h, leaf, leaf.info.subject, leaf.subjectKey, { sha256: leaf.sha256 }, true);
    const top = els[els.length - 1]!.cert;
    const stopsBelowRoot = path.end === 'issuer-not-found' || (path.end === 'anchor' && !top.info.selfSigned && expressway);
    if (stopsBelowRoot) {
      this.need(h, leaf, top.info.issuer, top.issuerKey, { keyId: top.info.aki }, true);
      this.incomplete++;
    }
  }

  private need(h: Handshake, leaf: ParsedCertificate, subject: string, subjectKey: string, id: { sha256?: string; keyId?: string }, required: boolean): void {
    const key = id.sha256 ?? `${subjectKey}\u0000${id.keyId ?? ''}`;
    let m = this.missing.get(key);
    if (!m) {
      // A list entry with this subject that is not the CA needed (another key): on an Expressway it takes its place.
      const twin = this.lint.store.bySubjectKey(subjectKey).find((c) => c.sha256 !== id.sha256);
      m = { subject, ...id, required, neededBy: [], handshakes: [], moreHandshakes: 0, count: 0 };
      // The trust store parsed its own copy: the entry is found by hash.
      if (twin) m.shadowedBy = this.lint.parsed.findIndex((p) => p.sha256 === twin.sha256) + 1;
      this.missing.set(key, m);
    }
    if (required) m.required = true;
    const ln = certName(leaf);
    if (!m.neededBy.includes(ln) && m.neededBy.length < MAX_NAMES) m.neededBy.push(ln);
    if (m.handshakes[m.handshakes.length - 1] === h.id) return;
    m.count++;
    if (m.handshakes.length < LIMITS.consistencyIdsPerVariant) m.handshakes.push(h.id);
    else m.moreHandshakes++;
  }

  result(): CaListNeedsResult {
    const entries = this.lint.entries;
    const byShaEntry = (sha: string) => entries.find((e) => e.sha256 === sha)!;
    const needed: NeededEntry[] = [...this.used].map(([sha, u]) => ({
      entry: byShaEntry(sha), handshakes: u.ids, moreHandshakes: u.count - u.ids.length, roles: [...u.roles],
    })).sort((a, b) => a.entry.index - b.entry.index);
    const missing = [...this.missing.values()].map(({ count: _c, ...m }) => m);
    const usedSet = new Set(this.used.keys());
    const seen = new Set<string>();
    const unused = entries.filter((e) => {
      const first = !seen.has(e.sha256);
      seen.add(e.sha256);
      return first && !usedSet.has(e.sha256) && e.subject !== '';
    });
    const vs: Verdict[] = [];
    const ids = (l: number[], more: number) => l.map((i) => `#${i}`).join(', ') + (more ? ` and ${more} more` : '');
    for (const n of needed) {
      // An entry needed although an earlier one has its subject: found here by key, but an Expressway stops at the earlier one.
      const earlier = entries.find((e) => e.index < n.entry.index && e.sha256 !== n.entry.sha256 && e.subject === n.entry.subject);
      const earlierKeyDiffers = earlier && !bytesEqual(this.lint.parsed[earlier.index - 1]!.spki, this.lint.parsed[n.entry.index - 1]!.spki);
      if (earlier && earlierKeyDiffers)
        vs.push(verdict('ca-list-entry-shadowed', n.entry.sha256, `The chains of handshake(s) ${ids(n.handshakes, n.moreHandshakes)} need entry #${n.entry.index} '${clean(n.entry.subject)}', but entry #${earlier.index} has the same subject with another key and comes first: an Expressway finds that one and rejects these chains.`,
          `Remove entry #${earlier.index} (or move entry #${n.entry.index} above it) so that only the CA that signed these chains carries this subject.`));
      else
        vs.push(verdict('ca-list-entry-needed', n.entry.sha256, `Entry #${n.entry.index} '${clean(n.entry.subject)}' is needed by the ${n.roles.join(' and ')} chain(s) of handshake(s) ${ids(n.handshakes, n.moreHandshakes)}.`));
    }
    for (const m of missing) {
      const sent = m.sha256 ? ` A peer sent it in handshake #${m.handshakes[0]}: \`certshark export CAPTURE --chains --handshake ${m.handshakes[0]}\` writes it to a file.` : ' No peer sent it: get it from the CA (or from the AIA caIssuers URL of the certificate below it).';
      const shadow = m.shadowedBy ? ` The list has a certificate with this subject, entry #${m.shadowedBy}, but with another key: not the CA that signed these chains.` : '';
      const chains = `The chains of ${m.neededBy.map(clean).join(', ')} (handshake(s) ${ids(m.handshakes, m.moreHandshakes)})`;
      if (m.required)
        vs.push(verdict('ca-list-entry-missing', m.sha256 ?? 'ca-list', `${chains} need the CA '${clean(m.subject)}'${m.keyId ? ` (key id ${m.keyId})` : ''}, which is not in the list.${shadow}${sent}`,
          `Upload '${clean(m.subject)}' to the list.`));
      else
        vs.push(verdict('ca-list-entry-missing', m.sha256 ?? 'ca-list', `${chains} go through the intermediate CA '${clean(m.subject)}', which is not in the list: the peers sent it, so these handshakes did not need it there, but an Expressway sends only its own certificate, and its peers need the intermediate in their list.${shadow}${sent}`,
          `Upload '${clean(m.subject)}' to the list as well if the peer is an Expressway (Expressway wants every CA of the chain in its trusted CA list).`, 'warning'));
    }
    for (const u of unused)
      vs.push(verdict('ca-list-entry-unused', u.sha256, `Entry #${u.index} '${clean(u.subject)}' is needed by none of the captured chains${this.incomplete && u.isCA ? ` that could be followed to their end (${this.incomplete} stop at a missing CA, which may itself be issued by this one)` : ''}; other peers may need it.`));
    return { handshakes: this.handshakes, chains: this.chains, incomplete: this.incomplete, needed, missing, unused, verdicts: vs };
  }
}

/**
 * The path that shows what the list must hold. Expressway needs the chain up to the self-signed root, so a path
 * reaching a root comes first there; elsewhere a path anchored in the list does (an intermediate may anchor).
 */
function bestPath(paths: Path[], rootFirst: boolean): Path | undefined {
  const rank = (p: Path) => {
    const top = p.elements[p.elements.length - 1]!.cert;
    const root = top.info.selfSigned ? 0 : 1;
    const anchored = p.anchored ? 0 : 1;
    return p.badSignatures * 1000 + (rootFirst ? root * 100 + anchored * 10 : anchored * 100 + root * 10) - p.elements.length * 0.01;
  };
  let best: Path | undefined;
  for (const p of paths) if (!best || rank(p) < rank(best)) best = p;
  return best;
}
