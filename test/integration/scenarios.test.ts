/**
 * The bundled scenario captures (captures/, made by captures/make.sh with real openssl peers under tcpdump) against
 * what each must report (captures/<name>.expected.json): handshakes, chains by SHA-256, alerts, and verdict codes.
 * Expected codes must all be present; and no error-level code may appear that the scenario does not expect. Where
 * the expectation says more: the handshake's badge (its worst severity), codes that must be absent, words a
 * verdict must (or must not) use, and variants (the same capture judged with other options).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanCaptures } from '../../src/session.js';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import { loadKeys } from '../../src/cli/keys.js';
import { expresswayRules } from '../../src/trust/index.js';
import { worstSeverity } from '../../src/report/index.js';
import type { Handshake, Verdict } from '../../src/model.js';

const DIR = resolve(__dirname, '../../captures');
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.expected.json')).sort() : [];

interface Options {
  ca?: string[];
  publicRoots?: string[];
  profile?: 'web' | 'anyconnect' | 'expressway';
  expresswayVersion?: string;
  serverEkuUpload?: boolean;
  at?: string;
  keylog?: string;
  host?: string;
}
/** What a handshake must report; the same shape in the base expectation and in a variant. */
interface VerdictExpectation {
  verdicts?: Record<string, string[]>;
  absent?: Record<string, string[]>;
  mentions?: Record<string, Record<string, string[]>>;
  badge?: string;
}
interface Expected {
  capture: string;
  format?: string;
  linkTypes?: string[];
  options?: Options;
  handshakeOrder?: 'capture' | 'per-server-port';
  handshakes: (Partial<Handshake> & VerdictExpectation & { alerts?: { from: string; descriptionName: string }[] })[];
  variants?: { name: string; options: Options; handshakes: VerdictExpectation[] }[];
}

function sideOf(v: Verdict, h: Handshake): string | undefined {
  if (v.subject === 'server' || v.subject === 'client' || v.subject === 'handshake') return v.subject;
  if (h.serverChain.includes(v.subject)) return 'server';
  if (h.clientChain.includes(v.subject)) return 'client';
  return undefined;
}

async function judge(exp: Expected, o: Options): Promise<Handshake[]> {
  const rules = o.profile === 'expressway' ? expresswayRules(o.expresswayVersion, o.serverEkuUpload) : undefined;
  if (typeof rules === 'string') throw new Error(`${exp.capture}: ${rules}`);
  const trust = await buildTrust({
    ca: (o.ca ?? []).map((p) => join(DIR, p)),
    systemCa: false,
    publicRoots: true,
    publicRootFiles: o.publicRoots?.map((p) => join(DIR, p)),
    profile: o.profile ?? 'web',
    expressway: rules,
    at: o.at === undefined || o.at === 'capture' ? 'capture' : o.at === 'now' ? 'now' : new Date(o.at),
    host: o.host,
  });
  const keys = await loadKeys(o.keylog ? join(DIR, o.keylog) : undefined, true);
  const r = await scanCaptures([join(DIR, exp.capture)], { judge: trust.judge, keys: keys?.provider });
  const cap = r.captures[0]!;
  expect(cap.error).toBeUndefined();
  if (exp.format) expect(cap.format).toBe(exp.format);
  if (exp.linkTypes) expect([...cap.linkTypes].sort()).toEqual([...exp.linkTypes].sort());
  expect(r.handshakes.length).toBe(exp.handshakes.length);
  return r.handshakes;
}

