/**
 * The one place file names are derived from wire strings (certificate names, SNI). The result holds only
 * [A-Za-z0-9._-], never starts with a dot (no hidden files, no "..") and is bounded in length, so it can be
 * joined to an output folder without leaving it. An empty result becomes the fallback.
 */
export function sanitizeFileName(raw: string, fallback = 'certificate', maxLength = 80): string {
  let s = raw.normalize('NFKC').replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]+/g, '_');
  s = s.replace(/_+/g, '_').replace(/^[._-]+/, '').replace(/[._-]+$/, '');
  if (s.length > maxLength) s = s.slice(0, maxLength).replace(/[._-]+$/, '');
  return s.length > 0 ? s : fallback;
}
