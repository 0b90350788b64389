/**
 * The decryption path through the whole pipeline (capture → net → tcp → tls → crypto → x509 → trust → report) on
 * the real TLS 1.3 key-log capture (captures/tls13-keylog.pcapng: a server-only and a mutual handshake, AES-256-GCM)
 * with hostile changes: wrong secrets in the key log, bytes flipped inside encrypted records, the capture cut
 * anywhere. The scan always finishes, a lost chain always comes with a note that says why, and no secret of the
 * key log reaches any output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureParser } from '../../src/capture/index.js';
import type { Handshake } from '../../src/model.js';
import { renderJson, renderText } from '../../src/report/index.js';
import { scanCaptures, toScanResult, type SessionResult } from '../../src/session.js';
import { KeyLogProvider, parseKeyLog } from '../../src/tls/crypto/index.js';
import { ROOT } from './helpers.js';

const PCAP = join(ROOT, 'captures/tls13-keylog.pcapng');
const KEYS = join(ROOT, 'captures/tls13-keylog.keys');
const capture = readFileSync(PCAP);
const keylogText = readFileSync(KEYS, 'utf8');
const FAILED = 'decryption failed: wrong key or corrupted record';

interface KeyLine {
  index: number;
  label: string;
  random: string;
  secret: string;
}
const keyLines: KeyLine[] = keylogText
  .split('\n')
  .map((l, index) => {
    const [label, random, secret] = l.split(' ');
    return { index, label: label!, random: random!, secret: secret! };
  })
  .filter((k) => k.secret !== undefined && /^[0-9a-f]+$/i.test(k.secret));
const allSecrets = new Set(keyLines.map((k) => k.secret.toLowerCase()));

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-keylog-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(bytes: Uint8Array, keylog: string): Promise<SessionResult> {
  const f = join(dir, `c${n++}.pcapng`);
  writeFileSync(f, bytes);
  try {
    return await scanCaptures([f], { keys: new KeyLogProvider(parseKeyLog(keylog)) });
  } finally {
    rmSync(f, { force: true });
  }
}

/** Handshakes by client port (the two sessions of the capture use different ones). */
const byPort = (r: SessionResult): Map<number, Handshake> => new Map(r.handshakes.map((h) => [h.client.port, h]));

/** Nothing escaped, no internal error anywhere, and no secret (whole or its first 16 hex digits) in JSON or text. */
function checkClean(r: SessionResult, extraSecrets: string[] = []): void {
  for (const c of r.captures) {
    expect(c.error).toBeUndefined();
    for (const note of c.notes) expect(note).not.toMatch(/internal error/);
  }
  for (const h of r.handshakes) for (const note of h.notes) expect(note).not.toMatch(/internal-error/);
  const sr = toScanResult(r);
  const out = (renderJson(sr) + renderText(sr, { color: false } as Parameters<typeof renderText>[1])).toLowerCase();
  for (const s of [...allSecrets, ...extraSecrets]) {
    expect(out).not.toContain(s.toLowerCase());
    expect(out).not.toContain(s.slice(0, 16).toLowerCase());
  }
}

/**
 * File offsets of the bytes inside encrypted records (TLS 1.3 application_data, type 23), per direction of each
 * TCP flow: the capture is Ethernet/IPv4/TCP without loss, so each direction's payloads concatenate into its
 * record stream, which starts at a record boundary (the flows begin with their SYN).
 */
