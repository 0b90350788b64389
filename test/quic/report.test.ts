/**
 * QUIC handshakes through the report writers and the filter: transport 'quic' in text, JSON lines, ECS (network
 * transport udp) and Zeek's ssl.log; the words and the transport field pick them, UDP ports include them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyLog } from '../../src/keys/keylog.js';
import { compileFilter, ecsEvent, handshakeTitle, ndjsonHandshake, ZeekLogWriter } from '../../src/report/index.js';
import { scanCaptures } from '../../src/session.js';
import { KeyLogProvider } from '../../src/tls/crypto/index.js';
import { listColumns } from '../../src/tui/columns.js';
import { detailsLines } from '../../src/tui/details.js';

const DIR = resolve(__dirname, '../../captures');
const r = await scanCaptures([join(DIR, 'quic-h3.pcap')], { keys: new KeyLogProvider(parseKeyLog(readFileSync(join(DIR, 'quic-h3.keys'), 'utf8'))) });
const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
const cert = (sha: string) => certs.get(sha);

describe('QUIC handshakes in the reports', () => {
  it('the filter: quic, udp and transport pick them, dtls and tcp do not; udp.port is their port', () => {
    const count = (e: string) => {
      const f = compileFilter(e);
      expect(f.error, e).toBeUndefined();
      return r.handshakes.filter((h) => f.test(h, certs)).length;
    };
    expect(r.handshakes).toHaveLength(2);
    expect([count('quic'), count('udp'), count('transport == quic'), count('dtls'), count('tcp'), count('transport == tcp')]).toEqual([2, 2, 2, 0, 0, 0]);
    expect([count('udp.dstport == 4434'), count('udp.port == 4433'), count('tcp.port == 4433')]).toEqual([1, 1, 0]);
  });

  it('text, JSON lines, ECS and Zeek name the transport', () => {
    const h = r.handshakes[0]!;
    expect(handshakeTitle(h)).toContain(' QUIC ');
    expect(JSON.parse(ndjsonHandshake(h, cert))).toMatchObject({ transport: 'quic', quic: { version: 'QUIC v1' }, sni: 'localhost' });
    const ecs = JSON.parse(ecsEvent(h, cert, '0'));
    expect(ecs.network.transport).toBe('udp');
    expect(ecs.certshark.quic_version).toBe('QUIC v1');
    expect(ecs.tls.client.server_name).toBe('localhost');
    const z = new ZeekLogWriter();
    z.begin(new Date(0));
    expect(JSON.stringify(z.handshake(h, cert))).toContain('localhost');
  });

  it("the view's Proto column and details say QUIC", () => {
    const proto = listColumns(200).find((c) => c.title === 'Proto')!;
    expect(r.handshakes.map((h) => proto.value(h))).toEqual(['QUIC', 'QUIC']);
    const lines = detailsLines({ rows: [{ hs: 0 }], cursor: 0, handshakes: r.handshakes, certs, chainCursor: 0 }, 160).map((l) => l.map((x) => x.text).join(''));
    expect(lines.join('\n')).toMatch(/Connection.*127\.0\.0\.1:\d+ → 127\.0\.0\.1:4433 \(QUIC v1\/UDP\)/);
  });

  it('JA4 says QUIC with its q (the JA4 specification: q for QUIC)', () => {
    for (const h of r.handshakes) expect(h.ja4).toMatch(/^q13d\d{4}h3_/);
  });
});
