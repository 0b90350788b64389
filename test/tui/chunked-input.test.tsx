/**
 * Keys that reach the App in one read (fast typing over SSH, a paste, tmux send-keys): Ink hands plain text over
 * as one event, so each character must still act as its own key, and characters after one that opens a prompt
 * must go to that prompt.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { loaded, tick } from './helpers.js';

afterEach(() => cleanup());

// eslint-disable-next-line no-control-regex
const plain = (f: string | undefined) => (f ?? '').replace(/\x1b\[[0-9;]*m/g, '');

async function settle(r: { lastFrame(): string | undefined }, cond: (f: string) => boolean) {
  const t0 = Date.now();
  while (!cond(plain(r.lastFrame())) && Date.now() - t0 < 2000) await tick(10);
  return plain(r.lastFrame());
}

describe('input arriving in one chunk', () => {
  it('"\\t\\r" focuses the chain pane and zooms it', async () => {
    const s = loaded();
    const r = render(<App title="t" columns={120} rows={40} initial={s} />);
    await tick(20);
    expect(plain(r.lastFrame())).toMatch(/No\.▲/);
    r.stdin.write('\t\r');
    const f = await settle(r, (x) => !x.includes('No.▲'));
    expect(f).not.toMatch(/No\.▲/);
    expect(f).toContain('Server chain (1 sent)');
  });

  it('"jj" moves two rows', async () => {
    const r = render(<App title="t" columns={120} rows={40} initial={loaded()} />);
    await tick(20);
    r.stdin.write('jj');
    const f = await settle(r, (x) => /^> +3 /m.test(x));
    expect(f).toMatch(/^> +3 /m);
  });

  it('"/port 7001\\r" opens the filter, types into it and applies it; a q inside is text, not quit', async () => {
    const quits: number[] = [];
    const r = render(<App title="t" columns={120} rows={40} initial={loaded()} effects={{ quit: (c) => quits.push(c) }} />);
    await tick(20);
    r.stdin.write('/port 7001\r');
    let f = await settle(r, (x) => x.includes('filter: port 7001'));
    expect(f).toContain('filter: port 7001');
    expect(f).toContain('192.0.2.10:7001');
    expect(f).not.toContain('203.0.113.1:443');
    r.stdin.write('/\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fsni q\r');
    f = await settle(r, (x) => x.includes('filter: sni q'));
    expect(f).toContain('filter: sni q');
    expect(quits).toEqual([]);
  });
});
