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

/**
 * `listItems`, when given, is the number of rows the list holds: a capture with two handshakes does not need 40% of
 * the screen for them, and the rows it leaves go to the details pane, where the trust explanation and its fix
 * hint would otherwise be cut off on a 24-line terminal. At least two rows stay, so the "waiting for handshakes"
 * and "no match" lines show and the list does not jump for every one of the first handshakes. `chainItems`, the
 * chain pane's line count, lets that pane take some of those freed rows so the whole chain shows (never more).
 */
export function layout(vp: Viewport, zoom: Pane | undefined, listItems?: number, chainItems?: number): Layout {
  const columns = Math.max(MIN_COLUMNS, vp.columns);
  const rows = Math.max(MIN_ROWS, vp.rows);
  // title + status + hints; each pane has a one-line heading.
  const body = rows - 3;
  const detailsRight = columns >= 160;
  if (zoom === 'list') return mk(body - 1, 0, 0);
  if (zoom === 'chain') return mk(0, body - 1, 0);
  if (zoom === 'details') return mk(0, 0, body - 1);
  const fitList = (n: number) => (listItems === undefined ? n : Math.min(n, Math.max(2, listItems)));
  if (detailsRight) {
    const list = fitList(Math.max(3, Math.floor(body * 0.45) - 1));
    const lower = body - (list + 1) - 1;
    return { ...mk(list, lower, lower), detailsRight, chainColumns: Math.floor(columns * 0.5), detailsColumns: columns - Math.floor(columns * 0.5) - 1 };
  }
  const fullList = Math.max(3, Math.floor(body * 0.4) - 1);
  const list = fitList(fullList);
  const baseChain = Math.max(2, Math.floor(body * 0.25) - 1);
  const chain = chainItems === undefined ? baseChain : Math.max(baseChain, Math.min(chainItems, baseChain + fullList - list));
  const details = Math.max(1, body - (list + 1) - (chain + 1) - 1);
  return mk(list, chain, details);

  function mk(l: number, c: number, d: number): Layout {
    return { listRows: l, chainRows: c, detailsRows: d, detailsRight: false, chainColumns: columns, detailsColumns: columns };
  }
}
