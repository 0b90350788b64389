import { describe, expect, it } from 'vitest';
import { buildChainView } from '../../src/tui/chain.js';
import { compileFilter } from '../../src/tui/filter.js';
import { detailsLines } from '../../src/tui/details.js';
import { ScanFeed } from '../../src/tui/feed.js';
import {
  builtChainSelection,
  exportSelection,
  initialState,
  reducer,
  selectedCert,
  selectedHandshake,
} from '../../src/tui/state.js';
import { ANYCONNECT_SELF_SIGNED, ASA, CERTS, HANDSHAKES, INTERMEDIATE, LEAF, PATHS, ROOT, TRAVERSAL_BROKEN, TRAVERSAL_OK, manyHandshakes } from './fixtures.js';
import { apply, loaded, result } from './helpers.js';
import { progressText } from '../../src/tui/components/StatusBar.js';
import { formatElapsed } from '../../src/tui/format.js';

const certMap = new Map(CERTS.map((c) => [c.sha256, c]));

describe('filter', () => {
  const ids = (text: string) => HANDSHAKES.filter((h) => compileFilter(text).test(h, certMap)).map((h) => h.id);
  it.each([
    ['', [1, 2, 3, 4, 5, 6]],
    ['port 7001', [1, 2]],
    ['sni vpn', [3]],
    ['ip 10.0.0.5', [1]],
    ['ip 10.0.0.', [1, 2, 5, 6]],
    ['bad', [1, 3, 4, 6]],
    ['ok', [2]],
    ['info', [5]],
    ['!bad', [2, 5]],
    ['not port 443', [1, 2, 6]],
    ['alert', [1]],
    ['dtls', [4]],
    ['mtls', [1, 2]],
    ['missing-intermediate', [1]],
    ['code anyconnect-temporary-certificate', [3, 4]],
    ['cn asa', [3, 4]],
    ['host example.com', [1, 2]],
    ['host example.', [1, 2, 3, 5]],
    ['host pwned', [6]],
    ['unknown_ca', [1]],
    ['encrypted', [5]],
    ['port 7001 bad', [1]],
    ['VPN', [3]],
  ])('%j', (text, want) => {
    expect(ids(text)).toEqual(want);
  });
});

