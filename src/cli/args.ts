/** The command line's options and their parsing: the only reader of the option syntax. */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

export const OPTIONS = {
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
  'ca-list': { type: 'string' },
  capture: { type: 'string', multiple: true },
  'auth-pattern': { type: 'string' },
  'username-format': { type: 'string' },
  'fail-on': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export type Values = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
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

export const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });
