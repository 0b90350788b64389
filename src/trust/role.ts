/**
 * The role a certificate is presented in, and what that asks of its extended key usage (RFC 5280 §4.2.1.12): the
 * EKUs each profile (and Expressway release) requires, and the public CAs' end of clientAuth for the certificates
 * that need it (eku-sunset.ts).
 */
import type { Verdict } from '../model.js';
import type { ParsedCertificate, Path } from '../x509/index.js';
import type { TrustContext } from './chain.js';
import { chromePhrase, clientAuthDropCause, cutoffOf, cutoffPhrase } from './eku-sunset.js';
import {
  DEFAULT_EXPRESSWAY_RULES, ekuFix, ekuReason, requiredEkus, sunsetFix, type Eku, type ExpresswayRules,
} from './expressway.js';
import { certName, verdict, type Role } from './words.js';

export function expresswayRulesOf(ctx: TrustContext): ExpresswayRules {
  return ctx.expressway ?? DEFAULT_EXPRESSWAY_RULES;
}

/** The EKUs the certificate presented in `role` must carry under the context's profile. */
export function ekusNeeded(role: Role, ctx: TrustContext): Eku[] {
  return ctx.profile === 'expressway' ? requiredEkus(expresswayRulesOf(ctx), role) : [role === 'server' ? 'serverAuth' : 'clientAuth'];
}

const LABEL: Record<Eku, string> = {
  serverAuth: 'TLS Web Server Authentication (serverAuth)',
  clientAuth: 'TLS Web Client Authentication (clientAuth)',
};

/** The path ends at a root of the public root store (Node's bundled list, or `--public-roots`). */
function publicRoot(path: Path | undefined, ctx: TrustContext): ParsedCertificate | undefined {
  if (!path || path.end !== 'anchor') return undefined;
  const last = path.elements[path.elements.length - 1]!.cert;
  return ctx.store.isPublic(last) ? last : undefined;
}

/**
 * EKU verdicts for the leaf presented in `role`: a missing required EKU (with its cause when a public CA's policy
 * explains it), and the sunset warning for a certificate that needs clientAuth, has it, and chains to a public root.
 */
export function roleChecks(leaf: ParsedCertificate, path: Path | undefined, role: Role, ctx: TrustContext, atMs: number): Verdict[] {
  const out: Verdict[] = [];
  const name = certName(leaf);
  const eku = leaf.info.extKeyUsage;
  const any = eku.includes('anyExtendedKeyUsage');
  const expressway = ctx.profile === 'expressway';
  const rules = expresswayRulesOf(ctx);
  const root = publicRoot(path, ctx);
  const need = ekusNeeded(role, ctx);
  for (const n of need) {
    // Absent EKU means any purpose (RFC 5280), except on Expressway, whose upload check insists on the EKUs.
    const missing = expressway ? !eku.includes(n) : leaf.ekuPresent && !any && !eku.includes(n);
    if (!missing) continue;
    const has = eku.length ? eku.join(', ') : 'none';
    const cause = n === 'clientAuth' && root && path ? clientAuthDropCause(path, atMs) : undefined;
    const because = cause ? ` It lacks it because of the public CAs' policy change: ${cause}.` : '';
    const message = expressway
      ? `${name} lacks ${LABEL[n]} in its Extended Key Usage (it has ${has}); ${ekuReason(rules, role)}.${because}`
      : `${name} is used as a ${role} certificate but its Extended Key Usage (${eku.join(', ')}) does not include ${LABEL[n]}.${because}`;
    const fix = expressway
      ? ekuFix(rules, role, n)
      : cause
        ? 'Use a client certificate from a private CA (such as the enterprise CA) and add that CA to the server\'s client CA list: public CAs no longer issue clientAuth.'
        : `Reissue the certificate with ${LABEL[n]} in its Extended Key Usage.`;
    out.push(verdict(n === 'serverAuth' ? 'eku-missing-serverauth' : 'eku-missing-clientauth', role, message, fix));
  }
  const hasClient = eku.includes('clientAuth') || any || (!expressway && !leaf.ekuPresent);
  if (need.includes('clientAuth') && hasClient && root && path) {
    const why = expressway
      ? rules.twoStores
        ? 'the Expressway-C presents it as TLS client'
        : `on Expressway ${rules.version} one certificate is also the TLS client certificate`
      : `it is presented as a TLS client certificate`;
    out.push(verdict('eku-clientauth-sunset', role,
      `${name} needs clientAuth (${why}) and chains to the public root '${certName(root)}': it has clientAuth and keeps it until it expires ${leaf.info.notAfter.slice(0, 10)}, but its renewal from a public CA will not carry it: ${cutoffPhrase(cutoffOf(path), atMs)}; ${chromePhrase()}.`,
      expressway
        ? sunsetFix(rules, role)
        : 'Before it is renewed, move this client to a certificate from a private CA (such as the enterprise CA) and add that CA to the server\'s client CA list: public TLS certificates are for server authentication only.'));
  }
  return out;
}
