import type { ParsedCertificate } from '../x509/index.js';
import { clean } from './words.js';

/** Longest caIssuers URL quoted in a message; the rest is cut (the full list is in the certificate's JSON). */
const MAX_URL = 200;

/**
 * Who fills in a missing intermediate from the leaf's Authority Information Access caIssuers URL (RFC 5280
 * §4.2.2.1), and who does not: the reason a chain "works in the browser" yet fails on an Expressway traversal
 * zone, a phone or a script. Fetching ("AIA chasing") is done by Chrome and Edge (their certificate verifier,
 * and Windows CryptoAPI underneath on Windows), by Safari and other macOS/iOS apps (Apple's Security
 * framework). Firefox does not fetch but ships the intermediates of the CAs in Mozilla's root program (CCADB
 * intermediate preloading), which covers public CAs only. OpenSSL never fetches (so neither do Expressway, curl,
 * Python, most appliances), Cisco IP phones and Expressway do not, and Java only with
 * -Dcom.sun.security.enableAIAcaIssuers=true.
 *
 * (Background: https://www.thesslstore.com/blog/aia-fetching/ and
 * https://security.stackexchange.com/questions/211749/where-do-tls-clients-fetch-intermediate-ca-certificates-from.)
 *
 * Returns a sentence to append to the `missing-intermediate` message, or undefined when the leaf names no URL.
 */
export function aiaFetchNote(leaf: ParsedCertificate): string | undefined {
  const urls = leaf.info.aia?.caIssuers ?? [];
  if (urls.length === 0) return undefined;
  const first = urls[0]!;
  // The URL comes from the wire: control characters escaped, and a long one cut.
  const url = clean(first.length > MAX_URL ? first.slice(0, MAX_URL) + '…' : first);
  const more = urls.length > 1 ? ` (and ${urls.length - 1} more)` : '';
  return `The certificate names where its issuer can be downloaded (AIA caIssuers ${url}${more}): ` +
    'browsers fetch it from there (Chrome and Edge, and Windows CryptoAPI; Safari and macOS apps), and Firefox ' +
    'knows the intermediates of public CAs, so the chain can work in a browser. Cisco Expressway, Cisco IP phones, ' +
    'OpenSSL-based peers (curl, Python, most appliances) and Java by default do not fetch, and fail on the same chain.';
}
