/**
 * A folder named as a capture: the captures in it, recognised by their first bytes (pcap, pcapng, either
 * gzip-compressed), not by their names, since a capture copied off an appliance is often called `zone.cap`,
 * `tcpdump.out` or nothing at all. Only the folder's own files, in code-point order of their names, so two runs
 * (and --jobs 1 and N) read them in the same order.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { isCaptureMagic } from '../capture/index.js';
import { describeOsError } from '../os-error.js';
import { UsageError } from './usage-error.js';

/** Bytes read of a gzip file to see what it holds (a gzip header with a long name field fits easily). */
const GZIP_HEAD = 64 * 1024;

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether the file starts like a capture; a file that cannot be read counts as one, so its error is said. */
function looksLikeCapture(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return true;
  }
  try {
    const head = Buffer.alloc(GZIP_HEAD);
    const n = readSync(fd, head, 0, head.length, 0);
    if (isCaptureMagic(head.subarray(0, n))) return true;
    if (n < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return false;
    // A sync flush inflates what the head holds without asking for the rest of the stream.
    const inner = gunzipSync(head.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH });
    return isCaptureMagic(inner);
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}

export function capturesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new UsageError(`${dir}: ${describeOsError(e)}`);
  }
  const found: string[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    let regular: boolean;
    try {
      regular = statSync(path).isFile();
    } catch {
      continue;
    }
    if (regular && looksLikeCapture(path)) found.push(path);
  }
  if (found.length === 0) throw new UsageError(`${dir}: no capture in this folder (pcap or pcapng files, recognised by their first bytes)`);
  return found;
}
