import React from 'react';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { ScanFeed } from '../../src/tui/feed.js';
import type { TuiState } from '../../src/tui/state.js';
import { layout } from '../../src/tui/layout.js';
import { ASA, CERTS, EVIL_CN, HANDSHAKES, LEAF, TRAVERSAL_BROKEN, manyHandshakes } from './fixtures.js';
import { loaded, result, scanned, tick, until } from './helpers.js';

const dirs: string[] = [];
/** A temporary export folder, removed after the test. */
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certshark-tui-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Ink and chalk may add SGR colour codes; the assertions are about the text the user reads.
// eslint-disable-next-line no-control-regex
const plain = (f: string | undefined) => (f ?? '').replace(/\x1b\[[0-9;]*m/g, '');

function app(initial: TuiState, extra: Partial<React.ComponentProps<typeof App>> = {}) {
  const props = { title: 'traversal.pcapng', columns: initial.viewport.columns, rows: initial.viewport.rows, initial, ...extra };
  const r = render(<App {...props} />);
  return { ...r, props, frame: () => plain(r.lastFrame()) };
}

/** Poll until the condition holds (file writes finish after the key's frame), at most 3 s. */
async function waitFor(cond: () => boolean) {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < 3000) await tick(10);
}

/** Type keys one by one, each time waiting until Ink has drawn the new frame (renders are throttled). */
async function keys(r: { stdin: { write(s: string): void }; frames: string[] }, ...ks: string[]) {
  for (const k of ks) {
    const before = r.frames.length;
    r.stdin.write(k);
    const t0 = Date.now();
    while (r.frames.length === before && Date.now() - t0 < 400) await tick(5);
    // let a trailing throttled frame land
    await tick(40);
  }
}

