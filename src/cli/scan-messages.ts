/** What the main thread and a scan-pool thread tell each other (scan-pool.ts, scan-worker.ts). */
import type { CaptureSummary, CertificateInfo, Handshake } from '../model.js';

export interface WorkerInit {
  /** The command line's options: the thread builds the same trust store from them. */
  values: Record<string, unknown>;
  keylog: { path?: string; explicit: boolean };
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
  | { t: 'batch'; index: number; handshakes: Handshake[]; certificates: CertificateInfo[] }
  | { t: 'progress'; index: number; bytesRead: number; totalBytes?: number; packets: number; handshakes: number }
  | { t: 'done'; index: number; capture: CaptureSummary; idsUsed: number; matched: string[] }
  /** A bug in the thread: the run ends as an internal error. */
  | { t: 'fatal'; message: string; stack?: string };
