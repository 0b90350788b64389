/** How bad a handshake is: the ranking the filter, the sort and the exit code share. */
import type { Handshake, Severity, Verdict } from '../model.js';

/** `info` ranks below `ok`: it judges nothing, so a trusted chain with a remark is still OK. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, ok: 1, warning: 2, error: 3 };

/** Worst severity among verdicts (of one subject when given), or undefined when there are none. */
export function worstVerdictSeverity(verdicts: readonly Verdict[] | undefined, subject?: string): Severity | undefined {
  if (!verdicts) return undefined;
  let worst: Severity | undefined;
  for (const v of verdicts) {
    if (subject !== undefined && v.subject !== subject) continue;
    if (worst === undefined || SEVERITY_RANK[v.severity] > SEVERITY_RANK[worst]) worst = v.severity;
  }
  return worst;
}

/** A handshake's badge: its worst verdict, `ok` when it has none. */
export function worstSeverity(h: Handshake): Severity {
  return worstVerdictSeverity(h.verdicts) ?? 'ok';
}
