/**
 * A thread of the scan pool (scan-pool.ts): scans the captures it is handed, one at a time, with a trust store and
 * key log of its own, and posts each batch of finished handshakes, with the certificates first seen in them, to
 * the main thread. At most MAX_UNACKED batches are unanswered at a time: while the main thread holds that many
 * (it writes the captures in order, a later capture's output waits), reading stands still, so a thread holds one
 * capture's reading state and a few batches, however far ahead of the output it is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanCaptures } from '../session.js';
import { buildTrust } from './trust-wiring.js';
import { loadKeys } from './keys.js';
import { handshakeSelector, trustOptions } from './options.js';
import { newTally, tallyHandshake, worstSeverity, SEVERITY_RANK } from '../report/index.js';
import { preformat } from './preformat.js';
import type { BatchBody, BatchFacts } from './scan-messages.js';
import type { Values } from './args.js';
import type { CertificateInfo, Handshake, ScanProgress } from '../model.js';
import type { ToWorker, FromWorker, WorkerInit } from './scan-messages.js';

const MAX_UNACKED = 2;
/** Progress is posted at most this often (the reader reports every chunk, thousands of times a second). */
const PROGRESS_MS = 100;

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

const select = init.output ? handshakeSelector(init.values as Values) : undefined;

const ready = (async () => {
  const trust = await buildTrust(trustOptions(init.values as Values));
  const keys = await loadKeys(init.keylog.path, init.keylog.explicit);
  return { trust, keys };
})();

let stop: AbortController | undefined;
let stopReason: string | undefined;
let unacked = 0;
let acked: (() => void) | undefined;

port.on('message', (m: ToWorker) => {
  if (m.t === 'ack') {
    unacked--;
    const a = acked;
    acked = undefined;
    a?.();
  } else if (m.t === 'stop') {
    stopReason = m.reason;
    stop?.abort(m.reason);
  } else if (m.t === 'scan') {
    scan(m.file, m.index).catch((e: unknown) => post({ t: 'fatal', message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack }));
  }
});

/** Renegotiation notes name another handshake by number: such a handshake goes as an object (scan-pool.ts). */
const NAMES_A_HANDSHAKE = /handshake #\d/;

/** Certificates already named in a batch's facts: the main thread keeps the set, each is sent once. */
const usedSent = new Set<string>();

function body(handshakes: Handshake[], index: number): BatchBody & { facts?: BatchFacts } {
  const o = init.output;
  if (!o) {
    for (const h of handshakes) h.capture = index;
    return { text: '', layout: handshakes.map(() => -1), objects: handshakes };
  }
  let text = '';
  const layout: number[] = [];
  const objects: Handshake[] = [];
  const facts: BatchFacts = { used: [], tally: newTally(), worst: -1 };
  for (const h of handshakes) {
    h.capture = index;
    if (select && !select(h, { get: certificate })) continue;
    const p = h.notes.some((n) => NAMES_A_HANDSHAKE.test(n)) ? undefined : preformat(h, certificate, o);
    if (!p) {
      layout.push(-1);
      objects.push(h);
      continue;
    }
    text += p.text;
    layout.push(p.text.length, p.at, p.id);
    for (const c of h.serverChain) if (!usedSent.has(c)) usedSent.add(c), facts.used.push(c);
    for (const c of h.clientChain) if (!usedSent.has(c)) usedSent.add(c), facts.used.push(c);
    tallyHandshake(facts.tally, h);
    facts.worst = Math.max(facts.worst, SEVERITY_RANK[worstSeverity(h)]);
  }
  return { text, layout, objects, facts };
}

/** The certificates of the capture under way, for the formatters and the filter. */
let certificate: (sha256: string) => CertificateInfo | undefined = () => undefined;

async function scan(file: string, index: number): Promise<void> {
  const { trust, keys } = await ready;
  stop = new AbortController();
  if (stopReason !== undefined) stop.abort(stopReason);
  const signal = stop.signal;
  // A stop ends a wait for the main thread (one listener per capture, not one per wait).
  signal.addEventListener('abort', () => acked?.(), { once: true });
  let lastProgress = 0;
  let last: ScanProgress | undefined;
  const progress = (p: ScanProgress) => post({ t: 'progress', index, bytesRead: p.bytesRead, totalBytes: p.totalBytes, packets: p.packets, handshakes: p.handshakes });
  const r = await scanCaptures([file], {
    judge: trust.judge,
    keys: keys?.provider,
    signal,
    retain: false,
    batchMs: 50,
    onOpen: () => post({ t: 'open', index }),
    onHandshake: (_h, cert) => {
      certificate = cert;
    },
    listener: {
      onHandshakes: (handshakes, certificates) => {
        unacked++;
        post({ t: 'batch', index, ...body(handshakes, index), certificates });
      },
      onProgress: (p) => {
        last = p;
        const now = Date.now();
        if (now - lastProgress < PROGRESS_MS) return;
        lastProgress = now;
        progress(p);
      },
    },
    whenWritable: () => {
      if (unacked < MAX_UNACKED || signal.aborted) return undefined;
      return new Promise<void>((resolve) => (acked = resolve));
    },
  });
  // The last word on the reading, however soon after the one before.
  if (last) progress(last);
  post({ t: 'done', index, capture: r.captures[0]!, idsUsed: r.idsUsed, matched: keys?.matched() ?? [] });
}
