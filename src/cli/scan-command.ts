/** `certshark scan`: the report, written while the capture is read. */
import { closeSync, existsSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { scanCaptures, VERSION, type SessionOptions, type SessionResult } from '../session.js';
import {
  JsonStreamWriter, worstSeverity, SEVERITY_RANK, escapeTerminal, ensureDir,
  renderHandshakeText, renderCapturesText, renderTallyText, newTally, tallyHandshake,
  ZeekLogWriter, ecsEvent, ndjsonHandshake, ndjsonCaptures, type Tally,
} from '../report/index.js';
import { describeOsError } from '../os-error.js';
import { UsageError } from './usage-error.js';
import type { CaptureSummary } from '../model.js';
import { buildTrust } from './trust-wiring.js';
import { loadKeys } from './keys.js';
import type { Io, Values } from './args.js';
import { color, failLevel, handshakeSelector, jobs, outputFormat, trustOptions } from './options.js';
import { liveFailure, openInputs, type Inputs } from './inputs.js';
import { poolWorkerScript, scanPool } from './scan-pool.js';
import type { PreformatOptions } from './preformat.js';
import type { BatchFacts } from './scan-messages.js';
import { meterFor, type MeterStream } from './progress-meter.js';

export type ScanExtra = Pick<SessionOptions, 'listener' | 'onHandshake' | 'retain' | 'onTick' | 'onOpen' | 'whenWritable'> & {
  /** Threads for several capture files (--jobs); the handshakes and their order are those of one thread. */
  jobs?: number;
  /**
   * With threads: the pool's runners select and format the handshakes (preformat.ts), which arrive here as UTF-8
   * (see PoolOptions.onPreformatted), each batch's facts after it; those they cannot format come to onHandshake.
   */
  preformat?: PreformatOptions;
  onPreformatted?: (bytes: Uint8Array) => void;
  onFacts?: (f: BatchFacts) => void;
};

/**
 * Runs the pipeline over the inputs with the trust and key options of the command line. Problems of the inputs
 * (unreadable, a capture child refused the interface) end up as the capture summaries' `error`; key-log and trust
 * store remarks as their notes.
 */
export async function scanInputs(inputs: Inputs, values: Values, io: Io, extra: ScanExtra = {}): Promise<SessionResult> {
  let trust: Awaited<ReturnType<typeof buildTrust>>;
  let keys: Awaited<ReturnType<typeof loadKeys>>;
  try {
    trust = await buildTrust(trustOptions(values));
    keys = await loadKeys(values.keylog ?? io.env.SSLKEYLOGFILE, values.keylog !== undefined);
  } catch (e) {
    // A bad --ca or --keylog ends the run before anything was read: the capture child is ended and the -w file,
    // still empty, removed, so that the corrected command line runs as typed.
    inputs.close();
    removeEmptyCopy(inputs);
    throw e;
  }
  let result: SessionResult;
  const { jobs, preformat, onPreformatted, onFacts, ...session } = extra;
  const pooled = jobs !== undefined && jobs > 1 ? poolable(inputs) : undefined;
  // CERTSHARK_DEBUG=1 says how the captures were read (the tests check that the pool ran).
  if (pooled && io.env.CERTSHARK_DEBUG) io.stderr.write(`certshark: debug: ${pooled.files.length} captures, ${Math.min(jobs!, pooled.files.length)} threads\n`);
  try {
    result = pooled
      ? await scanPool(pooled.files, pooled.script, {
          jobs: jobs!,
          init: { values: { ...values }, keylog: { path: values.keylog ?? io.env.SSLKEYLOGFILE, explicit: values.keylog !== undefined }, output: preformat },
          onPreformatted,
          onFacts,
          signal: inputs.stop.signal,
          keys,
          trust,
          onHandshake: extra.onHandshake,
          onOpen: extra.onOpen,
          whenWritable: extra.whenWritable,
          onProgress: extra.listener?.onProgress ? (p) => extra.listener!.onProgress!(p) : undefined,
        })
      : await scanCaptures(inputs.sources, {
          judge: trust.judge,
          keys: keys?.provider,
          signal: inputs.stop.signal,
          maxPackets: inputs.maxPackets,
          copyTo: inputs.copy?.fd,
          ...session,
        });
  } finally {
    inputs.close();
  }
  if (inputs.live) {
    // The tool's stdout closes just before it exits; its exit status and last words say why it stopped.
    await Promise.race([inputs.live.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    const c = result.captures[0];
    const why = c ? liveFailure(inputs, c.packets) : undefined;
    if (c && why) c.error = why;
    // The tool ended by itself mid-capture (killed, the interface went away): what was read stands, and says so.
    const { exitCode, signalCode } = inputs.live.child;
    if (c && !why && !c.stopped && !inputs.stop.signal.aborted && (signalCode !== null || (exitCode !== null && exitCode !== 0))) {
      const last = inputs.live.failure();
      c.stopped = `${inputs.live.tool.name} ended by itself (${signalCode ?? `exit ${exitCode}`}) after ${c.packets} packets${last && !last.includes('ended without capturing') ? `: ${last.slice(last.indexOf(': ') + 2)}` : ''}`;
    }
  }
  const notes = [...trust.storeNotes, ...(keys ? [keys.summary()] : [])];
  for (const v of notes) result.captures.forEach((c) => c.notes.includes(v) || c.notes.push(v));
  if (keys?.uselessAndExplicit() && result.captures.some((c) => !c.error)) io.stderr.write(`certshark: ${escapeTerminal(keys.summary())}\n`);
  const c0 = result.captures[0];
  const copied = c0 !== undefined && !c0.error && c0.bytes > 0;
  if (inputs.copy && copied) c0.notes.push(`raw capture kept in ${inputs.copy.path} (-w)`);
  if (!copied) removeEmptyCopy(inputs);
  // A -w file that received nothing (the input could not be read, the capture tool could not start) is removed
  // again: an empty file named like a capture would only mislead whoever is handed it.
  return result;
}

/**
 * Several capture files, each read whole on its own: a thread each. Standard input, a live capture, a FIFO, -c
 * (a packet count over all captures) and -w (one copy) stay in one thread; so does a run from the TypeScript
 * sources, which has no thread script.
 */
function poolable(inputs: Inputs): { files: string[]; script: URL } | undefined {
  if (inputs.live || inputs.copy || inputs.maxPackets !== undefined || inputs.sources.length < 2) return undefined;
  const files: string[] = [];
  for (const s of inputs.sources) {
    if (typeof s !== 'string' || s === '-') return undefined;
    let st;
    try {
      st = statSync(s);
    } catch {
      // Missing or unreadable: the thread's reader says so, in the words one thread would use.
      files.push(s);
      continue;
    }
    if (!st.isFile()) return undefined;
    files.push(s);
  }
  const script = poolWorkerScript();
  return script ? { files, script } : undefined;
}

function removeEmptyCopy(inputs: Inputs): void {
  if (!inputs.copy) return;
  try {
    if (statSync(inputs.copy.path).size === 0) unlinkSync(inputs.copy.path);
  } catch {
    // gone already
  }
}

/** One line per unreadable capture on stderr; true when any capture was unreadable. */
export function reportUnreadable(r: SessionResult, io: Io): boolean {
  let bad = false;
  for (const c of r.captures) {
    const msg = unreadableMessage(c);
    if (msg === undefined) continue;
    bad = true;
    io.stderr.write(`certshark: ${escapeTerminal(msg)}\n`);
  }
  return bad;
}

/** Why a capture could not be read, naming it once (reader messages usually start with the file name already). */
export function unreadableMessage(c: CaptureSummary): string | undefined {
  if (!c.error) return undefined;
  return c.error.startsWith(c.file) ? c.error : `${c.file}: ${c.error}`;
}

/**
 * Ctrl-C (and the hang-up of an SSH session) stops reading; the report of what was read is then completed, so a
 * JSON document stays whole. A second Ctrl-C ends at once.
 */
export function stopOnSignals(inputs: Inputs): { install: () => void; interrupted: () => boolean; exitCode: () => number; dispose: () => void } {
  let hit = false;
  let code = 130;
  const handlers: Array<[NodeJS.Signals, () => void]> = [];
  // Installed once the first capture bytes are in: before that there is nothing to report, and a handler could
  // not run anyway while certshark waits in the open of a FIFO without a writer; the default ends it at once.
  const install = () => {
    if (handlers.length) return;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const h = () => {
        if (hit) {
          inputs.close();
          process.exit(130);
        }
        hit = true;
        code = sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143;
        inputs.stop.abort(sig === 'SIGINT' ? 'interrupted (Ctrl-C)' : `ended by ${sig}`);
      };
      process.on(sig, h);
      handlers.push([sig, h]);
    }
  };
  return {
    install,
    interrupted: () => hit,
    exitCode: () => code,
    dispose: () => handlers.forEach(([s, h]) => process.off(s, h)),
  };
}

/**
 * The report is written while the capture is read, a handshake at a time, and handshakes are not kept: memory
 * stays flat whatever the number of handshakes. Handshakes come in the order they finish (consumers sort by id).
 * A streaming input (a pipe, a live capture) flushes the output a few times a second, so each handshake is out
 * within a second of its last packet.
 */
export async function cmdScan(files: string[], values: Values, io: Io): Promise<number> {
  const level = failLevel(values);
  const select = handshakeSelector(values);
  const format = outputFormat(values);
  const threads = jobs(values);
  const text = { color: color(values, io), verbose: values.verbose };
  const zeekDir = format === 'zeek' ? await prepareLogDir(values['log-dir']!, !!values.overwrite) : undefined;
  const inputs = openInputs(files, values, { many: true });
  const signals = stopOnSignals(inputs);
  const json = format === 'json' ? new JsonStreamWriter(VERSION) : undefined;
  // A log that cannot be written (a file that appeared meanwhile, a full disk) stops the scan: what follows would be lost.
  const zeek = zeekDir ? new ZeekLogs(zeekDir, !!values.overwrite, (why) => inputs.stop.abort(why)) : undefined;
  const meter = meterFor(inputs.sources, io.stderr as MeterStream, !!(values['no-progress'] || values.quiet));
  // The report on the same terminal as the meter: its line is erased before each write, redrawn by the next tick.
  const out = new BatchedWriter(io.stdout, meter && io.stdout.isTTY ? () => meter.clear() : undefined);
  const flush = () => {
    out.flush();
    zeek?.flush();
  };
  const used = new Set<string>();
  const tally = newTally();
  let failed = false;
  // The JSON document opens with the first handshake or at the end: an input that cannot be read prints one line
  // on stderr and nothing on stdout.
  let begun = false;
  const begin = () => {
    if (begun) return;
    begun = true;
    if (json) out.write(json.begin());
    zeek?.begin();
  };
  let r: SessionResult;
  try {
    r = await scanInputs(inputs, values, io, {
      jobs: threads,
      listener: meter ? { onProgress: (p) => meter.progress(p) } : undefined,
      retain: false,
      onOpen: () => signals.install(),
      onTick: flush,
      // A reader slower than the scan (a pipe into curl, a shipper, a terminal) holds the reading back instead of
      // the output piling up in memory.
      whenWritable: () => out.whenWritable(inputs.stop.signal),
      preformat: format === 'zeek' ? undefined : { format, color: text.color, verbose: !!values.verbose, pem: !!values.pem },
      onPreformatted: (b) => {
        begin();
        // The runner's UTF-8 as it is. Its JSON handshakes come with their separators; the document's first
        // handshake has none but the newline (the writer says which is first, as for an empty handshake text).
        if (json && json.handshakeText('') === '\n') b = b.subarray(1);
        out.write(b);
      },
      onFacts: (f) => {
        for (const s of f.used) used.add(s);
        tally.handshakes += f.tally.handshakes;
        tally.encrypted += f.tally.encrypted;
        for (const k of Object.keys(tally.bySeverity) as Array<keyof Tally['bySeverity']>) tally.bySeverity[k] += f.tally.bySeverity[k];
        if (level && f.worst >= SEVERITY_RANK[level]) failed = true;
      },
      onHandshake: (h, cert) => {
        if (select && !select(h, { get: cert })) return;
        begin();
        for (const s of h.serverChain) used.add(s);
        for (const s of h.clientChain) used.add(s);
        tallyHandshake(tally, h);
        if (level && SEVERITY_RANK[worstSeverity(h)] >= SEVERITY_RANK[level]) failed = true;
        if (zeek) zeek.handshake(h, cert);
        else if (format === 'ecs') out.write(ecsEvent(h, cert, VERSION));
        else if (format === 'ndjson') out.write(ndjsonHandshake(h, cert, { pem: !!values.pem }, VERSION));
        else out.write(json ? json.handshake(h) : renderHandshakeText(h, cert, text));
      },
    });
  } catch (e) {
    zeek?.close();
    throw e;
  } finally {
    meter?.stop();
    signals.dispose();
  }
  const bad = reportUnreadable(r, io);
  // A capture cut short is itself a warning: what it lacks may be the handshake that matters.
  if (level === 'warning' && r.captures.some((c) => c.truncated && !c.error)) failed = true;
  // Findings across a capture (the same server with different certificates) count for --fail-on like verdicts.
  if (level && r.captures.some((c) => c.findings?.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]))) failed = true;
  const readable = r.captures.filter((c) => !c.error);
  if (readable.length > 0 || begun) {
    begin();
    const certificates = r.certificates.filter((c) => used.has(c.sha256));
    tally.certificates = certificates.length;
    if (json) out.write(json.end(certificates, r.captures));
    else if (format === 'ndjson') out.write(ndjsonCaptures(r.captures, VERSION));
    else if (format === 'text') out.write(renderCapturesText(r.captures, text) + renderTallyText(tally));
    zeek?.end();
  }
  flush();
  zeek?.close();
  if (zeek?.failed) {
    io.stderr.write(`certshark: ${escapeTerminal(zeek.failed)}\n`);
    return 2;
  }
  return bad ? 2 : signals.interrupted() ? signals.exitCode() : failed ? 3 : 0;
}

