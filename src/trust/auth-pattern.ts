/**
 * The Expressway's Client certificate testing page (Maintenance > Security > Client certificate testing), offline:
 * a certificate-based authentication pattern applied to a certificate, and the username it yields.
 *
 * What the page does, from Cisco's Expressway administrator guide ("Configuring Certificate-Based
 * Authentication", "Obtaining the username from the certificate", "Testing client certificates"; X8.x to X15):
 * the Regex is matched against the certificate, "use the (?<name>regex) syntax to supply names for capture
 * groups", "the regex defined here must conform to PHP regex guidelines" (example `/(Subject:.*, CN=(?<Group1>.*))/m`);
 * the Username format "can contain a mixture of fixed text and the capture group names used in the Regex.
 * Delimit each capture group name with #, for example, prefix#Group1#suffix. Each capture group name will be
 * replaced with the text obtained"; the page shows the result as "Resulting string". The text matched is the
 * decoded certificate, as on Maintenance > Security > Server certificate > Show (decoded): OpenSSL's `-text`
 * form with names as `Subject: C=US, ST=NC, L=RTP, O=Cisco, OU=TAC, CN=…` (the field document "Expressway MRA
 * certificates", and Cisco's community answer on `Subject: OU=Domain Control Validated, CN=amer-expressway01…`),
 * rendered by src/x509/text.ts.
 *
 * Sources (the administrator guide as mirrored; cisco.com's copy was not at hand): Cisco Expressway Administrator
 * Guide, Maintenance chapter, https://manualsbrain.com/en/manuals/1604417/?page=231 and ?page=232; Cisco VCS
 * Administrator Guide X8.1.1 p. 292 (same text, "must conform to PHP regex guidelines"),
 * https://www.easymanua.ls/cisco/telepresence/manual/102444?p=292; the community answer,
 * https://community.cisco.com/t5/telepresence-and-video-infrastructure/expressway-certificate-based-authentication/m-p/4525491.
 */
import type { Verdict } from '../model.js';
import { renderOpensslText, type ParsedCertificate } from '../x509/index.js';
import { translatePhpPattern, type TranslatedPattern } from './php-regex.js';
import { certName, clean, verdict } from './words.js';

export { PatternError } from './php-regex.js';

export interface AuthPatternResult {
  /** The pattern as given, and the JavaScript regex it was translated to. */
  pattern: string;
  regex: string;
  /** The certificate text the pattern was matched against. */
  text: string;
  matched: boolean;
  /** The matched text, and the line (1-based) where the match starts. */
  match?: { text: string; line: number };
  /** Named groups and what each captured (null: the group did not take part in the match). */
  groups: Record<string, string | null>;
  usernameFormat?: string;
  /** The Resulting string of the Expressway page. */
  username?: string;
  notes: string[];
  verdicts: Verdict[];
}

/** Compile once per run; throws PatternError (one line) on a pattern PHP would reject or JavaScript cannot express. */
export function compileAuthPattern(pattern: string): TranslatedPattern {
  return translatePhpPattern(pattern);
}

/** `#name#` in the username format; a name is what PCRE allows for a group name. */
const FORMAT_GROUP = /#([A-Za-z_][A-Za-z0-9_]*)#/g;

