import type { Handshake, ScanResult } from '../../src/model.js';
import { initialState, reducer, type Action, type TuiState } from '../../src/tui/state.js';
import { CERTS, HANDSHAKES } from './fixtures.js';

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
