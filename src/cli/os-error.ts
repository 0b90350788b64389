/** Operating-system errors in words: "permission denied (EACCES)" rather than a bare "EACCES". */
export function describeOsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err?.message ?? '');
  if (m && err.code) return `${m[1]} (${err.code})`;
  return err?.message ?? String(e);
}
