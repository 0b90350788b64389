/** `certshark scan`: the report, written while the capture is read. */
import { scanCaptures, VERSION, type SessionOptions, type SessionResult } from '../session.js';
import {
  JsonStreamWriter, worstSeverity, SEVERITY_RANK, escapeTerminal,
  renderHandshakeText, renderCapturesText, renderTallyText, newTally, tallyHandshake,
} from '../report/index.js';
import { buildTrust } from './trust-wiring.js';
import { loadKeys } from './keys.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { color, failLevel, handshakeSelector, trustOptions } from './options.js';

export async function scanWith(
  files: string[],
  values: Values,
  io: Io,
  extra: Pick<SessionOptions, 'listener' | 'onHandshake' | 'retain'> = {},
): Promise<SessionResult> {
  if (files.length === 0) throw new UsageError('no capture given');
  if (files.filter((f) => f === '-').length > 1) throw new UsageError("standard input ('-') can be read only once");
  const trust = await buildTrust(trustOptions(values));
  const keys = await loadKeys(values.keylog ?? io.env.SSLKEYLOGFILE, values.keylog !== undefined);
  const result = await scanCaptures(files, { judge: trust.judge, keys, ...extra });
  for (const v of trust.storeNotes) result.captures.forEach((c) => c.notes.includes(v) || c.notes.push(v));
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
 * The report is written while the capture is read, a handshake at a time, and handshakes are not kept: memory
 * stays flat whatever the number of handshakes, and `tcpdump -w - | certshark scan -` shows them as they happen.
 */
export async function cmdScan(files: string[], values: Values, io: Io): Promise<number> {
  const level = failLevel(values);
  const select = handshakeSelector(values);
  const text = { color: color(values, io), verbose: values.verbose };
  const json = values.json ? new JsonStreamWriter(VERSION) : undefined;
  const out = new BatchedWriter(io.stdout);
  const used = new Set<string>();
  const tally = newTally();
  let failed = false;
  if (json) out.write(json.begin());
  const r = await scanWith(files, values, io, {
    retain: false,
    onHandshake: (h, cert) => {
      if (select && !select(h, { get: cert })) return;
      for (const s of h.serverChain) used.add(s);
      for (const s of h.clientChain) used.add(s);
      tallyHandshake(tally, h);
      if (level && SEVERITY_RANK[worstSeverity(h)] >= SEVERITY_RANK[level]) failed = true;
      out.write(json ? json.handshake(h) : renderHandshakeText(h, cert, text));
    },
  });
  const bad = reportUnreadable(r, io);
  // Findings across a capture (the same server with different certificates) count for --fail-on like verdicts.
  if (level && r.captures.some((c) => c.findings?.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]))) failed = true;
  const certificates = r.certificates.filter((c) => used.has(c.sha256));
  tally.certificates = certificates.length;
  out.write(json ? json.end(certificates, r.captures) : renderCapturesText(r.captures, text) + renderTallyText(tally));
  out.flush();
  return bad ? 2 : failed ? 3 : 0;
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