function checkVerdicts(label: string, h: Handshake, want: VerdictExpectation): void {
  const ofSide = (side: string) => (h.verdicts ?? []).filter((v) => sideOf(v, h) === side);
  for (const [side, codes] of Object.entries(want.verdicts ?? {})) {
    const have = ofSide(side);
    const haveCodes = new Set(have.map((v) => v.code));
    for (const c of codes) expect(haveCodes.has(c), `${label}: ${side} lacks ${c}; has ${[...haveCodes].join(', ')}`).toBe(true);
    const unexpected = have.filter((v) => v.severity === 'error' && !codes.includes(v.code)).map((v) => v.code);
    expect(unexpected, `${label}: unexpected ${side} errors`).toEqual([]);
  }
  for (const [side, codes] of Object.entries(want.absent ?? {})) {
    const found = ofSide(side).filter((v) => codes.includes(v.code)).map((v) => `${v.code}: ${v.message}`);
    expect(found, `${label}: ${side} has what it must not`).toEqual([]);
  }
  for (const [side, byCode] of Object.entries(want.mentions ?? {})) {
    for (const [code, words] of Object.entries(byCode)) {
      const vs = ofSide(side).filter((v) => v.code === code);
      expect(vs.length, `${label}: ${side} ${code} to check the words of`).toBeGreaterThan(0);
      const text = vs.map((v) => `${v.message} ${v.fix ?? ''}`).join(' ').toLowerCase();
      for (const w of words) {
        if (w.startsWith('!')) expect(text, `${label}: ${side} ${code} must not say "${w.slice(1)}"`).not.toContain(w.slice(1).toLowerCase());
        else expect(text, `${label}: ${side} ${code} must say "${w}"`).toContain(w.toLowerCase());
      }
    }
  }
  if (want.badge) {
    const worst = (h.verdicts ?? []).filter((v) => v.severity === worstSeverity(h)).map((v) => `${v.code} (${v.severity})`);
    expect(worstSeverity(h), `${label}: badge; worst verdicts ${worst.join(', ')}`).toBe(want.badge);
  }
}

describe('scenario captures', () => {
  it('has scenario captures with expectations', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const f of files) {
    const exp = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Expected;
    it(f.replace('.expected.json', ''), async () => {
      const found = await judge(exp, exp.options ?? {});
      // Pair expected and found handshakes: in capture order, or in capture order per server port (clients that
      // ran in parallel interleave across ports).
      const key = (port: number | undefined) => (exp.handshakeOrder === 'per-server-port' ? String(port) : '*');
      const queues = new Map<string, Handshake[]>();
      for (const g of found) {
        const k = key(g.server.port);
        queues.set(k, [...(queues.get(k) ?? []), g]);
      }
      exp.handshakes.forEach((want, i) => {
        const h = queues.get(key(want.server?.port))?.shift();
        expect(h, `handshake ${i}`).toBeDefined();
        if (!h) return;
        const label = `${exp.capture} handshake ${i}`;
        if (want.transport) expect(h.transport, label).toBe(want.transport);
        if (want.client?.ip) expect(h.client.ip, label).toBe(want.client.ip);
        if (want.server?.ip) expect(h.server.ip, label).toBe(want.server.ip);
        if (want.server?.port) expect(h.server.port, label).toBe(want.server.port);
        if (want.sni !== undefined) expect(h.sni, label).toBe(want.sni);
        if (want.version) expect(h.version, label).toBe(want.version);
        if (want.serverChain) expect(h.serverChain, label).toEqual(want.serverChain);
        if (want.clientChain) expect(h.clientChain, label).toEqual(want.clientChain);
        if (want.encrypted !== undefined) expect(h.encrypted, label).toBe(want.encrypted);
        if (want.complete !== undefined) expect(h.complete, label).toBe(want.complete);
        if (want.alerts)
          // The expectations list plaintext alerts other than close_notify (encrypted ones are unreadable).
          expect(h.alerts.filter((a) => !a.encrypted && a.description !== 0).map((a) => `${a.from}:${a.descriptionName}`), label).toEqual(want.alerts.map((a) => `${a.from}:${a.descriptionName}`));
        checkVerdicts(label, h, want);
      });
    });
    for (const variant of exp.variants ?? []) {
      it(`${f.replace('.expected.json', '')} judged as ${variant.name}`, async () => {
        // Variants belong to captures in capture order (no parallel clients), so handshakes pair by position.
        const found = await judge(exp, variant.options);
        expect(variant.handshakes.length).toBe(found.length);
        variant.handshakes.forEach((want, i) => checkVerdicts(`${exp.capture} (${variant.name}) handshake ${i}`, found[i]!, want));
      });
    }
  }
});