describe('App', () => {
  it('lays out list, chain, details and status at 120x40', () => {
    const r = app(loaded());
    const f = r.frame();
    const lines = f.split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.every((l) => [...l].length <= 120)).toBe(true);
    expect(lines[0]).toContain('certshark  traversal.pcapng');
    expect(lines[0]).toContain('loaded');
    // The widest SNI (24 columns) and client address (19) leave no room for Proto, the least useful column (the
    // version says DTLS too): it goes before anything is cut.
    expect(f).toMatch(/No\.▲ +Time +Client +Server +SNI +Version +Chain +Verdict +Alerts/);
    expect(f).toMatch(/> +1 09:15:11\.250 +10\.0\.0\.5:51234 +→ 192\.0\.2\.10:7001 +vcse\.example\.com +TLS1\.2 +1\/0 +✗ BAD +C:unknown_ca/);
    expect(f).toContain('x\\x1b[31mred\\u{202e}evil ');
    expect(f).toMatch(/2 09:15:12\.250 .* 2\/1 +✓ OK/);
    expect(f).toMatch(/4 .*203\.0\.113\.1:443 +DTLS1\.2 +1\/0 +✗ BAD/);
    expect(f).toMatch(/5 .*TLS1\.3 +0\/0 +i INFO/);
    // chain pane: leaf, then the missing link the verdicts name
    expect(f).toContain('Server chain (1 sent) ✗ BAD missing-intermediate');
    expect(f).toMatch(/>\s+\[wire #0\] vcse\.example\.com {2}← Example Issuing CA 1 {2}2026-11-23\.\.2027-12-25 {2}EC 256 P-256 {2}✓ OK/);
    expect(f).toContain('└─ ✗ MISSING LINK  Example Issuing CA 1: not sent by the server and not in the trust store');
    expect(f).toContain('the server asked for a client certificate; none was seen');
    // details: trust explanation with its fix, then Wireshark-like fields
    expect(f).toContain('Details — vcse.example.com');
    expect(f).toContain('✗ BAD  missing-intermediate');
    expect(f).toContain('fix: Upload the intermediate "Example Issuing CA 1"');
    // status line
    expect(lines[38]).toContain('120 packets · 46.9 KiB · 6 handshakes');
    expect(lines[38]).toContain('notes: 1 truncated, 1 TLS 1.3 without key log');
    expect(lines[39]).toContain('/ filter');
  });

  it('moves with j/k and arrows; Tab focuses the chain; details follow the chain cursor', async () => {
    const r = app(loaded());
    await keys(r, 'j');
    expect(r.frame()).toMatch(/> +2 09:15:12/);
    expect(r.frame()).toContain('└─ [wire #1] Example Issuing CA 1');
    expect(r.frame()).toContain('└─ [store] Example Root CA');
    await keys(r, '\t', 'j', 'j');
    expect(r.frame()).toContain('Details — Example Root CA');
    expect(r.frame()).toContain('[server chain, from the trust store]');
    await keys(r, '\u001B[A'); // up arrow
    expect(r.frame()).toContain('Details — Example Issuing CA 1');
    expect(r.frame()).toMatch(/Basic constraints +CA:TRUE, pathlen:0/);
  });

  it('details show every certificate field when zoomed', async () => {
    const r = app(loaded());
    await keys(r, '\t', '\t', '\r');
    const f = r.frame();
    for (const want of [
      /Subject +CN=vcse\.example\.com,O=Example Corp/,
      /Issuer +CN=Example Issuing CA 1,O=Example Corp/,
      /Serial +33e04f1fa3f4658ca64b430bee83da02122e0d07/,
      /Validity +2026-11-23T11:14:02Z {2}→ {2}2027-12-25T11:14:02Z/,
      /Subject alt names +DNS:vcse\.example\.com, DNS:example\.com/,
      /Key usage +digitalSignature/,
      /Ext\. key usage +serverAuth, clientAuth/,
      /Basic constraints +CA:FALSE/,
      /Public key +EC 256 P-256/,
      /Signature alg\. +sha256WithRSAEncryption/,
      new RegExp(`SHA-1 +${LEAF.sha1}`),
      new RegExp(`SHA-256 +${LEAF.sha256}`),
      /AIA OCSP +http:\/\/ocsp\.example\.com/,
      /CRL dist\. points +http:\/\/pki\.example\.com\/issuing1\.crl/,
      /SCTs +0/,
    ])
      expect(f).toMatch(want);
    expect(f).not.toContain('── Chain');
    await keys(r, '\u001B[6~'); // PgDn: the handshake section
    expect(r.frame()).toMatch(/Alert +client fatal unknown_ca \(48\), frame 15/);
    expect(r.frame()).toMatch(/Accepted CAs +CN=Example Root CA,O=Example Corp/);
  });

  it('filters with /: typing narrows the list live, Enter applies, Esc restores', async () => {
    const r = app(loaded());
    await keys(r, '/');
    expect(r.frame().split('\n')[39]).toContain('/');
    await keys(r, 'port 7001');
    let f = r.frame();
    expect(f).toContain('192.0.2.10:7001');
    expect(f).not.toContain('203.0.113.1:443');
    await keys(r, '\r');
    f = r.frame();
    expect(f).toContain('filter: port 7001');
    expect(f).toContain('6 handshakes (2 rows)');
    await keys(r, '/', ...Array<string>(9).fill('\u007F'), 'sni vpn', '\r');
    f = r.frame();
    expect(f).toMatch(/> +3 .*vpn\.example\.net/);
    expect(f).not.toContain('192.0.2.10:7001');
    await keys(r, '/', 'x', '\u001B');
    expect(r.frame()).toContain('filter: sni vpn');
  });

  it('an invalid filter says why on the prompt line and keeps the rows (never a silent empty list)', async () => {
    const r = app(loaded(HANDSHAKES, 80, 24));
    await keys(r, '/', 'port 7001');
    expect(r.frame()).toContain('6 handshakes (2 rows)');
    await keys(r, 'x');
    let lines = r.frame().split('\n');
    expect(lines[23]).toMatch(/^\/port 7001x +✗ 'port' needs a number from 0 to 65535, not '7001x'/);
    expect(r.frame()).toContain('6 handshakes (2 rows)');
    expect(r.frame()).toContain('192.0.2.10:7001');
    // Enter does not apply it; fixing the text does.
    await keys(r, '\r');
    expect(r.frame().split('\n')[23]).toMatch(/^\/port 7001x/);
    await keys(r, '\u007F', '\r');
    lines = r.frame().split('\n');
    expect(lines[22]).toContain('filter: port 7001');
    expect(lines[23]).not.toContain('✗');
  });

  it('help opens with ? and closes with any key', async () => {
    const r = app(loaded(HANDSHAKES, 100, 30));
    await keys(r, '?');
    expect(r.frame()).toContain('certshark keys');
    expect(r.frame()).toContain('copy the PEM to the clipboard (OSC 52');
    expect(r.frame()).not.toContain('── Chain');
    await keys(r, 'x');
    expect(r.frame()).not.toContain('certshark keys');
    expect(r.frame()).toContain('── Chain');
  });

  it('the help wraps at 80x24 instead of cutting lines, and scrolls when it does not fit', async () => {
    const r = app(loaded(HANDSHAKES, 80, 24));
    await keys(r, '?');
    let lines = r.frame().split('\n');
    expect(lines).toHaveLength(24);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(lines.slice(1, 22).filter((l) => l.trimEnd().endsWith('…'))).toEqual([]);
    // The filter entry goes on under its key rather than being cut at the edge.
    expect(r.frame()).toMatch(/ {2}\/ {15}filter: port 7001, sni vpn, ip 10\.0\.0\.1, host vcse, cn\n {18}Example, bad, warn/);
    expect(lines[23]).toMatch(/lines 1–21 of \d+ · ↑↓ PgUp PgDn scroll/);
    expect(r.frame()).not.toContain('MISSING LINK what the peer failed to send');
    await keys(r, '\u001B[6~'); // PgDn
    expect(r.frame()).toMatch(/\[store\] from the trust store ·\n {18}MISSING LINK what the peer failed to send/);
    expect(r.frame()).toContain('Badges');
    await keys(r, 'k', 'x');
    expect(r.frame()).not.toContain('Badges');
    expect(r.frame()).toContain('No.▲');
  });

  it.each([
    [60, 24],
    [40, 10],
    [30, 5],
  ])('at %ix%i the frame fits the terminal: the title and the column header stay on top', async (columns, rows) => {
    const r = app(loaded([TRAVERSAL_BROKEN], columns, rows));
    const lines = r.frame().split('\n');
    expect(lines).toHaveLength(rows);
    expect(lines.every((l) => [...l].length <= columns)).toBe(true);
    expect(lines[0]).toMatch(/^ certshark /);
    expect(lines[0]).toContain('loaded');
    expect(lines[1]).toMatch(/^ {2}No\.▲ +Server +SNI +.*Verdict/);
    expect(lines[2]).toMatch(/^> +1 192\.0\.2\S* +vcse\.\S* +(1\/0 +)?✗ BAD/);
  });

  it('at 60 columns the row keeps the SNI whole and drops Proto and Version', () => {
    const r = app(loaded([TRAVERSAL_BROKEN], 60, 24));
    const lines = r.frame().split('\n');
    expect(lines[1]).toMatch(/^ {2}No\.▲ Server +SNI +Chain Verdict$/);
    expect(lines[2]).toMatch(/^> +1 192\.0\.2\.10:7001 +vcse\.example\.com +1\/0 +✗ BAD/);
  });

  it('redraws for the new size on resize', async () => {
    const initial = loaded(HANDSHAKES, 120, 40);
    const r = app(initial);
    expect(r.frame()).toContain('Time');
    r.rerender(<App {...r.props} columns={80} rows={24} />);
    await tick(20);
    const f = r.frame();
    const lines = f.split('\n');
    expect(lines).toHaveLength(24);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(f).not.toMatch(/No\.▲ +Time/);
    expect(f).toMatch(/No\.▲ +Server +SNI/);
    r.rerender(<App {...r.props} columns={180} rows={50} />);
    await tick(20);
    expect(r.frame().split('\n')).toHaveLength(50);
    // wide: details beside the chain
    expect(r.frame()).toMatch(/── Chain \(leaf → root\) ─+ ── Details/);
  });

  it('renders 100,000 handshakes instantly: only the visible rows are in the frame', async () => {
    const many = manyHandshakes(100_000);
    const t0 = performance.now();
    const s = loaded(many, 120, 40);
    const r = app(s);
    const first = performance.now() - t0;
    let f = r.frame();
    expect(f).toMatch(/> +1 09:15/);
    expect(f).toContain(' 12 09:15');
    expect(f).not.toMatch(/\b100000 09:15/);
    const rowsInFrame = f.split('\n').filter((l) => /^[ >][ *] +\d+ \d\d:\d\d/.test(l)).length;
    expect(rowsInFrame).toBe(layout(s.viewport, undefined).listRows);
    const t1 = performance.now();
    await keys(r, 'G');
    f = r.frame();
    expect(f).toMatch(/> +100000 09:15/);
    expect(f).not.toMatch(/ 1 09:15:11/);
    for (let i = 0; i < 20; i++) r.stdin.write('k');
    await tick(150);
    expect(r.frame()).toMatch(/> +99980 09:15/);
    const keysMs = performance.now() - t1;
    // Generous bounds for a shared 2-core machine; a render of all rows takes tens of seconds.
    expect(first).toBeLessThan(3000);
    expect(keysMs).toBeLessThan(1500);
  });

  it('g groups duplicate handshakes with their count; Enter lists the members', async () => {
    const r = app(loaded(manyHandshakes(50)));
    await keys(r, 'g');
    expect(r.frame()).toMatch(/> +\(10×\) 1 09:15:11\.250/);
    expect(r.frame()).toContain('grouped: same server and same chain');
    await keys(r, '\r');
    expect(r.frame()).toMatch(/└6 09:15:11\.250/);
  });

  it('a group row shows the worst verdict and an alert of its members, not only the first one\'s', async () => {
    const many = manyHandshakes(50);
    many[26] = {
      ...many[26]!,
      verdicts: [...(many[26]!.verdicts ?? []), { code: 'expires-soon', severity: 'warning', subject: 'server', message: 'expires in 10 days' }],
      alerts: [{ from: 'client', level: 2, levelName: 'fatal', description: 46, descriptionName: 'certificate_unknown', frame: 99 }],
    };
    const r = app(loaded(many));
    await keys(r, 'g');
    expect(r.frame()).toMatch(/\(10×\) 2 09:15:12\.250 .* 2\/1 +! WARN +C:certificat/);
    await keys(r, 'j', '\r');
    // Expanded, each member shows its own badge again.
    expect(r.frame()).toMatch(/└2 09:15:12\.250 .* 2\/1 +✓ OK/);
    expect(r.frame()).toMatch(/└27 09:15:\d\d\.250 .* 2\/1 +! WARN +C:certificat/);
  });

  it('shows hostile subject and SNI with their control characters escaped', async () => {
    const r = app(loaded());
    await keys(r, 'G');
    const raw = r.lastFrame() ?? '';
    expect(raw).not.toContain('\x1b]');
    expect(raw).not.toContain('\x07');
    expect(raw).not.toContain('\x1b[2J');
    expect(raw).not.toContain('\u202E');
    const f = plain(raw);
    expect(f).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(f).toContain('x\\x1b[31mred');
    await keys(r, '\t', '\t', '\r', '\u001B[6~'); // zoomed details, handshake section
    expect(r.frame()).toMatch(/SNI +x\\x1b\[31mred\\u\{202e\}evil/);
    expect(r.lastFrame()).not.toContain('\u202E');
    expect(EVIL_CN).toContain('\x1b');
  });

  it('y copies the PEM with OSC 52', async () => {
    const written: string[] = [];
    const r = app(loaded(), { effects: { writeTerminal: (d) => written.push(d) } });
    await keys(r, 'j', 'j', 'y');
    expect(written).toHaveLength(1);
    const m = /^\x1b\]52;c;([A-Za-z0-9+/=]+)\x07$/.exec(written[0]!);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64').toString()).toBe(ASA.pem);
    expect(r.frame()).toContain('copied 1 PEM certificate to the clipboard (OSC 52)');
  });

  it('e exports to the proposed path, never overwrites without asking, E writes the bundle', async () => {
    const dir = tempDir();
    const s = { ...loaded(), exportDir: dir };
    const r = app(s);
    await keys(r, 'e');
    expect(r.frame()).toContain(`Export 1 certificate as PEM to: ${join(dir, 'vcse.example.com.pem')}`);
    await keys(r, '\r');
    const file = join(dir, 'vcse.example.com.pem');
    await waitFor(() => r.frame().includes('wrote 1 certificate'));
    expect(readFileSync(file, 'utf8')).toBe(LEAF.pem);
    expect(new X509Certificate(readFileSync(file)).subject).toContain('CN=vcse.example.com');
    expect(r.frame()).toContain(`wrote 1 certificate to ${file}`);

    writeFileSync(file, 'precious');
    await keys(r, 'e', '\r');
    expect(r.frame()).toContain(`${file} exists. Overwrite? (y/n`);
    await keys(r, 'n');
    expect(r.frame()).toContain('Export 1 certificate as PEM to:');
    expect(readFileSync(file, 'utf8')).toBe('precious');
    // edit the proposed name after declining the overwrite
    await keys(r, ...Array<string>(4).fill('\u007F'), '-2.pem', '\r');
    await waitFor(() => r.frame().includes('vcse.example.com-2.pem'));
    expect(readFileSync(join(dir, 'vcse.example.com-2.pem'), 'utf8')).toBe(LEAF.pem);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    await keys(r, 'e', '\r', 'y');
    await waitFor(() => r.frame().includes(`wrote 1 certificate to ${file}`));
    expect(readFileSync(file, 'utf8')).toBe(LEAF.pem);

    // E on the healthy handshake: leaf, issuing CA and the root from the store, leaf first.
    await keys(r, 'j', 'E');
    expect(r.frame()).toContain('Export chain as built (3 certificates) to:');
    await keys(r, '\r');
    await waitFor(() => r.frame().includes('wrote 3 certificates'));
    const bundle = readFileSync(join(dir, 'vcse.example.com-chain.pem'), 'utf8');
    const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(blocks.map((b) => new X509Certificate(b).subject.split('\n').at(-1))).toEqual([
      'CN=vcse.example.com',
      'CN=Example Issuing CA 1',
      'CN=Example Root CA',
    ]);
  });

  it('the export path expands ~/ to the home directory, not a folder named ~', async () => {
    const home = mkdtempSync(join(tmpdir(), 'certshark-home-'));
    const literal = join(process.cwd(), '~');
    try {
      const r = app({ ...loaded(), exportDir: home }, { effects: { homeDir: () => home } });
      await keys(r, 'e', '\u0015', '~/certs/leaf.pem', '\r');
      await waitFor(() => r.frame().includes('wrote 1 certificate'));
      expect(r.frame()).toContain(`wrote 1 certificate to ${join(home, 'certs', 'leaf.pem')}`);
      expect(readFileSync(join(home, 'certs', 'leaf.pem'), 'utf8')).toBe(LEAF.pem);
      expect(existsSync(literal)).toBe(false);
      // ~user is not guessed at: the prompt stays open with the reason.
      await keys(r, 'e', '\u0015', '~root/x.pem', '\r');
      expect(r.frame()).toContain('export: ~root: only ~ and ~/ are expanded; give the full path');
      expect(r.frame()).toContain('Export 1 certificate as PEM to:');
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(literal, { recursive: true, force: true });
    }
  });

  it('n at the overwrite question goes back to the path, editable, with no stale status and no "n" in the name', async () => {
    const dir = tempDir();
    const r = app({ ...loaded(), exportDir: dir });
    const file = join(dir, 'vcse.example.com.pem');
    await keys(r, 'e', '\r');
    await waitFor(() => r.frame().includes('wrote 1 certificate'));
    await keys(r, 'e', '\r');
    await waitFor(() => r.frame().includes('Overwrite? (y/n'));
    await keys(r, 'n');
    const lines = r.frame().split('\n');
    expect(lines[39]!.trimEnd()).toBe(`Export 1 certificate as PEM to: ${file}`);
    expect(r.frame()).not.toContain('wrote 1 certificate');
    // The next keys edit the name: the path ends in .pem, not .pemn.
    await keys(r, '\u007F\u007F\u007F\u007F-new.pem', '\r');
    await waitFor(() => r.frame().includes('wrote 1 certificate'));
    expect(r.frame()).toContain(`wrote 1 certificate to ${join(dir, 'vcse.example.com-new.pem')}`);
  });

  it('keys typed while the export is written wait for its outcome: "Enter n" answers the overwrite question', async () => {
    let finish: (o: { ok: false; exists: true }) => void = () => {};
    const writes: string[] = [];
    const writeFile = (path: string) => {
      writes.push(path);
      return new Promise<{ ok: false; exists: true }>((res) => (finish = res));
    };
    const r = app(loaded(), { effects: { writeFile } });
    await keys(r, 'e', '\r');
    expect(writes).toEqual(['/tmp/out/vcse.example.com.pem']);
    // The "n" arrives before the file system answered that the file exists.
    r.stdin.write('n');
    await tick(30);
    finish({ ok: false, exists: true });
    await waitFor(() => r.frame().includes('Export 1 certificate as PEM to:'));
    await tick(30);
    const last = r.frame().split('\n')[39]!;
    expect(last.trimEnd()).toBe('Export 1 certificate as PEM to: /tmp/out/vcse.example.com.pem');
    expect(r.frame()).not.toContain('Overwrite?');
  });

  it('E exports the chain as built (sent + trust store, leaf to root), W the chain as sent: a real scan with --ca', async () => {
    const dir = tempDir();
    const { state } = await scanned('traversal-missing-intermediate.pcap', ['root-ca.pem', 'issuing-ca.pem']);
    const r = app({ ...state, exportDir: dir });
    // The chain pane shows where each certificate came from.
    expect(r.frame()).toMatch(/> \[wire #0\] expe\.example\.test  ← Example Test Issuing CA/);
    expect(r.frame()).toMatch(/└─ \[store\] Example Test Issuing CA  ← Example Test Root CA/);
    expect(r.frame()).toMatch(/└─ \[store\] Example Test Root CA  ← Example Test Root CA/);
    await keys(r, 'E');
    expect(r.frame()).toContain(`Export chain as built (3 certificates) to: ${join(dir, 'expe.example.test-chain.pem')}`);
    await keys(r, '\r');
    await waitFor(() => r.frame().includes('wrote 3 certificates'));
    const cn = (pem: string) =>
      (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b).subject.split('\n').find((l) => l.startsWith('CN=')));
    expect(cn(readFileSync(join(dir, 'expe.example.test-chain.pem'), 'utf8'))).toEqual(['CN=expe.example.test', 'CN=Example Test Issuing CA', 'CN=Example Test Root CA']);
    await keys(r, 'W');
    expect(r.frame()).toContain(`Export chain as sent (1 certificate) to: ${join(dir, 'expe.example.test-as-sent.pem')}`);
    await keys(r, '\r');
    await waitFor(() => r.frame().includes('wrote 1 certificate'));
    expect(cn(readFileSync(join(dir, 'expe.example.test-as-sent.pem'), 'utf8'))).toEqual(['CN=expe.example.test']);
  });

  it('Esc cancels an export without writing', async () => {
    const dir = tempDir();
    const r = app({ ...loaded(), exportDir: dir });
    await keys(r, 'e', '\u001B');
    await tick(30);
    expect(r.frame()).toContain('export cancelled');
  });

  it('fills the list as handshakes arrive from the feed and shows progress', async () => {
    const feed = new ScanFeed();
    const r = render(<App title="stdin" columns={100} rows={24} feed={feed} flushMs={5} />);
    await tick(10);
    expect(plain(r.lastFrame())).toContain('waiting for handshakes');
    feed.listener.onProgress?.({ file: 'big.pcap', bytesRead: 512 * 1024, totalBytes: 1024 * 1024, packets: 900, handshakes: 1 });
    feed.listener.onHandshakes?.([TRAVERSAL_BROKEN], []);
    await until(() => /> +1 +192\.0\.2\.10:7001/.test(plain(r.lastFrame())));
    let f = plain(r.lastFrame());
    expect(f).toContain('[##########----------] 50% 512.0 KiB of 1.0 MiB');
    expect(f).toMatch(/> +1 +192\.0\.2\.10:7001/);
    expect(f).toContain('not parsed');
    feed.listener.onDone?.(result());
    await until(() => plain(r.lastFrame()).includes('6 handshakes'));
    f = plain(r.lastFrame());
    expect(f).toContain('6 handshakes');
    expect(f).toContain('[wire #0] vcse.example.com');
  });

  it('a quiet live capture: the wait ticks on the clock, then the counts and handshakes arrive, then "capture ended"', async () => {
    const feed = new ScanFeed();
    let t = 0;
    const now = () => t;
    const r = render(<App title="-" columns={100} rows={24} feed={feed} flushMs={5} clockMs={10} now={now} startedAt={0} />);
    t = 4_000;
    await until(() => plain(r.lastFrame()).includes('waiting for packets… 4s'));
    let f = plain(r.lastFrame());
    expect(f.split('\n')[0]).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for packets… 4s\s*$/);
    expect(f).toContain('  waiting for packets… 4s');
    t = 12_000;
    await until(() => plain(r.lastFrame()).includes('waiting for packets… 12s'));
    feed.listener.onProgress?.({ file: '-', bytesRead: 2765, packets: 13, handshakes: 0 });
    await until(() => plain(r.lastFrame()).includes('13 packets'));
    f = plain(r.lastFrame());
    expect(f).toContain('13 packets · 2.7 KiB · 0 handshakes');
    expect(f.split('\n')[0]).toMatch(/reading… 2\.7 KiB · 12s\s*$/);
    expect(f).toContain('  waiting for handshakes…');
    feed.listener.onHandshakes?.([TRAVERSAL_BROKEN], CERTS);
    feed.listener.onDone?.({ ...result(), handshakes: [], captures: [{ ...result().captures[0]!, packets: 13, bytes: 2765 }] });
    await until(() => plain(r.lastFrame()).includes('capture ended'));
    f = plain(r.lastFrame());
    expect(f.split('\n')[0]).toMatch(/capture ended 2\.7 KiB\s*$/);
    expect(f).toMatch(/> +1 +192\.0\.2\.10:7001/);
  });

  it('the capture process status shows in the status line, escaped; a failure first', async () => {
    const feed = new ScanFeed();
    const r = render(<App title="-" columns={100} rows={24} feed={feed} flushMs={5} />);
    feed.listener.onProgress?.({ file: '-', bytesRead: 0, packets: 0, handshakes: 0 });
    feed.listener.onStatus?.("Capturing on 'lo'\n");
    await until(() => plain(r.lastFrame()).includes("Capturing on 'lo'"));
    expect(plain(r.lastFrame()).split('\n')[22]).toBe(" 0 packets · 0 B · 0 handshakes · Capturing on 'lo'");
    feed.listener.onStatus?.("dumpcap: \x1b[2Jyou don't have permission to capture on that device\n", 'error');
    await until(() => plain(r.lastFrame()).includes('permission'));
    const raw = r.lastFrame() ?? '';
    expect(raw).not.toContain('\x1b[2J');
    expect(plain(raw).split('\n')[22]).toMatch(/^ ✗ dumpcap: \\x1b\[2Jyou don't have permission to capture on that device · 0 packets/);
    // Never drawn over the view: the frame keeps its 24 lines.
    expect(plain(raw).split('\n')).toHaveLength(24);
  });

  it('q quits at once while the scan is still running (the feed never finishes)', async () => {
    const feed = new ScanFeed();
    const codes: number[] = [];
    const r = render(<App title="live" columns={100} rows={24} feed={feed} flushMs={5} effects={{ quit: (c) => codes.push(c) }} />);
    feed.listener.onProgress?.({ file: '-', bytesRead: 4096, packets: 12, handshakes: 0 });
    feed.listener.onHandshakes?.([TRAVERSAL_BROKEN], []);
    await until(() => /> +1 +192\.0\.2\.10:7001/.test(plain(r.lastFrame())));
    r.stdin.write('q');
    expect(codes).toEqual([0]);
  });

  it('opens with the --filter given (initialFilter)', async () => {
    const feed = new ScanFeed();
    const r = render(<App title="t" columns={120} rows={40} feed={feed} flushMs={5} initialFilter="sni vpn" />);
    feed.listener.onDone?.(result());
    await until(() => plain(r.lastFrame()).includes('6 handshakes'));
    const f = plain(r.lastFrame());
    expect(f).toMatch(/> +3 .*vpn\.example\.net/);
    expect(f).not.toContain('192.0.2.10:7001');
    expect(f).toContain('6 handshakes (1 rows)');
  });

  it('q quits with 0, and with 2 after a read error', async () => {
    const codes: number[] = [];
    const a = app(loaded(), { effects: { quit: (c) => codes.push(c) } });
    await keys(a, 'q');
    const b = app({ ...loaded(), error: 'not a capture file' }, { effects: { quit: (c) => codes.push(c) } });
    expect(b.frame().split('\n')[0]).toContain('error: not a capture file');
    await keys(b, 'q');
    expect(codes).toEqual([0, 2]);
  });
});
