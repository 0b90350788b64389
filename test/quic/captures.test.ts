/**
 * The bundled QUIC captures (captures/quic-h3.pcap, made by captures/make.sh with ngtcp2's GnuTLS client and
 * server): the same SNI and certificates as tshark with the same key log; without it the certificates are
 * encrypted and said to be; the rewritten capture (datagrams split, moved, coalesced, duplicated) gives what the
 * original gives; a wrong key log and damaged datagrams are notes, never an internal error.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { parseKeyLog } from '../../src/keys/keylog.js';
import type { Handshake } from '../../src/model.js';
import { NetDecoder } from '../../src/net/index.js';
import { scanCaptures } from '../../src/session.js';
import type { FlowInfo } from '../../src/tcp/types.js';
import { KeyLogProvider } from '../../src/tls/crypto/index.js';
import { QuicTlsConn } from '../../src/tls/quic-conn.js';

const DIR = resolve(__dirname, '../../captures');
const CAP = join(DIR, 'quic-h3.pcap');
const KEYS = join(DIR, 'quic-h3.keys');
const run = promisify(execFile);
const hasTshark = await run('tshark', ['--version']).then(() => true, () => false);
const hasEditcap = await run('editcap', ['--version']).then(() => true, () => false);
const tmp = mkdtempSync(join(tmpdir(), 'certshark-quic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const keys = () => new KeyLogProvider(parseKeyLog(readFileSync(KEYS, 'utf8')));

async function scan(file: string, withKeys: boolean): Promise<Handshake[]> {
  const r = await scanCaptures([file], withKeys ? { keys: keys() } : {});
  expect(r.captures[0]!.error).toBeUndefined();
  return r.handshakes;
}

/** Per UDP stream: the SNI and the certificates (SHA-256) tshark finds, by the side that sent them. */
async function tshark(file: string): Promise<{ sni: string; server: string[]; client: string[] }[]> {
  const { stdout } = await run('tshark', ['-r', file, '-o', `tls.keylog_file:${KEYS}`, '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 11',
    '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'udp.stream', '-e', 'udp.srcport', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.handshake.certificate']);
  const streams = new Map<string, { port: string; sni: string; server: string[]; client: string[] }>();
  for (const line of stdout.trim().split('\n')) {
    const [stream, port, sni, certs] = line.split('\t') as [string, string, string, string];
    let s = streams.get(stream);
    if (!s) streams.set(stream, (s = { port, sni, server: [], client: [] }));
    const shas = certs ? certs.split(',').map((c) => createHash('sha256').update(Buffer.from(c, 'hex')).digest('hex')) : [];
    if (shas.length) (port === s.port ? s.client : s.server).push(...shas);
  }
  return [...streams.values()].map(({ sni, server, client }) => ({ sni, server, client }));
}

const summary = (hs: Handshake[]) => hs.map((h) => ({ sni: h.sni, server: h.serverChain, client: h.clientChain }));

/** The UDP datagrams of a capture, each with its direction in its flow (0: the flow's first sender). */
async function datagrams(file: string): Promise<{ flow: string; dir: 0 | 1; data: Uint8Array }[]> {
  const net = new NetDecoder();
  const first = new Map<string, string>();
  const out: { flow: string; dir: 0 | 1; data: Uint8Array }[] = [];
  await readCapture(file, {
    packet(rec) {
      const p = net.decode(rec);
      if (!p || p.kind !== 'udp') return;
      const flow = [p.sport, p.dport].sort().join('-');
      if (!first.has(flow)) first.set(flow, String(p.sport));
      out.push({ flow, dir: first.get(flow) === String(p.sport) ? 0 : 1, data: p.payload.slice() });
    },
  });
  return out;
}