const ZEEK_LOGS = ['ssl.log', 'x509.log'] as const;

/**
 * The folder of `--format zeek`, created if needed. Logs already there are another run's (or Zeek's own): never
 * overwritten unless --overwrite says so. Checked before any input is opened, so a refusal reads nothing.
 */
async function prepareLogDir(dir: string, overwrite: boolean): Promise<string> {
  try {
    await ensureDir(dir);
  } catch (e) {
    throw new UsageError(`--log-dir ${dir}: ${describeOsError(e)}`);
  }
  if (!overwrite) {
    const there = ZEEK_LOGS.filter((f) => existsSync(join(dir, f)));
    if (there.length) throw new UsageError(`${join(dir, there[0]!)} exists: certshark does not overwrite logs (--overwrite to replace them)`);
  }
  return dir;
}

/**
 * ssl.log and x509.log, opened with the first handshake (or at the end of a readable capture without any), so an
 * unreadable input leaves no empty logs behind. Written synchronously in batches: memory holds one batch. The
 * first failure to open or write is kept in `failed` and reported once; nothing more is written after it.
 */
class ZeekLogs {
  private readonly writer = new ZeekLogWriter();
  private fds: number[] = [];
  private ssl?: BatchedWriter;
  private x509?: BatchedWriter;
  failed?: string;
  constructor(private readonly dir: string, private readonly overwrite: boolean, private readonly onFail: (why: string) => void) {}

