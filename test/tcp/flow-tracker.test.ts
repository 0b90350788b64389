import { describe, expect, it } from 'vitest';
import { formatAddress, seqAdd, seqDiff, seqLe, seqLt, seqMax, seqMin } from '../../src/tcp/index.js';
import { ACK, Driver, FIN, PSH, Recorder, SYN } from './harness.js';

const A = Uint8Array.of(192, 168, 1, 10);
const B = Uint8Array.of(192, 168, 1, 1);
const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('seq arithmetic (RFC 1982)', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqDiff(0xfffffff0, 0x10)).toBe(0x20);
    expect(seqDiff(0x10, 0xfffffff0)).toBe(-0x20);
    expect(seqLt(0xffffffff, 0)).toBe(true);
    expect(seqLt(0, 0xffffffff)).toBe(false);
    expect(seqLe(5, 5)).toBe(true);
    expect(seqAdd(0xffffffff, 2)).toBe(1);
    expect(seqAdd(1, -2)).toBe(0xffffffff);
    expect(seqMax(0xfffffffe, 3)).toBe(3);
    expect(seqMin(0xfffffffe, 3)).toBe(0xfffffffe);
    // 2^31 apart is the undefined case of RFC 1982; the rule picks "before", documented in seq.ts.
    expect(seqDiff(0, 0x80000000)).toBe(-0x80000000);
  });
});

describe('formatAddress', () => {
  const v6 = (s: string): Uint8Array => {
    const [head, tail] = s.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const b = new Uint8Array(16);
    groups.forEach((g, i) => {
      const v = parseInt(g, 16);
      b[2 * i] = v >> 8;
      b[2 * i + 1] = v & 0xff;
    });
    return b;
  };
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // RFC 5952 section 4.2.1
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // 4.2.2: one zero group is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // 4.2.3: the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // 4.2.3: the first of equal runs
    ['2001:DB8:0:0:0:0:0:ABCD', '2001:db8::abcd'], // 4.3: lower case
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'], // section 5: IPv4-mapped
  ])('%s -> %s', (input, want) => {
    expect(formatAddress(v6(input))).toBe(want);
  });
  it('IPv4 dotted quad', () => {
    expect(formatAddress(Uint8Array.of(10, 0, 255, 1))).toBe('10.0.255.1');
  });
});

