/**
 * Expressway client certificate testing, offline (src/trust/auth-pattern.ts, src/trust/php-regex.ts), on the
 * real lab certificates of captures/pki (openssl-made by captures/make.sh):
 * - the patterns of Cisco's administrator guide and of the field document give the usernames they should, and
 *   the same translated regex applied to `openssl x509 -text -noout -nameopt compat` of the same file captures
 *   the same text (the rendering's Subject and SAN lines are OpenSSL's);
 * - Perl, whose regex semantics PCRE follows, is the oracle for the PCRE → JavaScript translation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCertificates, parseCertificate, renderOpensslText } from '../../src/x509/index.js';
import { compileAuthPattern, PatternError, testAuthPattern } from '../../src/trust/index.js';
import { translatePhpPattern } from '../../src/trust/php-regex.js';

const PKI = resolve(__dirname, '../../captures/pki');
const pem = (f: string) => join(PKI, f);
const load = (f: string) => parseCertificate(loadCertificates(pem(f)).certs[0]!);
const opensslText = (f: string, nameopt = ['-nameopt', 'compat']) =>
  execFileSync('openssl', ['x509', '-in', pem(f), '-text', '-noout', ...nameopt]).toString('latin1');

function run(file: string, pattern: string, format?: string) {
  return testAuthPattern(load(file), pattern, compileAuthPattern(pattern), format);
}

describe('the Expressway patterns on real certificates', () => {
  it("Cisco's example /(Subject:.*, CN=(?<Group1>.*))/m with prefix#Group1#suffix", () => {
    const r = run('user1.pem', '/(Subject:.*, CN=(?<Group1>.*))/m', 'prefix#Group1#suffix');
    expect(r.matched).toBe(true);
    expect(r.groups).toEqual({ Group1: 'user1.example.test' });
    expect(r.username).toBe('prefixuser1.example.testsuffix');
    expect(r.match).toEqual({ text: 'Subject: C=US, O=Example Test Lab, CN=user1.example.test', line: 10 });
    expect(r.verdicts.map((v) => [v.code, v.severity])).toEqual([['auth-pattern-match', 'ok']]);
    expect(r.verdicts[0]!.message).toContain("Resulting string (the username checked against the authorization mechanism) is 'prefixuser1.example.testsuffix'");
  });

  it('the field document pattern Subject:.*CN=(?<captureCommonName>…) with #captureCommonName#, and a SAN e-mail', () => {
    for (const f of ['user1.pem', 'expc.pem', 'expe-cluster.pem', 'vpn-dtls.pem']) {
      const cn = load(f).info.subjectCN;
      const r = run(f, '/Subject:.*CN=(?<captureCommonName>[^,\\/\\n]+)/', '#captureCommonName#');
      expect(r.username, f).toBe(cn);
    }
    // Without \n in the class the group runs on over the following lines, in PCRE as here: said, as a warning.
    const over = run('user1.pem', '/Subject:.*CN=(?<captureCommonName>[^,]+)/', '#captureCommonName#');
    expect(over.username).toMatch(/^user1\.example\.test\n {8}Subject Public Key Info:\n/);
    expect(over.verdicts.map((v) => [v.code, v.severity])).toEqual([['auth-pattern-capture-crosses-lines', 'warning'], ['auth-pattern-match', 'ok']]);
    const mail = run('user1.pem', '/email:(?<mail>[^,\\s]+)/', '#mail#');
    expect(mail.username).toBe('user1@example.test');
    expect(mail.match!.line).toBe(mail.text.split('\n').findIndex((l) => l.includes('email:user1@example.test')) + 1);
  });

  it('the same regex captures the same text from openssl x509 -text -noout -nameopt compat of the file', () => {
    const cases: [string, string][] = [
      ['user1.pem', '/(Subject:.*, CN=(?<Group1>.*))/m'],
      ['user1.pem', '/email:(?<mail>[^,\\s]+)/'],
      ['expe-cluster.pem', '/DNS:(?<first>[^,]+), DNS:(?<second>[^,]+)/'],
      ['expc.pem', '/Issuer: .*O=(?<org>[^,]+), CN=(?<ca>.*)$/m'],
      ['expc.pem', '/Extended Key Usage: \\n\\s+(?<eku>.*)$/m'],
    ];
    for (const [f, p] of cases) {
      const ours = run(f, p);
      const { regex } = translatePhpPattern(p);
      const theirs = regex.exec(opensslText(f));
      expect(ours.matched, `${f} ${p}`).toBe(true);
      expect(theirs?.groups, `${f} ${p}`).toEqual(ours.groups);
      expect(theirs?.[0]).toBe(ours.match!.text);
    }
    // OpenSSL 3's default rendering ("CN = value") is not what the Expressway matches: Cisco's pattern fails on it.
    const { regex } = translatePhpPattern('/(Subject:.*, CN=(?<Group1>.*))/m');
    expect(opensslText('user1.pem', [])).toMatch(/Subject: C = US, O = Example Test Lab, CN = user1\.example\.test/);
    expect(regex.test(opensslText('user1.pem', []))).toBe(false);
  });
});

describe('why a pattern does not match', () => {
  it('names the usual mistakes: case, "CN = " spacing, crossing lines, or shows the lines', () => {
    const noMatch = (p: string) => {
      const r = run('user1.pem', p, '#x#');
      expect(r.matched, p).toBe(false);
      expect(r.username).toBeUndefined();
      expect(r.verdicts.map((v) => v.code)).toEqual(['auth-pattern-no-match']);
      return r.verdicts[0]!.message;
    };
    expect(noMatch('/subject:.*cn=(?<x>.*)/')).toMatch(/only when case is ignored.*add the i modifier/);
    expect(noMatch('/Subject:.*CN = (?<x>.*)/')).toMatch(/"CN = value", as OpenSSL 3 prints them by default/);
    expect(noMatch('/Subject:.*CN=(?<x>[\\w.]+).*email:/')).toMatch(/only if "\." may cross line ends/);
    expect(noMatch('/CN=nobody(?<x>)/')).toMatch(/the subject line reads "Subject: C=US, O=Example Test Lab, CN=user1\.example\.test" and the subject alternative names "email:user1@example\.test"/);
    // With the s modifier the cross-line pattern does match.
    expect(run('user1.pem', '/Subject:.*CN=(?<x>[\\w.]+).*email:/s', '#x#').username).toBe('user1.example.test');
  });
  it('a format group the regex does not define, an empty username, no format at all', () => {
    const u = run('user1.pem', '/Subject:.*CN=(?<captureCommonName>[^,\\n]*)$/m', '#captureCommonname#@example');
    expect(u.verdicts.map((v) => v.code)).toEqual(['auth-pattern-unknown-group', 'auth-pattern-match']);
    expect(u.username).toBe('#captureCommonname#@example');
    expect(u.verdicts[0]!.message).toContain('(?<captureCommonName>…)');
    const e = run('user1.pem', '/Subject:.*CN=(?<cn>x?)/', '#cn#');
    expect(e.verdicts.map((v) => [v.code, v.severity])).toEqual([['auth-pattern-empty-username', 'warning']]);
    const n = run('user1.pem', '/CN=(?<cn>user1)/');
    expect(n.verdicts.map((v) => v.code)).toEqual(['auth-pattern-match']);
    expect(n.verdicts[0]!.message).toMatch(/cn = 'user1'.*give --username-format/);
  });
  it('a pattern without delimiters is tested as /…/ with a note; the wire text in messages is escaped', () => {
    const r = run('user1.pem', 'Subject:.*CN=(?<c>[^,\\n]+)', '#c#');
    expect(r.username).toBe('user1.example.test');
    expect(r.notes.join()).toMatch(/no delimiters: PHP, and so the Expressway, needs it written between them/);
    const h = testAuthPattern(parseCertificate(loadCertificates(resolve(__dirname, '../fixtures/hostile/hostile.pem')).certs[0]!), '/O=(?<o>Evil.*?), /', compileAuthPattern('/O=(?<o>Evil.*?), /'), '#o#');
    // OpenSSL's rendering already writes the escape byte as \x1B; the username holds no raw control character.
    expect(h.username).toBe('Evil\\x1B[31mRed');
    expect(h.verdicts[0]!.message).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('PHP pattern syntax', () => {
  it('refuses with one line what PHP refuses or JavaScript cannot express', () => {
    const bad: [string, RegExp][] = [
      ['/abc', /no ending delimiter '\/' found/],
      ['/a/c', /unknown modifier 'c'/],
      ['/(?<a>x/', /Unterminated group|missing/i],
      ['/a++/', /possessive/],
      ['/(?>a)/', /atomic group/],
      ['/(?i)a/', /inline modifier/],
      ['/\\Qa.b\\E/', /\\Q is PCRE syntax/],
      ['/\\y/', /\\y is not an escape PCRE knows/],
      ['/[a/', /missing terminating \]/],
      ['', /empty/],
    ];
    for (const [p, want] of bad) {
      expect(() => compileAuthPattern(p), p).toThrow(PatternError);
      expect(() => compileAuthPattern(p), p).toThrow(want);
    }
  });
  it('translates the U (ungreedy), x (extended), A (anchored) and D (dollar at end only) modifiers', () => {
    const m = (p: string, s: string) => translatePhpPattern(p).regex.exec(s)?.[0] ?? null;
    expect(m('/a.+b/U', 'a1b2b')).toBe('a1b');
    expect(m('/a.+?b/U', 'a1b2b')).toBe('a1b2b');
    expect(m('/ a \\d+ # digits\n b /x', 'xa12b')).toBe('a12b');
    expect(m('/b/A', 'ab')).toBeNull();
    expect(m('/a/A', 'ab')).toBe('a');
    expect(m('/a$/', 'a\n')).toBe('a');
    expect(m('/a$/D', 'a\n')).toBeNull();
    expect(m('#CN=(?P<cn>[^,]+)#', 'CN=x,O=y')).toBe('CN=x');
    expect(m('{(?<cn>x)}', 'x')).toBe('x');
    // \s is ASCII white space in PCRE: a no-break space (Latin-1 0xA0 in a SAN) is not one.
    expect(m('/a\\sb/', 'a\u00a0b')).toBeNull();
    expect(m('/a[\\s]b/', 'a\u00a0b')).toBeNull();
    expect(m('/a\\Sb/', 'a\u00a0b')).toBe('a\u00a0b');
    expect(m('/a\\sb/', 'a\tb')).toBe('a\tb');
  });
});

const havePerl = spawnSync('perl', ['-MJSON::PP', '-e', '1']).status === 0;

describe.skipIf(!havePerl)('PCRE semantics: the translation agrees with Perl', () => {
  it('on a table of patterns against the certificate text and subjects with \\r and a final newline', () => {
    const cert = renderOpensslText(load('user1.pem'));
    const subjects = [cert, 'CN=a\rb\n', 'line1\nline2\n', 'Subject: CN=x/emailAddress=y@z\n', 'aaa'];
    const patterns: [string, string][] = [
      ['Subject:.*CN=(?<cn>.*)', ''], ['(?<all>.+)$', ''], ['(?<all>.+)$', 'm'], ['^(?<first>\\w+)', 'm'],
      ['CN=(?<v>.)(?<w>.)', ''], ['(?<x>line2)$', ''], ['\\A(?<s>\\w+)', ''], ['(?<e>\\w+)\\Z', ''], ['(?<e>\\w+)\\z', ''],
      ['(?<d>[^]a]+)', ''], ['(?<c>[]a]+)', ''], ['(?<n>a{2})', ''], ['(?<q>\\w+?)a', ''], ['(?<sp>\\h*)CN', ''],
      ['(?P<p>emailAddress)=(?P=p)?', ''], ['(?<r>b)\\R', ''], ['(?<i>SUBJECT)', 'i'], ['CN=(?<any>.*)', 's'],
      ['(?<k>\\d)\\k<k>', ''], ['X509v3 Subject Alternative Name: \\n\\s+(?<san>.*)', ''], ['(?<nl>2\\n)^', 'm'], ['(?<nl>1\\n)^', 'm'],
    ];
    const cases = patterns.flatMap(([p, f]) => subjects.map((s) => ({ p, f, s })));
    const perl = spawnSync('perl', ['-MJSON::PP', '-e', `
      my $in = do { local $/; <STDIN> }; my $cases = JSON::PP->new->decode($in); my @out;
      for my $c (@$cases) { my ($p, $f, $s) = @$c{qw(p f s)}; my $re = $f ? qr/(?$f)$p/ : qr/$p/;
        if ($s =~ $re) { my %g = %+; push @out, { m => $&, g => \\%g } } else { push @out, undef } }
      print JSON::PP->new->canonical->encode(\\@out);`], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(perl.status, perl.stderr).toBe(0);
    const want = JSON.parse(perl.stdout) as ({ m: string; g: Record<string, string> } | null)[];
    cases.forEach((c, i) => {
      const r = translatePhpPattern(`/${c.p}/${c.f}`).regex.exec(c.s);
      const got = r ? { m: r[0], g: Object.fromEntries(Object.entries(r.groups ?? {}).filter(([, v]) => v !== undefined)) } : null;
      expect(got, `/${c.p}/${c.f} on ${JSON.stringify(c.s.slice(0, 40))}`).toEqual(want[i]);
    });
  });
});
