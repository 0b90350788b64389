/**
 * Evidence over rules. A handshake that visibly completed (src/tls `complete`: both sides' Finished, or data, after
 * the certificates; no fatal alert) shows that the accepting peer did not enforce a rule it evidently did not
 * apply: its EKU and key usage checks, the names, a profile's rules, or the chain trust judged against the store
 * certshark was given (the peer's store evidently differs). Reporting those as errors would contradict the capture,
 * so they become warnings that say the peer accepted the certificate and what would reject it. What no peer should
 * accept (expiry, weak keys, bad signatures, broken CA constraints) stays an error, and the words add that this
 * peer accepted it anyway: that it does not check is a finding of its own.
 */
import type { Handshake, Verdict } from '../model.js';
import type { TrustContext } from './chain.js';
import type { EvidenceMemo } from './judgement-memo.js';
import type { VerdictCode } from './codes.js';
import { expresswayRulesOf } from './role.js';
import { sideName, type Role } from './words.js';

type Rule = 'eku' | 'names' | 'trust' | 'profile' | 'client-cert';

/** Rules a completed handshake shows the peer did not enforce. */
const NOT_ENFORCED: Partial<Record<VerdictCode, Rule>> = {
  'eku-missing-serverauth': 'eku',
  'eku-missing-clientauth': 'eku',
  'key-usage-mismatch': 'eku',
  'name-mismatch': 'names',
  'ip-not-in-san': 'names',
  'no-san': 'names',
  'missing-intermediate': 'trust',
  'untrusted-root': 'trust',
  'self-signed': 'trust',
  'expressway-wildcard-unsupported': 'profile',
  'expressway-san-too-long': 'profile',
  'client-cert-not-sent': 'client-cert',
};

/** Findings that stay errors when the peer accepted them. */
const ACCEPTED_ANYWAY = new Set<string>([
  'expired-at-capture', 'ca-expired-at-capture', 'not-yet-valid', 'weak-key', 'bad-signature', 'not-a-ca',
  'ca-missing-keycertsign', 'path-length-exceeded', 'name-constraints-violated', 'unknown-critical-extension',
]);

/** The handshake completed with no fatal (or unreadable) alert: each side accepted what the other presented. */
export function acceptedByPeers(h: Handshake): boolean {
  return h.complete && !h.alerts.some((a) => a.level === 2 || a.encrypted);
}

function sideOf(v: Verdict, h: Handshake): Role | undefined {
  if (v.subject === 'server' || v.subject === 'client') return v.subject;
  if (h.serverChain.includes(v.subject)) return 'server';
  if (h.clientChain.includes(v.subject)) return 'client';
  return undefined;
}

function wouldReject(rule: Rule, code: string, side: Role, ctx: TrustContext): string {
  switch (rule) {
    case 'eku': {
      if (ctx.profile !== 'expressway')
        return 'another peer would reject it (browsers, OpenSSL-based peers and most TLS libraries check the extended key usage)';
      const r = expresswayRulesOf(ctx);
      return `an Expressway on ${r.version} would not take such a certificate (it checks the EKUs at upload), so these peers apply other rules: another release, another configuration, or not Expressways`;
    }
    case 'names':
      return 'a client that checks the name it connected to (browsers, AnyConnect, an Expressway checking its peer address) would reject it';
    case 'trust': {
      const base = "its trust store evidently holds what certshark's does not, or it does not check (give certshark the peer's CA list with --ca to judge against it)";
      if (ctx.profile === 'expressway')
        // Background 004: the trusted CA list is not replicated between the peers of an Expressway cluster.
        return `${base}; a peer without it (another peer of the cluster, whose trusted CA list is uploaded separately; an IP phone with a fixed trust list) would reject it`;
      if (ctx.profile === 'anyconnect' && side === 'server')
        // Background 001: "AnyConnect 4.10+ enforces stricter cert validation ... modern macOS / Windows builds may
        // simply refuse" a self-signed certificate.
        return `${base}; an AnyConnect client without it shows "Untrusted Server Certificate" (a user may have accepted that prompt here)${code === 'self-signed' ? ', and AnyConnect 4.10 and later on current macOS and Windows may refuse a self-signed certificate outright' : ''}`;
      return `${base}; a peer without it would reject it`;
    }
    case 'profile':
      return code === 'expressway-san-too-long'
        ? 'the name it checked must lie within the first 999 characters of the SAN field, or the peer is not an Expressway; an Expressway looking for a later name would not find it'
        : 'an Expressway would not accept a wildcard certificate on the traversal zone, so this peer is not applying Expressway\'s rules';
    case 'client-cert':
      return 'a server that requires a client certificate would end the handshake instead';
  }
}

/** The verdicts of one handshake, weighed against what its completion shows (see the module comment). */
export function weighEvidence(verdicts: Verdict[], h: Handshake, ctx: TrustContext, memo?: EvidenceMemo): Verdict[] {
  if (!acceptedByPeers(h)) return verdicts;
  return verdicts.map((v) => {
    const side = sideOf(v, h);
    if (!side || (v.severity !== 'error' && v.severity !== 'warning')) return v;
    return memo ? memo.get(v, side, () => weighOne(v, side, ctx)) : weighOne(v, side, ctx);
  });
}

/** One verdict of a side whose peer accepted what it presented. */
function weighOne(v: Verdict, side: Role, ctx: TrustContext): Verdict {
  const validator = side === 'server' ? 'client' : 'server';
  const Peer = capital(sideName(validator, ctx.profile));
  const rule = NOT_ENFORCED[v.code as VerdictCode];
  if (rule) {
    const what = rule === 'client-cert' ? 'the handshake without one' : 'it';
    const reject = wouldReject(rule, v.code, side, ctx);
    return { ...v, severity: 'warning', message: `${v.message} ${Peer} accepted ${what} (this handshake completed), so it does not enforce this here; ${reject}.` };
  }
  if (ACCEPTED_ANYWAY.has(v.code) && v.severity === 'error')
    return { ...v, message: `${v.message} ${Peer} accepted it anyway (this handshake completed): it does not check this, which is a finding of its own.` };
  return v;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
