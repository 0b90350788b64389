import type { Verdict } from '../model.js';
import {
  buildPaths, bytesEqual, UNDERSTOOD_EXTENSIONS, type ParsedCertificate, type Path, type Subtree,
} from '../x509/index.js';
import { checkHostname, dnsWithin, emailWithin, ipBytes } from './names.js';
import type { ExpresswayRules } from './expressway.js';
import { roleChecks } from './role.js';
import type { TrustStore } from './store.js';
import { aiaFetchNote } from './aia.js';
import { certName, clean, days, issuerName, sideName, trustListOf, verdict, type Profile, type Role } from './words.js';

import type { EvidenceMemo } from './evidence.js';

export interface TrustContext {
  store: TrustStore;
  /** Time of judgement: the handshake's capture time (default), the current time, or a fixed date. */
  at: 'capture' | 'now' | Date;
  profile: Profile;
  /** `--host NAME`: the name the client meant to reach (overrides SNI). */
  host?: string;
  /** `--expressway-version` (and `--server-eku-upload`) under the expressway profile; X15.5 rules when absent. */
  expressway?: ExpresswayRules;
  /**
   * `check`: the chain comes from certificate files, not a handshake, so messages speak of the files given and of
   * the time of judgement instead of "sent in the handshake" and "the capture time".
   */
  offline?: boolean;
  /** What a session's judgements share (the weighed verdicts); absent, nothing is kept between calls. */
  evidence?: EvidenceMemo;
}

/** The words for where the chain came from and when it is judged, in a capture or in `check`. */
function sourceWords(ctx: TrustContext): { sentIn: string; sent: string; when: string } {
  if (!ctx.offline) return { sentIn: 'sent in the handshake', sent: 'sent', when: 'the capture time' };
  const when = ctx.at === 'now' || ctx.at === 'capture' ? 'now' : `the date judged at (${ctx.at.toISOString().slice(0, 10)})`;
  return { sentIn: 'in the files given', sent: 'file', when };
}

/** What judging one side's chain produced, for the handshake-level checks that need the chosen path. */
export interface ChainJudgement {
  verdicts: Verdict[];
  path?: Path;
  leaf?: ParsedCertificate;
}

const WARN_DAYS = 30;
const WEAK_SIG = /md2|md5|sha1|SHA1/;

