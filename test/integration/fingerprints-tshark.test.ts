/**
 * JA3 and JA3S parity with tshark 4.0 (`tls.handshake.ja3` / `ja3s`, `dtls.handshake.ja3` / `ja3s`) on every capture
 * of the reference corpus (../shared/corpus) and every bundled capture: each handshake's fingerprint equals tshark's
 * for the frame of its (latest) ClientHello / (final) ServerHello; every hello tshark fingerprints is one certshark
 * fingerprints, or an earlier hello of the same handshake (a DTLS retransmission, the ClientHello before a
 * HelloVerifyRequest or HelloRetryRequest, the HelloRetryRequest itself). Other differences are named one by one
 * below. Then the key exchange group (ServerKeyExchange named curve, ServerHello key_share) and the server's ALPN
 * choice, per client port, against tshark's server_named_curve, extensions_key_share_group and
 * extensions_alpn_str. Skipped without tshark.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Handshake } from '../../src/model.js';
import { groupName } from '../../src/tls/names.js';
import { BIN, CORPUS, haveTshark, ROOT, type ScanJson } from '../keylog/helpers.js';

type Kind = 'ja3' | 'ja3s';
interface Known {
  /** Frames of hellos only certshark fingerprints. */
  certsharkOnly?: Partial<Record<Kind, number[]>>;
  /** Frames of hellos only tshark fingerprints ('all': the file's hellos are outside what certshark reads). */
  tsharkOnly?: Partial<Record<Kind, number[] | 'all'>>;
  why: string;
}

const IRC = { certsharkOnly: { ja3: [8], ja3s: [10] }, why: 'tshark 4.0 has no IRC STARTTLS dissector' };
const KNOWN: Record<string, Known> = {
  'captures/many-handshakes.pcap': {
    certsharkOnly: { ja3s: [702, 943, 1244, 2601, 2927, 3413, 3639, 4105, 4296, 4418, 4727, 4910, 5052] },
    why: 'the capture drops and reorders segments on purpose; tshark does not reassemble these ServerHellos',
  },
  'zeek/formats/tls_irc-starttls.pcap': IRC,
  'zeek/tls/irc-starttls.pcap': IRC,
  'zeek/tls/https-to-http.pcap': { certsharkOnly: { ja3: [4] }, why: 'TLS to port 80: tshark dissects it as HTTP' },
  'zeek/tls/ssl-to-http-server.pcap': { certsharkOnly: { ja3: [3] }, why: 'TLS to port 80: tshark dissects it as HTTP' },
  'zeek/other/websocket_wstunnel-https.pcap': {
    certsharkOnly: { ja3s: [9] },
    why: 'TLS tunnelled in WebSocket: tshark shows the ServerHello as WebSocket binary data',
  },
  'zeek/formats/quic_interop_quic-go_quic-go_handshake.pcap': {
    tsharkOnly: { ja3: 'all', ja3s: 'all' },
    why: 'QUIC: certshark does not read TLS inside QUIC',
  },
  'zeek/formats/ppp_quic-interop-retry.pcap': {
    tsharkOnly: { ja3: 'all', ja3s: 'all' },
    why: 'QUIC: certshark does not read TLS inside QUIC',
  },
};

function pcaps(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...pcaps(p));
    else if (/\.pcap(ng)?$/.test(e)) out.push(p);
  }
  return out.sort();
}

interface TsharkHello {
  frame: number;
  clientPort: number;
  values: string[];
}