describe('chain view', () => {
  const judged = (id: number) => new Map(PATHS.map((p) => [p.id, p])).get(id);
  const lookup = { get: judged };
  it('shows the judged path and the missing link as the trust engine reported them', () => {
    const v = buildChainView(TRAVERSAL_BROKEN, 'server', certMap, lookup);
    expect(v.nodes).toEqual([
      expect.objectContaining({ kind: 'cert', sha256: LEAF.sha256, depth: 0, source: 'wire', wireIndex: 0, severity: 'ok' }),
      { kind: 'missing', depth: 1, issuer: 'Example Issuing CA 1', reason: 'missing-intermediate' },
    ]);
  });
  it('marks the certificates that came from the trust store', () => {
    const v = buildChainView(TRAVERSAL_OK, 'server', certMap, lookup);
    expect(v.nodes.map((n) => (n.kind === 'cert' ? `${n.source}:${n.cert?.subjectCN}` : n.kind))).toEqual([
      'wire:vcse.example.com',
      'wire:Example Issuing CA 1',
      'store:Example Root CA',
    ]);
  });
  it('never reads the path back from verdict codes: without a judged path it is what was sent', () => {
    // The verdicts of TRAVERSAL_BROKEN say missing-intermediate, and name the root: neither is used.
    const broken = { ...TRAVERSAL_BROKEN, verdicts: [...TRAVERSAL_BROKEN.verdicts!, { code: 'chain-trusted' as const, severity: 'ok' as const, subject: ROOT.sha256, message: 'anchor' }] };
    expect(buildChainView(broken, 'server', certMap).nodes).toEqual([
      expect.objectContaining({ kind: 'cert', sha256: LEAF.sha256, source: 'wire' }),
      { kind: 'missing', depth: 1, issuer: 'Example Issuing CA 1', reason: 'not-sent' },
    ]);
    const ok = buildChainView(TRAVERSAL_OK, 'server', certMap);
    expect(ok.nodes.map((n) => (n.kind === 'cert' ? `${n.source}:${n.cert?.subjectCN}` : `${n.kind}:${n.issuer}:${n.reason}`))).toEqual([
      'wire:vcse.example.com',
      'wire:Example Issuing CA 1',
      'missing:Example Root CA:not-sent',
    ]);
  });
  it('puts wire certificates in issuer order and lists unused ones after', () => {
    const h = { ...TRAVERSAL_OK, serverChain: [LEAF.sha256, ASA.sha256, INTERMEDIATE.sha256] };
    const v = buildChainView(h, 'server', certMap);
    expect(v.nodes.map((n) => (n.kind === 'cert' ? `${n.wireIndex}${n.unused ? 'u' : ''}` : n.kind))).toEqual(['0', '2', 'missing', '1u']);
  });
  it('a self-signed leaf is a one-node path', () => {
    expect(buildChainView(ANYCONNECT_SELF_SIGNED, 'server', certMap).nodes).toHaveLength(1);
    expect(buildChainView(ANYCONNECT_SELF_SIGNED, 'server', certMap, lookup).nodes).toHaveLength(1);
  });
  it('shows the judged path as reported: sent, then the store; extra certificates sent after it', () => {
    const h = { ...TRAVERSAL_OK, serverChain: [LEAF.sha256, ASA.sha256] };
    const path = { certificates: [{ sha256: LEAF.sha256, source: 'wire' as const, wireIndex: 0 }, { sha256: INTERMEDIATE.sha256, source: 'store' as const }, { sha256: ROOT.sha256, source: 'store' as const }] };
    const paths = new Map([[h.id, { id: h.id, server: path }]]);
    const v = buildChainView(h, 'server', certMap, paths);
    expect(v.nodes.map((n) => (n.kind === 'cert' ? `${n.source}:${n.cert?.subjectCN}${n.unused ? ' unused' : ''}` : n.kind))).toEqual([
      'wire:vcse.example.com',
      'store:Example Issuing CA 1',
      'store:Example Root CA',
      'wire:ASA Temporary Self Signed Certificate unused',
    ]);
  });
  it('a judged path for another leaf (a later Certificate message) is not used', () => {
    const h = { ...TRAVERSAL_OK, serverChain: [ASA.sha256] };
    expect(buildChainView(h, 'server', certMap, lookup).nodes.map((n) => n.kind === 'cert' && n.sha256)).toEqual([ASA.sha256]);
  });
});

