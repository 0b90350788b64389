/** `certshark export`: certificates and chains of the selected handshakes as PEM or DER files. */
import { toScanResult } from '../session.js';
import { planExport, writeExport, escapeTerminal } from '../report/index.js';
import type { Handshake } from '../model.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { handshakeSelector } from './options.js';
import { reportUnreadable, scanWith } from './scan-command.js';

export async function cmdExport(files: string[], values: Values, io: Io): Promise<number> {
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