/** tshark's JA3 and JA3S by frame (a frame may carry several hellos: comma-separated). */
function tsharkFingerprints(file: string): Record<Kind, Map<number, TsharkHello>> {
  const fields = ['frame.number', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport'];
  const fp = ['tls.handshake.ja3', 'tls.handshake.ja3s', 'dtls.handshake.ja3', 'dtls.handshake.ja3s'];
  const args = ['-r', file, '-o', 'tls.desegment_ssl_records:TRUE', '-Y', fp.join(' || '), '-T', 'fields'];
  for (const f of [...fields, ...fp]) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`tshark exited ${r.status} on ${file}: ${r.stderr}`);
  const out: Record<Kind, Map<number, TsharkHello>> = { ja3: new Map(), ja3s: new Map() };
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const [frame, ts, td, us, ud, a, b, da, db] = line.split('\t');
    const src = Number(ts || us);
    const dst = Number(td || ud);
    if (a || da) out.ja3.set(Number(frame), { frame: Number(frame), clientPort: src, values: (a || da)!.split(',') });
    if (b || db) out.ja3s.set(Number(frame), { frame: Number(frame), clientPort: dst, values: (b || db)!.split(',') });
  }
  return out;
}

/** One scan over every file (its JSON is larger than the shared helper's output buffer). */
function scanAll(files: string[]): ScanJson {
  const r = spawnSync(process.execPath, [BIN, 'scan', '--json', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' },
  });
  if (r.status !== 0) throw new Error(`certshark exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ScanJson;
}

const frameOf = (h: Handshake, k: Kind): number | undefined => (k === 'ja3' ? h.frames?.clientHello : h.frames?.serverHello);

describe.skipIf(!haveTshark)('JA3 and JA3S equal tshark 4.0', () => {
  // empty.pcap holds no packets: certshark refuses it (exit 2), tshark prints nothing.
  const corpus = statSync(CORPUS, { throwIfNoEntry: false }) ? pcaps(CORPUS).filter((f) => !f.endsWith('/empty.pcap')) : [];
  const files = [...pcaps(join(ROOT, 'captures')), ...corpus];

  let j: ScanJson;
  beforeAll(() => {
    j = scanAll(files);
  }, 120_000);

  it(`every handshake of ${files.length} captures`, () => {
    const problems: string[] = [];
    let compared = 0;
    const usedKnown = new Set<string>();
    files.forEach((file, i) => {
      const name = file.startsWith(CORPUS) ? relative(CORPUS, file) : relative(ROOT, file);
      const known = KNOWN[name];
      const ts = tsharkFingerprints(file);
      const hs = j.handshakes.filter((h) => h.capture === i);
      for (const k of ['ja3', 'ja3s'] as const) {
        const mine = new Set<number>();
        for (const h of hs) {
          const v = h[k];
          if (v === undefined) continue;
          const frame = frameOf(h, k)!;
          mine.add(frame);
          const t = ts[k].get(frame);
          if (!t) {
            if (known?.certsharkOnly?.[k]?.includes(frame)) usedKnown.add(`${name} ${k} ${frame}`);
            else problems.push(`${name}: ${k} ${v} at frame ${frame}, tshark has none`);
          } else if (!t.values.includes(v)) problems.push(`${name}: ${k} ${v} at frame ${frame}, tshark ${t.values.join(',')}`);
          else compared++;
        }
        for (const t of ts[k].values()) {
          if (mine.has(t.frame)) continue;
          // An earlier hello of a handshake certshark fingerprints by a later one, or a DTLS retransmission of the
          // hello it fingerprints (same client port, same fingerprint).
          const superseded = hs.some(
            (h) => h.client.port === t.clientPort && ((frameOf(h, k) ?? 0) > t.frame || t.values.includes(h[k] ?? '')),
          );
          const allowed = known?.tsharkOnly?.[k];
          if (superseded) continue;
          if (allowed === 'all' || allowed?.includes(t.frame)) usedKnown.add(`${name} ${k} ${t.frame}`);
          else problems.push(`${name}: tshark ${k} ${t.values.join(',')} at frame ${t.frame}, certshark none`);
        }
      }
    });
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(800);
    // Every named difference still occurs (a fixed one must leave the list).
    for (const [name, k] of Object.entries(KNOWN)) {
      for (const kind of ['ja3', 'ja3s'] as const) {
        const c = k.certsharkOnly?.[kind];
        if (c) for (const f of c) expect(usedKnown, `${name} ${kind} ${f}: ${k.why}`).toContain(`${name} ${kind} ${f}`);
        const t = k.tsharkOnly?.[kind];
        if (Array.isArray(t)) for (const f of t) expect(usedKnown, `${name} ${kind} ${f}: ${k.why}`).toContain(`${name} ${kind} ${f}`);
      }
    }
  }, 180_000);

  /** Named differences for the group and ALPN comparison, by file: which side alone has values, and why. */
  const ONLY: Record<string, { side: 'certshark' | 'tshark'; why: string }> = {
    'captures/many-handshakes.pcap': { side: 'certshark', why: KNOWN['captures/many-handshakes.pcap']!.why },
    'zeek/other/websocket_wstunnel-https.pcap': { side: 'certshark', why: KNOWN['zeek/other/websocket_wstunnel-https.pcap']!.why },
    'zeek/formats/quic_interop_quic-go_quic-go_handshake.pcap': { side: 'tshark', why: 'QUIC: certshark does not read TLS inside QUIC' },
    'zeek/formats/ppp_quic-interop-retry.pcap': { side: 'tshark', why: 'QUIC: certshark does not read TLS inside QUIC' },
  };

  it('key exchange group and the ALPN protocol the server selected', () => {
    const problems: string[] = [];
    let same = 0;
    let alpn = 0;
    files.forEach((file, i) => {
      const name = file.startsWith(CORPUS) ? relative(CORPUS, file) : relative(ROOT, file);
      const t = spawnSync('tshark', [
        '-r', file, '-o', 'tls.desegment_ssl_records:TRUE',
        '-Y', ['tls', 'dtls'].map((p) => `(${p}.handshake.type == 2 && (${p}.handshake.extensions_alpn_str || ${p}.handshake.extensions_key_share_group)) || ${p}.handshake.server_named_curve`).join(' || '),
        '-T', 'fields', '-e', 'tcp.dstport', '-e', 'udp.dstport',
        ...['tls', 'dtls'].flatMap((p) => ['extensions_alpn_str', 'extensions_key_share_group', 'server_named_curve'].flatMap((f) => ['-e', `${p}.handshake.${f}`])),
      ], { encoding: 'utf8', maxBuffer: 256 << 20 });
      if (t.status !== 0) throw new Error(`tshark exited ${t.status} on ${file}: ${t.stderr}`);
      const theirs = new Set<string>();
      for (const line of t.stdout.split('\n')) {
        if (!line) continue;
        const [tp, up, a, k, c, da, dk, dc] = line.split('\t');
        const port = tp || up;
        if (a || da) theirs.add(`${port} alpn ${a || da}`);
        for (const g of [k || dk, c || dc]) if (g) theirs.add(`${port} group ${groupName(Number(g))}`);
      }
      const mine = new Set<string>();
      for (const h of j.handshakes.filter((x) => x.capture === i)) {
        if (h.negotiatedAlpn !== undefined) mine.add(`${h.client.port} alpn ${h.negotiatedAlpn}`);
        if (h.keyExchangeGroup !== undefined) mine.add(`${h.client.port} group ${h.keyExchangeGroup}`);
      }
      const only = ONLY[name];
      for (const x of theirs) {
        if (mine.has(x)) {
          same++;
          if (x.includes(' alpn ')) alpn++;
        } else if (only?.side !== 'tshark') problems.push(`${name}: tshark ${x}, certshark not`);
      }
      for (const x of mine) if (!theirs.has(x) && only?.side !== 'certshark') problems.push(`${name}: certshark ${x}, tshark not`);
    });
    expect(problems).toEqual([]);
    expect(same).toBeGreaterThan(350);
    expect(alpn).toBeGreaterThanOrEqual(7);
  }, 180_000);
});
