/** The command line's options and their parsing: the only reader of the option syntax. */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

export const OPTIONS = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  'log-dir': { type: 'string' },
  overwrite: { type: 'boolean' },
  pem: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  der: { type: 'boolean' },
  chains: { type: 'boolean' },
  sni: { type: 'string' },
  handshake: { type: 'string', multiple: true },
  filter: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'system-ca': { type: 'boolean' },
  'no-public-roots': { type: 'boolean' },
  'public-roots': { type: 'string' },
  'expressway-version': { type: 'string' },
  'server-eku-upload': { type: 'boolean' },
  keylog: { type: 'string' },
  profile: { type: 'string' },
  at: { type: 'string' },
  host: { type: 'string' },
  role: { type: 'string' },
  'ca-list': { type: 'string' },
  capture: { type: 'string', multiple: true },
  'auth-pattern': { type: 'string' },
  'username-format': { type: 'string' },
  'fail-on': { type: 'string' },
  jobs: { type: 'string', short: 'j' },
  'no-progress': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  // compare
  window: { type: 'string' },
  swap: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  // Live capture and tshark's spellings (DESIGN.md CLI contract).
  interface: { type: 'string', short: 'i' },
  'capture-filter': { type: 'string', short: 'f' },
  'list-interfaces': { type: 'boolean', short: 'D' },
  write: { type: 'string', short: 'w' },
  count: { type: 'string', short: 'c' },
  autostop: { type: 'string', short: 'a' },
  read: { type: 'string', short: 'r' },
  'display-filter': { type: 'string', short: 'Y' },
} as const;

export type Values = ReturnType<typeof parse>['values'];

/** The option as typed, for messages: `--name` or `-n`. */
function optionName(o: string): string {
  return o.startsWith('-') ? o : o.length === 1 ? `-${o}` : `--${o}`;
}

/**
 * Node's parser words its errors for programmers ("Unknown option '-x'. To specify a positional argument starting
 * with a '-', place it at the end of the command after '--', as in '-- \"-x\"."); the user gets one line naming the
 * option and where to look.
 */
function usageMessage(e: NodeJS.ErrnoException & { message: string }, argv: string[]): UsageError {
  const m = e.message;
  const line = (text: string) => new UsageError(`${text} (see certshark --help)`);
  const quoted = /'([^']+)'/.exec(m)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return line(`unknown option ${quoted ?? ''}`.trim());
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const opt = /Option '([^']+)'/.exec(m)?.[1] ?? quoted ?? '';
      // Named as the user typed it (-r or --read).
      const forms = opt.split(/[ ,]+/).filter((x) => x.startsWith('-'));
      const name = forms.find((f) => argv.some((a) => a === f || a.startsWith(`${f}=`))) ?? forms.pop() ?? optionName(opt);
      if (/argument missing/.test(m)) return line(`${name} needs a value`);
      return line(`${name} takes no value`);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return line(`unexpected argument ${quoted ?? ''}`.trim());
    default:
      return line(m.split(/\. /)[0]!.replace(/\s+/g, ' '));
  }
}

export function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageMessage(e as NodeJS.ErrnoException & { message: string }, argv);
  }
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });
