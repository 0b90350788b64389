/**
 * The help screen as lines for a width: every entry wrapped under its key (an 80-column terminal cut them with
 * "…"), and the scroll bound when they do not fit the screen. Pure.
 */
import { wrap } from './details.js';
import type { Line } from './format.js';

export const HELP_ENTRIES: [string, string][] = [
  ['↑ ↓  j k', 'move in the focused pane (PgUp/PgDn, Home/End)'],
  ['Tab  Shift-Tab', 'cycle panes: handshakes → chain → details'],
  ['Enter', 'expand: a grouped row, or the focused pane to the whole screen (again to go back)'],
  ['/', 'filter: port 7001, sni vpn, ip 10.0.0.1, host vcse, cn Example, bad, warn, ok, alert, dtls, mtls, encrypted, a verdict code (missing-intermediate), free text; !term negates'],
  ['s  r', 'sort by the next column; reverse the order'],
  ['g', 'group duplicate handshakes (same server, same chain)'],
  ['Space', "mark the certificate (in the list: the whole handshake's certificates); u clears marks"],
  ['e', 'export the marked certificates (or the selected one) as PEM; the path can be edited (~ is your home)'],
  ['E', 'export the selected chain as built, leaf to root: the certificates sent plus the CAs the trust store (--ca) added, one PEM file (for a trusted CA list)'],
  ['W', 'export the selected chain exactly as the peer sent it, in its order'],
  ['y', 'copy the PEM to the clipboard (OSC 52: works over SSH and in tmux with set-clipboard on)'],
  ['?', 'this help (↑↓ PgUp PgDn scroll it, any other key closes it)'],
  ['q  Ctrl-C', 'quit'],
  ['', ''],
  ['Badges', '✓ OK trusted · ✗ BAD an error · ! WARN a warning · i INFO remarks only · ? ENC encrypted'],
  ['Chain', '[wire #n] sent by the peer · [store] from the trust store · MISSING LINK what the peer failed to send'],
];

const KEY_WIDTH = 18;

export function helpLines(width: number): Line[] {
  const lines: Line[] = [[{ text: 'certshark keys', bold: true }], []];
  // Narrow: the key on a line of its own, the text below it, indented.
  const narrow = width < KEY_WIDTH + 20;
  const textWidth = narrow ? Math.max(8, width - 4) : width - KEY_WIDTH;
  for (const [k, v] of HELP_ENTRIES) {
    if (k === '' && v === '') {
      lines.push([]);
      continue;
    }
    const text = wrap(v, textWidth);
    if (narrow) {
      lines.push([{ text: '  ' + k, bold: true, color: 'cyan' }]);
      for (const t of text) lines.push([{ text: '    ' + t }]);
      continue;
    }
    text.forEach((t, i) =>
      lines.push([{ text: (i === 0 ? '  ' + k : '').padEnd(KEY_WIDTH), bold: true, color: 'cyan' }, { text: t }]),
    );
  }
  return lines;
}

/** How far the help can scroll at this size. */
export function helpScrollMax(width: number, height: number): number {
  return Math.max(0, helpLines(width).length - Math.max(1, height));
}
