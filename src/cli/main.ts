/**
 * The command line: the only place that reads process.argv, writes stdout/stderr and chooses exit codes
 * (0 ran, 2 bad usage or unreadable input, 3 `--fail-on` hit). See DESIGN.md "CLI contract".
 */
import { parseArgs } from 'node:util';
import { scanCaptures, toScanResult, VERSION, type SessionOptions, type SessionResult } from '../session.js';
import {
  JsonStreamWriter, planExport, writeExport, compileFilter, worstSeverity, SEVERITY_RANK, escapeTerminal, type CertLookup,
  renderHandshakeText, renderCapturesText, renderTallyText, newTally, tallyHandshake,
} from '../report/index.js';
import type { Handshake, ScanListener, Severity } from '../model.js';
import { buildTrust, runCheck, type TrustOptions } from './trust-wiring.js';
import { loadKeys } from './keys.js';
import { UsageError } from './usage-error.js';
import { openSync } from 'node:fs';
import { ReadStream as TtyReadStream } from 'node:tty';

function openTty(): NodeJS.ReadStream | undefined {
  try {
    return new TtyReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
  } catch {
    return undefined;
  }
}

const HELP = `certshark ${VERSION}: TLS certificates out of packet captures, and why a peer would or would not trust them

usage:
  certshark [CAPTURE|-] [options]            interactive view on a terminal, else the text report
  certshark scan CAPTURE... [--json]         report every handshake, chain and verdict
  certshark export CAPTURE --out DIR [--der] [--chains] [--sni NAME] [--handshake N] [--filter EXPR]
  certshark check CERT_FILE... [--host NAME] [--role server|client] [--json]

options:
  --ca PATH              add trusted CAs: PEM/DER file, PEM bundle, PKCS#7 (.p7b) or a folder (repeatable)
  --system-ca            add the operating system's CA store
  --no-public-roots      trust only what --ca / --system-ca give
  --keylog FILE          NSS key log (also SSLKEYLOGFILE) to decrypt TLS 1.3 certificates
  --profile NAME         web (default), anyconnect, expressway
  --at WHEN              judge validity at: capture (default), now, or an ISO date
  --host NAME            name to check the server certificate against (default: the SNI)
  --filter EXPR          only handshakes matching, e.g. "port 7001", "sni vpn", "bad", "not ok"
  --fail-on LEVEL        exit 3 when a handshake has a verdict of LEVEL (error or warning)
  --json                 one JSON document on stdout
  --verbose              list every verdict, also the ok ones
  --no-color             no colours (also NO_COLOR)
  -h, --help             this text;  -V, --version  the version

CAPTURE is a pcap or pcapng file, gzip-compressed or not, or - for standard input (tcpdump -w - | certshark -).
`;

const OPTIONS = {
  json: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  der: { type: 'boolean' },
  chains: { type: 'boolean' },
  sni: { type: 'string' },
  handshake: { type: 'string', multiple: true },
  filter: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'system-ca': { type: 'boolean' },
  'no-public-roots': { type: 'boolean' },
  keylog: { type: 'string' },
  profile: { type: 'string' },
  at: { type: 'string' },
  host: { type: 'string' },
  role: { type: 'string' },
  'fail-on': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\s+/g, ' '));
  }
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`certshark: ${escapeTerminal(e.message)}\n`);
      if (e.hint) io.stderr.write(`${e.hint}\n`);
      return 2;
    }
    throw e;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`certshark ${VERSION}\n`);
    return 0;
  }
  const cmd = positionals[0];
  switch (cmd) {
    case 'scan':
      return cmdScan(positionals.slice(1), values, io);
    case 'export':
      return cmdExport(positionals.slice(1), values, io);
    case 'check':
      return cmdCheck(positionals.slice(1), values, io);
    case 'help':
      io.stdout.write(HELP);
      return 0;
    case undefined:
      throw new UsageError('no capture given', 'usage: certshark CAPTURE | certshark scan CAPTURE... (see certshark --help)');
    default:
      return cmdView(positionals, values, io);
  }
}

function color(values: Values, io: Io): boolean {
  return !values['no-color'] && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && !!io.stdout.isTTY;
}

function trustOptions(values: Values): TrustOptions {
  const profile = values.profile ?? 'web';
  if (profile !== 'web' && profile !== 'anyconnect' && profile !== 'expressway')
    throw new UsageError(`unknown profile '${profile}': use web, anyconnect or expressway`);
  let at: TrustOptions['at'] = 'capture';
  if (values.at !== undefined && values.at !== 'capture') {
    if (values.at === 'now') at = 'now';
    else {
      const d = new Date(values.at);
      if (Number.isNaN(d.getTime())) throw new UsageError(`--at wants capture, now or an ISO date such as 2026-01-31T12:00:00Z, not '${values.at}'`);
      at = d;
    }
  }
  const role = values.role;
  if (role !== undefined && role !== 'server' && role !== 'client') throw new UsageError(`--role is server or client, not '${role}'`);
  return {
    ca: values.ca ?? [],
    systemCa: !!values['system-ca'],
    publicRoots: !values['no-public-roots'],
    profile,
    at,
    host: values.host,
    role,
  };
}