describe('QUIC captures', () => {
  it.skipIf(!hasTshark)('quic-h3.pcap: the same SNI and certificates as tshark with the same key log', async () => {
    const ours = await scan(CAP, true);
    expect(ours.map((h) => h.transport)).toEqual(['quic', 'quic']);
    expect(ours[1]!.clientChain.length).toBe(2);
    expect(summary(ours)).toEqual(await tshark(CAP));
  });

  it('without the key log: SNI and ALPN from the Initials, certificates encrypted with the TLS 1.3 hint', async () => {
    for (const h of await scan(CAP, false)) {
      expect(h).toMatchObject({ transport: 'quic', sni: 'localhost', alpn: ['h3'], version: 'TLS 1.3', encrypted: true, serverChain: [], clientChain: [] });
      expect(h.quic).toEqual({ version: 'QUIC v1' });
      expect(h.notes).toEqual([]);
    }
  });

  it('quic-h3-rewritten.pcap gives the same SNI and chains as the original', async () => {
    const original = await scan(CAP, true);
    const rewritten = await scan(join(DIR, 'quic-h3-rewritten.pcap'), true);
    expect(summary(rewritten)).toEqual(summary(original));
    expect(rewritten.every((h) => h.complete && h.notes.length === 0)).toBe(true);
  });

  it.skipIf(!hasEditcap)('a key log embedded as a pcapng Decryption Secrets Block opens the Handshake packets too', async () => {
    const file = join(tmp, 'quic-h3-dsb.pcapng');
    await run('editcap', ['--inject-secrets', `tls,${KEYS}`, CAP, file]);
    expect(summary(await scan(file, false))).toEqual(summary(await scan(CAP, true)));
  });

  it('QUIC v2 draft (ngtcp2 0.12, -v v2draft; tshark 4.0 does not read it): the chain of the same PKI', async () => {
    const fx = resolve(__dirname, '../fixtures/quic');
    const r = await scanCaptures([join(fx, 'quic-v2-draft.pcap')], { keys: new KeyLogProvider(parseKeyLog(readFileSync(join(fx, 'quic-v2-draft.keys'), 'utf8'))) });
    const pem = (name: string) => {
      const b64 = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END/.exec(readFileSync(join(DIR, 'pki', `${name}.pem`), 'utf8'))![1]!;
      return createHash('sha256').update(Buffer.from(b64.replace(/\s+/g, ''), 'base64')).digest('hex');
    };
    expect(r.handshakes).toHaveLength(1);
    expect(r.handshakes[0]).toMatchObject({ transport: 'quic', quic: { version: 'QUIC v2 draft' }, sni: 'localhost', complete: true, notes: [] });
    expect(r.handshakes[0]!.serverChain).toEqual([pem('quic-h3'), pem('quic-issuing-ca')]);
  });

  it('a key log with the wrong secrets: a note, the certificates unread', async () => {
    const text = readFileSync(KEYS, 'utf8').replace(/^(SERVER_HANDSHAKE_TRAFFIC_SECRET \S+ )(\S)/gm, (_, a: string, c: string) => a + (c === '0' ? '1' : '0'));
    const r = await scanCaptures([CAP], { keys: new KeyLogProvider(parseKeyLog(text)) });
    for (const h of r.handshakes) {
      expect(h.serverChain).toEqual([]);
      expect(h.notes.join('\n')).toMatch(/quic-undecryptable-handshake from the server \(frame \d+\): the key log's secret does not open it/);
    }
  });

  it('without a key log the Handshake packets are not kept once the ServerHello is read', async () => {
    const all = await datagrams(CAP);
    const flow = all.filter((d) => d.flow === all[0]!.flow);
    const info: FlowInfo = { transport: 'udp', a: { ip: '127.0.0.1', port: 1 }, b: { ip: '127.0.0.1', port: 2 }, synSeen: false, firstFrame: 1, firstTs: 0 };
    const conn = new QuicTlsConn(info, { handshake: () => {} }, { nextId: () => 1 });
    flow.forEach((d, n) => conn.data(d.dir, d.data, n + 1, n));
    expect(conn.heldBytes).toBe(0);
  });

  it('damaged, cut, repeated and reordered datagrams never make an internal error', async () => {
    const all = await datagrams(CAP);
    const flow = all.filter((d) => d.flow === all[0]!.flow);
    const info: FlowInfo = { transport: 'udp', a: { ip: '127.0.0.1', port: 1 }, b: { ip: '127.0.0.1', port: 2 }, synSeen: false, firstFrame: 1, firstTs: 0 };
    const provider = keys();
    fc.assert(
      fc.property(
        fc.array(fc.record({ i: fc.nat(flow.length - 1), at: fc.nat(flow.length), cut: fc.nat(1300), flip: fc.nat(1300), bit: fc.nat(7) }), { maxLength: 30 }),
        (edits) => {
          const out: Handshake[] = [];
          const conn = new QuicTlsConn(info, { handshake: (h) => out.push(h) }, { nextId: () => 1, keys: provider });
          // the real datagrams, with edited copies of some of them inserted where the edits say (before the
          // handshake completes, or they would not be read)
          const seq: { dir: 0 | 1; data: Uint8Array }[] = flow.map((d) => ({ dir: d.dir, data: d.data }));
          for (const e of edits) {
            const d = flow[e.i]!;
            const data = d.data.slice(0, Math.max(1, d.data.length - e.cut));
            if (e.flip < data.length) data[e.flip] = data[e.flip]! ^ (1 << e.bit);
            seq.splice(e.at, 0, { dir: d.dir, data });
          }
          seq.forEach((d, n) => conn.data(d.dir, d.data, n + 1, n));
          conn.end('eof');
          expect(out.length).toBeLessThanOrEqual(1);
          for (const h of out) expect(h.notes.filter((x) => x.includes('internal-error'))).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 20261201 },
    );
  });
});
