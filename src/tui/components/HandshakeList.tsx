import React, { useMemo } from 'react';
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

/** Widest value of each flexible column over all handshakes (escaped, in code points). */
export interface NaturalWidths {
  /** Digits of the largest handshake number. */
  id: number;
  client: number;
  server: number;
  sni: number;
  alerts: number;
}

const len = (s: string) => Array.from(escapeControl(s)).length;

export function naturalWidths(handshakes: readonly Handshake[]): NaturalWidths {
  // "No.▲" is four wide: the sort mark must not cut the title.
  const w: NaturalWidths = { id: 4, client: 6, server: 6, sni: 3, alerts: 6 };
  for (const h of handshakes) {
    w.id = Math.max(w.id, String(h.id).length);
    w.client = Math.max(w.client, h.client.ip.length + 1 + String(h.client.port).length);
    w.server = Math.max(w.server, h.server.ip.length + 1 + String(h.server.port).length);
    if (h.sni) w.sni = Math.max(w.sni, len(h.sni));
    if (h.alerts.length) w.alerts = Math.max(w.alerts, len(alertsText(h)));
  }
  return w;
}

/**
 * Columns for the width: the client address and the time only when there is room for them. The flexible columns
 * (addresses, SNI, alerts) get what their widest value needs when `natural` is given, so at 80 columns an IPv4
 * server address does not take 20 columns while the SNI and the alert are cut; what nobody needs goes to the last.
 */
export function listColumns(width: number, grouped = false, natural?: NaturalWidths): Column[] {
  const wide = width >= 110;
  const fixed: Column[] = [
    { title: 'No.', width: grouped ? 13 : Math.min(6, natural?.id ?? 6), align: 'right', value: (h) => String(h.id) },
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
  // Flexible columns get their share of what is left, at most their natural width; then the unused room goes, up
  // to their natural width, first to the addresses (an address cut in the port is useless), then the alert, then
  // the SNI; the alerts column, last on the line, takes any remainder.
  const flex = wide
    ? [
        { key: 'client', share: 0.24, want: natural?.client },
        { key: 'server', share: 0.24, want: natural && natural.server + 2 },
        { key: 'alerts', share: 0.22, want: natural?.alerts },
        { key: 'sni', share: 0.3, want: natural?.sni },
      ]
    : [
        { key: 'server', share: 0.48, want: natural?.server },
        { key: 'alerts', share: 0.22, want: natural?.alerts },
        { key: 'sni', share: 0.3, want: natural?.sni },
      ];
  const got = new Map<string, number>();
  for (const f of flex) got.set(f.key, Math.max(6, Math.floor(rest * f.share)));
  if (natural) {
    for (const f of flex) got.set(f.key, Math.min(got.get(f.key)!, Math.max(f.want!, 6)));
    let spare = rest - [...got.values()].reduce((a, b) => a + b, 0);
    for (const f of flex) {
      const more = Math.min(spare, Math.max(0, f.want! - got.get(f.key)!));
      got.set(f.key, got.get(f.key)! + more);
      spare -= more;
    }
    got.set('alerts', got.get('alerts')! + Math.max(0, spare));
  } else {
    // No content known: the proportional split, the rounding remainder to the addresses.
    const addrKeys = wide ? ['client', 'server'] : ['server'];
    const used = [...got.values()].reduce((a, b) => a + b, 0);
    got.set(addrKeys.at(-1)!, got.get(addrKeys.at(-1)!)! + rest - used);
  }
  const addr: Column[] = wide
    ? [
        { title: 'Client', width: got.get('client')!, value: (h) => `${h.client.ip}:${h.client.port}` },
        { title: 'Server', width: got.get('server')!, value: (h) => `→ ${h.server.ip}:${h.server.port}` },
      ]
    : [{ title: 'Server', width: got.get('server')!, value: (h) => `${h.server.ip}:${h.server.port}` }];
  return [
    ...fixed,
    ...addr,
    { title: 'SNI', width: got.get('sni')!, value: (h) => h.sni ?? '' },
    ...tail,
    { title: 'Alerts', width: got.get('alerts')!, value: alertsText },
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
  // Over every handshake, not the visible rows: columns must not jump while scrolling. Recomputed per batch only.
  const natural = useMemo(() => naturalWidths(state.handshakes), [state.handshakes]);
  const cols = listColumns(width, state.group, natural);
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
              : '  waiting for handshakes…'
            : `  no handshake matches the filter "${escapeControl(state.filterText)}"`,
        dim: true,
      },
    ]);
  }
  return <Lines lines={lines} height={height + 1} width={width} />;
}
