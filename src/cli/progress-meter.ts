/**
 * One line on a terminal's stderr while a long scan of capture files runs: bytes read of the total, the rate,
 * handshakes so far and the time left, redrawn in place four times a second and erased at the end. Only for
 * files (their size is the total); only when stderr is a terminal, so a pipe, a log file or a CI job never gets
 * it; not before DELAY_MS, so a quick scan never flickers. A report written to the same terminal meanwhile first
 * erases the line (`clear`), which the next tick draws again under it.
 */
import { statSync } from 'node:fs';
import type { ScanProgress } from '../model.js';

const DELAY_MS = 500;
const EVERY_MS = 250;
const MB = 1e6;

export interface MeterStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The total size of the inputs when every one is a regular file, else undefined (stdin, a FIFO, live). */
export function totalSize(sources: ReadonlyArray<string | object>): number | undefined {
  let total = 0;
  for (const s of sources) {
    if (typeof s !== 'string' || s === '-') return undefined;
    try {
      const st = statSync(s);
      if (!st.isFile()) return undefined;
      total += st.size;
    } catch {
      // unreadable: the scan says so; it adds nothing to read
    }
  }
  return total;
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(s: number): string {
  if (!Number.isFinite(s)) return '';
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The line for `done` of `total` bytes after `seconds`. Pure. */
export function progressLine(done: number, total: number, handshakes: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  const parts = [
    `${(done / MB).toFixed(0)} of ${(total / MB).toFixed(0)} MB (${pct}%)`,
    `${(rate / MB).toFixed(rate >= 10 * MB ? 0 : 1)} MB/s`,
    `${num(handshakes)} handshake${handshakes === 1 ? '' : 's'}`,
  ];
  if (rate > 0 && done < total) parts.push(`${duration((total - done) / rate)} left`);
  return `certshark: ${parts.join(' · ')}`;
}

export class ProgressMeter {
  private readonly read = new Map<number, number>();
  private handshakes = 0;
  private drawn = false;
  private timer?: NodeJS.Timeout;
  private readonly t0: number;

  constructor(
    private readonly out: MeterStream,
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.t0 = now();
    this.timer = setInterval(() => this.draw(), EVERY_MS);
    this.timer.unref();
  }

  progress(p: ScanProgress): void {
    this.read.set(p.capture ?? 0, p.bytesRead);
    this.handshakes = p.handshakes;
  }

  private draw(): void {
    const elapsed = this.now() - this.t0;
    if (elapsed < DELAY_MS) return;
    let done = 0;
    for (const b of this.read.values()) done += b;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    // Cut to the terminal's width: a wrapped line cannot be redrawn in place with a carriage return.
    this.out.write(`\r${progressLine(done, this.total, this.handshakes, elapsed / 1000).slice(0, width)}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the line (before other output to the same terminal, and at the end). */
  clear(): void {
    if (!this.drawn) return;
    this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }
}

/** A meter when the run wants one: files only, stderr a terminal, not silenced (--no-progress, -q). */
export function meterFor(sources: ReadonlyArray<string | object>, stderr: MeterStream, quiet: boolean): ProgressMeter | undefined {
  if (quiet || stderr.isTTY !== true) return undefined;
  const total = totalSize(sources);
  if (total === undefined || total === 0) return undefined;
  return new ProgressMeter(stderr, total);
}
