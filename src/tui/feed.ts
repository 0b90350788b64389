/**
 * Turns the session's listener callbacks into batched reducer actions (DESIGN.md point 9: events arrive batched).
 * The session already batches; this merges whatever arrived since the last flush into one `scan-batch`, so the
 * rows are re-derived at most once per flush however the events were split. One instance per run.
 */
import type { CertificateInfo, Handshake, ScanListener, ScanProgress, ScanResult, TrustPaths } from '../model.js';
import type { Action } from './state.js';

export class ScanFeed {
  private handshakes: Handshake[] = [];
  private certificates: CertificateInfo[] = [];
  private paths: TrustPaths[] = [];
  private progress?: ScanProgress;
  private progressEvents = 0;
  private status?: { text: string; tone: 'info' | 'error' };
  private done?: ScanResult;
  private error?: string;
  private wake?: (urgent: boolean) => void;

  readonly listener: ScanListener = {
    onProgress: (p) => {
      this.progress = p;
      this.progressEvents++;
      this.wake?.(false);
    },
    onTrustPaths: (paths, storeCertificates) => {
      for (const p of paths) this.paths.push(p);
      // Trust-store certificates are certificates like the others for the view; the paths say where they are.
      for (const c of storeCertificates) this.certificates.push(c);
      this.wake?.(false);
    },
    onHandshakes: (hs, certs) => {
      for (const h of hs) this.handshakes.push(h);
      for (const c of certs) this.certificates.push(c);
      this.wake?.(false);
    },
    onStatus: (text, tone) => {
      // A subprocess writes what it likes: only its last non-empty line is kept (escaped when shown).
      const last = text
        .split(/\r\n|\r|\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .at(-1);
      if (last === undefined) return;
      this.status = { text: last, tone: tone ?? 'info' };
      this.wake?.(tone === 'error');
    },
    onDone: (r) => {
      this.done = r;
      this.wake?.(true);
    },
    onError: (m) => {
      this.error = m;
      this.wake?.(true);
    },
  };

  /** The consumer (the App) registers here; `urgent` asks for an immediate flush (end of scan, error). */
  subscribe(wake: (urgent: boolean) => void): () => void {
    this.wake = wake;
    if (this.pending()) wake(this.done !== undefined || this.error !== undefined);
    return () => {
      if (this.wake === wake) this.wake = undefined;
    };
  }

  pending(): boolean {
    return (
      this.handshakes.length > 0 ||
      this.certificates.length > 0 ||
      this.paths.length > 0 ||
      this.progressEvents > 0 ||
      this.status !== undefined ||
      this.done !== undefined ||
      this.error !== undefined
    );
  }

  /** Everything since the last drain as one action, or undefined when nothing arrived. */
  drain(): Action | undefined {
    if (!this.pending()) return undefined;
    const a: Action = {
      type: 'scan-batch',
      handshakes: this.handshakes,
      certificates: this.certificates,
      paths: this.paths,
      progress: this.progress,
      progressEvents: this.progressEvents,
      status: this.status,
      done: this.done,
      error: this.error,
    };
    this.handshakes = [];
    this.certificates = [];
    this.paths = [];
    this.progressEvents = 0;
    this.status = undefined;
    this.done = undefined;
    this.error = undefined;
    return a;
  }
}
