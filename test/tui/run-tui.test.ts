/**
 * runTui itself, on stand-in terminal streams: quitting while the scan is still reading (a pipe or a live capture
 * that never ends), restoring the terminal, the options the CLI passes.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanListener, ScanResult } from '../../src/model.js';
import { runTui } from '../../src/tui/index.js';
import { TRAVERSAL_BROKEN, CERTS } from './fixtures.js';
import { Keyboard, tick, until } from './helpers.js';


function terminal(columns = 80, rows = 24) {
  const out: string[] = [];
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      out.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; columns: number; rows: number };
  Object.assign(stdout, { isTTY: true, columns, rows });
  return { stdout: stdout as unknown as NodeJS.WriteStream, out, text: () => out.join('') };
}

const NEVER = () => new Promise<ScanResult>(() => {});

const running: Promise<unknown>[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0));
});

describe('runTui', () => {
  it('q ends the view at once while the scan is still reading, calls onQuit, and restores the terminal', async () => {
    const term = terminal();
    const keyboard = new Keyboard();
    let listener: ScanListener | undefined;
    let quits = 0;
    const start = (l: ScanListener) => {
      listener = l;
      return NEVER();
    };
    const done = runTui({ title: 'live', start, stdout: term.stdout, stdin: keyboard as unknown as NodeJS.ReadStream, onQuit: () => quits++, env: {} });
    running.push(done);
    let resolved = false;
    void done.then(() => (resolved = true));
    // The scan delivers a handshake and then stays quiet, as a live capture does.
    await until(() => term.text().includes('waiting for'));
    listener!.onHandshakes?.([TRAVERSAL_BROKEN], CERTS);
    await until(() => term.text().includes('vcse.example.com'));
    expect(resolved).toBe(false);
    const t0 = Date.now();
    keyboard.type('q');
    const code = await done;
    expect(Date.now() - t0).toBeLessThan(500);
    expect(code).toBe(0);
    expect(quits).toBe(1);
    // Alternate screen off, cursor shown, raw mode off, in that order at the very end.
    expect(term.text().endsWith('\x1b[?25h\x1b[?1049l')).toBe(true);
    expect(keyboard.raw.at(-1)).toBe(false);
  });

  it('Ctrl-C ends it with 130 and calls onQuit', async () => {
    const term = terminal();
    const keyboard = new Keyboard();
    let quits = 0;
    const done = runTui({ title: 'live', start: NEVER, stdout: term.stdout, stdin: keyboard as unknown as NodeJS.ReadStream, onQuit: () => quits++, env: {} });
    running.push(done);
    await until(() => term.text().includes('waiting for'));
    keyboard.type('\x03');
    keyboard.type('\x03');
    expect(await done).toBe(130);
    await tick(20);
    expect(quits).toBe(1);
  });

  it('a failing onQuit does not keep the view up', async () => {
    const term = terminal();
    const keyboard = new Keyboard();
    const done = runTui({
      title: 'live',
      start: NEVER,
      stdout: term.stdout,
      stdin: keyboard as unknown as NodeJS.ReadStream,
      onQuit: () => {
        throw new Error('kill failed');
      },
      env: {},
    });
    running.push(done);
    await until(() => term.text().includes('waiting for'));
    keyboard.type('q');
    expect(await done).toBe(0);
    expect(term.text().endsWith('\x1b[?25h\x1b[?1049l')).toBe(true);
  });
});
