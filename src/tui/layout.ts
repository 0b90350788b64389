/**
 * Pane sizes from the terminal size, shared by the reducer (to keep the cursor visible) and the components.
 * Pure. The screen is: title line, handshake list (header + rows), chain pane, details pane, two status lines.
 */
export type Pane = 'list' | 'chain' | 'details';

export interface Viewport {
  columns: number;
  rows: number;
}

export interface Layout {
  /** Visible handshake rows (without the header). */
  listRows: number;
  chainRows: number;
  detailsRows: number;
  /** Details to the right of the chain pane instead of below it (wide terminals). */
  detailsRight: boolean;
  chainColumns: number;
  detailsColumns: number;
}

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 10;

export function layout(vp: Viewport, zoom: Pane | undefined): Layout {
  const columns = Math.max(MIN_COLUMNS, vp.columns);
  const rows = Math.max(MIN_ROWS, vp.rows);
  // title + status + hints; each pane has a one-line heading.
  const body = rows - 3;
  const detailsRight = columns >= 160;
  if (zoom === 'list') return mk(body - 1, 0, 0);
  if (zoom === 'chain') return mk(0, body - 1, 0);
  if (zoom === 'details') return mk(0, 0, body - 1);
  if (detailsRight) {
    const list = Math.max(3, Math.floor(body * 0.45) - 1);
    const lower = body - (list + 1) - 1;
    return { ...mk(list, lower, lower), detailsRight, chainColumns: Math.floor(columns * 0.5), detailsColumns: columns - Math.floor(columns * 0.5) - 1 };
  }
  const list = Math.max(3, Math.floor(body * 0.4) - 1);
  const chain = Math.max(2, Math.floor(body * 0.25) - 1);
  const details = Math.max(1, body - (list + 1) - (chain + 1) - 1);
  return mk(list, chain, details);

  function mk(l: number, c: number, d: number): Layout {
    return { listRows: l, chainRows: c, detailsRows: d, detailsRight: false, chainColumns: columns, detailsColumns: columns };
  }
}
