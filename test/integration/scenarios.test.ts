/**
 * The bundled scenario captures (captures/, made by captures/make.sh with real openssl peers under tcpdump) against
 * what each must report (captures/<name>.expected.json): handshakes, chains by SHA-256, alerts, and verdict codes.
 * Expected codes must all be present; and no error-level code may appear that the scenario does not expect.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanCaptures } from '../../src/session.js';
import { buildTrust } from '../../src/cli/trust-wiring.js';
import { loadKeys } from '../../src/cli/keys.js';
import type { Handshake, Verdict } from '../../src/model.js';

const DIR = resolve(__dirname, '../../captures');
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.expected.json')).sort() : [];

interface Expected {
  capture: string;
  format?: string;
  linkTypes?: string[];
  options?: { ca?: string[]; profile?: 'web' | 'anyconnect' | 'expressway'; at?: string; keylog?: string; host?: string };
  handshakeOrder?: 'capture' | 'per-server-port';
  handshakes: (Partial<Handshake> & { verdicts?: Record<string, string[]>; alerts?: { from: string; descriptionName: string }[] })[];
}

function sideOf(v: Verdict, h: Handshake): string | undefined {
  if (v.subject === 'server' || v.subject === 'client' || v.subject === 'handshake') return v.subject;
  if (h.serverChain.includes(v.subject)) return 'server';
  if (h.clientChain.includes(v.subject)) return 'client';
  return undefined;
}

describe('scenario captures', () => {
  it('has scenario captures with expectations', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const f of files) {
    it(f.replace('.expected.json', ''), async () => {
      const exp = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Expected;
      const o = exp.options ?? {};
      const trust = await buildTrust({
        ca: (o.ca ?? []).map((p) => join(DIR, p)),
        systemCa: false,
        publicRoots: true,
        profile: o.profile ?? 'web',
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
      // Pair expected and found handshakes: in capture order, or in capture order per server port (clients that
      // ran in parallel interleave across ports).
      const key = (port: number | undefined) => (exp.handshakeOrder === 'per-server-port' ? String(port) : '*');
      const queues = new Map<string, Handshake[]>();
      for (const g of r.handshakes) {
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
        for (const [side, codes] of Object.entries(want.verdicts ?? {})) {
          const have = (h.verdicts ?? []).filter((v) => sideOf(v, h) === side);
          const haveCodes = new Set(have.map((v) => v.code));
          for (const c of codes) expect(haveCodes.has(c), `${label}: ${side} lacks ${c}; has ${[...haveCodes].join(', ')}`).toBe(true);
          const unexpected = have.filter((v) => v.severity === 'error' && !codes.includes(v.code)).map((v) => v.code);
          expect(unexpected, `${label}: unexpected ${side} errors`).toEqual([]);
        }
      });
    });
  }
});
