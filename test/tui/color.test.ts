/**
 * Without colour the view keeps its emphasis: reverse video marks the selected row and the focused pane, bold the
 * headings; only colours go. Colour escapes are forced on for this file (FORCE_COLOR, read by chalk when Ink first
 * loads), as a colour terminal would have them; what `--no-color` does to that detection in a real terminal is in
 * e2e.test.ts.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model.js';
import { Keyboard, result, until } from './helpers.js';
import { HANDSHAKES } from './fixtures.js';

const saved = process.env['FORCE_COLOR'];
beforeAll(() => {
  process.env['FORCE_COLOR'] = '1';
});
afterAll(() => {
  if (saved === undefined) delete process.env['FORCE_COLOR'];
  else process.env['FORCE_COLOR'] = saved;
});


/** SGR parameters of every escape in the output, and the escapes of one screen line. */
function sgr(text: string): Set<number> {
  const out = new Set<number>();
  // eslint-disable-next-line no-control-regex
  for (const m of text.matchAll(/\x1b\[([0-9;]*)m/g)) for (const p of m[1]!.split(';')) out.add(Number(p || '0'));
  return out;
}
const COLOURS = (ps: Set<number>) => [...ps].filter((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 107));

async function session(opts: { color?: boolean; env?: NodeJS.ProcessEnv }): Promise<string> {
  const { runTui } = await import('../../src/tui/index.js');
  const out: string[] = [];
  const stdout = new Writable({
    write(chunk, _e, cb) {
      out.push(String(chunk));
      cb();
    },
  });
  Object.assign(stdout, { isTTY: true, columns: 120, rows: 40 });
  const keyboard = new Keyboard();
  const done = runTui({
    title: 't',
    start: async (): Promise<ScanResult> => result(HANDSHAKES),
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: keyboard as unknown as NodeJS.ReadStream,
    ...opts,
  });
  await until(() => out.join('').includes('vcse.example.com'));
  const text = out.join('');
  keyboard.type('q');
  await done;
  return text;
}

describe('colour off keeps bold and reverse video', () => {
  it.each([
    ['color: false (--no-color)', { color: false, env: {} }],
    ['NO_COLOR=1', { env: { NO_COLOR: '1' } }],
  ])('%s: the selected row is in reverse video, no colour escape at all', async (_what, opts) => {
    const text = await session(opts);
    const row = text.split('\n').find((l) => l.includes('> ') && l.includes('09:15:11.250'))!;
    expect(sgr(row).has(7)).toBe(true);
    expect(sgr(row).has(1)).toBe(true);
    expect(COLOURS(sgr(text))).toEqual([]);
  });

  it('with colour the verdicts are coloured as well', async () => {
    const text = await session({ color: true, env: { NO_COLOR: '1' } });
    expect(COLOURS(sgr(text))).toContain(31);
    const row = text.split('\n').find((l) => l.includes('> ') && l.includes('09:15:11.250'))!;
    expect(sgr(row).has(7)).toBe(true);
  });
});
