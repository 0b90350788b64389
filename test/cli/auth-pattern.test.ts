/** `certshark check CERT --auth-pattern REGEX [--username-format FORMAT]` through the built binary, on captures/pki. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const USER1 = join(ROOT, 'captures/pki/user1.pem');
const HOSTILE = join(ROOT, 'test/fixtures/hostile/hostile.pem');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('check --auth-pattern', () => {
  it('prints where the pattern matched, the groups and the Resulting string; judges a client certificate', () => {
    const r = run(['check', USER1, '--auth-pattern', '/Subject:.*CN=(?<captureCommonName>[^,\\n]+)/', '--username-format', '#captureCommonName#']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('judged as a client certificate');
    expect(r.out).toContain('    matched at line 10 of the decoded certificate: Subject: C=US, O=Example Test Lab, CN=user1.example.test\n');
    expect(r.out).toContain("    captureCommonName = 'user1.example.test'\n");
    expect(r.out).toContain('    Resulting string user1.example.test\n');
    const j = JSON.parse(run(['check', '--json', USER1, '--auth-pattern', '/email:(?<mail>[^,\\s]+)/', '--username-format', '#mail#']).out);
    expect(j.files[0].authPattern).toMatchObject({ matched: true, username: 'user1@example.test', groups: { mail: 'user1@example.test' } });
    expect(j.files[0].authPattern.text).toMatch(/^Certificate:\n {4}Data:\n/);
  });

  it('a pattern that does not match: the reason, the name lines; --fail-on error exits 3', () => {
    const r = run(['check', USER1, '--auth-pattern', '/Subject:.*CN = (?<cn>.*)/', '--username-format', '#cn#']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✗ ERROR auth-pattern-no-match: .*"CN = value", as OpenSSL 3 prints them by default/);
    expect(r.out).toContain('      Subject: C=US, O=Example Test Lab, CN=user1.example.test\n');
    expect(r.out).not.toContain('Resulting string');
    expect(run(['check', USER1, '--auth-pattern', '/Subject:.*CN = (?<cn>.*)/', '--fail-on', 'error']).code).toBe(3);
    // --verbose prints the whole decoded certificate the pattern ran against.
    expect(run(['check', USER1, '--verbose', '--auth-pattern', '/nomatch/']).out).toContain('      Certificate:\n          Data:\n');
  });

  it('a bad regex, or a format without a pattern: exit 2, one line', () => {
    for (const [args, want] of [
      [['check', USER1, '--auth-pattern', '/(?<a>x/'], 'certshark: --auth-pattern: Unterminated group\n'],
      [['check', USER1, '--auth-pattern', '/x/q'], "certshark: --auth-pattern: unknown modifier 'q'\n"],
      [['check', USER1, '--auth-pattern', '/a++/'], 'certshark: --auth-pattern: the possessive quantifier ++ is PCRE syntax that JavaScript cannot express; rewrite the pattern without it\n'],
    ] as const) {
      const r = run([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toBe(want);
      expect(r.out).toBe('');
    }
    const f = run(['check', USER1, '--username-format', '#x#']);
    expect(f.code).toBe(2);
    expect(f.err.split('\n')[0]).toBe('certshark: --username-format goes with --auth-pattern');
  });

  it('wire strings in the certificate reach the terminal escaped', () => {
    // OpenSSL's rendering writes control bytes of names as \xHH text already...
    const r = run(['check', HOSTILE, '--verbose', '--auth-pattern', '/CN=(?<cn>[^\\n]+)/', '--username-format', '#cn#']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(r.out).toContain('Resulting string ..\\/..\\/..\\/tmp\\/evil\\x1B]0;pwned\\x07\\x1B[2J\\xE2\\x80\\xAEmoc.live');
    // ...but prints SAN values raw: an e-mail SAN holding ESC [2J (made by openssl) is escaped on output.
    const d = mkdtempSync(join(tmpdir(), 'certshark-auth-cli-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(d, 'k.pem'), '-out', join(d, 'c.pem'),
        '-days', '30', '-subj', '/CN=san-escape', '-addext', 'subjectAltName=email:a\x1b[2Jb@example.test'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const e = run(['check', join(d, 'c.pem'), '--verbose', '--auth-pattern', '/email:(?<m>\\S+)/', '--username-format', '#m#']);
      expect(e.code).toBe(0);
      expect(e.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(e.out).toContain('Resulting string a\\x1b[2Jb@example.test');
      expect(JSON.parse(run(['check', '--json', join(d, 'c.pem'), '--auth-pattern', '/email:(?<m>\\S+)/', '--username-format', '#m#']).out).files[0].authPattern.username).toBe('a\x1b[2Jb@example.test');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