describe('reducer', () => {
  it('starts empty and fills from scan batches, appending in arrival order', () => {
    let s = initialState({ title: 't', exportDir: '/x', columns: 80, rows: 24 });
    expect(s.rows).toEqual([]);
    s = reducer(s, { type: 'scan-batch', handshakes: HANDSHAKES.slice(0, 2), certificates: CERTS, progress: { file: 't', bytesRead: 10, totalBytes: 100, packets: 3, handshakes: 2 } });
    expect(s.rows.map((r) => r.hs)).toEqual([0, 1]);
    expect(s.progress?.bytesRead).toBe(10);
    expect(s.ticks).toBe(1);
    s = reducer(s, { type: 'scan-batch', handshakes: HANDSHAKES.slice(2), certificates: [] });
    expect(s.rows.map((r) => r.hs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.done).toBe(false);
  });

  it('moves the cursor within bounds and scrolls to keep it visible', () => {
    let s = loaded(manyHandshakes(100), 80, 24);
    const h = 24 - 3; // body
    expect(s.scrollTop).toBe(0);
    s = apply(s, ...Array.from({ length: 30 }, () => ({ type: 'move', delta: 1 }) as const));
    expect(s.cursor).toBe(30);
    expect(s.scrollTop).toBeGreaterThan(0);
    expect(s.cursor - s.scrollTop).toBeLessThan(h);
    s = apply(s, { type: 'end' });
    expect(s.cursor).toBe(99);
    s = apply(s, { type: 'move', delta: 5 });
    expect(s.cursor).toBe(99);
    s = apply(s, { type: 'home' }, { type: 'move', delta: -1 });
    expect(s.cursor).toBe(0);
    expect(s.scrollTop).toBe(0);
  });

  it('Tab cycles panes; the chain cursor selects certificates; details scroll is bounded', () => {
    let s = apply(loaded(), { type: 'move', delta: 1 }); // TRAVERSAL_OK
    expect(selectedHandshake(s)?.id).toBe(2);
    expect(selectedCert(s)).toBe(LEAF.sha256);
    s = apply(s, { type: 'focus-next' });
    expect(s.focus).toBe('chain');
    s = apply(s, { type: 'move', delta: 2 });
    expect(selectedCert(s)).toBe(ROOT.sha256);
    s = apply(s, { type: 'move', delta: 1 }); // the client chain's leaf
    expect(s.chainCursor).toBe(3);
    expect(selectedCert(s)).toBe(LEAF.sha256);
    s = apply(s, { type: 'move', delta: 9 }); // its path ends at the root from the store
    expect(s.chainCursor).toBe(5);
    expect(selectedCert(s)).toBe(ROOT.sha256);
    s = apply(s, { type: 'focus-next' }, { type: 'move', delta: 1000 });
    expect(s.focus).toBe('details');
    expect(s.detailsScroll).toBeGreaterThan(0);
    expect(s.detailsScroll).toBeLessThan(detailsLines(s, 120).length);
    s = apply(s, { type: 'focus-next' }, { type: 'focus-next', back: true }, { type: 'focus-next' });
    expect(s.focus).toBe('list');
  });

  it('filter changes keep the selected handshake when it still matches, cancel restores', () => {
    let s = apply(loaded(), { type: 'move', delta: 1 });
    s = apply(s, { type: 'filter-open' }, { type: 'filter-change', text: 'port 7001' });
    expect(s.rows.map((r) => r.hs)).toEqual([0, 1]);
    expect(selectedHandshake(s)?.id).toBe(2);
    s = apply(s, { type: 'filter-cancel' });
    expect(s.filterText).toBe('');
    expect(s.rows).toHaveLength(6);
    s = apply(s, { type: 'filter-open' }, { type: 'filter-apply', text: 'sni vpn' });
    expect(s.mode.kind).toBe('normal');
    expect(selectedHandshake(s)?.id).toBe(3);
  });

  it('while the typed filter does not compile the list keeps the last one that did, and Enter does not apply it', () => {
    let s = apply(loaded(), { type: 'filter-open' }, { type: 'filter-change', text: 'port 7001' });
    expect(s.rows).toHaveLength(2);
    s = apply(s, { type: 'filter-change', text: 'port 70x' });
    expect(s.mode.kind).toBe('filter');
    expect(s.filterError?.message).toMatch(/port/);
    expect(s.filterError?.position).toBe(5);
    expect(s.rows).toHaveLength(2);
    s = apply(s, { type: 'filter-apply', text: 'port 70x' });
    expect(s.mode.kind).toBe('filter');
    expect(s.rows).toHaveLength(2);
    s = apply(s, { type: 'filter-change', text: 'port 443' });
    expect(s.mode).toEqual({ kind: 'filter', before: '' });
    expect(s.filterError).toBeUndefined();
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([3, 4, 5]);
    s = apply(s, { type: 'filter-cancel' });
    expect(s.rows).toHaveLength(6);
  });

  it('sorts by the next column and reverses', () => {
    let s = apply(loaded(), { type: 'sort-next' }); // time
    expect(s.sort).toEqual({ key: 'time', desc: false });
    s = apply(s, { type: 'sort-reverse' });
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([6, 5, 4, 3, 2, 1]);
    s = apply(s, { type: 'sort-next' }, { type: 'sort-next' }); // server
    expect(s.rows.map((r) => s.handshakes[r.hs]!.server.port)).toEqual([7001, 7001, 8443, 443, 443, 443]);
  });

  it('groups duplicates (same server, same chain) and Enter expands a group', () => {
    let s = loaded(manyHandshakes(50));
    s = apply(s, { type: 'group-toggle' });
    expect(s.rows).toHaveLength(5);
    expect(s.rows.map((r) => r.count)).toEqual([10, 10, 10, 10, 10]);
    s = apply(s, { type: 'enter' });
    expect(s.rows).toHaveLength(15);
    expect(s.rows.slice(1, 11).every((r) => r.member)).toBe(true);
    s = apply(s, { type: 'enter' });
    expect(s.rows).toHaveLength(5);
  });

  it('Enter zooms a pane and back', () => {
    let s = apply(loaded(), { type: 'focus-next' }, { type: 'enter' });
    expect(s.zoom).toBe('chain');
    s = apply(s, { type: 'enter' });
    expect(s.zoom).toBeUndefined();
  });

  it('Space marks certificates; export and copy act on marks or the selection', () => {
    let s = apply(loaded(), { type: 'move', delta: 1 });
    expect(exportSelection(s)).toEqual([LEAF.sha256]);
    expect(builtChainSelection(s)).toEqual([LEAF.sha256, INTERMEDIATE.sha256, ROOT.sha256]);
    s = apply(s, { type: 'focus-next' }, { type: 'move', delta: 1 }, { type: 'toggle-mark' });
    expect([...s.marks]).toEqual([INTERMEDIATE.sha256]);
    expect(exportSelection(s)).toEqual([INTERMEDIATE.sha256]);
    s = apply(s, { type: 'toggle-mark' });
    expect(s.marks.size).toBe(0);
    s = apply(s, { type: 'focus-next', back: true }, { type: 'toggle-mark' }); // list: the handshake's certificates
    expect(new Set(s.marks)).toEqual(new Set([LEAF.sha256, INTERMEDIATE.sha256]));
    expect(s.cursor).toBe(2); // moves on, like Wireshark's mark-and-next
  });

  it('export: proposes a sanitised path, asks before overwriting, can go back to editing', () => {
    let s = apply(loaded(), { type: 'move', delta: 2 }, { type: 'export-open', what: 'selection' });
    expect(s.mode).toEqual({ kind: 'export', request: { shas: [ASA.sha256], kind: 'selection' }, path: '/tmp/out/ASA_Temporary_Self_Signed_Certificate.pem' });
    s = apply(s, { type: 'export-exists', path: '/tmp/out/a.pem' });
    expect(s.mode).toMatchObject({ kind: 'confirm-overwrite', path: '/tmp/out/a.pem' });
    s = apply(s, { type: 'export-edit' });
    expect(s.mode).toMatchObject({ kind: 'export', path: '/tmp/out/a.pem' });
    s = apply(s, { type: 'export-done', path: '/tmp/out/a.pem', count: 1 });
    expect(s.mode.kind).toBe('normal');
    expect(s.message?.text).toBe('wrote 1 certificate to /tmp/out/a.pem');
    s = apply(s, { type: 'move', delta: -2 }, { type: 'export-open', what: 'built' });
    expect(s.mode).toMatchObject({ kind: 'export', path: '/tmp/out/vcse.example.com-chain.pem', request: { shas: [LEAF.sha256], kind: 'built' } });
    s = apply(s, { type: 'export-cancel' }, { type: 'move', delta: 4 }, { type: 'export-open', what: 'selection' }); // TLS 1.3: nothing
    expect(s.mode.kind).toBe('normal');
    expect(s.message?.tone).toBe('error');
  });

  it('an export prompt or the overwrite question never shows the previous export\'s status', () => {
    let s = apply(loaded(), { type: 'export-open', what: 'selection' }, { type: 'export-done', path: '/tmp/out/a.pem', count: 1 });
    expect(s.message?.text).toBe('wrote 1 certificate to /tmp/out/a.pem');
    s = apply(s, { type: 'export-open', what: 'selection' });
    expect(s.message).toBeUndefined();
    s = apply(s, { type: 'message', text: 'wrote 1 certificate to /tmp/out/a.pem' }, { type: 'export-exists', path: '/tmp/out/a.pem' });
    expect(s.message).toBeUndefined();
    s = apply(s, { type: 'message', text: 'wrote 1 certificate to /tmp/out/a.pem' }, { type: 'export-edit' });
    expect(s.message).toBeUndefined();
    expect(s.mode).toMatchObject({ kind: 'export', path: '/tmp/out/a.pem' });
  });

  it('derives the proposed export name from a hostile CN only through the sanitiser', () => {
    const evil = { ...loaded(), exportDir: '/tmp/out' };
    const s = apply(evil, { type: 'end' }, { type: 'export-open', what: 'selection' });
    expect(s.mode.kind).toBe('export');
    const p = s.mode.kind === 'export' ? s.mode.path : '';
    expect(p.startsWith('/tmp/out/')).toBe(true);
    expect(p.slice('/tmp/out/'.length)).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.pem$/);
  });

  it('the final result replaces partial batches when they differ', () => {
    let s = initialState({ title: 't', exportDir: '/x', columns: 80, rows: 24 });
    s = reducer(s, { type: 'scan-batch', handshakes: HANDSHAKES.slice(0, 1), certificates: [] });
    s = reducer(s, { type: 'scan-batch', handshakes: [], certificates: [], done: { certshark: '0', captures: [], handshakes: HANDSHAKES, certificates: CERTS } });
    expect(s.done).toBe(true);
    expect(s.rows).toHaveLength(6);
    expect(s.certs.size).toBe(CERTS.length);
  });

  it('is pure: the previous state is not modified', () => {
    const s0 = loaded();
    const snapshot = JSON.stringify({ ...s0, certs: [...s0.certs.keys()], marks: [...s0.marks], filter: 0, expanded: 0 });
    apply(s0, { type: 'move', delta: 1 }, { type: 'toggle-mark' }, { type: 'group-toggle' }, { type: 'filter-change', text: 'bad' });
    expect(JSON.stringify({ ...s0, certs: [...s0.certs.keys()], marks: [...s0.marks], filter: 0, expanded: 0 })).toBe(snapshot);
  });
});

