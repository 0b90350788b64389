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
  /** The status line and the key hints line (prompts use it): each 0 on a terminal too short for them. */
  statusRows: number;
  hintRows: number;
  /** Lines between the title and the status line: the panes, or the help. */
  bodyRows: number;
}

/** Below this the view still draws, from the top: the title, the list header and what else fits. */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 10;

/**
 * `listItems`, when given, is the number of rows the list holds: a capture with two handshakes does not need 40% of
 * the screen for them, and the rows it leaves go to the details pane, where the trust explanation and its fix
 * hint would otherwise be cut off on a 24-line terminal. At least two rows stay, so the "waiting for handshakes"
 * and "no match" lines show and the list does not jump for every one of the first handshakes. `chainItems`, the
 * chain pane's line count, lets that pane take some of those freed rows so the whole chain shows (never more).
 *
 * The panes never take more lines than the terminal has (Ink would scroll the title and the column header off
 * the top): on a short terminal the details pane goes first, then the chain pane, then list rows, then the hints
 * and status lines. The title and the list header stay at any size.
 */
export function layout(vp: Viewport, zoom: Pane | undefined, listItems?: number, chainItems?: number): Layout {
  const columns = Math.max(1, vp.columns);
  const rows = Math.max(1, vp.rows);
  // title, list header, one row, status, hints: the hints go below 5 lines, the status below 4.
  const hintRows = rows >= 5 ? 1 : 0;
  const statusRows = rows >= 4 ? 1 : 0;
  const body = rows - 1 - statusRows - hintRows;
  const detailsRight = columns >= 160;
  const mk = (l: number, c: number, d: number, right = false): Layout => ({
    listRows: l,
    chainRows: c,
    detailsRows: d,
    detailsRight: right,
    chainColumns: right ? Math.floor(columns * 0.5) : columns,
    detailsColumns: right ? columns - Math.floor(columns * 0.5) - 1 : columns,
    statusRows,
    hintRows,
    bodyRows: body,
  });
  // Each pane shown has a one-line heading (the list's is its column header).
  if (zoom === 'list') return mk(Math.max(0, body - 1), 0, 0);
  if (zoom === 'chain') return mk(0, Math.max(0, body - 1), 0);
  if (zoom === 'details') return mk(0, 0, Math.max(0, body - 1));
  const fitList = (n: number) => (listItems === undefined ? n : Math.min(n, Math.max(2, listItems)));
  if (detailsRight) {
    const list = fitList(Math.max(3, Math.floor(body * 0.45) - 1));
    const lower = body - (list + 1) - 1;
    if (lower >= 1) return mk(list, lower, lower, true);
    return mk(Math.max(0, body - 1), 0, 0);
  }
  const fullList = Math.max(3, Math.floor(body * 0.4) - 1);
  let list = fitList(fullList);
  const baseChain = Math.max(2, Math.floor(body * 0.25) - 1);
  let chain = chainItems === undefined ? baseChain : Math.max(baseChain, Math.min(chainItems, baseChain + fullList - list));
  let details = Math.max(1, body - (list + 1) - (chain + 1) - 1);
  const used = () => list + 1 + (chain > 0 ? chain + 1 : 0) + (details > 0 ? details + 1 : 0);
  // Too short for all three: details, then the chain, then list rows give way (a pane of one line is dropped whole).
  while (used() > body && details > 0) details = details > 1 ? details - 1 : 0;
  while (used() > body && chain > 0) chain = chain > 1 ? chain - 1 : 0;
  list = Math.max(0, Math.min(list, body - 1));
  return mk(list, chain, details);
}
