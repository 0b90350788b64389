/**
 * `certshark check --ca-list FILE|DIR [--capture CAPTURE]...`: lint a trusted CA list as uploaded to a device and,
 * given captures, say which entries the captured chains need and which CAs are missing (src/trust/ca-list.ts).
 */
import { scanCaptures, VERSION } from '../session.js';
import { CaListNeeds, lintCaList, type Role } from '../trust/index.js';
import { CertificateFileError, loadCertificates } from '../x509/index.js';
import { renderCaListText } from '../report/index.js';
import type { Verdict } from '../model.js';
import type { Io } from './args.js';
import { loadKeys } from './keys.js';
import type { TrustOptions } from './trust-wiring.js';
import { UsageError } from './usage-error.js';
import { reportUnreadable } from './scan-command.js';

export interface CaListOutput {
  text: string;
  verdicts: Verdict[];
  /** true when a capture could not be read (exit 2 after the report). */
  unreadable: boolean;
}

export async function runCaList(
  listPath: string,
  captures: string[],
  o: TrustOptions,
  out: { color: boolean; json: boolean; keylog?: string; keylogExplicit: boolean },
  io: Io,
): Promise<CaListOutput> {
  let loaded;
  try {
    loaded = loadCertificates(listPath);
  } catch (e) {
    if (e instanceof CertificateFileError) throw new UsageError(`--ca-list: ${e.message}`);
    throw e;
  }
  const at = o.at instanceof Date ? o.at : new Date();
  const lint = lintCaList(loaded.certs, at.getTime(), o.profile);
  const list = { file: listPath, at: at.toISOString(), profile: o.profile, entries: lint.entries, verdicts: lint.verdicts, notes: loaded.notes };
  let needs;
  let unreadable = false;
  let summaries;
  if (captures.length) {
    if (captures.filter((f) => f === '-').length > 1) throw new UsageError("standard input ('-') can be read only once");
    const roles: Role[] = o.role ? [o.role] : ['server', 'client'];
    const usage = new CaListNeeds(lint, o.profile, roles);
    const keys = (await loadKeys(out.keylog, out.keylogExplicit))?.provider;
    // The session's trust hook sees every finished handshake with the parsed certificates: here it records what
    // the chains need from the list instead of judging them.
    const r = await scanCaptures(captures, { keys, retain: false, judge: (h, certs) => { usage.add(h, certs); return []; } });
    if (reportUnreadable(r, io)) unreadable = true;
    summaries = r.captures.map(({ findings: _f, ...c }) => c);
    needs = { ...usage.result(), captures };
  }
  const verdicts = [...lint.verdicts, ...(needs?.verdicts ?? [])];
  const text = out.json
    ? JSON.stringify({ certshark: VERSION, caList: list, ...(needs ? { captures: summaries, needs: { ...needs, captures: undefined } } : {}) }, null, 2) + '\n'
    : renderCaListText(list, needs, { color: out.color });
  return { text, verdicts, unreadable };
}
