/**
 * Several capture files scanned at once, one per runner (scan-worker.ts): the main thread's own and up to one less
 * than `--jobs` worker threads, with the output of one session over all of them in order: the handshakes of the
 * first file as they finish, then those of the second, and so on, numbered across the files (each runner numbers
 * from 1, the pool adds the ids the files before used), and each certificate listed once, where one session would
 * first have seen it. The runners write the handshakes themselves (UTF-8, moved here rather than copied); the pool puts the
 * numbers in and writes them as they are.
 *
 * The first file not yet written is written as its batches arrive; batches of later files wait: their bytes, past
 * HELD_BYTES in memory, in a temporary file (spill-file.ts), their handshakes as objects (those the runners cannot
 * write themselves: zeek, export, renegotiations), at most HELD_HANDSHAKES. Past those a runner's batches go
 * unanswered, and a runner with unanswered batches stops reading (scan-worker.ts), as does the whole pool while
 * the output's reader is behind.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION, type SessionResult } from '../session.js';
import type { CaptureSummary, CertificateInfo, Handshake, ScanProgress } from '../model.js';
import type { LoadedKeys } from './keys.js';
import type { BatchBody, BatchFacts, FromWorker, ToWorker, WorkerInit } from './scan-messages.js';
import { renumberedRun } from './preformat.js';
import { SpillFile, type Spilled } from './spill-file.js';
import { serveScans, type RunnerPort, type RunnerTools } from './scan-worker.js';

/** Handshakes (as objects) of files not yet written that the main thread holds at most (a few KB each). */
export const HELD_HANDSHAKES = 8192;
/** Bytes of written handshakes of files not yet written held in memory; more go to the temporary file. */
export const HELD_BYTES = 16 << 20;
const EMPTY = new Uint8Array(0);

export interface PoolOptions {
  jobs: number;
  init: WorkerInit;
  signal: AbortSignal;
  keys?: LoadedKeys;
  onHandshake?: (h: Handshake, certificate: (sha256: string) => CertificateInfo | undefined) => void;
  /**
   * With init.output: handshakes a runner selected and wrote, one after the other (UTF-8; in JSON each with the
   * separator before it, a comma the first of the document must drop), renumbered; then the facts of their batch.
   */
  onPreformatted?: (bytes: Uint8Array) => void;
  onFacts?: (f: BatchFacts) => void;
  onOpen?: (streaming: boolean) => void;
  whenWritable?: () => Promise<void> | undefined;
  /** HELD_HANDSHAKES and HELD_BYTES instead of the defaults. */
  held?: { handshakes: number; bytes: number };
  /** The main thread scans captures as well (default); false: threads only. */
  mainThread?: boolean;
  /** The trust store the command built from init.values (with `keys`): the main thread's runner uses it. */
  trust?: RunnerTools['trust'];
  /** Bytes read of one capture; packets and handshakes so far over all, as one session counts them. */
  onProgress?: (p: ScanProgress) => void;
}

/**
 * The thread's script, next to this module in the build. Running from the TypeScript sources (the unit tests)
 * there is none: the scan then stays in one thread.
 */
export function poolWorkerScript(): URL | undefined {
  const u = new URL('./scan-worker.js', import.meta.url);
  return existsSync(fileURLToPath(u)) ? u : undefined;
}

/**
 * Renegotiation notes name the handshake before them by number (src/tls/renegotiation-watch.ts words them); they
 * are renumbered with the handshakes. Matched whole from the start: no text from the wire is in these two.
 */
const ID_NOTES = [
  /^(renegotiation of handshake #)(\d+)(?=: this ClientHello \(frame \d+\) )/,
  /^(renegotiated-under-encryption: the (?:client|server) sent an encrypted handshake record at frame \d+ after handshake #)(\d+)(?= completed;)/,
];

function renumber(h: Handshake, offset: number, index: number): void {
  h.capture = index;
  if (offset === 0) return;
  h.id += offset;
  for (let i = 0; i < h.notes.length; i++) {
    for (const re of ID_NOTES) {
      const n = h.notes[i]!;
      if (re.test(n)) h.notes[i] = n.replace(re, (_m, a: string, id: string) => `${a}${Number(id) + offset}`);
    }
  }
}

interface Batch extends BatchBody {
  certificates: CertificateInfo[];
  facts?: BatchFacts;
  acked: boolean;
  /**
   * Memory the batch holds: the whole buffer `bytes` is a view of, which a runner makes at least 64 KiB however few
   * bytes the batch used (0 once spilled). Counting only the bytes used would let thousands of small batches of a
   * later file pile up in memory, each holding its buffer, before the spill file is ever used.
   */
  size: number;
  /** Where the buffer of `bytes` goes back to once they are copied (unset once given back). */
  runner?: Runner;
  spilled?: Spilled;
}

/** A scan thread, or the main thread's runner: what the pool sends to and how it is ended. */
interface Runner {
  postMessage(m: ToWorker, transfer?: ArrayBuffer[]): void;
  end(): Promise<unknown>;
}

interface Job {
  file: string;
  worker?: Runner;
  batches: Batch[];
  done?: Extract<FromWorker, { t: 'done' }>;
  packets?: number;
  handshakes?: number;
}

/** The memory a batch's bytes hold: the whole buffer they are a view of (see Batch.size). */
export function heldSize(bytes: Uint8Array): number {
  return bytes.length === 0 ? 0 : bytes.buffer.byteLength;
}

export async function scanPool(files: string[], script: URL, o: PoolOptions): Promise<SessionResult & { spilledBatches: number }> {
  const jobs: Job[] = files.map((file) => ({ file, batches: [] }));
  const certs = new Map<string, CertificateInfo>();
  const certificates: CertificateInfo[] = [];
  const captures: CaptureSummary[] = [];
  const certificate = (sha: string) => certs.get(sha);
  let packets = 0;
  let handshakeCount = 0;
  let heldObjects = 0;
  let heldBytes = 0;
  const maxObjects = o.held?.handshakes ?? HELD_HANDSHAKES;
  const maxBytes = o.held?.bytes ?? HELD_BYTES;
  const fits = () => heldObjects < maxObjects && heldBytes < maxBytes;
  let spilledBatches = 0;
  let spill: SpillFile | undefined | null;
  // The bytes of a batch of a later file, in one write; kept in memory if that fails (a full disk).
  const spillBatch = (b: Batch) => {
    if (spill === undefined) spill = SpillFile.open() ?? null;
    if (!spill) return;
    try {
      b.spilled = spill.write(b.bytes);
    } catch {
      return;
    }
    giveBack(b);
    b.bytes = EMPTY;
    b.size = 0;
    spilledBatches++;
  };
  let head = 0;
  let next = 0;
  let offset = 0;
  let failure: Error | undefined;
  let finished = false;
  let wake: () => void = () => {};
  const poke = () => wake();

  const idle: Runner[] = [];
  const workers: Runner[] = [];
  const fail = (e: Error) => {
    failure ??= e;
    poke();
  };
  const send = (w: Runner, m: ToWorker) => w.postMessage(m);
  // A batch's buffer whose bytes were copied goes back to the runner that made it.
  const giveBack = (b: Batch) => {
    const buffer = b.bytes.buffer as ArrayBuffer;
    if (b.bytes.length === 0 || !b.runner) return;
    b.runner.postMessage({ t: 'free', buffer }, [buffer]);
    b.runner = undefined;
  };
  const ack = (j: Job, b: Batch) => {
    if (b.acked) return;
    b.acked = true;
    send(j.worker!, { t: 'ack' });
  };
  const assign = () => {
    while (idle.length > 0 && next < jobs.length && !o.signal.aborted && fits()) {
      const j = jobs[next]!;
      j.worker = idle.shift()!;
      send(j.worker, { t: 'scan', file: j.file, index: next });
      next++;
    }
  };
  // Batches held back while the buffer was full are answered as it empties, oldest file first.
  const release = () => {
    for (let i = head; i < next && fits(); i++) for (const b of jobs[i]!.batches) ack(jobs[i]!, b);
  };
  const onMessage = (w: Runner, m: FromWorker) => {
    if (m.t === 'fatal') {
      const e = new Error(m.message);
      if (m.stack) e.stack = m.stack;
      fail(e);
      return;
    }
    const j = jobs[m.index]!;
    switch (m.t) {
      case 'open':
        o.onOpen?.(false);
        return;
      case 'progress':
        packets += m.packets - (j.packets ?? 0);
        handshakeCount += m.handshakes - (j.handshakes ?? 0);
        j.packets = m.packets;
        j.handshakes = m.handshakes;
        o.onProgress?.({ file: j.file, capture: m.index, bytesRead: m.bytesRead, totalBytes: m.totalBytes, packets, handshakes: handshakeCount });
        return;
      case 'batch': {
        const b: Batch = { bytes: m.bytes, layout: m.layout, objects: m.objects, certificates: m.certificates, facts: m.facts, acked: false, size: heldSize(m.bytes), runner: w };
        if (m.index !== head && b.size > 0 && heldBytes + b.size > maxBytes) spillBatch(b);
        j.batches.push(b);
        heldObjects += b.objects.length;
        heldBytes += b.size;
        if (fits()) ack(j, b);
        break;
      }
      case 'done':
        j.done = m;
        o.keys?.addMatched(m.matched);
        idle.push(w);
        assign();
        break;
    }
    poke();
  };

  const n = Math.max(1, Math.min(o.jobs, files.length));
  const local = o.mainThread ?? true;
  if (local) {
    // The main thread scans too (the first file, as it is free first): one thread fewer to start and load the
    // modules in (the main thread has them, and the trust store), and the output of the capture it reads does not
    // cross threads. Its messages go through a channel all the same, so the pool treats it as the others.
    const ch = new MessageChannel();
    const runner = serveScans(ch.port2 as unknown as RunnerPort, o.init, o.trust ? { trust: o.trust, keys: o.keys } : undefined);
    const r: Runner = {
      postMessage: (m, transfer) => ch.port1.postMessage(m, transfer ?? []),
      end: async () => {
        runner.stop('stopped');
        ch.port1.close();
      },
    };
    ch.port1.on('message', (m: FromWorker) => onMessage(r, m));
    workers.push(r);
    idle.push(r);
  }
  for (let i = local ? 1 : 0; i < n; i++) {
    const w = new Worker(script, { workerData: { ...o.init, poolThread: true } });
    const r: Runner = { postMessage: (m, transfer) => w.postMessage(m, transfer ?? []), end: () => w.terminate() };
    w.on('message', (m: FromWorker) => onMessage(r, m));
    w.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
    w.on('exit', (code) => {
      if (!finished) fail(new Error(`a scan thread ended unexpectedly (exit code ${code})`));
    });
    workers.push(r);
    idle.push(r);
  }
  const onAbort = () => {
    const reason = typeof o.signal.reason === 'string' ? o.signal.reason : 'stopped';
    for (let i = head; i < next; i++) if (!jobs[i]!.done) send(jobs[i]!.worker!, { t: 'stop', reason });
    poke();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });

  try {
    assign();
    while (head < jobs.length) {
      if (failure) throw failure;
      const j = jobs[head]!;
      if (!j.worker && o.signal.aborted) {
        // Named all the same, as one session names them, so a reader of the report sees which were not read.
        const why = typeof o.signal.reason === 'string' ? o.signal.reason : 'stopped';
        captures.push({ file: j.file, format: '', linkTypes: [], packets: 0, bytes: 0, notes: [], stopped: `not read: ${why}` });
        head++;
        continue;
      }
      const b = j.batches.shift();
      if (b) {
        heldObjects -= b.objects.length;
        heldBytes -= b.size;
        ack(j, b);
        for (const c of b.certificates) {
          if (certs.has(c.sha256)) continue;
          certs.set(c.sha256, c);
          certificates.push(c);
        }
        const bytes = b.spilled ? spill!.read(b.spilled) : b.bytes;
        let at = 0;
        let object = 0;
        for (let k = 0; k < b.layout.length; ) {
          const size = b.layout[k]!;
          if (size < 0) {
            k++;
            const h = b.objects[object++]!;
            renumber(h, offset, head);
            o.onHandshake?.(h, certificate);
            continue;
          }
          // Handshakes the runner wrote, one after the other: passed on at once.
          let end = k;
          let last = at;
          while (end < b.layout.length && b.layout[end]! >= 0) {
            last += b.layout[end]!;
            end += 3;
          }
          o.onPreformatted?.(renumberedRun({ bytes: bytes.subarray(at, last), layout: b.layout, k, count: (end - k) / 3 }, offset));
          at = last;
          k = end;
        }
        // Renumbered, every run was copied: the bytes are no one's now.
        if (offset !== 0 && !b.spilled) giveBack(b);
        if (b.facts) o.onFacts?.(b.facts);
        release();
        assign();
        const w = o.whenWritable?.();
        if (w) await w;
        continue;
      }
      if (j.done) {
        captures.push(j.done.capture);
        offset += j.done.idsUsed;
        head++;
        assign();
        continue;
      }
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    finished = true;
    o.signal.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.end()));
    spill?.close();
  }
  return { certshark: VERSION, captures, handshakes: [], certificates, parsed: new Map(), idsUsed: offset, spilledBatches };
}
