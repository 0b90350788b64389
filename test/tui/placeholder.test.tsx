/**
 * The frame drawn while Ink loads (placeholderFrame) shows the list's column header where the view then draws it,
 * as the view draws it before the first handshake: the second line, the same text, at each width.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { ScanFeed } from '../../src/tui/feed.js';
import { placeholderFrame } from '../../src/tui/index.js';
import { tick } from './helpers.js';

afterEach(() => cleanup());

// eslint-disable-next-line no-control-regex
const plain = (f: string | undefined) => (f ?? '').replace(/\x1b\[[0-9;]*m/g, '');

/** The placeholder's lines as a terminal shows them: it clears, then writes line 1 at home and line 2 at 2;1. */
function placeholderLines(frame: string): string[] {
  // eslint-disable-next-line no-control-regex
  const parts = frame.split(/\x1b\[2;1H/);
  return parts.map((p) => plain(p.replace(/\x1b\[(2J|H)/g, '')));
}

describe('placeholderFrame', () => {
  it.each([[80], [100], [120], [180]])('%i columns: the column header of the empty view on line 2', async (columns) => {
    const r = render(<App title="zone.pcap" columns={columns} rows={24} feed={new ScanFeed()} flushMs={5} />);
    await tick(20);
    const viewHeader = plain(r.lastFrame()).split('\n')[1]!;
    expect(viewHeader).toMatch(/^ +No\.▲ /);
    const [title, header] = placeholderLines(placeholderFrame('zone.pcap', columns));
    expect(title).toMatch(/^ certshark  zone\.pcap +starting… $/);
    // The testing library drops the spaces at the ends of lines; the terminal gets the whole width, as from Ink.
    expect(header!.trimEnd()).toBe(viewHeader.trimEnd());
    expect(Array.from(header!).length).toBe(columns);
  });
});
