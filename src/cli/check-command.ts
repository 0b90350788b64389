/** `certshark check`: certificate files judged without a capture. */
import { SEVERITY_RANK } from '../report/index.js';
import { runCheck } from './trust-wiring.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { color, failLevel, trustOptions } from './options.js';

export async function cmdCheck(files: string[], values: Values, io: Io): Promise<number> {
  if (files.length === 0) throw new UsageError('check needs certificate files', 'usage: certshark check CERT_FILE... [--host NAME] [--role server|client]');
  const level = failLevel(values);
  const out = await runCheck(files, trustOptions(values), { color: color(values, io), json: !!values.json, verbose: !!values.verbose });
  io.stdout.write(out.text);
  if (level && out.verdicts.some((v) => SEVERITY_RANK[v.severity] >= SEVERITY_RANK[level])) return 3;
  return 0;
}
