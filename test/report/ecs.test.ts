/**
 * scan --format ecs against the ECS field reference: every field written outside `certshark.*` must be listed, with
 * its type, in test/fixtures/ecs/fields-8.12.csv (rows copied from elastic/ecs generated/csv/fields.csv, see its
 * header), and its value must be of that type. Run over every scenario capture in captures/ (openssl peers under
 * tcpdump, captures/make.sh), which between them hold server and client chains, RSA and EC keys, IPv4 and IPv6,
 * TCP and DTLS, completed and failed handshakes.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { scanCaptures } from '../../src/session.js';
import { ecsEvent, ECS_VERSION } from '../../src/report/ecs.js';

const ROOT = resolve(__dirname, '../..');
const CAPTURES = readdirSync(join(ROOT, 'captures')).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(ROOT, 'captures', f));
const HOSTILE = join(ROOT, 'test/fixtures/hostile/hostile.pcap');

function fixture(): Map<string, string> {
  const rows = readFileSync(join(ROOT, 'test/fixtures/ecs/fields-8.12.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  expect(rows[0]).toBe('Field,Type');
  return new Map(rows.slice(1).map((l) => l.split(',') as [string, string]));
}

/** Leaf fields of an event as (dotted path, value); arrays of scalars give one entry per element. */
function leaves(o: unknown, path = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (Array.isArray(o)) for (const v of o) leaves(v, path, out);
  else if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) leaves(v, path ? `${path}.${k}` : k, out);
  else out.push([path, o]);
  return out;
}

const OF_TYPE: Record<string, (v: unknown) => boolean> = {
  keyword: (v) => typeof v === 'string',
  long: (v) => typeof v === 'number' && Number.isSafeInteger(v),
  ip: (v) => typeof v === 'string' && isIP(v) !== 0,
  boolean: (v) => typeof v === 'boolean',
  date: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && Number.isFinite(Date.parse(v)),
};

async function events(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const file of [...CAPTURES, HOSTILE]) {
    const r = await scanCaptures([file]);
    const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
    for (const h of r.handshakes) {
      const line = ecsEvent(h, (s) => certs.get(s), '0.1.0');
      expect(line.endsWith('\n') && !line.trimEnd().includes('\n')).toBe(true);
      out.push(JSON.parse(line));
    }
  }
  return out;
}

describe('scan --format ecs', () => {
  it(`writes only fields of ECS ${ECS_VERSION}'s reference, each with its type, and certshark's own under certshark.*`, async () => {
    const ref = fixture();
    for (const t of ref.values()) expect(Object.keys(OF_TYPE)).toContain(t);
    const evs = await events();
    expect(evs.length).toBeGreaterThan(300);
    const written = new Set<string>();
    const wrong: string[] = [];
    for (const e of evs) {
      expect((e.ecs as { version: string }).version).toBe(ECS_VERSION);
      for (const [path, v] of leaves(e)) {
        if (path.startsWith('certshark.')) continue;
        written.add(path);
        const type = ref.get(path);
        if (type === undefined) wrong.push(`${path}: not in the ECS field reference`);
        else if (!OF_TYPE[type]!(v)) wrong.push(`${path}: ${JSON.stringify(v)} is not ${type}`);
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
    // The captures exercise the server and client x509 sets, chains, hashes and both address families.
    for (const f of [
      'tls.server.x509.subject.common_name', 'tls.server.x509.issuer.distinguished_name', 'tls.server.x509.not_after',
      'tls.server.x509.public_key_size', 'tls.server.x509.public_key_exponent', 'tls.server.x509.public_key_curve',
      'tls.server.x509.alternative_names', 'tls.server.x509.signature_algorithm', 'tls.server.x509.serial_number',
      'tls.server.hash.sha256', 'tls.server.certificate_chain', 'tls.client.x509.subject.common_name',
      'tls.client.hash.sha256', 'tls.client.certificate_chain', 'tls.client.server_name', 'tls.established',
      'tls.client.ja3', 'tls.server.ja3s', 'tls.curve',
      'source.ip', 'destination.port', 'network.transport', 'event.outcome', '@timestamp',
    ]) expect(written, f).toContain(f);
    expect(evs.some((e) => (e.network as { type: string }).type === 'ipv6')).toBe(true);
    expect(evs.some((e) => (e.network as { transport: string }).transport === 'udp')).toBe(true);
  });
});
