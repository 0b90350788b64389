/**
 * The `/` prompt while an expression is incomplete or wrong: the list keeps the rows of the last expression that
 * compiled (never a silent empty list), the error shows on the prompt's line, and Enter does not apply it.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import type { TuiState } from '../../src/tui/state.js';
import { apply, loaded, tick } from './helpers.js';

afterEach(() => cleanup());

const ids = (s: TuiState) => s.rows.map((r) => s.handshakes[r.hs]!.id);

describe('filter prompt state', () => {
  it('keeps the last rows that compiled while the text has a mistake, and says what and where', () => {
    let s = apply(loaded(), { type: 'filter-open' }, { type: 'filter-change', text: 'port 7001' });
    expect(ids(s)).toEqual([1, 2]);
    expect(s.filterError).toBeUndefined();
    s = apply(s, { type: 'filter-change', text: 'port 7001 and' });
    expect(ids(s)).toEqual([1, 2]);
    expect(s.filterText).toBe('port 7001 and');
    expect(s.filterError).toEqual({ message: "'and' needs a term after it", position: 13 });
    // Enter on a mistake keeps the prompt open.
    s = apply(s, { type: 'filter-apply', text: 'port 7001 and' });
    expect(s.mode.kind).toBe('filter');
    expect(s.filterError).toBeDefined();
    s = apply(s, { type: 'filter-change', text: 'port 7001 and bad' });
    expect(ids(s)).toEqual([1]);
    expect(s.filterError).toBeUndefined();
    s = apply(s, { type: 'filter-apply', text: 'port 7001 and bad' });
    expect(s.mode.kind).toBe('normal');
    expect(s.filterText).toBe('port 7001 and bad');
  });

  it('Esc after a mistake restores the filter the prompt opened with and clears the error', () => {
    let s = apply(loaded(), { type: 'filter-open' }, { type: 'filter-apply', text: 'sni vpn' });
    expect(ids(s)).toEqual([3]);
    s = apply(s, { type: 'filter-open' }, { type: 'filter-change', text: 'ip.addr ==' });
    expect(ids(s)).toEqual([3]);
    expect(s.filterError?.position).toBe(10);
    s = apply(s, { type: 'filter-cancel' });
    expect(s.mode.kind).toBe('normal');
    expect(s.filterText).toBe('sni vpn');
    expect(s.filterError).toBeUndefined();
    expect(ids(s)).toEqual([3]);
  });

  it('an expression that compiles filters as it is typed, Wireshark fields and CIDR included', () => {
    const s = apply(loaded(), { type: 'filter-open' }, { type: 'filter-change', text: 'ip.dst == 192.0.2.0/24 && !bad' });
    expect(s.filterError).toBeUndefined();
    expect(ids(s)).toEqual([2]);
  });
});

// Ink may add SGR colour codes; the assertions are about the text the user reads.
// eslint-disable-next-line no-control-regex
const plain = (f: string | undefined) => (f ?? '').replace(/\x1b\[[0-9;]*m/g, '');

async function type(r: ReturnType<typeof render>, text: string) {
  for (const ch of text) {
    r.stdin.write(ch);
    await tick(15);
  }
  await tick(60);
}

describe('filter prompt on screen', () => {
  it('shows the error beside what is typed, keeps the list, and drops the error once the text compiles', async () => {
    const initial = loaded();
    const r = render(<App title="t" columns={120} rows={40} initial={initial} />);
    await type(r, '/');
    await type(r, 'ip.addr ==');
    let lines = plain(r.lastFrame()).split('\n');
    expect(lines[39]).toMatch(/^\/ip\.addr == .* ✗ '==' needs a value after it, e\.g\. 'ip\.addr == 10\.77\.0\.0\/24' \(column 11\)/);
    expect(lines.join('\n')).not.toContain('no handshake matches');
    expect(lines.join('\n')).toContain('203.0.113.1:443'); // still every row
    await type(r, ' 203.0.113.0/24');
    lines = plain(r.lastFrame()).split('\n');
    expect(lines[39]).toMatch(/^\/ip\.addr == 203\.0\.113\.0\/24/);
    expect(lines[39]).not.toContain('✗');
    expect(lines.join('\n')).not.toContain('192.0.2.10:7001');
    expect(lines.join('\n')).toContain('203.0.113.1:443');
  });
});
