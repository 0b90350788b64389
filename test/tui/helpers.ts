import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import type { Handshake, ScanListener, ScanResult } from '../../src/model.js';
import { scanCaptures } from '../../src/session.js';
import { ScanFeed } from '../../src/tui/feed.js';
import { initialState, reducer, type Action, type TuiState } from '../../src/tui/state.js';
import { CERTS, HANDSHAKES, PATHS } from './fixtures.js';

export function result(handshakes: Handshake[] = HANDSHAKES): ScanResult {
  return {
    certshark: '0.1.0',
    captures: [{ file: 'traversal.pcapng', format: 'pcapng', linkTypes: ['ETHERNET'], packets: 120, bytes: 48000, notes: [] }],
    handshakes,
    certificates: CERTS,
  };
}

export function loaded(handshakes: Handshake[] = HANDSHAKES, columns = 120, rows = 40): TuiState {
  return reducer(initialState({ title: 'traversal.pcapng', exportDir: '/tmp/out', columns, rows }), {
    type: 'scan-batch',
    handshakes,
    certificates: CERTS,
    paths: handshakes === HANDSHAKES ? PATHS : [],
    done: result(handshakes),
  });
}

export function apply(s: TuiState, ...actions: Action[]): TuiState {
  return actions.reduce(reducer, s);
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** Wait until `pred` holds (re-checked every 10 ms), at most `ms`: frames arrive on Ink's throttle, not at once. */
export async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await tick(10);
}

export const CAPTURES = resolve(import.meta.dirname, '../../captures');
export const PKI = join(CAPTURES, 'pki');

/**
 * The view's state after a real scan of a bundled capture (real openssl peers under tcpdump) with `--ca` files
 * from captures/pki and the expressway profile, fed through the ScanFeed as runTui wires it. `order` is the order
 * the handshakes reached the listener.
 */
export async function scanned(capture: string, ca: string[], extra: ScanListener = {}): Promise<{ state: TuiState; order: number[] }> {
  const trust = await buildTrust({ ca: ca.map((f) => join(PKI, f)), systemCa: false, publicRoots: false, profile: 'expressway', at: 'capture' });
  const feed = new ScanFeed();
  const order: number[] = [];
  const listener: ScanListener = {
    ...feed.listener,
    onHandshakes: (hs, cs) => {
      order.push(...hs.map((h) => h.id));
      feed.listener.onHandshakes?.(hs, cs);
    },
    onTrustPaths: (ps, cs) => {
      extra.onTrustPaths?.(ps, cs);
      feed.listener.onTrustPaths?.(ps, cs);
    },
  };
  let state = initialState({ title: capture, exportDir: '/x', columns: 120, rows: 40 });
  // batchMs 0: a batch per handshake, as a slow live capture delivers them.
  const r = await scanCaptures([join(CAPTURES, capture)], { judge: trust.judge, listener, batchMs: 0 });
  for (let a = feed.drain(); a; a = feed.drain()) state = reducer(state, a);
  state = reducer(state, { type: 'scan-batch', handshakes: [], certificates: [], done: { ...r, certificates: r.certificates } });
  return { state, order };
}


/** A keyboard in raw mode, as Ink reads it ('readable' + read()). */
export class Keyboard extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  private data: string | null = null;
  setRawMode(on: boolean) {
    this.raw.push(on);
    return this;
  }
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  type(s: string) {
    this.data = s;
    this.emit('readable');
  }
}
