import { describe, expect, it } from 'vitest';
import { layout } from '../../src/tui/layout.js';
import { listColumns, naturalWidths } from '../../src/tui/columns.js';
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

  it.each([60, 80, 120])('a command\'s extra column (compare: Seen) follows the number and stays at %i columns', (width) => {
    const extra = { title: 'Seen', width: 15, value: () => 'A=B#12 CHANGED' };
    const cols = listColumns(width, false, naturalWidths(HANDSHAKES), extra);
    expect(cols.map((c) => c.title).slice(0, 2)).toEqual(['No.', 'Seen']);
    expect(cols[1]!.width).toBe(15);
    expect(2 + cols.reduce((n, c) => n + c.width, 0) + cols.length - 1).toBe(width);
    expect(cols.map((c) => c.title)).toContain('Verdict');
  });
});

describe('small terminals', () => {
  it('the panes never take more lines than the terminal has', () => {
    for (let rows = 1; rows <= 30; rows++)
      for (const items of [undefined, 0, 1, 50])
        for (const zoom of [undefined, 'list', 'chain', 'details'] as const) {
          const l = layout({ columns: 80, rows }, zoom, items, 4);
          const panes = (n: number) => (n > 0 ? n + 1 : 0);
          // title + list (its header stays when no row fits) + chain + details + status + hints
          const list = zoom === undefined ? l.listRows + 1 : panes(l.listRows);
          const used = 1 + (l.bodyRows > 0 ? list : 0) + panes(l.chainRows) + panes(l.detailsRows) + l.statusRows + l.hintRows;
          expect(used, `${rows} rows, ${items} items, zoom ${zoom}`).toBeLessThanOrEqual(rows);
        }
  });

  it('at 40x10 the details pane gives way first, then the chain pane; the list keeps a row', () => {
    expect(layout({ columns: 40, rows: 10 }, undefined, 1, 4)).toMatchObject({ listRows: 2, chainRows: 3, detailsRows: 0, statusRows: 1, hintRows: 1 });
    expect(layout({ columns: 40, rows: 6 }, undefined, 1, 4)).toMatchObject({ listRows: 2, chainRows: 0, detailsRows: 0 });
    expect(layout({ columns: 40, rows: 3 }, undefined, 1, 4)).toMatchObject({ listRows: 1, statusRows: 0, hintRows: 0 });
  });
});

describe('narrow list columns', () => {
  const row = (width: number) => {
    const cols = listColumns(width, false, naturalWidths([TRAVERSAL_BROKEN]));
    return { titles: cols.map((c) => c.title), width: (t: string) => cols.find((c) => c.title === t)?.width };
  };
  it('at 60 columns Proto, Version and Alerts go before the SNI is cut', () => {
    const r = row(60);
    expect(r.titles).toEqual(['No.', 'Server', 'SNI', 'Chain', 'Verdict']);
    expect(r.width('SNI')).toBeGreaterThanOrEqual('vcse.example.com'.length);
    expect(r.width('Server')).toBeGreaterThanOrEqual('192.0.2.10:7001'.length);
  });
  it('at 40 columns the number, the server, the SNI and the verdict stay; the SNI is cut before the server', () => {
    const r = row(40);
    expect(r.titles).toEqual(['No.', 'Server', 'SNI', 'Verdict']);
    expect(r.width('Server')).toBe('192.0.2.10:7001'.length);
    expect(r.width('SNI')).toBeLessThan('vcse.example.com'.length);
    expect(r.width('Verdict')).toBe(7);
  });
  it.each([30, 40, 50, 60, 70, 80, 90, 109, 110, 140])('at %i columns a row is exactly that wide', (width) => {
    const cols = listColumns(width, false, naturalWidths(HANDSHAKES));
    expect(2 + cols.reduce((n, c) => n + c.width, 0) + cols.length - 1).toBe(width);
  });
});