  private fail(path: string, e: unknown): void {
    if (this.failed) return;
    this.failed = `${path}: ${describeOsError(e)}`;
    this.onFail(this.failed);
  }

  begin(): void {
    const open = (name: string) => {
      const path = join(this.dir, name);
      if (this.failed) return undefined;
      try {
        const fd = openSync(path, this.overwrite ? 'w' : 'wx', 0o644);
        this.fds.push(fd);
        return new BatchedWriter({
          write: (s: string) => {
            if (this.failed) return;
            try {
              writeSync(fd, s);
            } catch (e) {
              this.fail(path, e);
            }
          },
        });
      } catch (e) {
        this.fail(path, e);
        return undefined;
      }
    };
    this.ssl = open('ssl.log');
    this.x509 = open('x509.log');
    const h = this.writer.begin();
    this.ssl?.write(h.ssl);
    this.x509?.write(h.x509);
  }

  handshake(h: Parameters<ZeekLogWriter['handshake']>[0], cert: Parameters<ZeekLogWriter['handshake']>[1]): void {
    if (this.failed || !this.ssl || !this.x509) return;
    const l = this.writer.handshake(h, cert);
    this.ssl.write(l.ssl);
    if (l.x509) this.x509.write(l.x509);
  }

  end(): void {
    const f = this.writer.end();
    this.ssl?.write(f.ssl);
    this.x509?.write(f.x509);
  }

