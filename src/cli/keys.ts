import { loadKeyLog, KeyLogProvider } from '../tls/crypto/index.js';
import type { KeyProvider } from '../tls/types.js';
import { UsageError } from './usage-error.js';

/**
 * The key log named by --keylog (explicit: unreadable is an error) or SSLKEYLOGFILE (a browser setting that may
 * point at a file not written yet: unreadable is ignored). Key log contents are secrets and are never echoed.
 */
export async function loadKeys(path: string | undefined, explicit: boolean): Promise<KeyProvider | undefined> {
  if (!path) return undefined;
  try {
    return new KeyLogProvider(await loadKeyLog(path));
  } catch (e) {
    if (explicit) throw new UsageError(`--keylog ${path}: ${(e as Error).message}`);
    return undefined;
  }
}
