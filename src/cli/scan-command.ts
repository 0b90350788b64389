/** `certshark scan`: the report, written while the capture is read. */
import { scanCaptures, VERSION, type SessionOptions, type SessionResult } from '../session.js';
import {
  JsonStreamWriter, worstSeverity, SEVERITY_RANK, escapeTerminal,
  renderHandshakeText, renderCapturesText, renderTallyText, newTally, tallyHandshake,
} from '../report/index.js';
import { buildTrust } from './trust-wiring.js';
import { loadKeys } from './keys.js';
import type { Io, Values } from './args.js';
import { color, failLevel, handshakeSelector, trustOptions } from './options.js';
import { liveFailure, openInputs, type Inputs } from './inputs.js';

export type ScanExtra = Pick<SessionOptions, 'listener' | 'onHandshake' | 'retain' | 'onTick' | 'onOpen'>;

/**
 * Runs the pipeline over the inputs with the trust and key options of the command line. Problems of the inputs
 * (unreadable, a capture child refused the interface) end up as the capture summaries' `error`; key-log and trust
 * store remarks as their notes.
 */
export async function scanInputs(inputs: Inputs, values: Values, io: Io, extra: ScanExtra = {}): Promise<SessionResult> {
  const trust = await buildTrust(trustOptions(values));
  const keys = await loadKeys(values.keylog ?? io.env.SSLKEYLOGFILE, values.keylog !== undefined);
  let result: SessionResult;
  try {
    result = await scanCaptures(inputs.sources, {
      judge: trust.judge,
      keys: keys?.provider,
      signal: inputs.stop.signal,
      maxPackets: inputs.maxPackets,
      copyTo: inputs.copy?.fd,
      ...extra,
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
  }
  const notes = [...trust.storeNotes, ...(keys ? [keys.summary()] : [])];
  for (const v of notes) result.captures.forEach((c) => c.notes.includes(v) || c.notes.push(v));
  if (keys?.uselessAndExplicit() && result.captures.some((c) => !c.error)) io.stderr.write(`certshark: ${escapeTerminal(keys.summary())}\n`);
  if (inputs.copy && result.captures[0] && !result.captures[0].error) result.captures[0].notes.push(`raw capture kept in ${inputs.copy.path} (-w)`);
  return result;
}

/** One line per unreadable capture on stderr; true when any capture was unreadable. */
export function reportUnreadable(r: SessionResult, io: Io): boolean {
  let bad = false;
  for (const c of r.captures) {
    if (c.error) {
      bad = true;
      // Reader messages usually start with the file name already.
      const msg = c.error.startsWith(c.file) ? c.error : `${c.file}: ${c.error}`;
      io.stderr.write(`certshark: ${escapeTerminal(msg)}\n`);
    }
  }
  return bad;
}

/**
 * Ctrl-C (and the hang-up of an SSH session) stops reading; the report of what was read is then completed, so a
 * JSON document stays whole. A second Ctrl-C ends at once.
 */
export function stopOnSignals(inputs: Inputs): { install: () => void; interrupted: () => boolean; dispose: () => void } {
  let hit = false;
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
        inputs.stop.abort(sig === 'SIGINT' ? 'interrupted (Ctrl-C)' : `ended by ${sig}`);
      };
      process.on(sig, h);
      handlers.push([sig, h]);
    }
  };
  return {
    install,
    interrupted: () => hit,
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
  const text = { color: color(values, io), verbose: values.verbose };
  const inputs = openInputs(files, values, { many: true });
  const signals = stopOnSignals(inputs);
  const json = values.json ? new JsonStreamWriter(VERSION) : undefined;
  const out = new BatchedWriter(io.stdout);
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
  };
  let r: SessionResult;
  try {
    r = await scanInputs(inputs, values, io, {
      retain: false,
      onOpen: () => signals.install(),
      onTick: () => out.flush(),
      onHandshake: (h, cert) => {
        if (select && !select(h, { get: cert })) return;
        begin();
        for (const s of h.serverChain) used.add(s);
        for (const s of h.clientChain) used.add(s);
        tallyHandshake(tally, h);
        if (level && SEVERITY_RANK[worstSeverity(h)] >= SEVERITY_RANK[level]) failed = true;
        out.write(json ? json.handshake(h) : renderHandshakeText(h, cert, text));
      },
    });
  } finally {
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
    out.write(json ? json.end(certificates, r.captures) : renderCapturesText(r.captures, text) + renderTallyText(tally));
  }
  out.flush();
  return bad ? 2 : signals.interrupted() ? 130 : failed ? 3 : 0;
}

/** Collects small pieces of output into large writes. */
class BatchedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: NodeJS.WritableStream) {}
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.sink.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