  flush(): void {
    this.ssl?.flush();
    this.x509?.flush();
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
    this.fds = [];
  }
}

/**
 * Collects small pieces of output into large writes. A stream sink that reports a full buffer (write() false: a
 * pipe whose reader is behind) makes whenWritable() return a promise, settled on 'drain' or when reading stops.
 * Pieces are text, or UTF-8 already (a scan runner's output, see scan-pool.ts), which is not decoded again: a
 * write with any of those is one buffer of all, and a large one is written by itself, not copied.
 */
class BatchedWriter {
  private parts: Array<string | Uint8Array> = [];
  private bytes = false;
  private size = 0;
  private drained?: Promise<void>;
  private stopped?: Promise<void>;
  constructor(
    private readonly sink: { write(s: string | Uint8Array): unknown; once?(event: 'drain', f: () => void): unknown },
    private readonly beforeWrite?: () => void,
  ) {}

  whenWritable(signal: AbortSignal): Promise<void> | undefined {
    if (!this.drained || signal.aborted) return undefined;
    this.stopped ??= new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    return Promise.race([this.drained, this.stopped]);
  }

  write(s: string | Uint8Array): void {
    if (typeof s !== 'string' && s.length >= 1 << 16) {
      // Bytes that are nobody else's (a scan runner's batch): written as they are, not copied into a larger piece.
      this.flush();
      this.beforeWrite?.();
      this.send(s);
      return;
    }
    this.parts.push(s);
    if (typeof s !== 'string') this.bytes = true;
    this.size += s.length;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.beforeWrite?.();
    const all = this.bytes ? Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))) : (this.parts as string[]).join('');
    this.parts = [];
    this.bytes = false;
    this.size = 0;
    this.send(all);
  }

  private send(all: string | Uint8Array): void {
    const accepted = this.sink.write(all);
    // Listened for from the moment the buffer is full, so a drain before the next look is not missed.
    if (accepted === false && !this.drained && this.sink.once) {
      this.drained = new Promise((resolve) => {
        this.sink.once!('drain', () => {
          this.drained = undefined;
          resolve();
        });
      });
    }
  }
}
