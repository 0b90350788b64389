/**
 * A runner of the scan pool (scan-pool.ts), in a thread of its own or in the main thread beside the pool: scans the
 * captures it is handed, one at a time, with a trust store and key log of its own, and posts each batch of
 * finished handshakes, with the certificates first seen in them, to the pool. At most MAX_UNACKED batches are
 * unanswered at a time: while the pool holds that many (it writes the captures in order, a later capture's output
 * waits), reading stands still, so a runner holds one capture's reading state and a few batches, however far
 * ahead of the output it is.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { scanCaptures } from '../session.js';
import { buildTrust, type Trust } from './trust-wiring.js';
import { loadKeys, type LoadedKeys } from './keys.js';
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
/** Renegotiation notes name another handshake by number: such a handshake goes as an object (scan-pool.ts). */
const NAMES_A_HANDSHAKE = /handshake #\d/;
const EMPTY = Buffer.alloc(0);
/** Buffers given back that a runner keeps at most. */
const MAX_SPARE = 4;

/** The pool's end of the conversation: a worker's parentPort, or a MessagePort of a channel in the main thread. */
export interface RunnerPort {
  postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
  on(event: 'message', f: (m: ToWorker) => void): unknown;
}

/** What a runner judges and decrypts with: its own in a thread, the command's in the main thread. */
export interface RunnerTools {
  trust: Trust;
  keys: LoadedKeys | undefined;
}

/** Serves the pool's requests on `port`; stop() ends the capture under way and any later one (the pool is gone). */
export function serveScans(port: RunnerPort, init: WorkerInit, tools?: RunnerTools): { stop(reason: string): void } {
  const post = (m: FromWorker) => port.postMessage(m);
  const select = init.output ? handshakeSelector(init.values as Values) : undefined;

  const ready = tools
    ? Promise.resolve(tools)
    : (async () => {
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
    } else if (m.t === 'free') {
      if (spare.length < MAX_SPARE) spare.push(m.buffer);
    } else if (m.t === 'stop') {
      stopReason = m.reason;
      stop?.abort(m.reason);
    } else if (m.t === 'scan') {
      scan(m.file, m.index).catch((e: unknown) => post({ t: 'fatal', message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack }));
    }
  });

  /** Certificates already named in a batch's facts: the pool keeps the set, each is sent once. */
  const usedSent = new Set<string>();

  /** The certificates of the capture under way, for the formatters and the filter. */
  let certificate: (sha256: string) => CertificateInfo | undefined = () => undefined;

  /**
   * Bytes a batch's buffer starts with: the size the last batch needed, so that a buffer is seldom grown (copied).
   * Each batch gets a buffer of its own: it is handed to the pool (a transfer, not a copy).
   */
  let batchBytes = 1 << 16;
  /**
   * Buffers the pool gave back, for the next batches: a buffer of a few MB made for each batch costs page faults
   * to fill, an unmapping when it is collected, and a collection now and then started by the memory outside the heap.
   */
  const spare: ArrayBuffer[] = [];
  const buffer = (size: number): Buffer => {
    const i = spare.findIndex((b) => b.byteLength >= size);
    return i >= 0 ? Buffer.from(spare.splice(i, 1)[0]!) : Buffer.allocUnsafeSlow(size);
  };

  /**
   * The batch under way. Each handshake is selected and written as it finishes, as one thread writes it, and its
   * text goes to the batch's buffer at once: what the runner holds until the batch is posted is bytes outside the
   * heap, not strings for the garbage collector to copy.
   */
  class Pending {
    bytes: Buffer = EMPTY;
    used = 0;
    layout: number[] = [];
    objects: Handshake[] = [];
    facts: BatchFacts = { used: [], tally: newTally(), worst: -1 };

    add(h: Handshake, index: number): void {
      h.capture = index;
      const o = init.output;
      if (!o) {
        this.layout.push(-1);
        this.objects.push(h);
        return;
      }
      if (select && !select(h, { get: certificate })) return;
      const p = h.notes.some((n) => NAMES_A_HANDSHAKE.test(n)) ? undefined : preformat(h, certificate, o);
      if (!p) {
        this.layout.push(-1);
        this.objects.push(h);
        return;
      }
      // Room for the worst case, three bytes of UTF-8 per UTF-16 unit (and the separator); the written size counts.
      const worst = p.text.length * 3 + 2;
      if (this.bytes.length - this.used < worst) {
        const b = buffer(Math.max(batchBytes, this.bytes.length * 2, this.used + worst));
        this.bytes.copy(b, 0, 0, this.used);
        if (this.bytes.length > 0 && spare.length < MAX_SPARE) spare.push(this.bytes.buffer as ArrayBuffer);
        this.bytes = b;
      }
      // A JSON handshake comes with the separator before it, so that the pool passes on a run of them at once.
      const sep = o.format === 'json' ? 2 : 0;
      if (sep) this.bytes.write(',\n', this.used, 'latin1');
      const n = sep + this.bytes.write(p.text, this.used + sep);
      this.layout.push(n, sep + Buffer.byteLength(p.text.slice(0, p.at)), p.id);
      this.used += n;
      const facts = this.facts;
      for (const c of h.serverChain) if (!usedSent.has(c)) usedSent.add(c), facts.used.push(c);
      for (const c of h.clientChain) if (!usedSent.has(c)) usedSent.add(c), facts.used.push(c);
      tallyHandshake(facts.tally, h);
      facts.worst = Math.max(facts.worst, SEVERITY_RANK[worstSeverity(h)]);
    }

    body(): BatchBody & { facts?: BatchFacts } {
      if (this.used > 0) batchBytes = Math.max(this.used, 1 << 16);
      return { bytes: this.bytes.subarray(0, this.used), layout: this.layout, objects: this.objects, facts: init.output ? this.facts : undefined };
    }
  }

  let pending = new Pending();

  async function scan(file: string, index: number): Promise<void> {
    const { trust, keys } = await ready;
    stop = new AbortController();
    if (stopReason !== undefined) stop.abort(stopReason);
    const signal = stop.signal;
    // A stop ends a wait for the pool (one listener per capture, not one per wait).
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
      batchHandshakes: false,
      onOpen: () => post({ t: 'open', index }),
      onHandshake: (h, cert) => {
        certificate = cert;
        pending.add(h, index);
      },
      listener: {
        // The session's batch (without its handshakes: pending has them, written), with the certificates first seen.
        onHandshakes: (_handshakes, certificates) => {
          unacked++;
          const b = pending.body();
          pending = new Pending();
          // The text's buffer moves to the pool; an empty one (no text) is not its own buffer.
          port.postMessage({ t: 'batch', index, ...b, certificates }, b.bytes.length > 0 ? [b.bytes.buffer as ArrayBuffer] : []);
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

  return {
    stop(reason) {
      stopReason = reason;
      stop?.abort(reason);
    },
  };
}

// Started as the pool's thread (the pool's main-thread runner imports serveScans instead).
if (!isMainThread && parentPort && (workerData as { poolThread?: boolean } | undefined)?.poolThread) serveScans(parentPort, workerData as WorkerInit);