/** Everything RFC 5280 §6.1 path validation says about one candidate path, as chain-error verdicts for `side`. */
function pathProblems(path: Path, role: Role, atMs: number, ctx: TrustContext): Verdict[] {
  const out: Verdict[] = [];
  const { profile, store } = ctx;
  const els = path.elements;
  const leaf = els[0]!.cert;
  const last = els[els.length - 1]!.cert;
  const list = trustListOf(role, profile);
  const holder = sideName(role, profile);

  // Signatures (§6.1.3 (a)(1)).
  for (let i = 0; i < els.length - 1; i++) {
    const s = els[i]!.sig;
    if (!s || s.ok) continue;
    const c = els[i]!.cert, iss = els[i + 1]!.cert;
    if (s.kind === 'bad')
      out.push(verdict('bad-signature', role, `The signature of ${certName(c)} does not verify with the key of '${certName(iss)}' (${s.detail}): the certificate was altered in transit or storage, or '${certName(iss)}' is a different CA that only has the same name.`,
        `Re-export ${certName(c)} from the CA that issued it and make sure the CA certificate installed is the one that signed it (compare its Subject Key Identifier with the Authority Key Identifier of ${certName(c)}).`));
    else
      out.push(verdict('signature-unsupported', role, `The signature of ${certName(c)} by '${certName(iss)}' could not be checked here: ${s.detail}.`));
  }
  if (!last.info.selfSigned && (bytesEqual(last.subjectRaw, last.issuerRaw)) && path.end !== 'anchor')
    out.push(verdict('bad-signature', role, `${certName(last)} names itself as its issuer but its self-signature does not verify: the certificate is damaged.`,
      `Replace ${certName(last)} with an intact copy from its CA.`));

  // End of the path: anchor, untrusted root, self-signed leaf or missing issuer.
  if (path.end === 'anchor') {
    const anchorOrigin = store.originOf(last.sha256);
    if (!last.info.selfSigned && profile === 'expressway') {
      out.push(verdict('untrusted-root', role, `${certName(last)} is in ${list}, but the CA above it, '${issuerName(last)}', is not: Expressway needs every CA of the chain up to the self-signed root in its trusted CA list.`,
        `Upload the root CA '${issuerName(last)}' to ${list} as well.`));
    } else if (profile === 'anyconnect' && role === 'server' && anchorOrigin !== 'public' && anchorOrigin !== 'user' && !store.userGiven) {
      out.push(verdict('untrusted-root', role, `${certName(leaf)} chains to '${certName(last)}', which is not a public root: AnyConnect clients and phones that were not given this root will show "Untrusted Server Certificate".`,
        'Use an identity certificate from a public CA on the ASA/MX, or push this root to every client (and pass it with --ca to check against it).'));
    }
  } else if (path.end === 'untrusted-self-signed') {
    if (els.length === 1) {
      // `self-signed` is the stable code in every profile (scripts filter on it); under anyconnect the words say
      // what such a certificate is on an ASA or MX, and `anyconnect-temporary-certificate` marks it for filters.
      if (profile === 'anyconnect' && role === 'server') {
        out.push(verdict('self-signed', role, `${certName(leaf)} is self-signed: this is the temporary certificate an ASA (self-signed trustpoint) or a Meraki MX (before its publicly trusted DDNS certificate is enrolled) presents, so AnyConnect reports "Untrusted Server Certificate".`,
          'On a Meraki MX, wait about 10 minutes after enabling AnyConnect for the public certificate enrollment, check that Dynamic DNS resolves to the MX and connect with the DDNS hostname, not the IP. On an ASA, enroll an identity certificate from a CA (crypto ca enroll) and bind it with `ssl trust-point NAME outside`.'));
        out.push(verdict('anyconnect-temporary-certificate', role, `${certName(leaf)} looks like the ASA/MX temporary self-signed identity certificate.`));
      } else
        out.push(verdict('self-signed', role, `${certName(leaf)} is self-signed (issuer = subject) and is not in ${list}, so the peer cannot trust it.`,
          profile === 'expressway'
            ? `Replace the temporary/self-signed certificate with one signed by a CA, or upload this exact certificate to ${list}.`
            : `Install a certificate issued by a CA the peer trusts, or add this certificate to ${list} (with --ca to check).`));
    } else {
      out.push(verdict('untrusted-root', role, `${certName(leaf)} chains up to the root '${certName(last)}', which is not in ${list}.`,
        profile === 'expressway' ? `Upload the root '${certName(last)}' (and any intermediates) to ${list}.` : `Add the root '${certName(last)}' to ${list} (pass it with --ca to check), or use a certificate from a CA the peer already trusts.`));
    }
  } else if (path.end === 'issuer-not-found') {
    if (els.length === 1) {
      const fix = profile === 'expressway'
        ? `Upload the intermediate CA '${issuerName(last)}' and its root to ${list}; an Expressway sends only its own certificate.`
        : profile === 'anyconnect'
          ? `On the ASA, import the intermediate into the trustpoint's CA chain (crypto ca import / authenticate) so it is sent with the identity certificate; on the MX, upload the CA or chained certificate with the device certificate.`
          : `Configure ${holder} to send its intermediate certificate(s) after its own (the full-chain file, not only the leaf certificate).`;
      // On Expressway the peer's trusted CA list is the remedy (an Expressway sends only its own certificate), so
      // the message says so rather than asking the sender to send what it cannot.
      const remedy = profile === 'expressway'
        ? 'an Expressway sends only its own certificate, so its peer must hold the intermediate'
        : `${holder} must send its intermediate certificate`;
      const aia = aiaFetchNote(leaf);
      out.push(verdict('missing-intermediate', role, `${certName(leaf)} was issued by '${issuerName(last)}', which was neither ${sourceWords(ctx).sentIn} nor is in ${list}: ${remedy}.${aia ? ' ' + aia : ''}`, fix));
    } else {
      out.push(verdict('untrusted-root', role, `The chain of ${certName(leaf)} ends at '${certName(last)}', whose issuer '${issuerName(last)}' was neither sent nor is in ${list}.`,
        `Add '${issuerName(last)}' (the root CA) to ${list}${profile === 'web' ? ' (pass it with --ca to check)' : ''}.`));
    }
  } else {
    out.push(verdict('chain-too-long', role, `The chain of ${certName(leaf)} is longer than ${els.length} certificates; path building stopped.`));
  }

  // Time (§6.1.3 (a)(2)) at the capture time, every certificate of the path.
  els.forEach((e, i) => {
    const c = e.cert;
    if (atMs > c.notAfter) {
      if (i === 0)
        out.push(verdict('expired-at-capture', role, `${certName(c)} expired ${c.info.notAfter} (${days(atMs - c.notAfter)} before ${sourceWords(ctx).when}).`,
          `Renew the certificate of ${holder}; if it was renewed, the new one is not installed or bound (${profile === 'anyconnect' ? 'ssl trust-point' : profile === 'expressway' ? 'Maintenance > Security > Server certificate' : 'server configuration'}). Also check the clock (NTP) of both sides.`));
      else
        out.push(verdict('ca-expired-at-capture', role, `The CA certificate '${certName(c)}' in the chain of ${certName(leaf)} expired ${c.info.notAfter}.`,
          `Replace '${certName(c)}' with its renewed CA certificate (in the chain sent and in ${list}).`));
    } else if (atMs < c.notBefore) {
      out.push(verdict('not-yet-valid', role, `${i === 0 ? certName(c) : `The CA certificate '${certName(c)}'`} is not valid before ${c.info.notBefore}, ${days(c.notBefore - atMs)} after ${sourceWords(ctx).when}: the clock of the side that issued or checks it is wrong (clock skew), or the certificate was just issued.`,
        'Check NTP on both sides; a certificate issued minutes ago by a CA whose clock runs ahead fails until the validity starts.'));
    }
  });

  // CA constraints (§6.1.4 (k), (l), (m), (n)) and critical extensions (§6.1.4 (o)).
  for (let i = 1; i < els.length; i++) {
    const c = els[i]!.cert;
    const isAnchorV1 = i === els.length - 1 && path.end === 'anchor' && c.version < 3 && c.info.selfSigned;
    if (!c.info.isCA && !isAnchorV1)
      out.push(verdict('not-a-ca', role, `'${certName(c)}' signed ${certName(els[i - 1]!.cert)} but is not a CA certificate (basicConstraints cA is ${c.basicConstraintsPresent ? 'false' : 'absent'}).`,
        `The certificate above ${certName(els[i - 1]!.cert)} must be the issuing CA certificate; an end-entity certificate cannot sign others.`));
    if (c.keyUsagePresent && !c.info.keyUsage.includes('keyCertSign'))
      out.push(verdict('ca-missing-keycertsign', role, `The CA certificate '${certName(c)}' has a keyUsage without keyCertSign, so it may not sign certificates.`,
        'Reissue the CA certificate with keyUsage keyCertSign (and cRLSign).'));
    const below = i - 1; // intermediate CAs between this CA and the leaf
    if (c.info.pathLen !== undefined && below > c.info.pathLen)
      out.push(verdict('path-length-exceeded', role, `'${certName(c)}' allows at most ${c.info.pathLen} CA certificate(s) below it (pathLenConstraint) but the chain has ${below}.`,
        'Issue the certificate from a CA that is allowed to have sub-CAs, or shorten the hierarchy.'));
    if (c.nameConstraints) {
      for (let j = 0; j < i; j++) {
        const bad = nameConstraintViolation(els[j]!.cert, c.nameConstraints, j === 0);
        if (bad)
          out.push(verdict('name-constraints-violated', role, `'${certName(c)}' restricts the names it may certify (name constraints), and ${certName(els[j]!.cert)} holds ${bad}, which is outside them.`,
            'Issue the certificate from a CA whose name constraints include this name, or remove the name.'));
      }
    }
  }
  for (const e of els) {
    const unknown = e.cert.extensions.filter((x) => x.critical && !UNDERSTOOD_EXTENSIONS.has(x.oid));
    if (unknown.length)
      out.push(verdict('unknown-critical-extension', role, `${certName(e.cert)} has critical extension(s) ${unknown.map((x) => x.oid).join(', ')} that a validator does not understand, so RFC 5280 requires rejecting it.`,
        'Reissue the certificate without marking unusual extensions critical.'));
  }
  return out;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function ipWithin(ip: Uint8Array, st: { addr: Uint8Array; mask: Uint8Array }): boolean {
  if (ip.length !== st.addr.length) return false;
  for (let k = 0; k < ip.length; k++) if ((ip[k]! & st.mask[k]!) !== (st.addr[k]! & st.mask[k]!)) return false;
  return true;
}

/** First name of `c` outside `nc` (RFC 5280 §4.2.1.10), described; null when all names fit. */
function nameConstraintViolation(c: ParsedCertificate, nc: { permitted: Subtree[]; excluded: Subtree[] }, isLeaf: boolean): string | null {
  const names: { type: string; value: string }[] = [...c.info.sans];
  // A leaf without DNS SANs is named by its CN (as OpenSSL and browsers do for the hostname check).
  if (isLeaf && !names.some((n) => n.type === 'dns') && c.info.subjectCN && /^[a-z0-9*-]+(\.[a-z0-9-]+)+$/i.test(c.info.subjectCN))
    names.push({ type: 'dns', value: c.info.subjectCN });
  for (const n of names) {
    const ofType = (l: Subtree[]) => l.filter((s) => s.type === n.type);
    const within = (s: Subtree): boolean => {
      if (s.type === 'dns') return dnsWithin(n.value, s.value);
      if (s.type === 'email') return emailWithin(n.value, s.value);
      if (s.type === 'ip') { const b = ipBytes(n.value); return !!b && ipWithin(b, s); }
      return true;
    };
    if (!['dns', 'email', 'ip'].includes(n.type)) continue;
    const desc = `${n.type === 'dns' ? 'DNS name' : n.type === 'ip' ? 'IP address' : 'e-mail address'} ${clean(n.value)}`;
    if (ofType(nc.excluded).some(within)) return desc + ' (excluded)';
    const perm = ofType(nc.permitted);
    if (perm.length && !perm.some(within)) return desc;
  }
  return null;
}

function rankPath(p: Path, problems: Verdict[]): number {
  const errors = problems.filter((v) => v.severity === 'error').length;
  const store = p.elements.filter((e) => e.source === 'store').length;
  return (p.anchored ? 0 : 10_000) + errors * 100 + problems.length * 10 + store + p.elements.length * 0.01;
}

function resolveAt(ctx: TrustContext, captureSeconds?: number): number {
  if (ctx.at instanceof Date) return ctx.at.getTime();
  if (ctx.at === 'capture' && captureSeconds !== undefined && Number.isFinite(captureSeconds)) return captureSeconds * 1000;
  // `check` on files has no capture: its 'capture' time is the time of the check.
  return Date.now();
}

/**
 * Judge one presented chain (chain[0] is the sender's own certificate, as TLS requires). Exactly one summary
 * verdict with subject `role`: chain-trusted, or the chain error(s); plus per-certificate and leaf checks.
 */
export function judgePresented(chain: ParsedCertificate[], role: Role, ctx: TrustContext, opts: { captureSeconds?: number; sni?: string; serverIp?: string } = {}): ChainJudgement {
  const out: Verdict[] = [];
  const atMs = resolveAt(ctx, opts.captureSeconds);
  const { profile } = ctx;
  const holder = sideName(role, profile);
  chain.forEach((c, i) => {
    if (!c.ok) out.push(verdict('certificate-unparsable', c.sha256, `Certificate #${i + 1} sent by ${holder} does not parse: ${clean(c.info.notes?.join('; ') ?? 'malformed')}.`,
      'Export the certificate again from the device; a capture with a gap in this handshake can also cut it (see handshake notes).'));
  });
  const leaf = chain[0];
  if (!leaf || !leaf.ok) {
    if (!leaf) out.push(verdict('no-certificate', role, `${cap(holder)} sent no certificate.`));
    return { verdicts: out };
  }

  const paths = buildPaths(leaf, chain, ctx.store);
  let best: Path | undefined;
  let bestProblems: Verdict[] = [];
  let bestRank = Infinity;
  for (const p of paths) {
    const probs = pathProblems(p, role, atMs, ctx);
    const r = rankPath(p, probs);
    if (r < bestRank) { best = p; bestProblems = probs; bestRank = r; }
  }
  const chainErrors = bestProblems;
  if (chainErrors.length === 0 && best)
    out.push(verdict('chain-trusted', role, `${certName(leaf)} chains to the trusted ${best.elements.length > 1 ? `root '${certName(best.elements[best.elements.length - 1]!.cert)}'` : 'certificate itself'} (${best.elements.map((e) => `${certName(e.cert)} [${e.source === 'wire' ? sourceWords(ctx).sent : 'trust store'}]`).join(' > ')}).`));
  else out.push(...chainErrors);

  if (best) {
    // Presented order (RFC 8446 §4.4.2: each certificate should certify the one before it).
    const wireIdx = best.elements.slice(1).map((e) => e.wireIndex).filter((x): x is number => x !== undefined);
    const sorted = wireIdx.every((x, k) => k === 0 || x > wireIdx[k - 1]!);
    if (!sorted)
      out.push(verdict('chain-out-of-order', role, `${cap(holder)} sent its chain out of order (${chain.map((c) => certName(c)).join(', ')}); the order should be ${best.elements.filter((e) => e.wireIndex !== undefined).map((e) => certName(e.cert)).join(' > ')}. Most clients reorder, some (older Java, embedded phones) do not.`,
        `Put the certificates in the chain file in order: own certificate first, then the CA that issued it, and so on.`));
    const used = new Set(best.elements.map((e) => e.cert.sha256));
    const seen = new Set<string>();
    chain.forEach((c, i) => {
      if (!c.ok) return;
      if (seen.has(c.sha256)) {
        out.push(verdict('duplicate-certificate', c.sha256, `${certName(c)} was sent more than once (position ${i + 1}).`));
        return;
      }
      seen.add(c.sha256);
      if (used.has(c.sha256)) return;
      const twin = best.elements.find((e) => e.cert.subjectKey === c.subjectKey);
      if (twin)
        // Typically the cross-signed form of a root (ISRG Root X1 by DST Root CA X3) next to the self-signed one in the store.
        out.push(verdict('unused-certificate', c.sha256, `${certName(c)} (position ${i + 1}, issued by '${issuerName(c)}') was sent but not needed: the path uses the ${twin.source === 'store' ? 'trust store\'s' : 'other'} certificate of the same name${twin.cert.info.selfSigned ? ' (the self-signed root)' : ''}. Clients that do not trust that root can still use the one sent (a cross-signed certificate).`));
      else
        out.push(verdict('unused-certificate', c.sha256, `${certName(c)} (position ${i + 1}) was sent but is not part of the chain of ${certName(leaf)}.`,
          'Remove certificates that do not belong to this chain from the chain file.'));
    });
    for (const e of best.elements.slice(1))
      if (e.wireIndex !== undefined && e.cert.info.selfSigned)
        out.push(verdict('root-sent', e.cert.sha256, `${cap(holder)} also sent the root '${certName(e.cert)}'; the peer must already have it, so sending it only costs bytes (it cannot make an untrusted root trusted).`));
    // Crypto strength and upcoming expiry on every certificate of the chosen path.
    for (const e of best.elements) {
      const c = e.cert;
      const subj = e.wireIndex !== undefined ? c.sha256 : role;
      const k = c.info.key;
      if ((k.type === 'RSA' || k.type === 'RSA-PSS' || k.type === 'DSA') && k.bits !== undefined && k.bits < 2048)
        out.push(verdict('weak-key', subj, `${certName(c)} has a ${k.bits}-bit ${k.type} key; 2048 bits is the minimum clients accept.`,
          `Generate a new key of at least 2048 bits (${profile === 'anyconnect' ? 'crypto key generate rsa modulus 2048' : 'RSA 2048 or EC P-256'}) and reissue the certificate.`));
      if (k.type === 'EC' && k.curve && !['P-256', 'P-384', 'P-521'].includes(k.curve))
        out.push(verdict('weak-curve', subj, `${certName(c)} uses the EC curve ${k.curve}, which TLS clients commonly do not support (P-256, P-384 and P-521 are).`,
          'Reissue with a P-256 or P-384 key.'));
      if (!c.info.selfSigned && WEAK_SIG.test(c.info.signatureAlgorithm) && c.sigAlgOid)
        out.push(verdict('weak-signature', subj, `${certName(c)} is signed with ${c.info.signatureAlgorithm}; SHA-1 and MD5 signatures are rejected by current browsers and many clients.`,
          'Reissue the certificate with a SHA-256 signature.'));
      const left = c.notAfter - atMs;
      if (left >= 0 && left < WARN_DAYS * 86_400_000)
        out.push(verdict('expires-soon', subj, `${certName(c)} expires ${c.info.notAfter}, ${days(left)} after ${sourceWords(ctx).when}.`, 'Renew it before it expires.'));
    }
  }

  out.push(...roleChecks(leaf, best, role, ctx, atMs), ...leafChecks(leaf, role, ctx, opts));
  return { verdicts: out, path: best, leaf };
}

function leafChecks(leaf: ParsedCertificate, role: Role, ctx: TrustContext, opts: { sni?: string; serverIp?: string }): Verdict[] {
  const out: Verdict[] = [];
  const { profile } = ctx;
  const name = certName(leaf);
  const info = leaf.info;
  // (The role's extended key usage is judged in role.ts, with the chosen path.)
  // keyUsage against the key type (RFC 5280 §4.2.1.3, RFC 5246 §7.4.2 / RFC 8446 §4.4.2.4).
  if (leaf.keyUsagePresent) {
    const ku = info.keyUsage;
    const t = info.key.type;
    const rsa = t === 'RSA';
    const ok = ku.includes('digitalSignature') || (rsa && ku.includes('keyEncipherment')) || (t === 'EC' && ku.includes('keyAgreement'));
    const odd = t !== 'RSA' && (ku.includes('keyEncipherment') || ku.includes('dataEncipherment'));
    if (!ok || odd)
      out.push(verdict('key-usage-mismatch', role, `${name} has a ${t} key but keyUsage ${ku.join(', ') || '(empty)'}: ${!ok ? 'a TLS certificate needs digitalSignature' + (rsa ? ' or keyEncipherment' : '') : `${t} keys cannot encrypt, so keyEncipherment/dataEncipherment does not fit`}.`,
        `Reissue with keyUsage digitalSignature${rsa ? ', keyEncipherment' : ''}.`));
  }
  // Names: the server only, against SNI or --host (RFC 6125).
  if (role === 'server') {
    const host = ctx.host ?? opts.sni;
    const dnsSans = info.sans.filter((s) => s.type === 'dns');
    const ipSans = info.sans.filter((s) => s.type === 'ip');
    if (dnsSans.length === 0 && ipSans.length === 0)
      out.push(verdict('no-san', role, `${name} has no Subject Alternative Name; current browsers and clients ignore the Common Name and will report a name mismatch.`,
        'Reissue the certificate with the FQDN(s) in the Subject Alternative Name (DNS) field.'));
    if (!host) {
      const ipNote = opts.serverIp ? ` (the client probably connected to the address ${opts.serverIp}${ipSans.length ? '' : ', and the certificate holds only names'})` : '';
      out.push(verdict('no-name-to-check', role, `The client sent no SNI, so the name it expected is unknown${ipNote}.${profile === 'anyconnect' ? ' Connecting to an ASA/MX by IP address gives a certificate error even with a publicly trusted certificate.' : ''}`,
        profile === 'anyconnect' ? 'Connect with the FQDN (for an MX, the DDNS hostname) that is in the certificate; pass --host NAME to check a name.' : 'Pass --host NAME to check the certificate against the name users connect to.',
        profile === 'anyconnect' ? 'warning' : undefined));
    } else {
      const r = checkHostname(host, info.sans, info.subjectCN);
      const h = clean(host);
      if (r.matched) out.push(verdict('name-match', role, `${name} is valid for ${h} (matched ${clean(r.by!)}${r.usedCn ? ' in the Common Name, as there is no SAN' : ''}).`));
      else if (r.hostIsIp)
        out.push(verdict('ip-not-in-san', role, `The client connected to the IP address ${h}, but ${name} holds ${r.ipNames.length ? `only the IP address(es) ${r.ipNames.join(', ')}` : 'no IP address'}${r.dnsNames.length ? ` and the name(s) ${r.dnsNames.map(clean).slice(0, 8).join(', ')}` : ''}: a name in the certificate cannot match an IP address.`,
          profile === 'anyconnect' ? 'Connect with the FQDN in the certificate (for an MX, the DDNS hostname), not the IP address.' : profile === 'expressway' ? 'Configure the peer address as the FQDN that is in the certificate, not its IP address.' : 'Connect with a name that is in the certificate, or add the IP address as an iPAddress SAN.'));
      else
        out.push(verdict('name-mismatch', role, `${name} is not valid for ${h}: it covers ${r.dnsNames.length ? r.dnsNames.map(clean).slice(0, 12).join(', ') + (r.dnsNames.length > 12 ? ', …' : '') : 'no DNS name'}${r.usedCn ? ' (Common Name only, no SAN)' : ''}${r.dnsNames.some((n) => n.includes('*')) ? '; a wildcard covers exactly one left-most label' : ''}.`,
          profile === 'anyconnect' ? `Reissue the ASA/MX certificate with ${h} in the SAN (the FQDN AnyConnect users type must match the certificate), or have users connect with a name in it.` : profile === 'expressway' ? `Add ${h} to the SAN of the certificate, or configure the peer address on the other Expressway as a name the certificate holds.` : `Reissue the certificate with ${h} as a SAN, or connect with a name it holds.`));
    }
  }
  // Expressway specifics (background: traversal zone, cluster certificates, SAN field limit).
  if (profile === 'expressway') {
    const dns = info.sans.filter((s) => s.type === 'dns').map((s) => s.value);
    if (dns.some((d) => d.includes('*')) || (info.subjectCN ?? '').includes('*'))
      out.push(verdict('expressway-wildcard-unsupported', role, `${name} is a wildcard certificate (${[info.subjectCN ?? '', ...dns].filter((d) => d.includes('*')).map(clean).join(', ')}); Expressway does not support wildcard certificates on the traversal zone.`,
        'Get a certificate whose subject CN is the Expressway (or cluster) FQDN and whose SAN lists every required name explicitly.'));
    const field = info.sans.map((s) => `${s.type === 'dns' ? 'DNS' : s.type === 'ip' ? 'IP Address' : s.type}:${s.value}`).join(', ');
    if (field.length > 999) {
      let len = 0;
      const ignored: string[] = [];
      for (const s of info.sans) {
        len += (len ? 2 : 0) + s.value.length + (s.type === 'dns' ? 4 : s.type.length + 1);
        if (len > 999) ignored.push(s.value);
      }
      out.push(verdict('expressway-san-too-long', role, `The SAN field of ${name} is ${field.length} characters; Expressway reads only the first 999, so ${ignored.length} name(s) are ignored as if absent (${ignored.slice(0, 5).map(clean).join(', ')}${ignored.length > 5 ? ', …' : ''}).`,
        'Reissue the certificate with fewer SANs (for example separate certificates per cluster or fewer chat node aliases) so the field stays under 999 characters.'));
    }
    const cn = info.subjectCN?.toLowerCase();
    if (cn && dns.some((d) => d.toLowerCase() === cn)) {
      const parent = cn.slice(cn.indexOf('.') + 1);
      const peers = dns.filter((d) => d.toLowerCase() !== cn && !d.includes('*') && d.toLowerCase().endsWith('.' + parent) && d.split('.').length === cn.split('.').length);
      if (peers.length)
        out.push(verdict('expressway-cluster-certificate', role, `${name} looks like a cluster certificate: CN is the cluster FQDN ${clean(info.subjectCN!)} and the SAN lists the peers ${peers.map(clean).join(', ')}.`,
          'Upload the same certificate and private key to every peer; the trusted CA list is not replicated in an Expressway cluster, so upload it on each peer too.'));
    }
  }
  return out;
}
