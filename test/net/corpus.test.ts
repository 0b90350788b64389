import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { LIMITS } from '../../src/limits.js';
import { FragmentTable, NetDecoder } from '../../src/net/index.js';

const CORPUS = resolve(__dirname, '../../../shared/corpus/zeek');
let haveTshark = true;
try {
  execFileSync('tshark', ['--version'], { stdio: 'ignore' });
} catch {
  haveTshark = false;
}

/** Frames where tshark finds TCP or UDP (ICMP errors quote UDP headers: not counted). */
function tsharkFrames(path: string): number[] {
  const out = execFileSync('tshark', ['-r', path, '-Y', '(tcp or udp) and not icmp and not icmpv6', '-T', 'fields', '-e', 'frame.number'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.split('\n').filter(Boolean).map(Number);
}

async function ourFrames(path: string) {
  const dec = new NetDecoder();
  const frames: number[] = [];
  await readCapture(path, { packet: (r) => { if (dec.decode(r)) frames.push(r.frame); } });
  return { frames, stats: dec.stats };
}

// Compared live against tshark (each tshark run costs about a second, so a handful).
const FILES = [
  'other/pppoe-over-qinq.pcap',
  'other/tunnels_geneve-47101.pcap',
  'formats/linux_dlt_sll2.pcap',
  'formats/nflog-http.pcap',
  'formats/ppp_quic-interop-retry.pcap',
  'formats/redis_start-with-server.pcapng',
  'formats/radiotap.pcap',
  'formats/vntag.pcap',
];

// TCP/UDP frame counts tshark 4.0 gives for these (same filter as above), checked without running it again.
const COUNTS: Record<string, number> = {
  'formats/tls_openjdk-25.0.2-zeek.org.pcap': 6,
  'formats/nflog-bad-tlv-len.pcap': 0,
  'formats/ntp_ntp-no-extensions-mac.pcap': 1,
  'formats/tcp_payload-syn.pcap': 6,
  'formats/icmp_icmp6-mldv2.pcap': 0,
  'formats/dns-inverse-query.pcap': 11,
  'formats/llc.pcap': 1333,
  'formats/wlanmon.pcap': 3,
  'formats/tls_irc-starttls.pcap': 20,
  'formats/ldap_gap-data-missing.pcapng': 18,
  'formats/trunc_ip-discarder-truncated-tcp-oob.pcapng': 0,
  'formats/quic_interop_quic-go_quic-go_handshake.pcap': 9,
  'other/smtp.pcap': 121,
};

describe.skipIf(!existsSync(CORPUS))('corpus captures: same TCP/UDP frames as tshark', () => {
  for (const f of FILES) {
    it.skipIf(!haveTshark)(f, async () => {
      const path = join(CORPUS, f);
      const ours = await ourFrames(path);
      expect(ours.frames).toEqual(tsharkFrames(path));
    });
  }

  for (const [f, n] of Object.entries(COUNTS)) {
    it(`${f}: ${n} TCP/UDP frames`, async () => {
      expect((await ourFrames(join(CORPUS, f))).frames.length).toBe(n);
    });
  }

  it('tunnels_geneve-truncated.pcapng: the inner frame is cut, so nothing is returned (tshark shows the outer UDP)', async () => {
    const ours = await ourFrames(join(CORPUS, 'formats/tunnels_geneve-truncated.pcapng'));
    expect(ours.frames).toEqual([]);
    expect(ours.stats).toEqual({ 'truncated-link': 1 });
  });

  it('tunnels_geneve-47101.pcap returns the inner packets, never the outer UDP 6081', async () => {
    const dec = new NetDecoder();
    const ports: number[] = [];
    await readCapture(join(CORPUS, 'other/tunnels_geneve-47101.pcap'), { packet: (r) => { const p = dec.decode(r); if (p) ports.push(p.sport, p.dport); } });
    expect(ports.length).toBeGreaterThan(0);
    expect(ports).not.toContain(6081);
  });
});

describe('FragmentTable bounds', () => {
  it('keeps at most LIMITS.ipFragmentSets sets, evicting the oldest', () => {
    const counts: Record<string, number> = {};
    const t = new FragmentTable((r) => { counts[r] = (counts[r] ?? 0) + 1; });
    for (let i = 0; i < LIMITS.ipFragmentSets + 10; i++) t.add(`k${i}`, 0, true, new Uint8Array(8), 0);
    expect(t.pending).toBe(LIMITS.ipFragmentSets);
    expect(counts['fragment-evicted']).toBe(10);
    // The oldest set is gone: completing it does not reassemble.
    expect(t.add('k0', 8, false, new Uint8Array(8), 0)).toBeNull();
    expect(t.add(`k${LIMITS.ipFragmentSets + 9}`, 8, false, new Uint8Array(8), 0)?.length).toBe(16);
  });
});