describe('FlowTracker: flows and the table', () => {
  it('UDP: one data call per datagram, both directions in one flow, snaplen as a gap', () => {
    const drv = new Driver();
    drv.raw('udp', A, 5000, B, 4433, 0, 0, 0, enc('hello'));
    drv.raw('udp', B, 4433, A, 5000, 0, 0, 0, enc('HI'));
    drv.raw('udp', A, 5000, B, 4433, 0, 0, 0, enc('x'), 7);
    drv.raw('tcp', A, 5000, B, 4433, 1, 0, PSH | ACK, enc('tcp')); // same ports, other transport: other flow
    drv.tracker.finish();
    expect(drv.flows.length).toBe(2);
    const u = drv.flows[0]!;
    expect(u.info).toMatchObject({ transport: 'udp', a: { ip: '192.168.1.10', port: 5000 }, b: { ip: '192.168.1.1', port: 4433 }, synSeen: false, firstFrame: 1 });
    expect(u.out).toEqual(['hellox<gap 7>', 'HI']);
    expect(u.calls).toBe(4); // three datagrams, one gap
    expect(u.ends).toEqual(['eof']);
    expect(drv.flows[1]!.info.transport).toBe('tcp');
  });

  it('IPv6 flows, addresses formatted once per flow', () => {
    const drv = new Driver();
    const x = new Uint8Array(16);
    x[0] = 0x20;
    x[1] = 0x01;
    x[2] = 0x0d;
    x[3] = 0xb8;
    x[15] = 1;
    const y = x.slice();
    y[15] = 2;
    drv.raw('tcp', x, 50000, y, 7001, 1000, 0, SYN, new Uint8Array(0));
    drv.raw('tcp', y, 7001, x, 50000, 9, 1001, SYN | ACK, new Uint8Array(0));
    drv.raw('tcp', x, 50000, y, 7001, 1001, 10, ACK, enc('abc'));
    drv.tracker.finish();
    expect(drv.flows.length).toBe(1);
    expect(drv.flows[0]!.info.a).toEqual({ ip: '2001:db8::1', port: 50000 });
    expect(drv.flows[0]!.info.b).toEqual({ ip: '2001:db8::2', port: 7001 });
    expect(drv.flows[0]!.out[0]).toBe('abc');
  });

  it('keeps thousands of flows apart, both directions finding theirs', () => {
    const drv = new Driver();
    const N = 3000;
    const addr = (i: number): Uint8Array => Uint8Array.of(10, (i >> 16) & 255, (i >> 8) & 255, i & 255);
    for (let i = 0; i < N; i++) drv.raw('tcp', addr(i), 1024 + (i % 50), B, 443, 0, 0, ACK, enc(`c${i};`));
    for (let i = N - 1; i >= 0; i--) drv.raw('tcp', B, 443, addr(i), 1024 + (i % 50), 0, 0, ACK, enc(`s${i};`));
    // Mirror images (swapped address and port roles) are different flows.
    drv.raw('tcp', B, 1024, addr(0), 443, 0, 0, ACK, enc('mirror'));
    expect(drv.tracker.stats.flowsInProgress).toBe(N + 1);
    drv.tracker.finish();
    expect(drv.flows.slice(0, N).map((f) => f.out)).toEqual(Array.from({ length: N }, (_, i) => [`c${i};`, `s${i};`]));
    expect(drv.flows[N]!.out).toEqual(['mirror', '']);
  });

  it('evicts the least recently seen flow past maxFlows', () => {
    const drv = new Driver({ maxFlows: 2 });
    drv.raw('tcp', A, 1, B, 443, 0, 0, ACK, enc('one'));
    drv.raw('tcp', A, 2, B, 443, 0, 0, ACK, enc('two'));
    drv.raw('tcp', A, 1, B, 443, 3, 0, ACK, enc('!')); // flow 1 is now the most recent
    drv.raw('tcp', A, 3, B, 443, 0, 0, ACK, enc('three'));
    expect(drv.flows.map((f) => f.ends)).toEqual([[], ['evicted'], []]);
    expect(drv.tracker.stats.flowsEnded.evicted).toBe(1);
    drv.tracker.finish();
    expect(drv.flows[0]!.out[0]).toBe('one!');
  });

  it('finish() ends open flows in order of their first frame', () => {
    const order: number[] = [];
    const drv = new Driver({}, (r) => {
      const end = r.end.bind(r);
      r.end = (reason) => {
        order.push(r.info.firstFrame);
        end(reason);
      };
    });
    drv.raw('tcp', A, 1, B, 443, 0, 0, ACK, enc('a'));
    drv.raw('tcp', A, 2, B, 443, 0, 0, ACK, enc('b'));
    drv.raw('udp', A, 3, B, 443, 0, 0, 0, enc('c'));
    drv.raw('tcp', A, 1, B, 443, 1, 0, ACK, enc('a')); // touching flow 1 must not change the order
    drv.tracker.finish();
    expect(order).toEqual([1, 2, 3]);
    expect(drv.tracker.stats.flowsEnded.eof).toBe(3);
    expect(drv.tracker.stats.flowsInProgress).toBe(0);
  });

  it('a throwing consumer is counted, its flow goes quiet, others go on', () => {
    const drv = new Driver({}, (r) => {
      if (r.info.a.port === 1) {
        r.data = () => {
          throw new Error('consumer bug');
        };
      }
    });
    drv.raw('tcp', A, 1, B, 443, 0, 0, ACK, enc('boom'));
    drv.raw('tcp', A, 1, B, 443, 4, 0, ACK, enc('more'));
    drv.raw('tcp', A, 2, B, 443, 0, 0, ACK, enc('fine'));
    drv.tracker.finish();
    expect(drv.tracker.stats.consumerErrors).toBe(1);
    expect(drv.tracker.stats.skippedPackets).toBe(1);
    expect(drv.flows[1]!.out[0]).toBe('fine');
    expect(drv.flows[0]!.ends).toEqual(['eof']);
  });

  it('hostile values do not throw: odd address lengths, seq beyond 2^32, flags all set', () => {
    const drv = new Driver();
    expect(() => {
      drv.raw('tcp', Uint8Array.of(1, 2, 3), 0, Uint8Array.of(), 65535, 2 ** 33 + 5, -1, 0xff, enc('x'));
      drv.raw('tcp', A, 0, B, 0, 0, 0, SYN | FIN, enc('y'));
      drv.raw('tcp', A, 0, B, 0, 0, 0, SYN | FIN | ACK, new Uint8Array(0));
      drv.tracker.finish();
    }).not.toThrow();
    // The tracker catches what its consumers throw and counts it: a throw of its own would hide there.
    expect(drv.tracker.stats.consumerErrors).toBe(0);
    expect(drv.flows.length).toBeGreaterThan(0);
  });
});

