/**
 * Real handshakes for the filter tests: the bundled scenario captures (captures/, made by captures/make.sh with
 * openssl peers under tcpdump), scanned and judged with the options their expected files give.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanCaptures } from '../../src/session.js';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import { loadKeys } from '../../src/cli/keys.js';
import type { CertificateInfo, Handshake } from '../../src/model.js';

export const CAPTURES = resolve(__dirname, '../../captures');

interface Options {
  ca?: string[];
  profile?: 'web' | 'anyconnect' | 'expressway';
  keylog?: string;
}

export function expected(name: string): { options?: Options; handshakes: (Partial<Handshake> & { client: { ip: string } })[] } {
  return JSON.parse(readFileSync(join(CAPTURES, `${name}.expected.json`), 'utf8'));
}

async function scan(name: string, withKeys: boolean): Promise<{ handshakes: Handshake[]; certificates: CertificateInfo[] }> {
  const o = expected(name).options ?? {};
  const trust = await buildTrust({
    ca: (o.ca ?? []).map((p) => join(CAPTURES, p)),
    systemCa: false,
    publicRoots: true,
    profile: o.profile ?? 'web',
    at: 'capture',
  });
  const keys = await loadKeys(withKeys && o.keylog ? join(CAPTURES, o.keylog) : undefined, true);
  const file = readdirSync(CAPTURES).find((f) => f.startsWith(`${name}.pcap`));
  if (!file) throw new Error(`no capture ${name}`);
  return scanCaptures([join(CAPTURES, file)], { judge: trust.judge, keys: keys?.provider });
}

/** Label prefix -> capture (and whether its key log is used). */
const SMALL: [string, string, boolean][] = [
  ['healthy', 'traversal-healthy', false],
  ['missing', 'traversal-missing-intermediate', false],
  ['selfsigned', 'anyconnect-selfsigned', false],
  ['sip', 'sip-tls-no-client-cert', false],
  ['dtls', 'dtls12-fragmented', false],
  ['tls13', 'tls13-keylog', false],
  ['tls13k', 'tls13-keylog', true],
  ['chains', 'chain-variants', false],
];

export interface Corpus {
  /** `healthy#1`, `chains#3`, ...: label -> handshake, in the order above. */
  small: Map<string, Handshake>;
  many: Handshake[];
  certs: Map<string, CertificateInfo>;
}

export async function loadCorpus(): Promise<Corpus> {
  const small = new Map<string, Handshake>();
  const certs = new Map<string, CertificateInfo>();
  for (const [label, name, keys] of SMALL) {
    const r = await scan(name, keys);
    for (const c of r.certificates) certs.set(c.sha256, c);
    for (const h of r.handshakes) small.set(`${label}#${h.id}`, h);
  }
  const m = await scan('many-handshakes', false);
  for (const c of m.certificates) certs.set(c.sha256, c);
  return { small, many: m.handshakes, certs };
}
