/**
 * Stable verdict codes (DESIGN.md "Verdict"). They are part of the JSON contract: add codes freely, rename none.
 * The severity here is the default; a profile may raise or lower it (for example `self-signed` under
 * `--profile anyconnect` is explained as the ASA/MX temporary certificate). This module imports nothing: the data
 * model (src/model.ts) types Verdict.code with its union.
 */
export const VERDICT_CODES = {
  // chain
  'chain-trusted': 'ok',
  'missing-intermediate': 'error',
  'untrusted-root': 'error',
  'self-signed': 'error',
  'chain-out-of-order': 'warning',
  'root-sent': 'info',
  'unused-certificate': 'info',
  'bad-signature': 'error',
  'not-a-ca': 'error',
  'ca-missing-keycertsign': 'error',
  'path-length-exceeded': 'error',
  'name-constraints-violated': 'error',
  'unknown-critical-extension': 'error',
  'no-certificate': 'info',
  'certificates-encrypted': 'info',
  'certificate-unparsable': 'error',
  // time
  'expired-at-capture': 'error',
  'not-yet-valid': 'error',
  'expires-soon': 'warning',
  'ca-expired-at-capture': 'error',
  // names
  'name-match': 'ok',
  'name-mismatch': 'error',
  'ip-not-in-san': 'error',
  'no-san': 'warning',
  'no-name-to-check': 'info',
  // role
  'eku-missing-serverauth': 'error',
  'eku-missing-clientauth': 'error',
  'key-usage-mismatch': 'warning',
  // needs clientAuth, has it, chains to a public root: its renewal from a public CA will not have it (eku-sunset.ts)
  'eku-clientauth-sunset': 'warning',
  // crypto
  'weak-key': 'error',
  'weak-signature': 'warning',
  'weak-curve': 'warning',
  // handshake evidence
  'alert-unknown-ca': 'error',
  'alert-bad-certificate': 'error',
  'alert-certificate-unknown': 'error',
  'alert-certificate-expired': 'error',
  'alert-certificate-revoked': 'error',
  'alert-unsupported-certificate': 'error',
  'alert-certificate-required': 'error',
  'alert-handshake-failure': 'error',
  'alert-decrypt-error': 'error',
  'alert-protocol': 'error',
  'alert-other': 'warning',
  'client-cert-not-sent': 'error',
  'client-cert-not-in-accepted-cas': 'warning',
  'handshake-data-missing': 'warning',
  'ocsp-good': 'ok',
  'ocsp-revoked': 'error',
  'ocsp-unknown': 'warning',
  'ocsp-unparsable': 'warning',
  // profiles
  'anyconnect-temporary-certificate': 'info',
  'expressway-wildcard-unsupported': 'error',
  'expressway-san-too-long': 'error',
  'expressway-cluster-certificate': 'info',
  'trust-store-duplicate-subject': 'warning',
  'trust-store-duplicate-certificate': 'info',
  'trust-store-duplicate-common-name': 'warning',
  // trusted CA list lint (src/trust/ca-list.ts, `certshark check --ca-list`)
  'ca-list-not-a-ca': 'warning',
  'ca-list-expired': 'error',
  'ca-list-not-yet-valid': 'error',
  'ca-list-root-missing': 'warning',
  'ca-list-weak-signature': 'warning',
  'ca-list-weak-key': 'error',
  'ca-list-entry-needed': 'ok',
  'ca-list-entry-missing': 'error',
  'ca-list-entry-shadowed': 'error',
  'ca-list-entry-unused': 'info',
  // added with the path validator
  'signature-unsupported': 'warning',
  'chain-too-long': 'error',
  'ocsp-stale': 'warning',
  'ocsp-not-for-certificate': 'warning',
  'duplicate-certificate': 'info',
  // capture consistency (src/trust/consistency.ts): findings on the capture, not on one handshake
  'server-name-certificates-differ': 'warning',
  'server-address-certificates-differ': 'warning',
  // Expressway client certificate testing, offline (src/trust/auth-pattern.ts)
  'auth-pattern-match': 'ok',
  'auth-pattern-no-match': 'error',
  'auth-pattern-unknown-group': 'warning',
  'auth-pattern-empty-username': 'warning',
  'auth-pattern-capture-crosses-lines': 'warning',
} as const satisfies Record<string, 'ok' | 'info' | 'warning' | 'error'>;

export type VerdictCode = keyof typeof VERDICT_CODES;