describe('ScanFeed', () => {
  it('merges listener events into one batch action', () => {
    const feed = new ScanFeed();
    const wakes: boolean[] = [];
    feed.subscribe((u) => wakes.push(u));
    feed.listener.onProgress?.({ file: 'f', bytesRead: 1, packets: 1, handshakes: 0 });
    feed.listener.onHandshakes?.(HANDSHAKES.slice(0, 2), CERTS.slice(0, 2));
    feed.listener.onHandshakes?.(HANDSHAKES.slice(2), CERTS.slice(2));
    feed.listener.onProgress?.({ file: 'f', bytesRead: 9, packets: 5, handshakes: 6 });
    const a = feed.drain();
    expect(a).toMatchObject({ type: 'scan-batch', progressEvents: 2, progress: { bytesRead: 9 } });
    expect(a?.type === 'scan-batch' && a.handshakes).toHaveLength(6);
    expect(feed.drain()).toBeUndefined();
    feed.listener.onError?.('not a capture file');
    expect(wakes.at(-1)).toBe(true);
    expect(feed.drain()).toMatchObject({ error: 'not a capture file' });
  });
});

describe('list order', () => {
  // Handshakes reach the view in the order they finish: #3, slow, after #4.
  const [h1, h2, h3, h4] = HANDSHAKES;
  it('sorts by number ascending as the No.▲ header says, although #3 arrives after #4', () => {
    let s = initialState({ title: 't', exportDir: '/x', columns: 120, rows: 40 });
    s = reducer(s, { type: 'scan-batch', handshakes: [h1!, h2!, h4!], certificates: CERTS });
    s = apply(s, { type: 'end' });
    expect(selectedHandshake(s)?.id).toBe(4);
    s = reducer(s, { type: 'scan-batch', handshakes: [h3!], certificates: [] });
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([1, 2, 3, 4]);
    // The cursor stays on the handshake it was on, not on the row index.
    expect(selectedHandshake(s)?.id).toBe(4);
    s = apply(s, { type: 'sort-reverse' });
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([4, 3, 2, 1]);
    s = apply(s, { type: 'sort-reverse' }, { type: 'group-toggle' }, { type: 'group-toggle' });
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([1, 2, 3, 4]);
  });

  it('keeps number order when one batch holds its handshakes out of order', () => {
    let s = initialState({ title: 't', exportDir: '/x', columns: 120, rows: 40 });
    s = reducer(s, { type: 'scan-batch', handshakes: [h2!, h1!], certificates: CERTS });
    s = reducer(s, { type: 'scan-batch', handshakes: [h4!, h3!], certificates: [] });
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('grouped rows', () => {
  // Ten identical healthy traversal handshakes (#2, #7, …, #47), of which #27 got a warning and an alert.
  const many = manyHandshakes(50);
  const odd = 26;
  many[odd] = {
    ...many[odd]!,
    verdicts: [...(many[odd]!.verdicts ?? []), { code: 'expires-soon', severity: 'warning', subject: 'server', message: 'expires in 10 days' }],
    alerts: [{ from: 'client', level: 2, levelName: 'fatal', description: 46, descriptionName: 'certificate_unknown', frame: 99 }],
  };
  it('a group row names the member with the worst verdict and the first one with an alert', () => {
    const s = apply(loaded(many), { type: 'group-toggle' });
    const g = s.rows.find((r) => s.handshakes[r.hs]!.id === 2)!;
    expect(g.count).toBe(10);
    expect(g.worst).toBe(odd);
    expect(g.alerted).toBe(odd);
    // A group whose first member is already the worst names nobody else.
    const first = s.rows.find((r) => s.handshakes[r.hs]!.id === 1)!;
    expect(first.worst).toBeUndefined();
  });
});

describe('--filter', () => {
  it('applies from the start, as the / prompt would', () => {
    let s = initialState({ title: 't', exportDir: '/x', columns: 120, rows: 40, filter: ' port 7001 ' });
    s = reducer(s, { type: 'scan-batch', handshakes: HANDSHAKES, certificates: CERTS });
    expect(s.rows.map((r) => s.handshakes[r.hs]!.id)).toEqual([1, 2]);
    expect(s.filterText).toBe('port 7001');
  });
  it('a filter that does not compile is not applied, and the view says why', () => {
    let s = initialState({ title: 't', exportDir: '/x', columns: 120, rows: 40, filter: 'port' });
    s = reducer(s, { type: 'scan-batch', handshakes: HANDSHAKES, certificates: CERTS });
    expect(s.rows).toHaveLength(6);
    expect(s.filterText).toBe('');
    expect(s.message).toEqual({ text: "filter not applied: 'port' needs a value, e.g. 'port 7001'", tone: 'error' });
  });
});

describe('live input', () => {
  const empty = () => initialState({ title: '-', exportDir: '/x', columns: 80, rows: 24 });
  it('while nothing arrived: a spinner and the time waited, ticking with the clock; the counts once packets come', () => {
    let s = empty();
    expect(progressText(s)).toMatch(/starting…$/);
    s = apply(s, { type: 'clock', elapsedMs: 12_300 });
    const a = progressText(s);
    expect(a).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for packets… 12s$/);
    s = apply(s, { type: 'clock', elapsedMs: 13_300 });
    expect(progressText(s)).toMatch(/ waiting for packets… 13s$/);
    // The spinner moves with the clock.
    expect(progressText(s)[0]).not.toBe(a[0]);
    s = apply(s, { type: 'scan-batch', handshakes: [], certificates: [], progress: { file: '-', bytesRead: 2048, packets: 7, handshakes: 0 } });
    expect(progressText(s)).toMatch(/ reading… 2\.0 KiB · 13s$/);
    s = apply(s, { type: 'clock', elapsedMs: 75_000 });
    expect(progressText(s)).toMatch(/ reading… 2\.0 KiB · 1m 15s$/);
    s = apply(s, { type: 'scan-batch', handshakes: HANDSHAKES.slice(0, 2), certificates: CERTS, done: { ...result(), handshakes: [] } });
    // The end of a stream, and the handshakes stay although the final result kept none (retain: false).
    expect(progressText(s)).toBe('capture ended 2.0 KiB');
    expect(s.rows).toHaveLength(2);
    expect(apply(s, { type: 'clock', elapsedMs: 99_000 })).toBe(s);
  });

  it('a file says loaded, not capture ended', () => {
    const s = apply(empty(), {
      type: 'scan-batch',
      handshakes: HANDSHAKES,
      certificates: CERTS,
      progress: { file: 'a.pcap', bytesRead: 2048, totalBytes: 2048, packets: 7, handshakes: 6 },
      done: result(),
    });
    expect(progressText(s)).toBe('loaded 2.0 KiB');
  });

  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [65_000, '1m 05s'],
    [3_725_000, '1h 02m'],
  ])('elapsed %i ms reads %s', (ms, want) => {
    expect(formatElapsed(ms)).toBe(want);
  });

  it('the capture process status: the last non-empty line, with its tone', () => {
    const feed = new ScanFeed();
    feed.subscribe(() => {});
    feed.listener.onStatus?.("Capturing on 'lo'\n", 'info');
    feed.listener.onStatus?.('tcpdump: listening on lo, link-type EN10MB\r\n\n');
    let s = apply(empty(), feed.drain()!);
    expect(s.captureStatus).toEqual({ text: 'tcpdump: listening on lo, link-type EN10MB', tone: 'info' });
    feed.listener.onStatus?.('\n  \n');
    expect(feed.drain()).toBeUndefined();
    feed.listener.onStatus?.("tcpdump: lo: You don't have permission to capture on that device", 'error');
    s = apply(s, feed.drain()!);
    expect(s.captureStatus?.tone).toBe('error');
  });
});
