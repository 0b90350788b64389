/** `certshark export`: certificates and chains of the selected handshakes as PEM or DER files. */
import { toScanResult } from '../session.js';
import { planExport, writeExport, escapeTerminal } from '../report/index.js';
import type { Handshake } from '../model.js';
import { UsageError } from './usage-error.js';
import type { Io, Values } from './args.js';
import { handshakeSelector, jobs } from './options.js';
import { reportUnreadable, scanInputs } from './scan-command.js';
import { openInputs } from './inputs.js';
import { meterFor, type MeterStream } from './progress-meter.js';
import { describeOsError } from '../os-error.js';

export async function cmdExport(files: string[], values: Values, io: Io): Promise<number> {
  if (!values.out) throw new UsageError('export needs --out DIR (the folder to write into)');
  if (values.der && values.chains) throw new UsageError('--chains writes PEM bundles; --der exports single certificates');
  const select = handshakeSelector(values);
  const threads = jobs(values);
  const inputs = openInputs(files, values, { many: true });
  // Only what naming and bundling the files needs is kept of each selected handshake, so export too runs in
  // bounded memory on a capture with 100,000 handshakes.
  const kept: Handshake[] = [];
  let seen = 0;
  let encrypted = 0;
  const meter = meterFor(inputs.sources, io.stderr as MeterStream, !!(values['no-progress'] || values.quiet));
  let r: Awaited<ReturnType<typeof scanInputs>>;
  try {
    r = await scanInputs(inputs, values, io, {
      jobs: threads,
      listener: meter ? { onProgress: (p) => meter.progress(p) } : undefined,
      retain: false,
      onHandshake: (h, cert) => {
        seen++;
        if (select && !select(h, { get: cert })) return;
        if (h.encrypted && h.serverChain.length === 0 && h.clientChain.length === 0) encrypted++;
        // planExport reads the number, the peers' names and the chains; nothing else is kept.
        const slim: Pick<Handshake, 'id' | 'sni' | 'client' | 'server' | 'serverChain' | 'clientChain'> = {
          id: h.id, sni: h.sni, client: h.client, server: h.server, serverChain: h.serverChain, clientChain: h.clientChain,
        };
        kept.push(slim as Handshake);
      },
    });
  } finally {
    meter?.stop();
  }
  if (reportUnreadable(r, io)) return 2;
  const plan = planExport({ ...toScanResult(r), handshakes: kept }, { der: values.der, chains: values.chains });
  if (plan.length === 0) {
    // Nothing is created: an empty folder would only suggest something was exported.
    const why =
      seen === 0
        ? `${inputs.sources.length > 1 ? 'the captures hold' : 'the capture holds'} no TLS handshake`
        : kept.length === 0
          ? `none of its ${seen} handshake(s) matched the selection`
          : encrypted === kept.length
            ? `the certificates of the ${kept.length} selected handshake(s) travelled encrypted (TLS 1.3): give the key log with --keylog`
            : `the ${kept.length} selected handshake(s) carried no certificate`;
    io.stderr.write(`certshark: nothing to export: ${why}\n`);
    return 2;
  }
  let outcome;
  try {
    outcome = await writeExport(values.out, plan);
  } catch (e) {
    throw new UsageError(`cannot write to ${values.out}: ${describeOsError(e)}`);
  }
  for (const p of outcome.written) io.stdout.write(`wrote ${escapeTerminal(p)}\n`);
  for (const p of outcome.identical) io.stdout.write(`kept ${escapeTerminal(p)} (identical file already there)\n`);
  for (const n of outcome.notes) io.stderr.write(`certshark: ${escapeTerminal(n)}\n`);
  io.stdout.write(`${outcome.written.length} file(s) written, ${outcome.identical.length} already there\n`);
  return 0;
}
