import type { Verdict } from '../model.js';
import type { CaListEntry, CaListNeedsResult } from '../trust/index.js';
import { escapeTerminal as esc } from './escape.js';
import { BADGE, paint, type TextOptions } from './text.js';

function entryLine(e: CaListEntry): string {
  const kind = e.subject === '' ? 'does not parse' : e.selfSigned ? 'self-signed root' : e.isCA ? `CA  ← ${esc(e.issuer)}` : `NOT A CA  ← ${esc(e.issuer)}`;
  const valid = e.notBefore ? `${e.notBefore.slice(0, 10)} – ${e.notAfter.slice(0, 10)}` : '';
  return `  #${e.index} ${esc(e.subject) || '(unparsable)'}  ${kind}  ${valid}  sha256 ${e.sha256.slice(0, 16)}…`;
}

function verdictLines(vs: Verdict[], o: TextOptions, indent = '  '): string[] {
  const out: string[] = [];
  for (const v of vs) {
    out.push(`${indent}${paint(o, v.severity, BADGE[v.severity])} ${v.code}: ${esc(v.message)}`);
    if (v.fix && v.severity !== 'ok' && v.severity !== 'info') out.push(`${indent}    fix: ${esc(v.fix)}`);
  }
  return out;
}

/** `certshark check --ca-list`: the entries, what is wrong with them, and what the captured chains need. */
export function renderCaListText(
  r: { file: string; at: string; profile: string; entries: CaListEntry[]; verdicts: Verdict[]; notes: string[] },
  needs: (CaListNeedsResult & { captures: string[] }) | undefined,
  o: TextOptions,
): string {
  const out: string[] = [];
  out.push(paint(o, 'bold', `CA list ${esc(r.file)}: ${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'}, checked as of ${r.at} (profile ${r.profile})`));
  for (const e of r.entries) out.push(entryLine(e));
  for (const n of r.notes) out.push(`  note: ${esc(n)}`);
  if (r.verdicts.length) out.push(...verdictLines(r.verdicts, o));
  else out.push(`  ${paint(o, 'ok', BADGE.ok)} no problem found in the entries themselves`);
  if (needs) {
    out.push('');
    out.push(paint(o, 'bold', `Needed by ${needs.chains} chain(s) in ${needs.handshakes} handshake(s) of ${needs.captures.map(esc).join(', ')}:`));
    out.push(...verdictLines(needs.verdicts, o));
    out.push('');
    out.push(paint(o, 'bold', 'The list these peers need:'));
    const lines: string[] = [];
    for (const n of needs.needed) lines.push(`  #${n.entry.index} ${esc(n.entry.subject)}  in the list`);
    for (const m of needs.missing)
      lines.push(`  + ${esc(m.subject)}  ${m.sha256 ? `sha256 ${m.sha256.slice(0, 16)}…  ${m.required ? 'missing' : 'missing for an Expressway peer'}: sent in handshake #${m.handshakes[0]} (certshark export CAPTURE --chains --handshake ${m.handshakes[0]})` : 'missing: not sent by any peer, get it from the CA'}`);
    // Above a CA nobody sent, the chain is unknown: the entries no chain reached may still be its issuers.
    if (needs.incomplete) for (const u of needs.unused.filter((x) => x.isCA)) lines.push(`  ? #${u.index} ${esc(u.subject)}  in the list; whether it is needed shows once the missing CA is uploaded`);
    out.push(...(lines.length ? lines : ['  (no chain was seen: the captures hold no certificate of the chosen side)']));
  }
  return out.join('\n') + '\n';
}
