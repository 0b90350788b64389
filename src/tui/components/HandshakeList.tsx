import React from 'react';
import type { Handshake } from '../../model.js';
import { escapeControl } from '../escape.js';
import { cell, fit, handshakeBadge, shortVersion, timeOfDay, type Line } from '../format.js';
import type { TuiState } from '../state.js';
import { Lines } from './Lines.js';

interface Column {
  title: string;
  width: number;
  align?: 'right';
  value: (h: Handshake) => string;
}

function alertsText(h: Handshake): string {
  if (h.alerts.length === 0) return '';
  const a = h.alerts[0]!;
  const first = `${a.from === 'client' ? 'C' : 'S'}:${a.encrypted ? 'encrypted' : a.descriptionName}`;
  return h.alerts.length > 1 ? `${first} +${h.alerts.length - 1}` : first;
}

/** Columns for the width: the client address and the time only when there is room for them. */
export function listColumns(width: number, grouped = false): Column[] {
  const wide = width >= 110;
  const fixed: Column[] = [
    { title: 'No.', width: grouped ? 13 : 6, align: 'right', value: (h) => String(h.id) },
    ...(wide ? [{ title: 'Time', width: 12, value: (h: Handshake) => timeOfDay(h.time) }] : []),
  ];
  const tail: Column[] = [
    { title: 'Proto', width: 5, value: (h) => (h.transport === 'udp' ? 'DTLS' : 'TCP') },
    { title: 'Version', width: 7, value: (h) => shortVersion(h.version) || (h.encrypted ? 'TLS1.3' : '') },
    { title: 'Chain', width: 5, value: (h) => `${h.serverChain.length}/${h.clientChain.length}` },
    { title: 'Verdict', width: 7, value: (h) => handshakeBadge(h).text },
  ];
  // Row = 2 lead characters + every column width + one space between columns; the flexible columns
  // (addresses, SNI, alerts) share what is left so a row is exactly `width` wide.
  const nCols = fixed.length + tail.length + (wide ? 2 : 1) + 2;
  const rest = Math.max(28, width - 2 - (nCols - 1) - [...fixed, ...tail].reduce((n, c) => n + c.width, 0));
  const alertsW = Math.max(8, Math.floor(rest * 0.22));
  const sniW = Math.max(8, Math.floor(rest * 0.3));
  const addrW = rest - alertsW - sniW;
  const addr: Column[] = wide
    ? [
        { title: 'Client', width: Math.floor(addrW / 2), value: (h) => `${h.client.ip}:${h.client.port}` },
        { title: 'Server', width: addrW - Math.floor(addrW / 2), value: (h) => `→ ${h.server.ip}:${h.server.port}` },
      ]
    : [{ title: 'Server', width: addrW, value: (h) => `${h.server.ip}:${h.server.port}` }];
  return [
    ...fixed,
    ...addr,
    { title: 'SNI', width: sniW, value: (h) => h.sni ?? '' },
    ...tail,
    { title: 'Alerts', width: alertsW, value: alertsText },
  ];
}

const SORT_TITLE: Record<string, string> = {
  no: 'No.',
  time: 'Time',
  client: 'Client',
  server: 'Server',
  sni: 'SNI',
  version: 'Version',
  chain: 'Chain',
  verdict: 'Verdict',
  alerts: 'Alerts',
};

export function HandshakeList({ state, height, width }: { state: TuiState; height: number; width: number }): React.JSX.Element {
  const cols = listColumns(width, state.group);
  const focused = state.focus === 'list';
  const sortTitle = SORT_TITLE[state.sort.key];
  const header: Line = [
    {
      text:
        '  ' +
        cols
          .map((c) => {
            const t = c.title === sortTitle ? `${c.title}${state.sort.desc ? '▼' : '▲'}` : c.title;
            return fit(t, c.width, c.align === 'right' ? 'right' : 'left');
          })
          .join(' '),
      bold: true,
      inverse: focused,
    },
  ];
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
    cols.forEach((c, k) => {
      let v = c.value(h);
      if (k === 0 && row.count > 1) v = `(${row.count}×) ${v}`;
      if (k === 0 && row.member) v = `└${v}`;
      const text = (k === 0 ? '' : ' ') + cell(v, c.width, c.align === 'right' ? 'right' : 'left');
      const isVerdict = c.title === 'Verdict';
      const isAlert = c.title === 'Alerts' && h.alerts.length > 0;
      segs.push({
        text,
        inverse: selected && focused,
        bold: selected || isVerdict,
        color: isVerdict ? handshakeBadge(h).color : isAlert ? 'red' : undefined,
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
              : '  waiting for handshakes…'
            : `  no handshake matches the filter "${escapeControl(state.filterText)}"`,
        dim: true,
      },
    ]);
  }
  return <Lines lines={lines} height={height + 1} width={width} />;
}
