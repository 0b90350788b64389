/**
 * Operating-system errors in words: "ENOENT: no such file or directory, open 'x'" becomes "no such file or directory
 * (ENOENT)", never a bare "EACCES". For every stage that reports a file it could not read or write.
 */
export function describeOsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err?.message ?? '');
  if (m && err.code) return `${m[1]} (${err.code})`;
  return err?.message ?? String(e);
}
