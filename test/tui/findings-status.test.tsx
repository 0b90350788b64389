/**
 * A finding across the capture (one server presenting different certificates, src/trust/consistency.ts) shows in
 * the view's status line once the capture is read. The capture merges three real handshakes of vpn.example.test
 * at one address (test/fixtures/consistency/make.sh).
 */
import React from 'react';
import { join, resolve } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import { scanCaptures } from '../../src/session.js';
import { StatusBar } from '../../src/tui/components/StatusBar.js';
import { initialState, reducer } from '../../src/tui/state.js';

const ROOT = resolve(import.meta.dirname, '../..');

async function statusOf(capture: string): Promise<string> {
  const trust = await buildTrust({ ca: [join(ROOT, 'captures/pki/root-ca.pem')], systemCa: false, publicRoots: false, profile: 'anyconnect', at: 'capture' });
  const r = await scanCaptures([join(ROOT, capture)], { judge: trust.judge });
  let state = initialState({ title: capture, exportDir: '/x', columns: 160, rows: 40 });
  state = reducer(state, { type: 'scan-batch', handshakes: r.handshakes, certificates: r.certificates, done: r });
  const { lastFrame, unmount } = render(<StatusBar state={state} width={160} />);
  const out = lastFrame() ?? '';
  unmount();
  return out;
}

describe('capture findings in the status line', () => {
  it('names the server and how many certificates it presented', async () => {
    const s = await statusOf('test/fixtures/consistency/vpn-one-address.pcapng');
    expect(s).toMatch(/! WARN 10\.77\.0\.2:443 vpn\.example\.test: 3 different certificates · /);
  });

  it('says nothing when every handshake of a server presented the same certificate', async () => {
    const s = await statusOf('captures/many-handshakes.pcap');
    expect(s).not.toMatch(/different certificates/);
    expect(s).toMatch(/300 handshakes/);
  });
});
