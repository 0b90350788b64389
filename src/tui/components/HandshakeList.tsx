import React, { useMemo } from 'react';
import { escapeControl } from '../escape.js';
import { listColumns, listHeader, naturalWidths, SORT_TITLE, type ExtraColumn } from '../columns.js';
import { cell, fit, formatElapsed, handshakeBadge, type Line } from '../format.js';
import { waitingForPackets, type TuiState } from '../state.js';
import { Lines } from './Lines.js';


export function HandshakeList({ state, height, width, extra }: { state: TuiState; height: number; width: number; extra?: ExtraColumn }): React.JSX.Element {
  // Over every handshake, not the visible rows: columns must not jump while scrolling. Recomputed per batch only.
  const natural = useMemo(() => naturalWidths(state.handshakes), [state.handshakes]);
  const cols = listColumns(width, state.group, natural, extra);
  const focused = state.focus === 'list';
  const sortTitle = SORT_TITLE[state.sort.key];
  const header: Line = [{ text: listHeader(cols, sortTitle, state.sort.desc), bold: true, inverse: focused }];
  const lines: Line[] = [header];
  // Virtualised: only the rows in view are formatted at all.
  const end = Math.min(state.rows.length, state.scrollTop + height);
  for (let i = state.scrollTop; i < end; i++) {
    const row = state.rows[i]!;
    const h = state.handshakes[row.hs]!;
    const selected = i === state.cursor;
    const marked = [...h.serverChain, ...h.clientChain].some((x) => state.marks.has(x));
    const lead = (selected ? '>' : ' ') + (marked ? '*' : ' ');
    const segs: Line = [{ text: lead, bold: true, inverse: selected && focused }];
    // A group row shows its worst member's badge and its first alert (rows.ts).
    const badgeOf = row.worst === undefined || row.member ? h : state.handshakes[row.worst]!;
    const alertOf = row.alerted === undefined || row.member ? h : state.handshakes[row.alerted]!;
    cols.forEach((c, k) => {
      const isVerdict = c.title === 'Verdict';
      const isAlert = c.title === 'Alerts';
      let v = c.value(isVerdict ? badgeOf : isAlert ? alertOf : h);
      if (k === 0 && row.count > 1) v = `(${row.count}×) ${v}`;
      if (k === 0 && row.member) v = `└${v}`;
      const text = (k === 0 ? '' : ' ') + cell(v, c.width, c.align === 'right' ? 'right' : 'left');
      segs.push({
        text,
        inverse: selected && focused,
        bold: selected || isVerdict,
        color: isVerdict ? handshakeBadge(badgeOf).color : isAlert && alertOf.alerts.length > 0 ? 'red' : undefined,
      });
    });
    lines.push(segs);
  }
  if (state.rows.length === 0) {
    lines.push([
      {
        text:
          state.handshakes.length === 0
            ? state.done
              ? '  no TLS handshakes in this capture'
              : waitingForPackets(state) && state.elapsedMs >= 1000
                ? `  waiting for packets… ${formatElapsed(state.elapsedMs)}`
                : '  waiting for handshakes…'
            : `  no handshake matches the filter "${escapeControl(state.filterText)}"`,
        dim: true,
      },
    ]);
  }
  return <Lines lines={lines} height={height + 1} width={width} />;
}
