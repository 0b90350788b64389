import type { CertificateInfo, Handshake, Verdict } from '../model.js';
import {
  TrustStore, judgeHandshakeWithPaths, judgeChain, leafFirst, type ExpresswayRules, type HandshakeJudgement, type TrustContext, type Profile,
} from '../trust/index.js';
import { CertificateFileError, loadCertificates, parseCertificate, type ParsedCertificate } from '../x509/index.js';
import { BADGE, escapeTerminal as esc, paint } from '../report/index.js';
import { VERSION } from '../session.js';
import { UsageError } from './usage-error.js';

export interface TrustOptions {
  ca: string[];
  systemCa: boolean;
  publicRoots: boolean;
  /** `--public-roots FILE`: the public root store instead of Node's bundled list. */
  publicRootFiles?: string[];
  profile: Profile;
  /** `--expressway-version` / `--server-eku-upload`, parsed; X15.5 rules when absent. */
  expressway?: ExpresswayRules;
  at: 'capture' | 'now' | Date;
  host?: string;
  role?: 'server' | 'client';
}

export interface Trust {
  /** Verdicts and the path each chain was judged on (the interactive view shows the chain as built). */
  judge: (h: Handshake, certs: Map<string, ParsedCertificate>) => HandshakeJudgement;
  /** Remarks about the trust store itself (unreadable entries, duplicate subjects) as one-line notes. */
  storeNotes: string[];
  storeVerdicts: Verdict[];
  ctx: TrustContext;
}

export async function buildTrust(o: TrustOptions): Promise<Trust> {
  for (const f of o.publicRootFiles ?? []) {
    // Checked on its own so that the message names the option; an empty public store would silently trust nothing.
    let n: number;
    try {
      n = loadCertificates(f).certs.length;
    } catch (e) {
      if (e instanceof CertificateFileError) throw new UsageError(`--public-roots: ${e.message}`);
      throw e;
    }
    if (n === 0) throw new UsageError(`--public-roots: ${f}: no certificate found (expected a PEM bundle, DER or PKCS#7)`);
  }
  let store: TrustStore;
  try {
    store = TrustStore.create({ publicRoots: o.publicRoots, publicRootFiles: o.publicRootFiles, systemCa: o.systemCa, caFiles: o.ca });
  } catch (e) {
    if (e instanceof CertificateFileError) throw new UsageError(`--ca: ${e.message}`);
    throw e;
  }
  const ctx: TrustContext = { store, at: o.at, profile: o.profile, host: o.host, expressway: o.expressway };
  const storeVerdicts = store.verdicts();
  const storeNotes = [...store.notes.map((n) => `trust store: ${n}`), ...storeVerdicts.map((v) => `trust store: ${v.message}`)];
  return { judge: (h, certs) => judgeHandshakeWithPaths(h, certs, ctx), storeNotes, storeVerdicts, ctx };
}

export interface CheckOutput {
  text: string;
  verdicts: Verdict[];
}

/** `certshark check`: each file is a presented chain (its first certificate, or the one no other issued, first). */
export async function runCheck(
  files: string[],
  o: TrustOptions,
  out: { color: boolean; json: boolean; verbose: boolean },
): Promise<CheckOutput> {
  const trust = await buildTrust({ ...o, at: o.at === 'capture' ? 'now' : o.at });
  const results: { file: string; certificates: CertificateInfo[]; verdicts: Verdict[]; notes: string[] }[] = [];
  for (const file of files) {
    let loaded;
    try {
      loaded = loadCertificates(file);
    } catch (e) {
      if (e instanceof CertificateFileError) throw new UsageError(e.message);
      throw e;
    }
    if (loaded.certs.length === 0) throw new UsageError(`${file}: no certificate found (expected PEM, DER or PKCS#7)`);
    const chain = leafFirst(loaded.certs.map((d) => parseCertificate(d)));
    const verdicts = judgeChain(chain, o.role ?? 'server', trust.ctx);
    results.push({ file, certificates: chain.map((c) => c.info), verdicts, notes: loaded.notes });
  }
  const all = [...trust.storeVerdicts, ...results.flatMap((r) => r.verdicts)];
  if (out.json) {
    return { text: JSON.stringify({ certshark: VERSION, trustStore: trust.storeVerdicts, files: results }, null, 2) + '\n', verdicts: all };
  }
  const lines: string[] = [];
  for (const v of trust.storeVerdicts) lines.push(`${paint(out, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
  for (const r of results) {
    lines.push(`${esc(r.file)}: ${r.certificates.length} certificate(s), judged as a ${o.role ?? 'server'} certificate` +
      (o.host ? ` for ${esc(o.host)}` : ''));
    r.certificates.forEach((c, i) =>
      lines.push(`  [${i}] ${esc(c.subject)}  ← ${esc(c.issuer)}  ${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}  sha256 ${c.sha256.slice(0, 16)}…`));
    for (const n of r.notes) lines.push(`  note: ${esc(n)}`);
    for (const v of r.verdicts) {
      if (!out.verbose && v.severity === 'info') continue;
      lines.push(`  ${paint(out, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
      if (v.fix && v.severity !== 'ok') lines.push(`      fix: ${esc(v.fix)}`);
    }
    lines.push('');
  }
  return { text: lines.join('\n') + '\n', verdicts: all };
}
