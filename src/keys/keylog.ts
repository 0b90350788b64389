import { readFile } from 'node:fs/promises';

/**
 * NSS key log format (as written by browsers and curl via SSLKEYLOGFILE, `openssl s_client -keylogfile`, and
 * Node's 'keylog' event): one `LABEL <client_random hex> <secret hex>` per line, `#` comments, blank lines.
 * https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/index.html
 *
 * Key log files are secrets: nothing in this module puts secret material (or the client_random that indexes
 * it) into a message. Malformed lines are reported by line number only.
 */
export interface SessionSecrets {
  /** CLIENT_RANDOM: the TLS <= 1.2 master secret (48 bytes). */
  masterSecret?: Uint8Array;
  clientHandshakeTrafficSecret?: Uint8Array;
  serverHandshakeTrafficSecret?: Uint8Array;
  clientTrafficSecret0?: Uint8Array;
  serverTrafficSecret0?: Uint8Array;
  exporterSecret?: Uint8Array;
  earlyExporterSecret?: Uint8Array;
  clientEarlyTrafficSecret?: Uint8Array;
}

export interface KeyLog {
  /** Keyed by the 32-byte client_random as lowercase hex (looked up once per handshake, so a string key is fine). */
  sessions: Map<string, SessionSecrets>;
  /** Lines holding a usable secret. */
  entries: number;
  /** Lines that could not be parsed; only the count and the first line numbers are kept. */
  malformedCount: number;
  malformedLines: number[];
  /** Lines with a well-formed shape but a label this tool does not use (e.g. NSS's `RSA` pre-master lines). */
  ignoredCount: number;
  /** Human-readable summary notes, free of secret material. */
  notes: string[];
}

const MAX_LINE_NUMBERS_KEPT = 20;

type SecretField = keyof SessionSecrets;

/** Label → field and the secret lengths it may have (TLS 1.3 secrets are the suite's hash length: 32 or 48). */
const LABELS: ReadonlyMap<string, { field: SecretField; lengths: readonly number[] }> = new Map([
  ['CLIENT_RANDOM', { field: 'masterSecret', lengths: [48] }],
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', { field: 'clientHandshakeTrafficSecret', lengths: [32, 48] }],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', { field: 'serverHandshakeTrafficSecret', lengths: [32, 48] }],
  ['CLIENT_TRAFFIC_SECRET_0', { field: 'clientTrafficSecret0', lengths: [32, 48] }],
  ['SERVER_TRAFFIC_SECRET_0', { field: 'serverTrafficSecret0', lengths: [32, 48] }],
  ['EXPORTER_SECRET', { field: 'exporterSecret', lengths: [32, 48] }],
  ['EARLY_EXPORTER_SECRET', { field: 'earlyExporterSecret', lengths: [32, 48] }],
  ['CLIENT_EARLY_TRAFFIC_SECRET', { field: 'clientEarlyTrafficSecret', lengths: [32, 48] }],
]);

const HEX_RE = /^[0-9a-fA-F]*$/;

function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  // Buffer.from stops at the first non-hex pair, so a short result means the text was not all hex.
  const b = Buffer.from(hex, 'hex');
  return b.length * 2 === hex.length ? b : null;
}

/** Parses NSS key log text. Never throws; problems become counts and notes (line numbers only). */
export function parseKeyLog(text: string): KeyLog {
  const log: KeyLog = {
    sessions: new Map(),
    entries: 0,
    malformedCount: 0,
    malformedLines: [],
    ignoredCount: 0,
    notes: [],
  };
  // A leading byte-order mark appears when the file was saved by a Windows editor.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim(); // trim also removes the '\r' of CRLF files
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/[ \t]+/);
    const malformed = (): void => {
      log.malformedCount++;
      if (log.malformedLines.length < MAX_LINE_NUMBERS_KEPT) log.malformedLines.push(i + 1);
    };
    if (parts.length !== 3) {
      malformed();
      continue;
    }
    const [label, randomHex, secretHex] = parts as [string, string, string];
    const spec = LABELS.get(label);
    if (!spec) {
      // Well-formed but unused (NSS `RSA` lines key by encrypted pre-master, later labels by other schemes).
      if (/^[A-Z0-9_]+$/.test(label) && HEX_RE.test(randomHex) && HEX_RE.test(secretHex)) log.ignoredCount++;
      else malformed();
      continue;
    }
    const random = randomHex.length === 64 ? hexToBytes(randomHex) : null;
    const secret = hexToBytes(secretHex);
    if (!random || !secret || !spec.lengths.includes(secret.length)) {
      malformed();
      continue;
    }
    const key = randomHex.toLowerCase();
    let s = log.sessions.get(key);
    if (!s) {
      s = {};
      log.sessions.set(key, s);
    }
    // A repeated line for the same session (key log files are appended to) replaces the earlier one.
    s[spec.field] = secret;
    log.entries++;
  }
  if (log.malformedCount > 0) {
    const shown = log.malformedLines.join(', ');
    const more = log.malformedCount > log.malformedLines.length ? ', ...' : '';
    log.notes.push(`key log: ${log.malformedCount} malformed line(s) skipped (line ${shown}${more})`);
  }
  if (log.ignoredCount > 0) log.notes.push(`key log: ${log.ignoredCount} line(s) with an unused label ignored`);
  if (log.entries === 0) log.notes.push('key log: no usable secrets found');
  return log;
}

/** Reads and parses a key log file. Rejects with a one-line Error (no contents quoted) when it cannot be read. */
export async function loadKeyLog(path: string): Promise<KeyLog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    const why =
      code === 'ENOENT' ? 'no such file' :
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' :
      code === 'EISDIR' ? 'is a directory' :
      code ?? 'read error';
    throw new Error(`cannot read key log ${path}: ${why}`);
  }
  return parseKeyLog(text);
}

/** Lowercase hex of a client_random, the KeyLog.sessions key. */
export function randomKey(clientRandom: Uint8Array): string {
  return Buffer.from(clientRandom.buffer, clientRandom.byteOffset, clientRandom.byteLength).toString('hex');
}

/** The secrets a key log holds for the session of this ClientHello random, if any (TLS and QUIC alike). */
export function sessionSecrets(log: KeyLog, clientRandom: Uint8Array): SessionSecrets | undefined {
  if (clientRandom.length !== 32) return undefined;
  return log.sessions.get(randomKey(clientRandom));
}
