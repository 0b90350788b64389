/** `certshark check`: certificate files judged without a capture, and trusted CA lists linted. */
import { SEVERITY_RANK } from '../report/index.js';
import type { Verdict } from '../model.js';
import { runCheck } from './trust-wiring.js';
import { runCaList } from './ca-list-check.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { color, failLevel, trustOptions } from './options.js';

const USAGE = 'usage: certshark check CERT_FILE... [--host NAME] [--role server|client] [--auth-pattern REGEX [--username-format FORMAT]]\n' +
  '       certshark check --ca-list FILE|DIR [--capture CAPTURE]... [CERT_FILE...]';

export async function cmdCheck(files: string[], values: Values, io: Io): Promise<number> {
  const list = values['ca-list'];
  const captures = values.capture ?? [];
  if (files.length === 0 && list === undefined) throw new UsageError('check needs certificate files or --ca-list', USAGE);
  if (captures.length && list === undefined) throw new UsageError('--capture goes with --ca-list (the captures whose chains the list must trust)', USAGE);
  if (values['auth-pattern'] === undefined && values['username-format'] !== undefined) throw new UsageError('--username-format goes with --auth-pattern', USAGE);
  if (values['auth-pattern'] !== undefined && files.length === 0) throw new UsageError('--auth-pattern tests a certificate file: give one', USAGE);
  const level = failLevel(values);
  const opts = trustOptions(values);
  const verdicts: Verdict[] = [];
  const texts: string[] = [];
  let unreadable = false;
  if (list !== undefined) {
    const r = await runCaList(list, captures, opts, {
      color: color(values, io), json: !!values.json, keylog: values.keylog ?? io.env.SSLKEYLOGFILE, keylogExplicit: values.keylog !== undefined,
    }, io);
    texts.push(r.text);
    verdicts.push(...r.verdicts);
    unreadable = r.unreadable;
  }
  if (files.length) {
    // Certificate files next to a CA list are judged against that list (as the device holding it would).
    const out = await runCheck(files, list !== undefined ? { ...opts, ca: [list, ...opts.ca] } : opts, {
      color: color(values, io), json: !!values.json, verbose: !!values.verbose,
      authPattern: values['auth-pattern'], usernameFormat: values['username-format'],
    });
    texts.push(out.text);
    verdicts.push(...out.verdicts);
  }
  // --json prints one document: the list's and the files' parts side by side.
  io.stdout.write(values.json && texts.length > 1
    ? JSON.stringify(Object.assign({}, ...texts.map((t) => JSON.parse(t) as object)), null, 2) + '\n'
    : texts.join('\n'));
  if (unreadable) return 2;
  if (level && verdicts.some((v) => SEVERITY_RANK[v.severity] >= SEVERITY_RANK[level])) return 3;
  return 0;
}