function encryptedRecordOffsets(buf: Buffer): { client: boolean; port: number; offsets: number[] }[] {
  type Dir = { stream: number[]; fileOff: number[]; client: boolean; port: number };
  const dirs = new Map<string, Dir>();
  const parser = new CaptureParser({
    packet(rec) {
      const d = rec.data;
      const base = d.byteOffset - buf.byteOffset;
      if (d.length < 34 || d[12] !== 0x08 || d[13] !== 0x00 || d[23] !== 6) return;
      const ihl = (d[14]! & 0x0f) * 4;
      const t = 14 + ihl;
      const sport = (d[t]! << 8) | d[t + 1]!;
      const dport = (d[t + 2]! << 8) | d[t + 3]!;
      const doff = (d[t + 12]! >> 4) * 4;
      const totalLen = (d[16]! << 8) | d[17]!;
      const start = t + doff;
      const end = Math.min(d.length, 14 + totalLen);
      if (end <= start) return;
      const key = `${sport}>${dport}`;
      let dd = dirs.get(key);
      if (!dd) dirs.set(key, (dd = { stream: [], fileOff: [], client: dport === 443, port: dport === 443 ? sport : dport }));
      for (let i = start; i < end; i++) {
        dd.stream.push(d[i]!);
        dd.fileOff.push(base + i);
      }
    },
  });
  parser.push(buf);
  parser.end();
  const out: { client: boolean; port: number; offsets: number[] }[] = [];
  for (const dd of dirs.values()) {
    const offsets: number[] = [];
    for (let p = 0; p + 5 <= dd.stream.length; ) {
      const len = (dd.stream[p + 3]! << 8) | dd.stream[p + 4]!;
      if (dd.stream[p] === 23) for (let i = p + 5; i < Math.min(p + 5 + len, dd.stream.length); i++) offsets.push(dd.fileOff[i]!);
      p += 5 + len;
    }
    out.push({ client: dd.client, port: dd.port, offsets });
  }
  return out;
}

