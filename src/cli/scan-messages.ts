/** What the main thread and a scan-pool thread tell each other (scan-pool.ts, scan-worker.ts). */
import type { CaptureSummary, CertificateInfo, Handshake } from '../model.js';
import type { Tally } from '../report/index.js';
import type { PreformatOptions, Preformatted } from './preformat.js';

export interface WorkerInit {
  /** The command line's options: the thread builds the same trust store from them. */
  values: Record<string, unknown>;
  keylog: { path?: string; explicit: boolean };
  /** The thread selects (--filter, --sni, --handshake) and formats the handshakes itself, as preformat.ts can. */
  output?: PreformatOptions;
}

/** A handshake: written by the thread, or as an object (the main thread formats it after renumbering). */
export type Entry = { p: Preformatted } | { h: Handshake };

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
  /** Stop reading (Ctrl-C, -a duration:): the capture under way is reported as read so far. */
  | { t: 'stop'; reason: string };

export type FromWorker =
  | { t: 'open'; index: number }
  /** Handshakes as they finished, numbered from 1 within the capture; certificates first seen in them. */
  | { t: 'batch'; index: number; entries: Entry[]; certificates: CertificateInfo[]; facts?: BatchFacts }
  | { t: 'progress'; index: number; bytesRead: number; totalBytes?: number; packets: number; handshakes: number }
  | { t: 'done'; index: number; capture: CaptureSummary; idsUsed: number; matched: string[] }
  /** A bug in the thread: the run ends as an internal error. */
  | { t: 'fatal'; message: string; stack?: string };