describe('FlowTracker: fast path once the consumer is done', () => {
  it('makes no more data/gap calls, frees held bytes, counts skipped packets, still ends once', () => {
    const drv = new Driver({}, (r) => {
      r.doneAfterBytes = 3;
    });
    drv.raw('tcp', A, 40000, B, 443, 100, 0, SYN, new Uint8Array(0));
    drv.raw('tcp', A, 40000, B, 443, 110, 0, ACK, enc('held-out-of-order')); // buffered
    expect(drv.tracker.stats.bufferedBytes).toBe(17);
    drv.raw('tcp', A, 40000, B, 443, 101, 0, ACK, enc('abc')); // done after this
    const r = drv.flows[0]!;
    expect(r.done).toBe(true);
    expect(r.out[0]).toBe('abc');
    expect(drv.tracker.stats.bufferedBytes).toBe(0);
    expect(drv.tracker.stats.bufferedBytesPeak).toBe(17);
    const calls = r.calls;
    drv.raw('tcp', A, 40000, B, 443, 104, 0, ACK, enc('defghi'));
    drv.raw('tcp', B, 443, A, 40000, 500, 0, ACK, enc('server'));
    drv.raw('tcp', A, 40000, B, 443, 200, 0, ACK, enc('more'), 5);
    expect(r.calls).toBe(calls);
    expect(r.callsAfterDone).toBe(0);
    expect(drv.tracker.stats.skippedPackets).toBe(3);
    expect(drv.tracker.stats.bufferedBytes).toBe(0);
    drv.raw('tcp', A, 40000, B, 443, 210, 0, FIN | ACK, new Uint8Array(0));
    expect(r.ends).toEqual([]);
    drv.raw('tcp', B, 443, A, 40000, 600, 0, FIN | ACK, new Uint8Array(0));
    expect(r.ends).toEqual(['closed']);
    expect(r.callsAfterDone).toBe(0);
    drv.tracker.finish();
    expect(r.ends).toEqual(['closed']);
  });

  it('still sees a new SYN on the same ports (port reuse) while skipping', () => {
    const drv = new Driver({}, (r) => {
      r.doneAfterBytes = 1;
    });
    drv.raw('tcp', A, 40000, B, 443, 100, 0, SYN, new Uint8Array(0));
    drv.raw('tcp', A, 40000, B, 443, 101, 0, ACK, enc('x'));
    drv.raw('tcp', A, 40000, B, 443, 100, 0, SYN, new Uint8Array(0)); // retransmitted SYN: same ISN, same flow
    expect(drv.flows.length).toBe(1);
    drv.raw('tcp', A, 40000, B, 443, 5000, 0, SYN, new Uint8Array(0));
    drv.raw('tcp', A, 40000, B, 443, 5001, 0, ACK, enc('y'));
    drv.tracker.finish();
    expect(drv.flows.length).toBe(2);
    expect(drv.flows[0]!.ends).toEqual(['reused']);
    expect(drv.flows[1]!.out[0]).toBe('y');
    expect(drv.flows[1]!.ends).toEqual(['eof']);
  });

  it('a consumer done from the start gets nothing but end()', () => {
    const drv = new Driver({}, (r) => {
      r.done = true;
    });
    drv.raw('udp', A, 1, B, 2, 0, 0, 0, enc('dgram'));
    drv.raw('tcp', A, 1, B, 2, 0, 0, ACK, enc('seg'));
    drv.tracker.finish();
    expect(drv.flows.map((f) => [f.calls, f.ends])).toEqual([
      [0, ['eof']],
      [0, ['eof']],
    ]);
  });
});

describe('FlowTracker: gap frames', () => {
  it('names the frame that revealed each gap', () => {
    const drv = new Driver();
    drv.seg({ d: 0, seq: 100, f: 'S' }); // frame 1
    drv.seg({ d: 0, seq: 101, data: 'ab', miss: 2 }); // 2: snaplen gap here
    drv.seg({ d: 0, seq: 108, data: 'h' }); // 3: held behind a hole of 3
    // 4-11: acknowledgments past the hole; the hole is given up at the LIMITS.tcpAckPatience-th (8th) one.
    for (let i = 0; i < 8; i++) drv.seg({ d: 1, seq: 500, ack: 108 });
    drv.seg({ d: 0, seq: 112, data: 'l' }); // 12: held behind a hole of 3
    drv.seg({ d: 1, seq: 500, ack: 0 }); // 13: last frame of the flow
    drv.tracker.finish();
    expect(drv.flows[0]!.gaps).toEqual([
      { dir: 0, bytes: 2, frame: 2 },
      { dir: 0, bytes: 3, frame: 11 },
      { dir: 0, bytes: 3, frame: 12 },
    ]);
    expect(drv.flows[0]!.out[0]).toBe('ab<gap 2><gap 3>h<gap 3>l');
  });
});

describe('Recorder sanity', () => {
  it('records gaps in the text', () => {
    const r = new Recorder({ transport: 'tcp', a: { ip: '', port: 0 }, b: { ip: '', port: 0 }, synSeen: false, firstFrame: 0, firstTs: 0 });
    r.data(0, enc('a'));
    r.gap(0, 2, 1);
    expect(r.out[0]).toBe('a<gap 2>');
  });
});