describe('decryption path under hostile input, whole pipeline (tls13-keylog capture)', () => {
  let base: SessionResult;
  let basePorts: Map<number, Handshake>;
  const encrypted = encryptedRecordOffsets(capture);

  beforeAll(async () => {
    base = await scan(capture, keylogText);
    basePorts = byPort(base);
  });

  it('control: the untouched capture and key log open both handshakes', () => {
    expect(base.handshakes).toHaveLength(2);
    for (const h of base.handshakes) {
      expect(h.encrypted).toBe(false);
      expect(h.serverChain.length).toBeGreaterThan(0);
      expect(h.notes).toEqual([]);
    }
    expect(base.handshakes.filter((h) => h.clientChain.length > 0)).toHaveLength(1);
    checkClean(base);
    // The record walk found encrypted records in all four directions.
    expect(encrypted).toHaveLength(4);
    for (const e of encrypted) expect(e.offsets.length).toBeGreaterThan(50);
  });

  it('wrong keys (a hex digit of a secret or client_random changed): a plain note, never a crash or a secret', async () => {
    const secretLines = keyLines.filter((k) => /^(CLIENT|SERVER)_HANDSHAKE_TRAFFIC_SECRET$/.test(k.label));
    expect(secretLines).toHaveLength(4);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: keyLines.length - 1 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 95 }),
        fc.integer({ min: 1, max: 15 }),
        async (li, inSecret, pos, delta) => {
          const k = keyLines[li]!;
          const field = inSecret ? k.secret : k.random;
          const p = pos % field.length;
          const digit = ((parseInt(field[p]!, 16) + delta) % 16).toString(16);
          const changed = field.slice(0, p) + digit + field.slice(p + 1);
          const lines = keylogText.split('\n');
          lines[k.index] = inSecret ? `${k.label} ${k.random} ${changed}` : `${k.label} ${changed} ${k.secret}`;
          const r = await scan(capture, lines.join('\n'));
          checkClean(r, inSecret ? [changed] : []);
          expect(r.handshakes).toHaveLength(2);
          // The session this line belongs to: its handshake is the one whose ClientHello random it names.
          const session = keyLines.filter((x) => x.random === k.random).map((x) => x.index);
          const hsIndex = session[0]! < keyLines.find((x) => x.random !== keyLines[0]!.random)!.index ? 0 : 1;
          const h = r.handshakes[hsIndex]!;
          const want = base.handshakes[hsIndex]!;
          const other = r.handshakes[1 - hsIndex]!;
          expect(other.serverChain).toEqual(base.handshakes[1 - hsIndex]!.serverChain);
          expect(other.clientChain).toEqual(base.handshakes[1 - hsIndex]!.clientChain);
          const notes = h.notes.join(' | ');
          if (inSecret && k.label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET') {
            expect(h.serverChain).toEqual([]);
            expect(h.encrypted).toBe(true);
            expect(notes).toMatch(new RegExp(`decryption-failed \\(server record, frame \\d+\\): ${FAILED}`));
          } else if (inSecret && k.label === 'CLIENT_HANDSHAKE_TRAFFIC_SECRET') {
            expect(h.serverChain).toEqual(want.serverChain);
            expect(h.clientChain).toEqual([]);
            expect(notes).toMatch(new RegExp(`decryption-failed \\(client record, frame \\d+\\): ${FAILED}`));
          } else if (!inSecret && secretLines.includes(k)) {
            // The line now names another session: this one lacks that secret. Both secrets are needed for the
            // whole handshake, so something is lost, and said.
            expect(h.serverChain.length === 0 ? h.encrypted : notes.length > 0).toBe(true);
          } else {
            // Exporter and application secrets do not carry the certificates.
            expect(h.serverChain).toEqual(want.serverChain);
            expect(h.clientChain).toEqual(want.clientChain);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a byte flipped inside an encrypted record: the handshake it hits says decryption failed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: encrypted.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (di, pick, x) => {
          const d = encrypted[di]!;
          const off = d.offsets[pick % d.offsets.length]!;
          const bytes = Buffer.from(capture);
          bytes[off]! ^= x;
          const r = await scan(bytes, keylogText);
          checkClean(r);
          expect(r.handshakes).toHaveLength(2);
          const ports = byPort(r);
          for (const [port, h] of ports) {
            const want = basePorts.get(port)!;
            const same = JSON.stringify([h.serverChain, h.clientChain]) === JSON.stringify([want.serverChain, want.clientChain]);
            const notes = h.notes.join(' | ');
            if (port !== d.port) {
              expect(same).toBe(true);
              expect(notes).toBe('');
              continue;
            }
            // A lost chain is never silent; and the only reason the parser gives is the plain one.
            if (!same) expect(notes).toMatch(new RegExp(`decryption-failed \\((client|server) record, frame \\d+\\): ${FAILED}`));
            if (notes) expect(notes).toMatch(/^decryption-failed \((client|server) record, frame \d+\): decryption failed: wrong key or corrupted record$/);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the first server record with the certificate flipped: chain lost, a note, marked encrypted', async () => {
    const srv = encrypted.find((e) => !e.client && e.port === base.handshakes[0]!.client.port)!;
    const bytes = Buffer.from(capture);
    bytes[srv.offsets[0]!]! ^= 0x01;
    const r = await scan(bytes, keylogText);
    const h = byPort(r).get(srv.port)!;
    expect(h.serverChain).toEqual([]);
    expect(h.encrypted).toBe(true);
    expect(h.notes).toEqual([expect.stringMatching(/^decryption-failed \(server record, frame \d+\): decryption failed: wrong key or corrupted record$/)]);
    checkClean(r);
  });

  it('the capture cut anywhere: the scan finishes, what is lost is explained', async () => {
    const firstPacket = 200; // past the section and interface blocks
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: firstPacket, max: capture.length - 1 }), async (cut) => {
        const r = await scan(capture.subarray(0, cut), keylogText);
        // Cut before the first packet ended: there is nothing to scan, and the one-line reason says so.
        if (r.captures[0]!.packets === 0) {
          expect(r.captures[0]!.error).toMatch(/^no packets: file ends inside a block|holds no packets \(only its header\)/);
          expect(r.handshakes).toEqual([]);
          return;
        }
        checkClean(r);
        const ports = byPort(r);
        for (const [port, h] of ports) {
          const want = basePorts.get(port)!;
          // Truncation only removes: every certificate found is one of the untouched run's, in the same place.
          expect(want.serverChain.slice(0, h.serverChain.length)).toEqual(h.serverChain);
          expect(h.clientChain.length === 0 || JSON.stringify(h.clientChain) === JSON.stringify(want.clientChain)).toBe(true);
          // Never a wrong-key claim for a cut capture: what was captured decrypts.
          expect(h.notes.join(' | ')).not.toMatch(/decryption-failed/);
          // A handshake that stopped short says why: the flow ended inside a message or record, before an answer
          // to the ClientHello, before a side finished, or (mutual TLS 1.3) before the server answered the client's
          // certificate.
          if (!h.complete) {
            expect(h.notes.join(' | ')).toMatch(/^(truncated|no-server-hello|incomplete|no-server-answer): /);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
