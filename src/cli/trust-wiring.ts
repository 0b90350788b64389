import type { CertificateInfo, Handshake, Verdict } from '../model.js';
import {
  EvidenceMemo, TrustStore, judgeHandshakeWithPaths, judgeChain, leafFirst, compileAuthPattern, testAuthPattern, PatternError,
  type AuthPatternResult, type ExpresswayRules, type HandshakeJudgement, type TrustContext, type Profile,
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
  /** `check`: certificate files, no capture (the words of the verdicts say so). */
  offline?: boolean;
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
  const ctx: TrustContext = { store, at: o.at, profile: o.profile, host: o.host, expressway: o.expressway, offline: o.offline, evidence: new EvidenceMemo() };
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
  out: { color: boolean; json: boolean; verbose: boolean; authPattern?: string; usernameFormat?: string },
): Promise<CheckOutput> {
  // The pattern is compiled before anything is read: a bad one is bad usage (exit 2), whatever the files hold.
  let compiled;
  if (out.authPattern !== undefined) {
    try {
      compiled = compileAuthPattern(out.authPattern);
    } catch (e) {
      if (e instanceof PatternError) throw new UsageError(`--auth-pattern: ${e.message}`);
      throw e;
    }
  }
  // The Expressway's Client certificate testing page tests client certificates: that is the default role then.
  const role = o.role ?? (compiled ? 'client' : 'server');
  const trust = await buildTrust({ ...o, at: o.at === 'capture' ? 'now' : o.at, offline: true });
  const results: { file: string; certificates: CertificateInfo[]; verdicts: Verdict[]; notes: string[]; authPattern?: AuthPatternResult }[] = [];
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
    const verdicts = judgeChain(chain, role, trust.ctx);
    const authPattern = compiled && chain[0]?.ok ? testAuthPattern(chain[0], out.authPattern!, compiled, out.usernameFormat) : undefined;
    if (authPattern) verdicts.push(...authPattern.verdicts);
    results.push({ file, certificates: chain.map((c) => c.info), verdicts, notes: loaded.notes, ...(authPattern ? { authPattern } : {}) });
  }
  const all = [...trust.storeVerdicts, ...results.flatMap((r) => r.verdicts)];
  if (out.json) {
    return { text: JSON.stringify({ certshark: VERSION, trustStore: trust.storeVerdicts, files: results }, null, 2) + '\n', verdicts: all };
  }
  const lines: string[] = [];
  for (const v of trust.storeVerdicts) lines.push(`${paint(out, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
  for (const r of results) {
    lines.push(`${esc(r.file)}: ${r.certificates.length} certificate(s), judged as a ${role} certificate` +
      (o.host ? ` for ${esc(o.host)}` : ''));
    r.certificates.forEach((c, i) =>
      lines.push(`  [${i}] ${esc(c.subject)}  ← ${esc(c.issuer)}  ${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}  sha256 ${c.sha256.slice(0, 16)}…`));
    for (const n of r.notes) lines.push(`  note: ${esc(n)}`);
    if (r.authPattern) lines.push(...authPatternLines(r.authPattern, out.verbose));
    for (const v of r.verdicts) {
      if (!out.verbose && v.severity === 'info') continue;
      lines.push(`  ${paint(out, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
      if (v.fix && v.severity !== 'ok') lines.push(`      fix: ${esc(v.fix)}`);
    }
    lines.push('');
  }
  return { text: lines.join('\n') + '\n', verdicts: all };
}

/** The Client certificate testing part of `check --auth-pattern`: what was matched where, and the username. */
function authPatternLines(a: AuthPatternResult, verbose: boolean): string[] {
  const l: string[] = ['  certificate-based authentication pattern (Expressway Maintenance > Security > Client certificate testing):'];
  l.push(`    regex            ${esc(a.pattern)}`);
  for (const n of a.notes) l.push(`    note: ${esc(n)}`);
  if (a.match) {
    l.push(`    matched at line ${a.match.line} of the decoded certificate: ${esc(a.match.text)}`);
    for (const [g, v] of Object.entries(a.groups)) l.push(`    ${esc(g)} = ${v === null ? '(did not take part)' : `'${esc(v)}'`}`);
  }
  if (a.usernameFormat !== undefined) l.push(`    username format  ${esc(a.usernameFormat)}`);
  if (a.username !== undefined) l.push(`    Resulting string ${esc(a.username)}`);
  if (verbose || !a.match) {
    // The decoded certificate the regex ran against, so a user can write the next attempt against it.
    const all = a.text.trimEnd().split('\n');
    const text = verbose ? all : all.flatMap((x, i) =>
      /^ {8}(Subject|Issuer): /.test(x) ? [x.trim()] : /Subject Alternative Name:/.test(x) && all[i + 1] ? [`${x.trim()} ${all[i + 1]!.trim()}`] : []);
    l.push(`    certificate as decoded${verbose ? '' : ' (the name lines; --verbose shows it all)'}:`);
    for (const t of text) l.push(`      ${esc(t)}`);
  }
  return l;
}
