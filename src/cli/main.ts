/**
 * The command line: the only place that reads process.argv, writes stdout/stderr and chooses exit codes
 * (0 ran, 2 bad usage or unreadable input, 3 `--fail-on` hit). See DESIGN.md "CLI contract". This file dispatches;
 * the options are parsed in args.ts and each command lives in its own module.
 */
import { VERSION } from '../session.js';
import { escapeTerminal } from '../report/index.js';
import { UsageError } from './usage-error.js';
import { defaultIo, parse, type Io } from './args.js';
import { helpFor } from './help.js';
import { cmdScan } from './scan-command.js';
import { cmdExport } from './export-command.js';
import { cmdCheck } from './check-command.js';
import { cmdView } from './view-command.js';
import { cmdCompare } from './compare-command.js';
import { listInterfaces } from './live.js';

export type { Io } from './args.js';

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
    io.stdout.write(helpFor(positionals[0]));
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
    case 'compare':
      return cmdCompare(positionals.slice(1), values, io);
    case 'help':
      io.stdout.write(helpFor(positionals[1]));
      return 0;
    case undefined:
      if (values['list-interfaces']) return listInterfaces(io);
      if (values.interface === undefined && values.read === undefined)
        throw new UsageError('no capture given', 'usage: certshark CAPTURE | certshark -i IFACE | certshark scan CAPTURE... (see certshark --help)');
      return cmdView([], values, io);
    default:
      return cmdView(positionals, values, io);
  }
}
