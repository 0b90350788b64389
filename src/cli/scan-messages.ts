/** What the main thread and a scan-pool thread tell each other (scan-pool.ts, scan-worker.ts). */
import type { CaptureSummary, CertificateInfo, Handshake } from '../model.js';
import type { Tally } from '../report/index.js';
import type { PreformatOptions } from './preformat.js';

export interface WorkerInit {
  /** The command line's options: the thread builds the same trust store from them. */
  values: Record<string, unknown>;
  keylog: { path?: string; explicit: boolean };
  /** The thread selects (--filter, --sni, --handshake) and formats the handshakes itself, as preformat.ts can. */
  output?: PreformatOptions;
}

/**
 * The handshakes of a batch, in order, each written by the thread (its UTF-8 the next `bytes` of `bytes`, its number
 * at byte `at` in it) or as an object (the next of `objects`; the main thread formats it after renumbering). `layout`
 * holds bytes, at, id for the first kind, -1 for the second: one buffer and one array of numbers cost far less to
 * send between threads than an object per handshake, and the buffer is moved, not copied (nor encoded again by the
 * main thread, which writes it as it is).
 */
export interface BatchBody {
  bytes: Uint8Array;
  layout: number[];
  objects: Handshake[];
}

/** What the main thread needs of the preformatted handshakes of a batch for the end of the report and the exit code. */
export interface BatchFacts {
  /** Certificates their chains hold (not all new: the main thread keeps the set). */
  used: string[];
  tally: Tally;
  /** SEVERITY_RANK of the worst verdict among them, -1 when none. */
  worst: number;
}

export type ToWorker =
  | { t: 'scan'; file: string; index: number }
  /** One batch taken over by the main thread. */
  | { t: 'ack' }
  /** A batch's buffer back, its bytes copied (to the temporary file, or renumbered): for a later batch. */
  | { t: 'free'; buffer: ArrayBuffer }
  /** Stop reading (Ctrl-C, -a duration:): the capture under way is reported as read so far. */
  | { t: 'stop'; reason: string };

export type FromWorker =
  | { t: 'open'; index: number }
  /** Handshakes as they finished, numbered from 1 within the capture; certificates first seen in them. */
  | ({ t: 'batch'; index: number; certificates: CertificateInfo[]; facts?: BatchFacts } & BatchBody)
  | { t: 'progress'; index: number; bytesRead: number; totalBytes?: number; packets: number; handshakes: number }
  | { t: 'done'; index: number; capture: CaptureSummary; idsUsed: number; matched: string[] }
  /** A bug in the thread: the run ends as an internal error. */
  | { t: 'fatal'; message: string; stack?: string };
