import { loadKeyLog, KeyLogProvider, type KeyLog } from '../tls/crypto/index.js';
import type { KeyProvider } from '../tls/types.js';
import { UsageError } from './usage-error.js';

export interface LoadedKeys {
  provider: KeyProvider;
  /** What the key log did for this run, as a note for the capture summary ("key log x: matched 1 of its 3 sessions"). */
  summary(): string;
  /** true when the user named the key log and it matched no handshake: worth a line on stderr. */
  uselessAndExplicit(): boolean;
  /** Client randoms (hex) the key log matched; with `addMatched`, how captures scanned in other threads count. */
  matched(): string[];
  addMatched(randoms: Iterable<string>): void;
}

/**
 * The key log named by --keylog (explicit: unreadable is an error) or SSLKEYLOGFILE (a browser setting that may
 * point at a file not written yet: unreadable is ignored). Key log contents are secrets and are never echoed; what
 * is said of them is how many sessions they hold and how many handshakes of the capture they matched, because a
 * key log of another capture (or not a key log at all) otherwise looks exactly like one that works.
 */
export async function loadKeys(path: string | undefined, explicit: boolean): Promise<LoadedKeys | undefined> {
  if (!path) return undefined;
  let log: KeyLog;
  try {
    log = await loadKeyLog(path);
  } catch (e) {
    if (explicit) throw new UsageError(`--keylog ${path}: ${(e as Error).message}`);
    return undefined;
  }
  const inner = new KeyLogProvider(log);
  const matched = new Set<string>();
  const provider: KeyProvider = {
    forHandshake(p) {
      const r = inner.forHandshake(p);
      if (r !== null) matched.add(Buffer.from(p.clientRandom).toString('hex'));
      return r;
    },
    secrets(clientRandom) {
      const s = inner.secrets(clientRandom);
      if (s) matched.add(Buffer.from(clientRandom).toString('hex'));
      return s;
    },
  };
  const name = explicit ? `--keylog ${path}` : `SSLKEYLOGFILE ${path}`;
  return {
    provider,
    summary() {
      const n = log.sessions.size;
      if (n === 0)
        return `${name}: holds no key log lines (CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, …); is it an NSS key log?`;
      return `${name}: matched ${matched.size} of its ${n} session(s)${matched.size === 0 ? ' (is it the key log of this capture?)' : ''}`;
    },
    uselessAndExplicit: () => explicit && matched.size === 0,
    matched: () => [...matched],
    addMatched(randoms) {
      for (const r of randoms) matched.add(r);
    },
  };
}
