/**
 * Every give-up is visible: TCP oddities reach the handshake (src/tcp/notes.ts) and the flows given up are counted
 * in notes on the capture (src/tls/give-ups.ts), also for flows that left no handshake to carry a note. Real
 * captures of captures/ rewritten by test/fixtures/tcp-rewrite.mjs (an overlapping retransmission with different
 * bytes; a segment delayed past a lowered buffer cap), and the hostile captures of bench/hostile-captures.mjs at a
 * small scale, with the flow cap lowered through SessionOptions.tracker.
 */
import React from 'react';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCaptures } from '../../src/session.js';
import { StatusBar } from '../../src/tui/components/StatusBar.js';
import { initialState, reducer } from '../../src/tui/state.js';
// @ts-expect-error plain JavaScript scripts of the project, without type declarations
import { withDelayed, withOverlapMismatch } from '../fixtures/tcp-rewrite.mjs';
// @ts-expect-error as above
import { writeBigCert, writeFlows } from '../../bench/hostile-captures.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
let dir = '';
const path = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-give-ups-'));
  // Frames 6 and 8 of this capture are the server's two segments (1448 and 31 bytes): frame 8 and an inverted copy
  // of it now come before frame 6, so they are held out of order together and differ (new frames 6 and 7).
  writeFileSync(path('overlap.pcap'), withOverlapMismatch(readFileSync(join(ROOT, 'captures/traversal-missing-intermediate.pcap')), 8, 6));
  // The server's first segment (frame 6, 1448 bytes) after its second (frame 8, 791 bytes): 791 bytes held.
  writeFileSync(path('delayed.pcap'), withDelayed(readFileSync(join(ROOT, 'captures/expired-and-not-yet-valid.pcap')), 6, 8));
  writeFlows(path('flows.pcap'), 300);
  writeBigCert(path('bigcert.pcap'), 3);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('TCP notes on the handshake, totals on the capture', () => {
  it('an overlapping retransmission with other bytes: a note on the handshake, the first copy kept', async () => {
    const orig = await scanCaptures([join(ROOT, 'captures/traversal-missing-intermediate.pcap')]);
    const r = await scanCaptures([path('overlap.pcap')]);
    expect(r.handshakes).toHaveLength(1);
    const h = r.handshakes[0]!;
    expect(h.serverChain).toEqual(orig.handshakes[0]!.serverChain);
    expect(h.serverChain.length).toBeGreaterThan(0);
    expect(h.notes.filter((n) => n.startsWith('tcp-'))).toEqual([
      expect.stringMatching(/^tcp-overlap-mismatch in the server stream at frame 7: a retransmission carried other bytes/),
    ]);
    expect(orig.handshakes[0]!.notes.some((n) => n.startsWith('tcp-'))).toBe(false);
    expect(r.captures[0]!.notes).toEqual(['tcp-overlap-mismatch: 1 flow had a retransmission with different bytes (the first copy was kept)']);
    expect(orig.captures[0]!.notes).toEqual([]);
  });

  it('past a lowered buffer cap: tcp-buffer-limit on the handshake and the capture; with the default cap none', async () => {
    const r = await scanCaptures([path('delayed.pcap')], { tracker: { maxBufferedBytesPerDirection: 500 } });
    const first = r.handshakes[0]!;
    expect(first.notes).toContainEqual(expect.stringMatching(/^tcp-buffer-limit in the server stream at frame 7: more out-of-order data than one direction may hold/));
    expect(r.captures[0]!.notes).toContainEqual(expect.stringMatching(/^tcp-buffer-limit: 1 flow lost bytes to a gap/));
    const whole = await scanCaptures([path('delayed.pcap')]);
    const orig = await scanCaptures([join(ROOT, 'captures/expired-and-not-yet-valid.pcap')]);
    expect(whole.handshakes.map((h) => h.serverChain)).toEqual(orig.handshakes.map((h) => h.serverChain));
    expect(whole.handshakes[0]!.notes.some((n) => n.startsWith('tcp-'))).toBe(false);
    expect(whole.captures[0]!.notes).toEqual([]);
  });

  it('scan --json carries both: the handshake note and the capture note', () => {
    const p = spawnSync(process.execPath, [join(ROOT, 'bin/certshark'), 'scan', '--json', path('overlap.pcap')], { encoding: 'utf8' });
    expect(p.status).toBe(0);
    const j = JSON.parse(p.stdout);
    expect(j.handshakes[0].notes).toContainEqual(expect.stringMatching(/^tcp-overlap-mismatch in the server stream at frame 7/));
    expect(j.captures[0].notes).toContainEqual(expect.stringMatching(/^tcp-overlap-mismatch: 1 flow /));
  });
});

describe('hostile captures at a small scale', () => {
  it('flows past the flow cap and flows that end inside their first record are counted on the capture and the view', async () => {
    const r = await scanCaptures([path('flows.pcap')], { tracker: { maxFlows: 100 } });
    expect(r.handshakes).toEqual([]);
    expect(r.captures[0]!.packets).toBe(300);
    expect(r.captures[0]!.notes).toEqual([
      'flow-evicted: 200 flows ended early while their TLS was still being read: more than 100 flows were open at once and these were the least recently seen',
      'no-handshake: 300 flows began TLS records but ended before any handshake message was complete',
    ]);
    let state = initialState({ title: 'flows.pcap', exportDir: dir, columns: 200, rows: 40 });
    state = reducer(state, { type: 'scan-batch', handshakes: r.handshakes, certificates: r.certificates, done: r });
    const { lastFrame, unmount } = render(<StatusBar state={state} width={200} />);
    const line = lastFrame() ?? '';
    unmount();
    expect(line).toMatch(/gave up: 200 flow-evicted, 300 no-handshake/);
  });

  it('a Certificate claiming 16 MiB is skipped with a note on the handshake and a count on the capture', async () => {
    const r = await scanCaptures([path('bigcert.pcap')]);
    expect(r.handshakes).toHaveLength(1);
    const h = r.handshakes[0]!;
    expect(h.cipher).toBe('TLS_RSA_WITH_AES_128_GCM_SHA256');
    expect(h.notes).toContainEqual(expect.stringMatching(/^handshake-message-too-large: Certificate of 16777215 bytes exceeds 2097152/));
    expect(r.captures[0]!.notes).toEqual(['handshake-message-too-large: 1 flow had a handshake message over 2097152 bytes, skipped']);
  });
});
