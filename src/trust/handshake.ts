import type { ChainPath, Handshake, Verdict } from '../model.js';
import { decodeOcspResponse, nameKey, ocspStatusName, parseCertificate, type ParsedCertificate, type PathElement } from '../x509/index.js';
import { judgePresented, type TrustContext } from './chain.js';
import type { ChainJudgement, JudgementMemo } from './judgement-memo.js';
import type { VerdictCode } from './codes.js';
import { badCertificateHint, clientCertificateFix } from './expressway.js';
import { weighEvidence } from './evidence.js';
import { expresswayRulesOf } from './role.js';
import { certName, clean, days, sideName, trustListOf, verdict, type Profile, type Role } from './words.js';

/** What each certificate-related alert means (RFC 8446 §6.2, RFC 5246 §7.2.2), said of the certificate's owner. */
const ALERTS: Record<number, { code: VerdictCode; meaning: (leaf: string, ctx: TrustContext) => string }> = {
  48: { code: 'alert-unknown-ca', meaning: (l) => `unknown_ca — the issuer of ${l} is not in its trusted CA list (or the chain sent does not lead to a CA it trusts)` },
  42: { code: 'alert-bad-certificate', meaning: (l, ctx) => `bad_certificate — ${l} is corrupt, its signature does not verify, or it lacks something required${ctx.profile === 'expressway' ? ` (${badCertificateHint(expresswayRulesOf(ctx))})` : ''}` },
  43: { code: 'alert-unsupported-certificate', meaning: (l) => `unsupported_certificate — ${l} has a key type, key usage or extended key usage it does not accept` },
  44: { code: 'alert-certificate-revoked', meaning: (l) => `certificate_revoked — ${l} (or a CA of its chain) was revoked by its issuer` },
  45: { code: 'alert-certificate-expired', meaning: (l) => `certificate_expired — ${l} (or a CA of its chain) is expired or not yet valid by its clock` },
  46: { code: 'alert-certificate-unknown', meaning: (l) => `certificate_unknown — it refused ${l} for another reason (often a name mismatch or an untrusted chain)` },
  116: { code: 'alert-certificate-required', meaning: () => 'certificate_required — the client sent no certificate but the server requires one' },
  40: { code: 'alert-handshake-failure', meaning: () => 'handshake_failure — no acceptable cipher suite, version or signature algorithm, or (on many servers) a required client certificate was missing' },
  51: { code: 'alert-decrypt-error', meaning: () => 'decrypt_error — a handshake signature or Finished check failed: often the private key does not match the certificate' },
};
const PROTOCOL_ALERTS = new Set([10, 20, 22, 47, 50, 70, 71, 86, 109, 110]);
const QUIET_ALERTS = new Set([0, 90, 100]); // close_notify, user_canceled, no_renegotiation: no failure

function gapNotes(h: Handshake): string[] {
  return h.notes.filter((n) => /gap|truncat|missing|lost|limit|not seen|incomplete|cut|capture started|midstream|mid-stream/i.test(n));
}

function who(role: Role, profile: Profile, h: Handshake): string {
  const s = sideName(role, profile);
  return `${s} ${role === 'client' ? `${h.client.ip}` : `${h.server.ip}:${h.server.port}`}`;
}

