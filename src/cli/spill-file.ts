/**
 * Output of captures not yet written, kept on disk instead of in memory (scan-pool.ts): a temporary file removed
 * from its folder as soon as it is open, so that nothing is left behind however the run ends, and gone for good
 * when it is closed.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Spilled {
  offset: number;
  bytes: number;
}

export class SpillFile {
  private end = 0;
  private constructor(private readonly fd: number) {}

  /** undefined when no temporary file can be made (a read-only or full /tmp): the caller keeps things in memory. */
  static open(): SpillFile | undefined {
    const path = join(tmpdir(), `certshark-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
    let fd: number;
    try {
      fd = openSync(path, 'wx+', 0o600);
    } catch {
      return undefined;
    }
    try {
      unlinkSync(path);
    } catch {
      closeSync(fd);
      return undefined;
    }
    return new SpillFile(fd);
  }

  /** Throws on a write error (a full disk): the caller keeps the bytes in memory then. */
  write(b: Uint8Array): Spilled {
    for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off, this.end + off);
    const s = { offset: this.end, bytes: b.length };
    this.end += b.length;
    return s;
  }

  read(s: Spilled): Buffer {
    const b = Buffer.allocUnsafe(s.bytes);
    for (let off = 0; off < s.bytes; ) {
      const n = readSync(this.fd, b, off, s.bytes - off, s.offset + off);
      if (n === 0) throw new Error('the temporary output file ended early');
      off += n;
    }
    return b;
  }

  close(): void {
    closeSync(this.fd);
  }
}
