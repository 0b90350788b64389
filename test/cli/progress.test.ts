/**
 * The progress line of a long scan: on a terminal's stderr (tmux), redrawn in place and erased at the end; never
 * on a pipe, never with -q or --no-progress. The scans are made long by a reader that starts late (the output
 * waits for it), over the bundled many-handshakes capture.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, killTmuxServer, screen, sh, sleep, start, waitScreen } from '../tmux.js';
import { progressLine } from '../../src/cli/progress-meter.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const MANY = join(ROOT, 'captures/many-handshakes.pcap');
const LINE = /certshark: \d+ of \d+ MB \(\d+%\) · [\d.]+ MB\/s · [\d,]+ handshakes?/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-progress-'));
});
afterAll(() => {
  if (hasTmux) killTmuxServer();
  rmSync(dir, { recursive: true, force: true });
});

describe('progressLine', () => {
  it.each([
    [{ done: 0, total: 981e6, hs: 0, s: 0.5 }, 'certshark: 0 of 981 MB (0%) · 0.0 MB/s · 0 handshakes'],
    [{ done: 245e6, total: 981e6, hs: 1, s: 1 }, 'certshark: 245 of 981 MB (24%) · 245 MB/s · 1 handshake · 3 s left'],
    [{ done: 90e6, total: 981e6, hs: 12345, s: 20 }, 'certshark: 90 of 981 MB (9%) · 4.5 MB/s · 12,345 handshakes · 3 min 18 s left'],
    [{ done: 981e6, total: 981e6, hs: 3550, s: 2 }, 'certshark: 981 of 981 MB (100%) · 491 MB/s · 3,550 handshakes'],
  ])('%o', (c, want) => {
    expect(progressLine(c.done, c.total, c.hs, c.s)).toBe(want);
  });
});

describe.skipIf(!hasTmux)('on a terminal', () => {
  it.each([
    ['one capture', `${sh(MANY)}`],
    ['two captures over two threads', `${sh(MANY)} ${sh(MANY)} --jobs 2`],
  ])('%s: the line while the scan runs, erased at the end', async (_name, files) => {
    const rc = join(dir, `rc-${files.length}`);
    // The report goes to a reader that starts 3 s late: the scan waits for it with its progress on the terminal.
    const name = start(`node ${sh(BIN)} scan --json ${files} | (sleep 3; cat > /dev/null); echo finished; sleep 30`, rc, 120, 10);
    const during = await waitScreen(name, (s) => LINE.test(s), 'the progress line');
    expect(during.split('\n').filter((l) => LINE.test(l)).length).toBe(1);
    const after = await waitScreen(name, (s) => s.includes('finished'), 'the end of the scan');
    expect(after).not.toMatch(/MB\/s/);
    expect(after.trim()).toBe('finished');
  });

  it.each([['-q'], ['--no-progress']])('%s: no line', async (flag) => {
    const rc = join(dir, `rc${flag}`);
    const name = start(`node ${sh(BIN)} scan --json ${flag} ${sh(MANY)} | (sleep 2; cat > /dev/null); echo finished; sleep 30`, rc, 120, 10);
    const t0 = Date.now();
    let seen = '';
    while (!seen.includes('finished') && Date.now() - t0 < 20_000) {
      seen = screen(name);
      expect(seen).not.toMatch(/MB\/s/);
      await sleep(100);
    }
    expect(seen.trim()).toBe('finished');
  });
});

describe('not on a pipe', () => {
  it('stderr a pipe, output waiting for its reader: nothing on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '--json', MANY, MANY], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.stdout.pause();
    await sleep(2000);
    let out = 0;
    child.stdout.on('data', (d: Buffer) => (out += d.length));
    child.stdout.resume();
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    expect(out).toBeGreaterThan(100_000);
    expect(err).toBe('');
  });
});