function alertVerdicts(h: Handshake, ctx: TrustContext, leafOf: (r: Role) => ParsedCertificate | undefined): Verdict[] {
  const out: Verdict[] = [];
  for (const a of h.alerts) {
    if (QUIET_ALERTS.has(a.description) && !a.encrypted) continue;
    const sender: Role = a.from;
    const other: Role = sender === 'client' ? 'server' : 'client';
    const Sender = capital(who(sender, ctx.profile, h));
    const otherName = sideName(other, ctx.profile);
    if (a.encrypted) {
      out.push(verdict('alert-other', 'handshake', `${Sender} sent an encrypted alert at frame ${a.frame}${a.descriptionName && a.descriptionName !== 'encrypted' ? ` (probably ${clean(a.descriptionName)})` : ''}; its content cannot be read without the session keys.`,
        'Capture with a key log (SSLKEYLOGFILE or -keylogfile) and pass it with --keylog to read it.'));
      continue;
    }
    const leaf = leafOf(other);
    const leafName = leaf ? certName(leaf) : `the ${other}'s certificate`;
    const m = ALERTS[a.description];
    const level = a.level === 2 ? 'fatal' : 'warning';
    if (m) {
      const certRelated = a.description >= 42 && a.description <= 48;
      const msg = certRelated
        ? `${Sender} rejected the certificate of ${otherName} (${level} alert, frame ${a.frame}): ${m.meaning(leafName, ctx)}.`
        : `${Sender} ended the handshake (${level} alert, frame ${a.frame}): ${m.meaning(leafName, ctx)}.`;
      const fix = a.description === 48
        ? `Add the CA chain of ${leafName} (intermediates and root) to ${trustListOf(other, ctx.profile)}, or have ${sideName(other, ctx.profile)} send its intermediate certificates.`
        : a.description === 45 ? 'Renew the certificate if it expired; otherwise check the clocks (NTP) of both sides.'
          : a.description === 116 || (a.description === 40 && h.certificateRequest && h.clientChain.length === 0) ? 'Install a client certificate issued by one of the CAs the server accepts on the client.'
            : undefined;
      // A handshake_failure / certificate_required after a CertificateRequest the client answered with no
      // certificate is about the client's (missing) certificate: attribute it to the client side.
      const missingClientCert =
        a.from === 'server' && (a.description === 116 || (a.description === 40 && !!h.certificateRequest && h.clientChain.length === 0));
      out.push(verdict(m.code, certRelated ? other : missingClientCert ? 'client' : 'handshake', msg, fix));
    } else if (PROTOCOL_ALERTS.has(a.description)) {
      out.push(verdict('alert-protocol', 'handshake', `${Sender} reported a protocol error (${level} alert ${clean(a.descriptionName)}, frame ${a.frame}): the two sides disagree on TLS versions, extensions or message format, or something in the path altered the traffic.`));
    } else {
      out.push(verdict('alert-other', 'handshake', `${Sender} sent the ${level} alert ${clean(a.descriptionName)} (${a.description}) at frame ${a.frame}.`));
    }
  }
  return out;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Stapled OCSP (RFC 6066 §8 status_request): decoded status of the server certificate and the response age. */
export function ocspVerdicts(derB64: string, leaf: ParsedCertificate | undefined, atMs: number): Verdict[] {
  const der = new Uint8Array(Buffer.from(derB64, 'base64'));
  const d = decodeOcspResponse(der);
  if (!d.ok) return [verdict('ocsp-unparsable', 'server', `The stapled OCSP response could not be decoded: ${d.reason}.`)];
  if (d.responseStatus !== 0)
    return [verdict('ocsp-unparsable', 'server', `The stapled OCSP response carries no status: the responder answered ${ocspStatusName(d.responseStatus)}.`)];
  const name = leaf ? certName(leaf) : 'the server certificate';
  const single = (leaf && d.responses.find((r) => r.serial === leaf.info.serial)) ?? (leaf ? undefined : d.responses[0]);
  if (!single)
    return [verdict('ocsp-not-for-certificate', 'server', `The stapled OCSP response is about serial number(s) ${d.responses.map((r) => r.serial).join(', ')}, not ${name} (serial ${leaf?.info.serial}).`,
      'The server staples a stale response from a previous certificate: restart or refresh OCSP stapling on the server.')];
  const age = atMs - single.thisUpdate;
  const ageText = age >= 0 ? `${days(age)} old` : `dated ${days(-age)} in the future`;
  const out: Verdict[] = [];
  if (single.status === 'good') out.push(verdict('ocsp-good', 'server', `The stapled OCSP response says ${name} is good (thisUpdate ${new Date(single.thisUpdate).toISOString()}, ${ageText} at the capture time).`));
  else if (single.status === 'revoked')
    out.push(verdict('ocsp-revoked', 'server', `The stapled OCSP response says ${name} is REVOKED${single.revokedAt ? ` since ${new Date(single.revokedAt).toISOString()}` : ''} (response ${ageText}).`,
      'Install a newly issued certificate; a revoked one is refused by clients that check revocation.'));
  else out.push(verdict('ocsp-unknown', 'server', `The stapled OCSP response says the responder does not know ${name} (status unknown, ${ageText}).`));
  if (single.nextUpdate !== undefined && atMs > single.nextUpdate)
    out.push(verdict('ocsp-stale', 'server', `The stapled OCSP response expired ${new Date(single.nextUpdate).toISOString()} (nextUpdate), before the capture time.`,
      'The server keeps stapling an old response: check that it can reach the OCSP responder.'));
  return out;
}

/**
 * Every verdict for one handshake: each presented chain (server always, client in mutual TLS), the handshake
 * evidence (alerts, CertificateRequest, stapled OCSP, encryption, capture gaps). `certs` maps SHA-256 to the
 * parsed certificate; a SHA-256 missing from it is reported as unparsable.
 */
export function judgeHandshake(h: Handshake, certs: Map<string, ParsedCertificate>, ctx: TrustContext, memo?: JudgementMemo): Verdict[] {
  return judgeHandshakeWithPaths(h, certs, ctx, memo).verdicts;
}

export interface HandshakeJudgement {
  verdicts: Verdict[];
  /**
   * The path each side's chain was judged on, leaf first: the certificates sent and those the trust store added
   * (`source: 'store'`). The interactive view shows and exports this chain as built. Shared between handshakes
   * with the same chain: read only.
   */
  paths: Partial<Record<Role, readonly PathElement[]>>;
  /** The same paths as the model carries them (TrustPaths): each certificate's source, and the missing link. */
  chosen: Partial<Record<Role, ChainPath>>;
}

/**
 * judgeHandshake, plus the path each chain was judged on. `memo`: what the handshakes of the judging session share
 * (its session makes one); without it every chain is judged afresh.
 */
export function judgeHandshakeWithPaths(h: Handshake, certs: Map<string, ParsedCertificate>, ctx: TrustContext, memo?: JudgementMemo): HandshakeJudgement {
  const out: Verdict[] = [];
  const elements: HandshakeJudgement['paths'] = {};
  const chosen: HandshakeJudgement['chosen'] = {};
  const atMs = ctx.at instanceof Date ? ctx.at.getTime() : ctx.at === 'now' ? Date.now() : h.ts * 1000;
  const get = (sha: string): ParsedCertificate => certs.get(sha) ?? (memo ? memo.unavailable(sha, () => missing(sha)) : missing(sha));
  const leaves: Partial<Record<Role, ParsedCertificate>> = {};
  const paths: Partial<Record<Role, ReturnType<typeof judgePresented>>> = {};

  for (const role of ['server', 'client'] as const) {
    const shas = role === 'server' ? h.serverChain : h.clientChain;
    if (shas.length === 0) continue;
    const chain = shas.map(get);
    const j = judgePresentedCached(chain, role, ctx, atMs, { captureSeconds: h.ts, sni: h.sni, serverIp: h.server.ip }, memo);
    paths[role] = j;
    if (j.path) elements[role] = j.path.elements;
    if (j.chosen) chosen[role] = j.chosen;
    if (j.leaf) leaves[role] = j.leaf;
    out.push(...j.verdicts);
  }

  if (h.serverChain.length === 0) {
    if (h.encrypted)
      out.push(verdict('certificates-encrypted', 'server', `This is ${h.transport === 'quic' ? `QUIC (${h.version ?? 'TLS 1.3'} inside)` : h.version ?? 'TLS 1.3'}: the certificates travel encrypted, so they cannot be read from the capture without the session keys.`,
        'Capture again with a key log and pass it with --keylog FILE: browsers and curl write one when SSLKEYLOGFILE=/path/keys.log is set in their environment; openssl s_client writes one with -keylogfile FILE.'));
    else if (!gapNotes(h).length)
      out.push(verdict('no-certificate', 'server', `No server certificate was seen in this handshake${h.complete ? ' (session resumption or a PSK handshake sends none)' : ''}.`));
  }

  // Client authentication (RFC 8446 §4.3.2 / RFC 5246 §7.4.4).
  const cr = h.certificateRequest;
  if (cr && h.clientChain.length === 0 && (h.clientSentEmptyCertificate || (!h.encrypted && h.complete))) {
    const cas = cr.authorities.length ? cr.authorities.map(clean).join('; ') : '(no list: any CA the server trusts)';
    out.push(verdict('client-cert-not-sent', 'client', `${capital(sideName('server', ctx.profile))} asked for a client certificate (frame ${cr.frame}) and ${sideName('client', ctx.profile)} sent none. CAs the server accepts: ${cas}.`,
      ctx.profile === 'expressway'
        ? clientCertificateFix(expresswayRulesOf(ctx))
        : 'Install on the client a certificate issued by one of the listed CAs (with its private key), or upload the CA of the client certificates to the server.'));
  } else if (cr && h.clientChain.length && cr.authorities.length && !clientChainAccepted(cr.authorities, paths.client!, () => h.clientChain.map(get), memo)) {
    const leaf = leaves.client;
    out.push(verdict('client-cert-not-in-accepted-cas', 'client', `The client certificate ${leaf ? certName(leaf) : ''} does not lead to any CA the server listed as accepted (${cr.authorities.map(clean).join('; ')}).`,
      'Use a client certificate issued by one of the listed CAs, or add its issuing CA to the server\'s trusted CA list.'));
  }

  if (h.ocsp) out.push(...ocspVerdicts(h.ocsp.der, leaves.server, atMs));
  out.push(...alertVerdicts(h, ctx, (r) => leaves[r]));

  const gaps = gapNotes(h);
  if (gaps.length) {
    // Bytes missing inside the flow (lost packets, a snap length that cut them) call for a better capture; a
    // handshake that only stops where the capture (or the copy of the file) stops calls for a longer one.
    const holes = gaps.some((n) => /^gap-|lost|limit|snap/i.test(n));
    out.push(verdict('handshake-data-missing', 'handshake', `Part of this handshake is missing from the capture, so some checks could not be made: ${gaps.map(clean).join('; ')}.`,
      holes
        ? 'Capture on the device itself or with a larger snap length and buffer (for example tcpdump -s 0 -B 8192), starting before the connection opens.'
        : 'The capture stops inside this handshake: capture until the connection has ended (or, if the file was copied, copy it whole again).'));
  }
  return { verdicts: weighEvidence(out, h, ctx, memo?.evidence), paths: elements, chosen };
}

function clientChainAccepted(authorities: readonly string[], j: ChainJudgement, chain: () => ParsedCertificate[], memo?: JudgementMemo): boolean {
  let m = memo?.accepted.get(authorities);
  if (!m) {
    m = new WeakMap<ChainJudgement, boolean>();
    memo?.accepted.set(authorities, m);
  }
  let ok = m.get(j);
  if (ok === undefined) {
    const keys = new Set(authorities.map(nameKey));
    const names = j.path ? j.path.elements.flatMap((e) => [e.cert.subjectKey, e.cert.issuerKey]) : chain().flatMap((c) => [c.subjectKey, c.issuerKey]);
    ok = names.some((n) => keys.has(n));
    m.set(j, ok);
  }
  return ok;
}

function judgePresentedCached(
  chain: ParsedCertificate[],
  role: Role,
  ctx: TrustContext,
  atMs: number,
  opts: { captureSeconds?: number; sni?: string; serverIp?: string },
  memo: JudgementMemo | undefined,
): ChainJudgement {
  const at = (): TrustContext => ({ ...ctx, at: new Date(atMs) });
  const cache = memo?.chains;
  if (!cache) return judgePresented(chain, role, at(), opts);
  const key = { role, ctx, host: ctx.host ?? opts.sni ?? '', serverIp: opts.serverIp ?? '', atMs };
  const hit = cache.get(chain, key);
  if (hit) return hit;
  const j = judgePresented(chain, role, at(), opts);
  cache.set(chain, key, j);
  return j;
}

function missing(sha: string): ParsedCertificate {
  // The TLS stage names a certificate it could not hand over: an empty DER parses as ok:false.
  const p = parseCertificate(new Uint8Array(0));
  return { ...p, sha256: sha, info: { ...p.info, sha256: sha, notes: ['certificate bytes not available'] } };
}
