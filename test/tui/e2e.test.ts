/**
 * End to end: the real binary in a real terminal (tmux at 120x40) on the traversal-zone scenario capture. Reads the
 * screen with `capture-pane -p` (text only, no escapes), sends keys with `send-keys`, exports the selected
 * certificate and checks the PEM with openssl. Skipped where tmux is missing.
 *
 * Each test runs on its own tmux server (`-L`), so nothing here can touch a tmux the developer has open, and
 * afterAll kills exactly that server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colours, hasTmux, keys, killTmuxServer, screen, sgr, sh, sleep, start, styledLine, tmux, type, waitGone, waitScreen } from '../tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CAPTURE = 'captures/traversal-missing-intermediate.pcap';
const TRUST = ['--ca', 'captures/pki/root-ca.pem', '--profile', 'expressway'];

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const hasCapture = existsSync(join(ROOT, CAPTURE));

const rowOf = (s: string) => s.split('\n').find((l) => l.includes('7001') && l.includes('expe.example.test'));

describe.skipIf(!hasTmux || !hasCapture)('certshark in a real terminal (tmux 120x40)', () => {
  let dir: string;

  beforeAll(() => {
    // npm test runs tsc first; a bare `npx vitest run test/tui` on a fresh checkout builds here.
    if (!existsSync(join(ROOT, 'dist/cli/main.js')) || !existsSync(join(ROOT, 'dist/tui/index.js'))) {
      spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
    }
    dir = mkdtempSync(join(tmpdir(), 'certshark-e2e-'));
  });

  afterAll(() => {
    killTmuxServer();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the handshake, the missing link and the fix; moves, filters, exports a PEM openssl reads, quits with 0', async () => {
    const out = join(dir, 'out');
    const rc = join(dir, 'rc-file');
    const s = start(`node bin/certshark ${CAPTURE} ${TRUST.join(' ')} --out ${sh(out)}`, rc);

    let scr = await waitScreen(s, (x) => rowOf(x) !== undefined && x.includes('MISSING LINK'), 'the handshake and its chain');
    // The list row: number, server on the traversal port, SNI, verdict badge word, the client's alert.
    const row = rowOf(scr)!;
    expect(row).toMatch(/^>\s+1\s/);
    expect(row).toContain('10.77.0.1:');
    expect(row).toContain('10.77.0.2:7001');
    expect(row).toContain('BAD');
    expect(row).toContain('unknown_ca');
    // The chain pane: the leaf as sent, and the intermediate the Expressway-E failed to send.
    expect(scr).toMatch(/expe\.example\.test\s+← Example Test Issuing CA/);
    expect(scr).toMatch(/MISSING LINK\s+Example Test Issuing CA/);
    // The details pane: the selected certificate, the verdict code and what to do about it.
    expect(scr).toContain('Details — expe.example.test');
    expect(scr).toContain('missing-intermediate');
    expect(scr).toMatch(/fix: /);

    // Move (one handshake: the cursor stays), then Tab to the chain pane and Enter to zoom it to the whole screen.
    keys(s, 'Down');
    keys(s, 'Tab');
    keys(s, 'Enter');
    scr = await waitScreen(s, (x) => rowOf(x) === undefined && x.includes('MISSING LINK'), 'the chain pane zoomed');
    expect(scr).toContain('Server chain (1 sent)');
    keys(s, 'Enter');
    await waitScreen(s, (x) => rowOf(x) !== undefined, 'the list back after un-zooming');

    // A filter that matches nothing, then the traversal port.
    keys(s, '/');
    await waitScreen(s, (x) => /^\/\s*port 7001 · sni vpn/m.test(x), 'the filter prompt');
    type(s, 'port 443');
    keys(s, 'Enter');
    scr = await waitScreen(s, (x) => x.includes('no handshake matches the filter "port 443"'), 'an empty list');
    keys(s, '/');
    await waitScreen(s, (x) => /^\/port 443/m.test(x), 'the filter prompt holding the filter');
    // One send-keys: the pty delivers "\x7f\x7f\x7f7001\r" as one chunk, as a fast typist over SSH does.
    keys(s, 'BSpace', 'BSpace', 'BSpace', '7', '0', '0', '1', 'Enter');
    scr = await waitScreen(s, (x) => rowOf(x) !== undefined && x.includes('filter: port 7001'), 'the filtered list');

    // Export the selected certificate to the proposed path (in --out, named after the CN).
    const pem = join(out, 'expe.example.test.pem');
    keys(s, 'e');
    scr = await waitScreen(s, (x) => x.includes('Export 1 certificate as PEM to:'), 'the export prompt');
    expect(scr).toContain(pem);
    keys(s, 'Enter');
    scr = await waitScreen(s, (x) => x.includes('wrote 1 certificate'), 'the export message');
    expect(existsSync(pem)).toBe(true);
    const ossl = spawnSync('openssl', ['x509', '-noout', '-subject', '-in', pem], { encoding: 'utf8' });
    if (hasOpenssl) {
      expect(ossl.status).toBe(0);
      expect(ossl.stdout).toMatch(/CN\s*=\s*expe\.example\.test/);
    }
    expect(readFileSync(pem, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);

    // Exporting again to the same path asks before overwriting; n goes back to editing, Esc cancels.
    keys(s, 'e');
    await waitScreen(s, (x) => x.includes('Export 1 certificate as PEM to:'), 'the export prompt again');
    keys(s, 'Enter');
    await waitScreen(s, (x) => x.includes('exists. Overwrite? (y/n'), 'the overwrite question');
    // n: back at the path, editable, without the earlier "wrote …" as if it were this export's outcome.
    keys(s, 'n');
    scr = await waitScreen(s, (x) => !x.includes('Overwrite?') && x.includes('Export 1 certificate as PEM to:'), 'the path prompt again');
    expect(scr).not.toContain('wrote 1 certificate');
    expect(scr).toContain(`Export 1 certificate as PEM to: ${pem}\n`);
    keys(s, 'Escape');
    await waitScreen(s, (x) => x.includes('export cancelled'), 'the export cancelled');

    keys(s, 'q');
    expect(await waitGone(s, rc)).toBe(0);
  });

  it('E exports the chain as built with the CAs from --ca, W the chain as sent; openssl reads both', async () => {
    const out = join(dir, 'out-chain');
    const rc = join(dir, 'rc-chain');
    const s = start(`node bin/certshark ${CAPTURE} --ca captures/pki/root-ca.pem --ca captures/pki/issuing-ca.pem --profile expressway --out ${sh(out)}`, rc);
    let scr = await waitScreen(s, (x) => x.includes('[store] Example Test Root CA'), 'the chain with the trust store CAs');
    expect(scr).toMatch(/\[wire #0\] expe\.example\.test +← Example Test Issuing CA/);
    expect(scr).toMatch(/└─ \[store\] Example Test Issuing CA +← Example Test Root CA/);
    expect(scr).not.toContain('MISSING LINK');
    const subjects = (file: string) => {
      const p7 = spawnSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', file], { encoding: 'utf8' });
      const list = spawnSync('openssl', ['pkcs7', '-print_certs', '-noout'], { input: p7.stdout, encoding: 'utf8' });
      return list.stdout.split('\n').filter((l) => l.startsWith('subject=')).map((l) => /CN\s*=\s*([^,]+)/.exec(l)?.[1]);
    };
    keys(s, 'E');
    scr = await waitScreen(s, (x) => x.includes('Export chain as built (3 certificates) to:'), 'the chain export prompt');
    keys(s, 'Enter');
    await waitScreen(s, (x) => x.includes('wrote 3 certificates'), 'the chain written');
    const built = join(out, 'expe.example.test-chain.pem');
    if (hasOpenssl) expect(subjects(built)).toEqual(['expe.example.test', 'Example Test Issuing CA', 'Example Test Root CA']);
    keys(s, 'W');
    await waitScreen(s, (x) => x.includes('Export chain as sent (1 certificate) to:'), 'the as-sent export prompt');
    keys(s, 'Enter');
    await waitScreen(s, (x) => x.includes('wrote 1 certificate'), 'the as-sent chain written');
    if (hasOpenssl) expect(subjects(join(out, 'expe.example.test-as-sent.pem'))).toEqual(['expe.example.test']);
    keys(s, 'q');
    expect(await waitGone(s, rc)).toBe(0);
  });

  it('at 80x24 the help wraps and scrolls; at 60x24 the SNI stays whole; at 40x10 the title and header stay', async () => {
    const cmd = `node bin/certshark ${CAPTURE} ${TRUST.join(' ')}`;
    const a = start(cmd, join(dir, 'rc-help'), 80, 24);
    await waitScreen(a, (x) => rowOf(x) !== undefined, 'the list at 80x24');
    keys(a, '?');
    let scr = await waitScreen(a, (x) => x.includes('certshark keys'), 'the help screen');
    let lines = scr.split('\n');
    expect(lines.slice(1, 22).filter((l) => l.trimEnd().endsWith('…'))).toEqual([]);
    expect(scr).toMatch(/^ {18}Example, bad, warn, ok, alert, dtls, mtls, encrypted, a$/m);
    expect(lines[23]).toMatch(/lines 1–21 of \d+ · ↑↓ PgUp PgDn scroll/);
    keys(a, 'PageDown');
    scr = await waitScreen(a, (x) => x.includes('MISSING LINK what the peer failed to send'), 'the end of the help');
    expect(scr.split('\n')[0]).toContain('certshark  captures/traversal-missing-intermediate.pcap');
    keys(a, 'x');
    await waitScreen(a, (x) => rowOf(x) !== undefined, 'the list after the help');
    keys(a, 'q');
    expect(await waitGone(a, join(dir, 'rc-help'))).toBe(0);

    const b = start(cmd, join(dir, 'rc-60'), 60, 24);
    scr = await waitScreen(b, (x) => rowOf(x) !== undefined, 'the list at 60x24');
    lines = scr.split('\n');
    expect(lines[1]).toMatch(/^ {2}No\.▲ Server +SNI +Chain Verdict *$/);
    expect(rowOf(scr)).toMatch(/^> +1 10\.77\.0\.2:7001 expe\.example\.test +1\/0 +✗ BAD *$/);
    keys(b, 'q');
    expect(await waitGone(b, join(dir, 'rc-60'))).toBe(0);

    const c = start(cmd, join(dir, 'rc-40'), 40, 10);
    scr = await waitScreen(c, (x) => x.includes('BAD'), 'the list at 40x10');
    lines = scr.split('\n');
    expect(lines[0]).toMatch(/^ certshark  captures\/\S*… +loaded 2\.7 KiB *$/);
    expect(lines[1]).toMatch(/^ {2}No\.▲ Server +SNI +Verdict *$/);
    expect(lines[2]).toMatch(/^> +1 10\.77\.0\.2:7001 expe\.\S+ +✗ BAD *$/);
    expect(lines.every((l) => Array.from(l).length <= 40)).toBe(true);
    // Zooming and back does not scroll the title away either.
    keys(c, 'Tab', 'Enter');
    scr = await waitScreen(c, (x) => x.includes('Server chain (1 sent)') && !x.includes('No.▲'), 'the chain zoomed');
    expect(scr.split('\n')[0]).toContain(' certshark ');
    keys(c, 'Enter');
    scr = await waitScreen(c, (x) => x.includes('No.▲'), 'the list again');
    expect(scr.split('\n')[1]).toMatch(/No\.▲/);
    keys(c, 'q');
    expect(await waitGone(c, join(dir, 'rc-40'))).toBe(0);
  });

  it('without colour (--no-color, NO_COLOR) the selected row stays in reverse video', async () => {
    const screens: Record<string, { row: string; all: string }> = {};
    for (const [what, command] of [
      ['--no-color', `node bin/certshark ${CAPTURE} ${TRUST.join(' ')} --no-color`],
      ['NO_COLOR', `NO_COLOR=1 node bin/certshark ${CAPTURE} ${TRUST.join(' ')}`],
    ] as const) {
      const rc = join(dir, `rc-${what}`);
      const s = start(command, rc, 80, 24);
      await waitScreen(s, (x) => rowOf(x) !== undefined, `the list (${what})`);
      screens[what] = { row: styledLine(s, 2), all: tmux('capture-pane', '-p', '-e', '-t', s).stdout };
      keys(s, 'q');
      expect(await waitGone(s, rc)).toBe(0);
    }
    for (const [what, { row }] of Object.entries(screens)) {
      expect(row, what).toMatch(/> +1 10\.77\.0\.2:7001/);
      // Reverse video and bold on the selected row: the selection shows as more than a ">".
      expect(sgr(row).has(7), what).toBe(true);
      expect(sgr(row).has(1), what).toBe(true);
    }
    expect(colours(sgr(screens['NO_COLOR']!.all))).toEqual([]);
  });

  it('a pipe that stays quiet: the wait ticks, then the handshake, then "capture ended"; the handshake stays', async () => {
    const rc = join(dir, 'rc-quiet');
    // Nothing at all for 3 s (a password prompt upstream would be on this terminal now): certshark says on stderr
    // what it waits for and leaves the screen alone. Then the capture's file header alone (tcpdump -U writes it as
    // it starts): the view opens and shows the wait for packets. Then the packets.
    const s = start(
      `(sleep 3; head -c 24 ${CAPTURE}; sleep 4; tail -c +25 ${CAPTURE}; sleep 2) | node bin/certshark - ${TRUST.join(' ')}`,
      rc,
      80,
      24,
    );
    const before = await waitScreen(s, (x) => x.includes('waiting for capture data from standard input'), 'the hint before any byte');
    expect(before).not.toContain('No.');
    const first = await waitScreen(s, (x) => /waiting for packets… \d+s/.test(x), 'the wait');
    const t1 = Number(/waiting for packets… (\d+)s/.exec(first)![1]);
    const later = await waitScreen(s, (x) => Number(/waiting for packets… (\d+)s/.exec(x)?.[1] ?? -1) > t1, 'the wait ticking', 5000);
    expect(later.split('\n')[0]).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for packets… \d+s$/);
    let scr = await waitScreen(s, (x) => rowOf(x) !== undefined, 'the handshake');
    expect(scr).toContain('13 packets · 2.7 KiB · 1 handshake');
    scr = await waitScreen(s, (x) => x.includes('capture ended'), 'the end of the pipe');
    expect(scr.split('\n')[0]).toMatch(/capture ended 2\.7 KiB$/);
    expect(rowOf(scr)).toBeDefined();
    keys(s, 'q');
    expect(await waitGone(s, rc)).toBe(0);
  });

  it('reads the capture from a pipe and the keys from the terminal (cat capture | certshark -), at 80x24', async () => {
    const rc = join(dir, 'rc-pipe');
    const s = start(`cat ${CAPTURE} | node bin/certshark - ${TRUST.join(' ')}`, rc, 80, 24);
    const scr = await waitScreen(s, (x) => rowOf(x) !== undefined && x.includes('MISSING LINK'), 'the handshake read from stdin');
    // The smallest supported terminal: the row keeps the server address, the SNI, the badge and who alerted whom
    // uncut, the missing link is named, and the first problem with its explanation shows without scrolling.
    const row = rowOf(scr)!;
    expect(row).toMatch(/10\.77\.0\.2:7001 +expe\.example\.test +TCP +TLS1\.2 +1\/0 +✗ BAD +C:unknown_ca/);
    expect(row).not.toContain('…');
    expect(scr).toMatch(/MISSING LINK\s+Example Test Issuing CA: not sent/);
    expect(scr).toMatch(/✗ BAD +missing-intermediate\n.*was issued by 'Example Test Issuing CA'/);
    expect(scr).toMatch(/✗ BAD +alert-unknown-ca/);
    expect(scr.split('\n').every((l) => Array.from(l).length <= 80)).toBe(true);
    // Keys reach the UI although stdin is the capture: open the help, close it, quit.
    keys(s, '?');
    await waitScreen(s, (x) => x.includes('certshark keys'), 'the help screen');
    keys(s, 'Escape');
    await waitScreen(s, (x) => rowOf(x) !== undefined, 'the list after closing the help');
    keys(s, 'q');
    expect(await waitGone(s, rc)).toBe(0);
  });
});
