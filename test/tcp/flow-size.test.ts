/**
 * The flow table's cost per flow: a capture of hundreds of thousands of one-segment flows must fit in memory, so a
 * flow of one segment holds one half-stream, its flags in one number, IPv4 addresses without the words IPv6 needs,
 * and a slot in an array instead of a Map entry. And flows that share a hash key stay apart.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACK, Driver, PSH } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('flow table size', () => {
  it('one-segment IPv4 flows cost a few hundred bytes each', () => {
    // Measured in a process of its own, on the build (npm test builds first): inside the test runner the heap also
    // sees the runner's own garbage come and go (rounds of 20,000 flows read -40 to 330 bytes a flow).
    const script = `
      import { FlowTracker } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/tcp/flow-tracker.js')).href)};
      const N = 50000;
      const NOTHING = { done: false, data() {}, gap() {}, end() {} };
      const t = new FlowTracker(() => NOTHING, { maxFlows: N });
      const payload = new Uint8Array(25).fill(0x16);
      const dst = Uint8Array.of(192, 0, 2, 1);
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < N; i++) {
        const src = Uint8Array.of(10, i >> 16, (i >> 8) & 255, i & 255);
        t.add({ kind: 'tcp', frame: i + 1, ts: 1.7e9 + i / 1e5, ipVersion: 4, src, dst, sport: 40000, dport: 443,
          seq: 1000 + i, ack: 5000, flags: ${PSH | ACK}, payload, missingBytes: 0 });
      }
      gc();
      gc();
      process.stdout.write(String((process.memoryUsage().heapUsed - before) / N) + ' ' + t.stats.flowsInProgress);`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [each, open] = r.stdout.split(' ').map(Number);
    expect(open).toBe(50_000);
    // Measured: about 330 bytes (flow, one half-stream, its slot, the time stamp); 470 with both half-streams made
    // with the flow, 660 with a Map, both half-streams, and the flags and IPv6 words in fields of their own.
    expect(each).toBeGreaterThan(100);
    expect(each).toBeLessThan(400);
  });

  it('100,000 IPv6 flows that differ only in the last address word each get their own consumer', () => {
    // 100,000 keys of 30 bits: a few share a key (about 4.6 expected), and only the address words tell them apart.
    const N = 100_000;
    const d = new Driver({ maxFlows: N });
    const dst = Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
    const src = Uint8Array.from(dst);
    for (let i = 0; i < N; i++) {
      src[12] = i >>> 24;
      src[13] = (i >>> 16) & 255;
      src[14] = (i >>> 8) & 255;
      src[15] = i & 255;
      d.raw('tcp', src, 40000, dst, 443, 1000, 0, PSH | ACK, Buffer.from(`flow ${i}`, 'latin1'));
    }
    expect(d.tracker.stats.flowsCreated).toBe(N);
    d.tracker.finish();
    expect(d.flows.every((r, i) => r.out[0] === `flow ${i}`)).toBe(true);
    expect(d.flows[77]!.info.a.ip).toBe('2001:db8::4d');
  });
});
