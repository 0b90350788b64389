import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { LIMITS } from '../limits.js';
import { addNote } from '../model.js';
import { CaptureParser } from './parser.js';
import { CaptureError, type CaptureReadResult, type CaptureSink, type ReadCaptureOptions } from './types.js';

/** "ENOENT: no such file or directory, open 'x'" -> "no such file or directory (ENOENT)". */
function osReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err?.message ?? '');
  if (m && err.code) return `${m[1]} (${err.code})`;
  return err?.message ?? String(e);
}

/** A source of raw (possibly compressed) chunks. `fresh` chunks may be kept; others are reused buffers. */
interface RawSource {
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
  total?: number;
}

/**
 * Sequential reads of LIMITS.readChunkBytes into one reused buffer (a fresh buffer per read once `fresh()` says
 * chunks are kept, for gzip). The reads are synchronous and small on purpose: measured on a 1.15 GB capture in
 * the page cache, 128 KiB reads cost 0.18 s of kernel time where 4 MiB reads cost 0.55 s (the copy stays in the
 * CPU cache, and the parser then finds the bytes there too), and an asynchronous read per 128 KiB would cost more
 * in promise and thread-pool hand-offs than it saves. readCapture gives the event loop a turn every few chunks.
 * A path that is not a regular file (a FIFO, `<(tcpdump -w -)`, a device) is read asynchronously: its data comes
 * when the writer sends it, and a synchronous read would freeze the interactive view until then.
 */
function fileSource(fh: FileHandle, total: number, fresh: () => boolean, regular: boolean): RawSource {
  const reused = new Uint8Array(LIMITS.readChunkBytes);
  return {
    total,
    async next() {
      const buf = fresh() ? new Uint8Array(LIMITS.readChunkBytes) : reused;
      const n = regular ? readSync(fh.fd, buf, 0, buf.length, null) : (await fh.read(buf, 0, buf.length, null)).bytesRead;
      if (n === 0) return null;
      return buf.subarray(0, n);
    },
    async close() {
      await fh.close();
    },
  };
}

function streamSource(stream: NodeJS.ReadableStream): RawSource {
  const it = (stream as Readable)[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return {
    async next() {
      for (;;) {
        const r = await it.next();
        if (r.done) return null;
        if (r.value.length > 0) return r.value;
      }
    },
    async close() {
      await it.return?.();
    },
  };
}

/** File chunks read between two turns of the event loop (about 4 MiB: the TUI stays responsive, abort is prompt). */
const YIELD_EVERY_CHUNKS = 32;

/**
 * Reads a capture file (or stdin for '-') into `sink`: pcap, pcap-ns, pcapng, each optionally gzip-compressed
 * (detected by the 1f 8b magic and inflated as a stream). Memory stays bounded whatever the file size; the
 * event loop gets a turn between chunks.
 *
 * Throws CaptureError (one line, no stack) for a missing/unreadable file, an empty file, or input that is not a
 * capture. A file cut mid-record or corrupt is not an error: the result says `truncated` and keeps what was read.
 */
export async function readCapture(
  source: string,
  sink: CaptureSink,
  opts: ReadCaptureOptions = {},
): Promise<CaptureReadResult> {
  const name = source === '-' ? 'stdin' : source;
  let raw: RawSource;
  let gzip = false;
  let regular = false;
  if (source === '-') {
    raw = streamSource(process.stdin);
  } else {
    let fh: FileHandle;
    try {
      fh = await open(source, 'r');
    } catch (e) {
      throw new CaptureError(`${name}: ${osReason(e)}`);
    }
    let size = 0;
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new CaptureError(`${name}: is a directory`);
      size = st.size;
      regular = st.isFile();
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e instanceof CaptureError ? e : new CaptureError(`${name}: ${osReason(e)}`);
    }
    raw = fileSource(fh, size, () => gzip, regular);
  }

  const parser = new CaptureParser(sink);
  const notes: string[] = [];
  let bytes = 0;
  let truncatedGzip: { atOffset: number; message: string } | undefined;
  const progress = (): void => opts.onProgress?.(bytes, raw.total);
  try {
    let first: Uint8Array | null;
    try {
      first = await raw.next();
    } catch (e) {
      throw new CaptureError(`${name}: ${osReason(e)}`);
    }
    if (first === null) throw new CaptureError('empty file');
    gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
    if (!gzip) {
      let chunk: Uint8Array | null = first;
      let chunks = 0;
      while (chunk !== null) {
        bytes += chunk.length;
        parser.push(chunk);
        progress();
        if (parser.done) break;
        opts.signal?.throwIfAborted();
        if (!regular || ++chunks % YIELD_EVERY_CHUNKS === 0) await yieldTurn();
        try {
          chunk = await raw.next();
        } catch (e) {
          throw new CaptureError(`${name}: ${osReason(e)}`);
        }
      }
    } else {
      // The first chunk came from a reused buffer; copy it because zlib holds its input asynchronously.
      const firstCopy = first.slice();
      let readError: unknown;
      async function* compressed(): AsyncGenerator<Uint8Array> {
        bytes += firstCopy.length;
        yield firstCopy;
        for (;;) {
          let c: Uint8Array | null;
          try {
            c = await raw.next();
          } catch (e) {
            readError = e;
            throw e;
          }
          if (c === null) return;
          bytes += c.length;
          yield c; // file chunks are fresh buffers once gzip is set; stdin chunks always are
        }
      }
      const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
      const inflated = pipeline(Readable.from(compressed(), { objectMode: false }), gunzip, () => undefined);
      try {
        for await (const out of inflated as AsyncIterable<Uint8Array>) {
          parser.push(out);
          progress();
          if (parser.done) break;
          opts.signal?.throwIfAborted();
          await yieldTurn();
        }
      } catch (e) {
        if (e instanceof CaptureError || (e as Error)?.name === 'AbortError') throw e;
        if (readError !== undefined) throw new CaptureError(`${name}: ${osReason(readError)}`);
        // A cut or damaged gzip stream: keep what was inflated, say where the compressed data went wrong.
        const msg = `gzip data ends or is damaged (${(e as Error)?.message ?? e})`;
        truncatedGzip = { atOffset: bytes, message: msg };
        addNote(notes, msg, LIMITS.notesPerObject);
      } finally {
        gunzip.destroy();
      }
    }
  } finally {
    await raw.close().catch(() => undefined);
  }
  const info = parser.end();
  const result: CaptureReadResult = {
    ...info,
    format: gzip ? `${info.format}+gzip` : info.format,
    bytes,
    notes: [...info.notes, ...notes],
  };
  // A record cut by the end of the inflated data is reported at its decompressed offset; a gzip error is
  // reported as well (in notes) when the record framing did not already say it.
  if (!result.truncated && truncatedGzip) result.truncated = truncatedGzip;
  progress();
  return result;
}