function failLevel(values: Values): Severity | undefined {
  const f = values['fail-on'];
  if (f === undefined) return undefined;
  if (f !== 'error' && f !== 'warning') throw new UsageError(`--fail-on is error or warning, not '${f}'`);
  return f;
}

type Selector = (h: Handshake, certs: CertLookup) => boolean;

function handshakeSelector(values: Values): Selector | undefined {
  const preds: Selector[] = [];
  if (values.filter !== undefined) {
    const f = compileFilter(values.filter);
    if (f.error) throw new UsageError(`--filter: ${f.error}`);
    preds.push(f.test);
  }
  if (values.sni !== undefined) {
    const want = values.sni.toLowerCase();
    preds.push((h) => (h.sni ?? '').toLowerCase() === want);
  }
  if (values.handshake !== undefined) {
    const ids = new Set<number>();
    for (const s of values.handshake.flatMap((x) => x.split(','))) {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--handshake wants a handshake number such as 3, not '${s}'`);
      ids.add(n);
    }
    preds.push((h) => ids.has(h.id));
  }
  return preds.length ? (h, certs) => preds.every((p) => p(h, certs)) : undefined;
}

async function scanWith(
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
function reportUnreadable(r: SessionResult, io: Io): boolean {
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
async function cmdScan(files: string[], values: Values, io: Io): Promise<number> {
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

async function cmdExport(files: string[], values: Values, io: Io): Promise<number> {
  if (files.length !== 1) throw new UsageError('export takes one capture', 'usage: certshark export CAPTURE --out DIR');
  if (!values.out) throw new UsageError('export needs --out DIR (the folder to write into)');
  if (values.der && values.chains) throw new UsageError('--chains writes PEM bundles; --der exports single certificates');
  const select = handshakeSelector(values);
  // Only what naming and bundling the files needs is kept of each selected handshake, so export too runs in
  // bounded memory on a capture with 100,000 handshakes.
  const kept: Handshake[] = [];
  const r = await scanWith(files, values, io, {
    retain: false,
    onHandshake: (h, cert) => {
      if (select && !select(h, { get: cert })) return;
      // planExport reads the number, the peers' names and the chains; nothing else is kept.
      const slim: Pick<Handshake, 'id' | 'sni' | 'client' | 'server' | 'serverChain' | 'clientChain'> = {
        id: h.id, sni: h.sni, client: h.client, server: h.server, serverChain: h.serverChain, clientChain: h.clientChain,
      };
      kept.push(slim as Handshake);
    },
  });
  const bad = reportUnreadable(r, io);
  const plan = planExport({ ...toScanResult(r), handshakes: kept }, { der: values.der, chains: values.chains });
  let outcome;
  try {
    outcome = await writeExport(values.out, plan);
  } catch (e) {
    throw new UsageError(`cannot write to ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const p of outcome.written) io.stdout.write(`wrote ${escapeTerminal(p)}\n`);
  for (const p of outcome.identical) io.stdout.write(`kept ${escapeTerminal(p)} (identical file already there)\n`);
  for (const n of outcome.notes) io.stderr.write(`certshark: ${escapeTerminal(n)}\n`);
  if (plan.length === 0) io.stderr.write('certshark: no certificates to export (none found, or none matched the selection)\n');
  io.stdout.write(`${outcome.written.length} file(s) written, ${outcome.identical.length} already there\n`);
  return bad ? 2 : 0;
}

async function cmdCheck(files: string[], values: Values, io: Io): Promise<number> {
  if (files.length === 0) throw new UsageError('check needs certificate files', 'usage: certshark check CERT_FILE... [--host NAME] [--role server|client]');
  const level = failLevel(values);
  const out = await runCheck(files, trustOptions(values), { color: color(values, io), json: !!values.json, verbose: !!values.verbose });
  io.stdout.write(out.text);
  if (level && out.verdicts.some((v) => SEVERITY_RANK[v.severity] >= SEVERITY_RANK[level])) return 3;
  return 0;
}

async function cmdView(files: string[], values: Values, io: Io): Promise<number> {
  if (!io.stdout.isTTY || values.json) return cmdScan(files, values, io);
  if (files.length !== 1) throw new UsageError('the interactive view opens one capture; use scan for several');
  // Keys come from the terminal. When the capture itself arrives on stdin (tcpdump -w - | certshark -), read the
  // keys from /dev/tty instead; without a terminal at all, print the report.
  let keyboard: NodeJS.ReadStream | undefined = process.stdin.isTTY ? process.stdin : undefined;
  if (files[0] === '-' || !keyboard) keyboard = openTty();
  if (!keyboard) return cmdScan(files, values, io);
  const trustOpts = trustOptions(values);
  // The TUI is loaded lazily, only for a terminal (DESIGN.md style 9).
  const { runTui } = await import('../tui/index.js');
  return runTui({
    title: files[0]!,
    exportDir: values.out,
    stdin: keyboard,
    start: async (listener) => {
      const trust = await buildTrust(trustOpts);
      const keys = await loadKeys(values.keylog ?? io.env.SSLKEYLOGFILE, values.keylog !== undefined);
      const r = await scanCaptures(files, { judge: trust.judge, keys, listener });
      const errors = r.captures.filter((c) => c.error).map((c) => `${c.file}: ${c.error}`);
      if (errors.length) listener.onError?.(errors.join('; '));
      return toScanResult(r);
    },
  });
}
