/**
 * The one sanitiser through which export file names are derived from certificate names (DESIGN.md, error
 * policy). A subject CN is attacker-chosen: it may hold `/`, `..`, NUL, control characters or a name that is
 * reserved on Windows. Only [A-Za-z0-9._-] survive; every other run becomes a single `_`; leading dots are dropped
 * (no hidden files, no `..`); the result is at most 64 characters and never empty.
 */
export function sanitizeFileName(name: string, fallback = 'certificate'): string {
  let out = name
    .replace(/\*/g, 'wildcard')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/_+$/, '');
  if (out.length > 64) out = out.slice(0, 64).replace(/[._-]+$/, '');
  // Windows device names (CON, NUL, COM1...) are unusable as file names even with an extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(out)) out = '_' + out;
  return out === '' ? fallback : out;
}
