/** `certshark CAPTURE` on a terminal: the interactive view (the text report otherwise). */
import { openSync } from 'node:fs';
import { ReadStream as TtyReadStream } from 'node:tty';
import { scanCaptures, toScanResult } from '../session.js';
import { buildTrust } from './trust-wiring.js';
import { loadKeys } from './keys.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { trustOptions } from './options.js';
import { cmdScan } from './scan-command.js';

function openTty(): NodeJS.ReadStream | undefined {
  try {
    return new TtyReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
  } catch {
    return undefined;
  }
}

export async function cmdView(files: string[], values: Values, io: Io): Promise<number> {
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
