import { describe, expect, it } from 'vitest';
import { layout } from '../../src/tui/layout.js';
import { listColumns, naturalWidths } from '../../src/tui/components/HandshakeList.js';
import { HANDSHAKES, TRAVERSAL_BROKEN } from './fixtures.js';

describe('layout', () => {
  it.each([
    // {in: terminal, list rows held, chain lines; want: list, chain, details rows}
    { cols: 80, rows: 24, items: undefined, chain: undefined, want: [7, 4, 7] },
    { cols: 80, rows: 24, items: 1, chain: 4, want: [2, 4, 12] },
    { cols: 80, rows: 24, items: 1, chain: 5, want: [2, 5, 11] },
    { cols: 80, rows: 24, items: 1, chain: 40, want: [2, 9, 7] },
    { cols: 80, rows: 24, items: 500, chain: 40, want: [7, 4, 7] },
    { cols: 120, rows: 40, items: 0, chain: 1, want: [2, 8, 24] },
  ])('$cols x $rows holding $items rows and $chain chain lines', ({ cols, rows, items, chain, want }) => {
    const l = layout({ columns: cols, rows }, undefined, items, chain);
    expect([l.listRows, l.chainRows, l.detailsRows]).toEqual(want);
    // title, list header, chain and details headings, status, hints: the panes fill the terminal exactly.
    expect(l.listRows + l.chainRows + l.detailsRows + 6).toBe(rows);
  });
});

describe('list columns', () => {
  it.each([80, 100, 120, 200])('at %i columns a row is exactly that wide', (width) => {
    const cols = listColumns(width, false, naturalWidths(HANDSHAKES));
    expect(2 + cols.reduce((n, c) => n + c.width, 0) + cols.length - 1).toBe(width);
  });

  it('at 80 columns the traversal row is not cut: address, SNI and alert get their natural widths', () => {
    const cols = listColumns(80, false, naturalWidths([TRAVERSAL_BROKEN]));
    for (const c of cols) expect(Array.from(c.value(TRAVERSAL_BROKEN)).length).toBeLessThanOrEqual(c.width);
  });
});
