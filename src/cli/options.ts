/** Option values turned into what the commands use: trust options, failure level, colour, handshake selection. */
import { compileFilter, filterErrorCaret, formatFilterError, type CertLookup } from '../report/index.js';
import type { Handshake, Severity } from '../model.js';
import { expresswayRules, type ExpresswayRules } from '../trust/index.js';
import type { TrustOptions } from './trust-wiring.js';
import type { Io, Values } from './args.js';
import { UsageError } from './usage-error.js';
import { availableParallelism } from 'node:os';

export function color(values: Values, io: Io): boolean {
  return !values['no-color'] && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && !!io.stdout.isTTY;
}

export function trustOptions(values: Values): TrustOptions {
  const expresswayGiven = values['expressway-version'] !== undefined || !!values['server-eku-upload'];
  // An Expressway release names the profile; a different profile alongside it is a contradiction.
  const profile = values.profile ?? (expresswayGiven ? 'expressway' : 'web');
  if (profile !== 'web' && profile !== 'anyconnect' && profile !== 'expressway')
    throw new UsageError(`unknown profile '${profile}': use web, anyconnect or expressway`);
  if (expresswayGiven && profile !== 'expressway')
    throw new UsageError(`--${values['expressway-version'] !== undefined ? 'expressway-version' : 'server-eku-upload'} is for --profile expressway, not ${profile}`);
  let expressway: ExpresswayRules | undefined;
  if (profile === 'expressway') {
    const r = expresswayRules(values['expressway-version'], !!values['server-eku-upload']);
    if (typeof r === 'string') throw new UsageError(r);
    expressway = r;
  }
  if (values['public-roots'] !== undefined && values['no-public-roots'])
    throw new UsageError('--public-roots FILE replaces the bundled public roots and --no-public-roots drops them: give one of the two');
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
    publicRootFiles: values['public-roots'] !== undefined ? [values['public-roots']] : undefined,
    profile,
    expressway,
    at,
    host: values.host,
    role,
  };
}

/** `--jobs N`: threads for several capture files; by default one per core. */
export function jobs(values: Values): number {
  const j = values.jobs;
  if (j === undefined) return availableParallelism();
  if (!/^\d+$/.test(j) || Number(j) < 1) throw new UsageError(`--jobs wants a whole number of at least 1, not '${j}'`);
  return Number(j);
}

export function failLevel(values: Values): Severity | undefined {
  const f = values['fail-on'];
  if (f === undefined) return undefined;
  if (f !== 'error' && f !== 'warning') throw new UsageError(`--fail-on is error or warning, not '${f}'`);
  return f;
}

export type Selector = (h: Handshake, certs: CertLookup) => boolean;

export function handshakeSelector(values: Values): Selector | undefined {
  const preds: Selector[] = [];
  const text = displayFilter(values);
  if (text !== undefined) {
    const f = compileFilter(text);
    if (f.error) {
      const [line, caret] = filterErrorCaret(text, f);
      throw new UsageError(`${values.filter !== undefined ? '--filter' : '-Y'}: ${formatFilterError(f)}`, `  ${line}\n  ${caret}\n(certshark help filter lists the fields)`);
    }
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

/** The display filter: --filter or tshark's -Y (one grammar, src/report/filter.ts). */
export function displayFilter(values: Values): string | undefined {
  if (values.filter !== undefined && values['display-filter'] !== undefined)
    throw new UsageError('give the display filter once: --filter or -Y (join expressions with and)');
  return values.filter ?? values['display-filter'];
}

export type OutputFormat = 'text' | 'json' | 'ndjson' | 'ecs' | 'zeek';
const FORMATS: readonly OutputFormat[] = ['text', 'json', 'ndjson', 'ecs', 'zeek'];

/** `scan --format` and the options that belong to one format only. */
export function outputFormat(values: Values): OutputFormat {
  const given = values.format;
  if (given !== undefined && !FORMATS.includes(given as OutputFormat))
    throw new UsageError(`--format is text, json, ndjson, ecs or zeek, not '${given}'`);
  if (values.json && given !== undefined && given !== 'json') throw new UsageError(`--json is --format json: give --format ${given} alone`);
  const f = (given ?? (values.json ? 'json' : 'text')) as OutputFormat;
  if (f === 'zeek' && values['log-dir'] === undefined)
    throw new UsageError('--format zeek writes ssl.log and x509.log into a folder: give it with --log-dir DIR');
  if (f !== 'zeek' && values['log-dir'] !== undefined) throw new UsageError('--log-dir is for --format zeek');
  if (f !== 'zeek' && values.overwrite) throw new UsageError('--overwrite is for --format zeek --log-dir DIR');
  if (f !== 'ndjson' && values.pem) throw new UsageError('--pem is for --format ndjson (--format ecs always carries the chains)');
  return f;
}
