import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError, readCapture, type CaptureRecord } from '../../src/capture/index.js';
import { LIMITS } from '../../src/limits.js';
import { hex, payload, pcapFile, type Pkt } from './build.js';

const CORPUS = resolve(__dirname, '../../../shared/corpus/zeek');
const hasTool = (t: string) => {
  try {
    execFileSync(t, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const HAVE_EDITCAP = hasTool('editcap');
const HAVE_CAPINFOS = hasTool('capinfos');

let dir = '';
const PKTS: Pkt[] = Array.from({ length: 50 }, (_, i) => ({ sec: 1_600_000_000 + i, frac: i * 1000, data: payload(40 + i * 7, i) }));

async function collect(path: string) {
  const recs: { frame: number; ts: number; data: string; origLen: number; linkType: number }[] = [];
  const result = await readCapture(path, {
    packet: (r: CaptureRecord) => recs.push({ frame: r.frame, ts: r.ts, data: hex(r.data), origLen: r.origLen, linkType: r.linkType }),
  });
  return { recs, result };
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-capture-'));
  writeFileSync(join(dir, 'a.pcap'), pcapFile({ le: true }, PKTS));
  writeFileSync(join(dir, 'a.pcap.gz'), gzipSync(pcapFile({ le: true }, PKTS)));
  writeFileSync(join(dir, 'empty'), new Uint8Array(0));
  writeFileSync(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCapture', () => {
  it('reads a pcap file, reports format, link types, packets, bytes and progress', async () => {
    const progress: [number, number | undefined][] = [];
    const recs: string[] = [];
    const path = join(dir, 'a.pcap');
    const r = await readCapture(path, { packet: (x) => recs.push(hex(x.data)) }, { onProgress: (b, t) => progress.push([b, t]) });
    const size = pcapFile({ le: true }, PKTS).length;
    expect(r).toEqual({ format: 'pcap', linkTypes: ['EN10MB'], linkTypeNumbers: [1], packets: 50, bytes: size, notes: [] });
    expect(recs).toEqual(PKTS.map((p) => hex(p.data)));
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it('inflates gzip as a stream and says +gzip', async () => {
    const plain = await collect(join(dir, 'a.pcap'));
    const gz = await collect(join(dir, 'a.pcap.gz'));
    expect(gz.result.format).toBe('pcap+gzip');
    expect(gz.recs).toEqual(plain.recs);
  });

  it('a cut gzip file keeps the packets inflated so far and reports truncation', async () => {
    const full = gzipSync(pcapFile({ le: true }, PKTS));
    const path = join(dir, 'cut.pcap.gz');
    writeFileSync(path, full.subarray(0, Math.floor(full.length * 0.6)));
    const { recs, result } = await collect(path);
    expect(result.truncated).toBeDefined();
    expect(recs.length).toBeGreaterThan(5);
    expect(recs.length).toBeLessThan(50);
    expect(recs[0].data).toBe(hex(PKTS[0].data));
  });

  it('records spanning the large read chunks are assembled, whole, though the read buffer is reused', async () => {
    // ~4.5 read chunks of 1500-byte packets.
    const n = Math.ceil((LIMITS.readChunkBytes * 4.5) / 1516);
    const big = pcapFile({ le: false }, Array.from({ length: n }, (_, i) => ({ sec: i, frac: 0, data: payload(1500, i) })));
    const path = join(dir, 'big.pcap');
    writeFileSync(path, big);
    let count = 0;
    let bad = 0;
    const r = await readCapture(path, {
      packet: (x) => {
        const want = payload(1500, count);
        count++;
        if (!Buffer.from(x.data).equals(Buffer.from(want))) bad++;
      },
    });
    expect(r.packets).toBe(n);
    expect(count).toBe(n);
    expect(bad).toBe(0);
  });

  it('stops when aborted, keeping what was read', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = await readCapture(join(dir, 'a.pcap'), { packet: () => undefined }, { signal: ac.signal });
    expect(before).toMatchObject({ stopped: true, packets: 0, bytes: 0 });
    // Aborted by the first packet: the rest of the file is not delivered, and the cut is not called a truncation.
    const late = new AbortController();
    let delivered = 0;
    const r = await readCapture(join(dir, 'a.pcap'), { packet: () => void (++delivered === 1 && late.abort()) }, { signal: late.signal });
    expect(r.stopped).toBe(true);
    expect(r.truncated).toBeUndefined();
    expect(delivered).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!hasTool('mkfifo'))('a FIFO (`<(tcpdump -w -)`) is read as its writer sends, without blocking the event loop', async () => {
    const fifo = join(dir, 'live.fifo');
    execFileSync('mkfifo', [fifo]);
    const whole = pcapFile({ le: true }, PKTS);
    // Cut inside a record: the reader must wait for the rest of it.
    const half = Math.floor(whole.length / 2);
    // A writer that sends the first half of the capture, waits, then sends the rest.
    const script =
      `const fs=require('fs');const b=Buffer.from(process.argv[2],'hex');const fd=fs.openSync(process.argv[1],'w');` +
      `fs.writeSync(fd,b.subarray(0,${half}));setTimeout(()=>{fs.writeSync(fd,b.subarray(${half}));fs.closeSync(fd)},400);`;
    const { spawn } = await import('node:child_process');
    const writer = spawn(process.execPath, ['-e', script, fifo, Buffer.from(whole).toString('hex')], { stdio: 'ignore' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const frames: number[] = [];
    try {
      const result = await readCapture(fifo, { packet: (r) => frames.push(r.frame) });
      expect(result.packets).toBe(PKTS.length);
    } finally {
      clearInterval(timer);
      writer.kill();
    }
    expect(frames).toEqual(PKTS.map((_, i) => i + 1));
    // The 400 ms pause of the writer left the event loop free: the 20 ms timer kept firing.
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('missing, directory, empty and non-capture inputs are one-line CaptureErrors', async () => {
    const missing = await errorOf(readCapture(join(dir, 'nope.pcap'), { packet: () => undefined }));
    expect(missing).toBeInstanceOf(CaptureError);
    expect(missing.message).toBe(`${join(dir, 'nope.pcap')}: no such file or directory (ENOENT)`);
    const d = await errorOf(readCapture(dir, { packet: () => undefined }));
    expect(d).toBeInstanceOf(CaptureError);
    expect(d.message).toMatch(/is a directory/);
    const empty = await errorOf(readCapture(join(dir, 'empty'), { packet: () => undefined }));
    expect(empty).toEqual(new CaptureError('empty file'));
    const pem = await errorOf(readCapture(join(dir, 'cert.pem'), { packet: () => undefined }));
    expect(pem).toBeInstanceOf(CaptureError);
    expect(pem.message).toMatch(/^not a pcap or pcapng capture \(starts with 2d 2d 2d 2d 2d 42 45 47\): looks like a PEM/);
  });
});

describe.skipIf(!HAVE_EDITCAP)('files written by editcap', () => {
  it('pcapng and nanosecond pcap conversions give the same packets', async () => {
    const src = join(dir, 'a.pcap');
    for (const [fmt, want] of [
      ['pcapng', 'pcapng'],
      ['nsecpcap', 'pcap-ns'],
    ]) {
      const out = join(dir, `a.${fmt}`);
      execFileSync('editcap', ['-F', fmt, src, out], { stdio: 'ignore' });
      const plain = await collect(src);
      const conv = await collect(out);
      expect(conv.result.format).toBe(want);
      expect(conv.recs.map((r) => r.data)).toEqual(plain.recs.map((r) => r.data));
      expect(conv.recs.map((r) => r.ts)).toEqual(plain.recs.map((r) => r.ts));
    }
  });
});

describe('differential: pcap-parser (classic pcap)', () => {
  const require = createRequire(import.meta.url);
  const pcapParser = require('pcap-parser') as { parse(path: string): NodeJS.EventEmitter };
  const theirs = (path: string) =>
    new Promise<{ ts: number; data: string; orig: number }[]>((res, rej) => {
      const out: { ts: number; data: string; orig: number }[] = [];
      const p = pcapParser.parse(path);
      p.on('packet', (pk: { header: { timestampSeconds: number; timestampMicroseconds: number; originalLength: number }; data: Buffer }) =>
        out.push({ ts: pk.header.timestampSeconds + pk.header.timestampMicroseconds * 1e-6, data: pk.data.toString('hex'), orig: pk.header.originalLength }),
      );
      p.on('end', () => res(out));
      p.on('error', rej);
    });
  it('agrees on generated files and every microsecond pcap of the corpus', async () => {
    const paths = [join(dir, 'a.pcap')];
    writeFileSync(join(dir, 'be.pcap'), pcapFile({ le: false, linkType: 101 }, PKTS));
    paths.push(join(dir, 'be.pcap'));
    for (const sub of ['formats', 'other']) {
      if (!existsSync(join(CORPUS, sub))) continue;
      for (const f of readdirSync(join(CORPUS, sub))) if (f.endsWith('.pcap')) paths.push(join(CORPUS, sub, f));
    }
    let compared = 0;
    for (const path of paths) {
      let want: { ts: number; data: string; orig: number }[];
      try {
        want = await theirs(path);
      } catch {
        continue; // nanosecond files: pcap-parser knows only a1b2c3d4
      }
      const got = await collect(path);
      expect(got.recs.map((r) => r.data), path).toEqual(want.map((w) => w.data));
      expect(got.recs.map((r) => r.origLen), path).toEqual(want.map((w) => w.orig));
      got.recs.forEach((r, i) => expect(r.ts).toBeCloseTo(want[i].ts, 6));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(!existsSync(join(CORPUS, 'formats')))('corpus formats', () => {
  it('every file parses or throws CaptureError; packet counts match capinfos', async () => {
    const files = readdirSync(join(CORPUS, 'formats')).map((f) => join(CORPUS, 'formats', f));
    for (const path of files) {
      let packets = -1;
      try {
        packets = (await readCapture(path, { packet: () => undefined })).packets;
      } catch (e) {
        expect(e, path).toBeInstanceOf(CaptureError);
        continue;
      }
      if (HAVE_CAPINFOS) {
        const out = execFileSync('capinfos', ['-c', '-M', path], { encoding: 'utf8' });
        const m = /Number of packets:\s+(\d+)/.exec(out);
        expect(packets, path).toBe(Number(m?.[1]));
      }
    }
  });
});