export function testAuthPattern(cert: ParsedCertificate, pattern: string, compiled: TranslatedPattern, usernameFormat?: string): AuthPatternResult {
  const text = renderOpensslText(cert);
  const notes = [...compiled.notes];
  const verdicts: Verdict[] = [];
  const m = compiled.regex.exec(text);
  const groups: Record<string, string | null> = {};
  for (const g of compiled.groups) groups[g] = m?.groups?.[g] ?? null;
  const r: AuthPatternResult = { pattern, regex: compiled.regex.source, text, matched: !!m, groups, notes, verdicts };
  if (usernameFormat !== undefined) r.usernameFormat = usernameFormat;
  const name = certName(cert);
  if (!m) {
    const why = noMatchReasons(compiled, text);
    verdicts.push(verdict('auth-pattern-no-match', cert.sha256,
      `The certificate-based authentication pattern does not match ${name} as the Expressway decodes it${why.length ? ': ' + why.join(' ') : '.'}`,
      'Write the pattern against the lines shown under "certificate as decoded" (names are C=…, O=…, CN=… with ", " between attributes), and test again.'));
    return r;
  }
  r.match = { text: m[0], line: text.slice(0, m.index).split('\n').length };
  if (m[0].includes('othername:'))
    notes.push('the match uses an othername (UPN) line: OpenSSL 3 prints it as "othername: UPN::…", OpenSSL 1.1.1 as "othername:<unsupported>", so the result depends on the OpenSSL of the Expressway release');
  if (usernameFormat === undefined) {
    verdicts.push(verdict('auth-pattern-match', cert.sha256, `The pattern matches ${name}${compiled.groups.length ? ` (${compiled.groups.map((g) => `${g} = '${clean(groups[g] ?? '')}'`).join(', ')})` : ''}; give --username-format (for example #${compiled.groups[0] ?? 'Group1'}#) to see the username it yields.`));
    return r;
  }
  const crossing = compiled.groups.filter((g) => groups[g]?.includes('\n'));
  if (crossing.length)
    verdicts.push(verdict('auth-pattern-capture-crosses-lines', cert.sha256, `The group${crossing.length > 1 ? 's' : ''} ${crossing.join(', ')} captured text across a line end (a negated class such as [^,] also matches the newline, in PHP as here), so the username would hold several lines of the decoded certificate.`,
      'End the group at the line, for example CN=(?<captureCommonName>[^,\\n]+) or (?<captureCommonName>[^,/]*)$ with the m modifier.'));
  const unknown = new Set<string>();
  const username = usernameFormat.replace(FORMAT_GROUP, (whole, g: string) => {
    if (!(g in groups)) { unknown.add(g); return whole; }
    return groups[g] ?? '';
  });
  r.username = username;
  if (unknown.size)
    verdicts.push(verdict('auth-pattern-unknown-group', cert.sha256, `The username format names ${[...unknown].map((g) => `#${clean(g)}#`).join(', ')}, which the regex does not define as a named group (it defines ${compiled.groups.length ? compiled.groups.map((g) => `(?<${g}>…)`).join(', ') : 'none'}); such text is left as written.`,
      'Use the group names of the regex between # in the username format, with the same spelling and case.'));
  if (username === '')
    verdicts.push(verdict('auth-pattern-empty-username', cert.sha256, `The pattern matches ${name} but the username it yields is empty: the group(s) of the format captured nothing.`,
      'Make the named group capture the user part, for example CN=(?<captureCommonName>[^,/]+).'));
  else
    verdicts.push(verdict('auth-pattern-match', cert.sha256, `The pattern matches ${name}; the Resulting string (the username checked against the authorization mechanism) is '${clean(username)}'.`));
  return r;
}

/** Why a pattern does not match, where a variation of it does: the usual mistakes, tried one by one. */
function noMatchReasons(c: TranslatedPattern, text: string): string[] {
  const out: string[] = [];
  const src = c.regex.source;
  const flags = c.regex.flags;
  const tryRe = (s: string, f: string) => { try { return new RegExp(s, f).test(text); } catch { return false; } };
  if (!flags.includes('i') && tryRe(src, flags + 'i'))
    out.push('it matches only when case is ignored (the Expressway writes "Subject:", "CN=", "DNS:" in this case): add the i modifier after the closing delimiter or fix the case.');
  // OpenSSL 3 prints names as "CN = value" by default; the Expressway shows the compat form "CN=value".
  const spaced = text.replace(/^( {8}(?:Subject|Issuer): )(.*)$/gm, (_l, head: string, n: string) => head + n.replace(/(^|, )([A-Za-z]+)=/g, '$1$2 = '));
  if (new RegExp(src, flags).test(spaced))
    out.push('it matches the names written "CN = value", as OpenSSL 3 prints them by default, but the Expressway writes "CN=value" without spaces.');
  if (src.includes('[^\\n]') && tryRe(src.replaceAll('[^\\n]', '[\\s\\S]'), flags))
    out.push('it matches only if "." may cross line ends: the parts it looks for are on different lines (add the s modifier, or match within one line).');
  if (out.length === 0) {
    const subject = text.split('\n').find((l) => l.startsWith('        Subject: '));
    const san = text.split('\n').find((l, i, a) => a[i - 1]?.startsWith('            X509v3 Subject Alternative Name:'));
    out.push(`no line of the decoded certificate matches; the subject line reads "${clean(subject?.trim() ?? '')}"${san ? ` and the subject alternative names "${clean(san.trim())}"` : ''}.`);
  }
  return out;
}
