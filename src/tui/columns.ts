/**
 * The handshake list's columns for a width. Pure. The flexible columns (addresses, SNI, alerts) get what their
 * widest value needs when the natural widths are known, so at 80 columns an IPv4 server address does not take 20
 * columns while the SNI is cut. When not everything fits, the least useful columns go first, whole: Proto,
 * Version, Alerts, Time, Client, Chain; only then are the SNI and the server address cut (the SNI first). The
 * number and the verdict always stay.
 */
import type { Handshake } from '../model.js';
import { escapeControl } from './escape.js';
import { fit, handshakeBadge, shortVersion, timeOfDay } from './format.js';

export interface Column {
  title: string;
  width: number;
  align?: 'right';
  value: (h: Handshake) => string;
}

/** A column a command adds after the number (compare: where each handshake was seen); never dropped. */
export interface ExtraColumn {
  title: string;
  width: number;
  value: (h: Handshake) => string;
}

export function alertsText(h: Handshake): string {
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

type Key = 'extra' | 'no' | 'time' | 'client' | 'server' | 'sni' | 'proto' | 'version' | 'chain' | 'verdict' | 'alerts';

interface Spec extends Omit<Column, 'width'> {
  key: Key;
  /** Width of a fixed column. */
  fixed?: number;
  /** Flexible: share of the room left, the width its values need, the least it is given before it must go. */
  share?: number;
  want?: number;
}

/** Dropped in this order while the row does not fit. */
const DROP: Key[] = ['proto', 'version', 'alerts', 'time', 'client', 'chain'];
/** Cut in this order (down to FLEX_MIN, then down to FLOOR) when what is left still does not fit. */
const SHRINK: Key[] = ['alerts', 'client', 'sni', 'server'];
/** Room left over goes, up to what the values need, to the addresses first (cut in the port they are useless). */
const GROW: Key[] = ['server', 'client', 'sni', 'alerts'];
const FLEX_MIN = 6;
const FLOOR = 3;
/**
 * A very long SNI or an IPv6 address must not push Proto and Version off an 80-column row: past this the value is
 * cut rather than another column dropped.
 */
const WANT_CAP = 28;

export function listColumns(width: number, grouped = false, natural?: NaturalWidths, extra?: ExtraColumn): Column[] {
  const wide = width >= 110;
  const specs: Spec[] = [
    { key: 'no', title: 'No.', fixed: grouped ? 13 : Math.min(6, natural?.id ?? 6), align: 'right', value: (h) => String(h.id) },
    ...(extra ? [{ key: 'extra', title: extra.title, fixed: extra.width, value: extra.value } satisfies Spec] : []),
    ...(wide
      ? ([
          { key: 'time', title: 'Time', fixed: 12, value: (h: Handshake) => timeOfDay(h.time) },
          { key: 'client', title: 'Client', share: 0.24, want: natural?.client, value: (h: Handshake) => `${h.client.ip}:${h.client.port}` },
          { key: 'server', title: 'Server', share: 0.24, want: natural && natural.server + 2, value: (h: Handshake) => `→ ${h.server.ip}:${h.server.port}` },
        ] satisfies Spec[])
      : ([{ key: 'server', title: 'Server', share: 0.48, want: natural?.server, value: (h: Handshake) => `${h.server.ip}:${h.server.port}` }] satisfies Spec[])),
    { key: 'sni', title: 'SNI', share: 0.3, want: natural?.sni, value: (h) => h.sni ?? '' },
    { key: 'proto', title: 'Proto', fixed: 5, value: (h) => (h.transport === 'udp' ? 'DTLS' : h.transport === 'quic' ? 'QUIC' : 'TCP') },
    { key: 'version', title: 'Version', fixed: 7, value: (h) => shortVersion(h.version) || (h.encrypted ? 'TLS1.3' : '') },
    { key: 'chain', title: 'Chain', fixed: 5, value: (h) => `${h.serverChain.length}/${h.clientChain.length}` },
    { key: 'verdict', title: 'Verdict', fixed: 7, value: (h) => handshakeBadge(h).text },
    { key: 'alerts', title: 'Alerts', share: 0.22, want: natural?.alerts, value: alertsText },
  ];
  // A row is 2 lead characters, every column and one space between columns. With the values known, a column goes
  // while the row cannot show the others at their natural width; without them, while it cannot show them at all.
  const need = (cols: Spec[]) =>
    2 + cols.length - 1 + cols.reduce((n, c) => n + (c.fixed ?? (natural ? Math.min(Math.max(c.want ?? 0, FLEX_MIN), WANT_CAP) : FLEX_MIN)), 0);
  let cols = specs;
  for (const k of DROP) {
    if (need(cols) <= width) break;
    cols = cols.filter((c) => c.key !== k);
  }
  const flex = cols.filter((c) => c.fixed === undefined);
  const rest = width - 2 - (cols.length - 1) - cols.reduce((n, c) => n + (c.fixed ?? 0), 0);
  const got = new Map<Key, number>();
  const shares = flex.reduce((n, c) => n + c.share!, 0);
  for (const c of flex) got.set(c.key, Math.max(FLEX_MIN, Math.floor((rest * c.share!) / shares)));
  if (natural) for (const c of flex) got.set(c.key, Math.min(got.get(c.key)!, Math.max(c.want!, FLEX_MIN)));
  const total = () => [...got.values()].reduce((a, b) => a + b, 0);
  let spare = rest - total();
  if (spare > 0) {
    for (const k of GROW) {
      const c = flex.find((f) => f.key === k);
      if (!c) continue;
      const more = Math.min(spare, natural ? Math.max(0, c.want! - got.get(k)!) : 0);
      got.set(k, got.get(k)! + more);
      spare -= more;
    }
    // The last flexible column on the line takes the remainder, so a row is exactly `width` wide.
    const last = flex.at(-1);
    if (last) got.set(last.key, got.get(last.key)! + spare);
  } else {
    for (const floor of [FLEX_MIN, FLOOR]) {
      for (const k of SHRINK) {
        if (!got.has(k) || spare >= 0) continue;
        const less = Math.min(-spare, Math.max(0, got.get(k)! - floor));
        got.set(k, got.get(k)! - less);
        spare += less;
      }
    }
  }
  return cols.map(({ title, align, value, key, fixed }) => ({ title, align, value, width: fixed ?? got.get(key)! }));
}

/** The column title of each sort key. */
export const SORT_TITLE: Record<string, string> = {
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

/**
 * The list's header line: the titles at their widths, the sort column marked (▲ ascending, ▼ descending). Drawn
 * bold (reversed while the list has the focus) by the list, and by the frame shown while Ink loads.
 */
export function listHeader(cols: readonly Column[], sortTitle: string | undefined, desc: boolean): string {
  return (
    '  ' +
    cols
      .map((c) => fit(c.title === sortTitle ? `${c.title}${desc ? '▼' : '▲'}` : c.title, c.width, c.align === 'right' ? 'right' : 'left'))
      .join(' ')
  );
}
