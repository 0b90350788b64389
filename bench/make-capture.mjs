// Builds (once) and caches the benchmark captures in bench/.cache/:
//   pki/             lab PKI made with openssl: root > issuing CA > leaves (RSA and ECDSA P-256)
//   seed.pcap        a real recording: Node/OpenSSL TLS peers in two network namespaces joined by a veth pair
//                    (10.99.0.1 server, 10.99.0.2 client, MTU 1500, offloads off), recorded with tcpdump -s 0
//   mixed.pcap       >= 1 GiB: copies of the whole seed, rewritten (addresses, ports, sequence numbers, time)
//   mixed4x.pcap     4x the copies of mixed.pcap
//   handshakes.pcap  >= 100,000 handshakes: copies of the seed's handshake-only mTLS flows on 7001 plus a sample
//                    of its other small sessions
//   manifest.json    what was built: sizes, packets, handshakes (one per TCP connection), seed facts
//
//   node bench/make-capture.mjs [--force] [--reseed]      needs root, openssl, tcpdump, iproute2 (ethtool optional)
// Environment: PLAN_SCALE (scales the seed's plan; default 1), BENCH_MIXED_MB (default 1024).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSeed, scale } from './pcap-scale.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CACHE = path.join(HERE, '.cache');
const PKI = path.join(CACHE, 'pki');
const SEED = path.join(CACHE, 'seed.pcap');
const MANIFEST = path.join(CACHE, 'manifest.json');
const VERSION = 3; // bump when the plan or the rewrite changes, to rebuild cached captures
const MIB = 1024 * 1024;

const say = (msg) => process.stderr.write(`[make-capture] ${msg}\n`);
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts }).toString();

// ---------------------------------------------------------------------------------------------------------- PKI
function makePki() {
  if (fs.existsSync(path.join(PKI, 'portal.crt'))) return;
  say('lab PKI (openssl) -> bench/.cache/pki');
  fs.mkdirSync(PKI, { recursive: true });
  const ext = path.join(PKI, 'ext.cnf');
  fs.writeFileSync(ext, [
    '[ca]', 'basicConstraints = critical, CA:true, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
    '[both]', 'basicConstraints = critical, CA:false', 'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth, clientAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
    'subjectAltName = DNS:${ENV::SAN}',
    '[web]', 'basicConstraints = critical, CA:false', 'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
    'subjectAltName = DNS:${ENV::SAN}', '',
  ].join('\n'));
  const o = (...args) => sh('openssl', args, { cwd: PKI, env: { ...process.env, SAN: process.env.SAN || 'x' } });
  o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-keyout', 'root.key', '-out', 'root.crt',
    '-subj', '/O=certshark bench/CN=Bench Root CA', '-addext', 'basicConstraints=critical,CA:true',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name, keyArgs, section, cn, ca = 'root') => {
    sh('openssl', ['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`,
      '-subj', `/O=certshark bench/CN=${cn}`], { cwd: PKI });
    sh('openssl', ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-set_serial',
      '0x' + Buffer.from(name).toString('hex').slice(0, 30), '-sha256', '-days', '825', '-extfile', 'ext.cnf',
      '-extensions', section, '-out', `${name}.crt`], { cwd: PKI, env: { ...process.env, SAN: cn } });
  };
  const rsa = ['-newkey', 'rsa:2048'];
  leaf('issuing', rsa, 'ca', 'Bench Issuing CA 1');
  leaf('expressway-e', rsa, 'both', 'expressway-e.bench.test', 'issuing');
  for (let i = 1; i <= 4; i++) leaf(`expressway-c${i}`, rsa, 'both', `expressway-c${i}.bench.test`, 'issuing');
  leaf('vpn', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'web', 'vpn.bench.test', 'issuing');
  leaf('portal', rsa, 'web', 'portal.bench.test', 'issuing');
  for (const f of fs.readdirSync(PKI)) if (f.endsWith('.csr') || f.endsWith('.srl')) fs.rmSync(path.join(PKI, f));
}

// ---------------------------------------------------------------------------------------------- seed recording
function waitFor(child, stream, pattern, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no "${pattern}" after ${ms} ms: ${seen.slice(-300)}`)), ms);
    child[stream].on('data', (d) => {
      seen += d.toString();
      if (seen.includes(pattern)) { clearTimeout(timer); resolve(seen); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}): ${seen.slice(-300)}`)); });
  });
}
const exited = (child) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve();
  else child.on('exit', () => resolve());
});

async function recordSeed() {
  for (const tool of ['openssl', 'tcpdump', 'ip']) {
    try { sh('sh', ['-c', `command -v ${tool}`]); } catch { throw new Error(`${tool} is required to record the seed capture`); }
  }
  if (process.getuid && process.getuid() !== 0) throw new Error('recording the seed needs root (network namespaces)');
  const NS_S = `cbench-s-${process.pid}`, NS_C = `cbench-c-${process.pid}`;
  const S4 = '10.99.0.1', C4 = '10.99.0.2';
  const inNs = (ns, ...args) => sh('ip', ['netns', 'exec', ns, ...args]);
  const children = [];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) { try { c.kill('SIGKILL'); } catch {} }
    for (const ns of [NS_C, NS_S]) { try { sh('ip', ['netns', 'del', ns]); } catch {} }
  };
  const onSignal = () => { cleanup(); process.exit(130); };
  process.once('SIGINT', onSignal); process.once('SIGTERM', onSignal);
  try {
    say(`network namespaces ${NS_C} (${C4}) <-veth-> ${NS_S} (${S4}), MTU 1500, offloads off`);
    sh('ip', ['netns', 'add', NS_S]); sh('ip', ['netns', 'add', NS_C]);
    sh('ip', ['link', 'add', 'vc0', 'netns', NS_C, 'mtu', '1500', 'type', 'veth', 'peer', 'name', 'vs0', 'netns', NS_S, 'mtu', '1500']);
    for (const [ns, dev, addr] of [[NS_C, 'vc0', C4], [NS_S, 'vs0', S4]]) {
      inNs(ns, 'ip', 'addr', 'add', `${addr}/24`, 'dev', dev);
      inNs(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
      // Offloads off: wire-sized segments with checksums computed in software, as on a real Ethernet link.
      try { inNs(ns, 'ethtool', '-K', dev, 'tso', 'off', 'gso', 'off', 'gro', 'off', 'tx', 'off', 'rx', 'off'); } catch { say('ethtool -K failed; offloads left on'); }
      inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
      inNs(ns, 'ip', 'link', 'set', dev, 'up');
    }
    try { inNs(NS_C, 'ping', '-c1', '-W2', S4); } catch {}

    const server = spawn('ip', ['netns', 'exec', NS_S, process.execPath, path.join(HERE, 'peers.mjs'), 'server', PKI, S4], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(server);
    server.stderr.on('data', (d) => process.stderr.write(`[server] ${d}`));
    await waitFor(server, 'stdout', 'ready', 'TLS server');

    const tmp = SEED + '.tmp';
    const dump = spawn('ip', ['netns', 'exec', NS_C, 'tcpdump', '-i', 'vc0', '-s', '0', '-B', '262144', '-n', '--immediate-mode', '-w', tmp, 'ip or arp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(dump);
    let dumpErr = '';
    dump.stderr.on('data', (d) => { dumpErr += d; });
    await waitFor(dump, 'stderr', 'listening on', 'tcpdump');

    say('recording: mTLS 1.2 on 7001, TLS 1.3 on 443, bulk TLS 1.2 downloads on 443/8443, small TLS 1.2 on 8443');
    const t0 = Date.now();
    const client = spawn('ip', ['netns', 'exec', NS_C, process.execPath, path.join(HERE, 'peers.mjs'), 'client', PKI, S4], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(client);
    let summary = '';
    client.stdout.on('data', (d) => { summary += d; });
    await exited(client);
    if (client.exitCode !== 0) throw new Error(`TLS client failed (${client.exitCode})`);
    await new Promise((r) => setTimeout(r, 1500)); // last FIN/ACKs reach the file
    dump.kill('SIGINT');
    await exited(dump);
    server.kill('SIGTERM');
    await exited(server);
    const dropped = Number((/(\d+) packets? dropped by kernel/.exec(dumpErr) || [])[1] || 0);
    const stats = { ...JSON.parse(summary.trim().split('\n').pop()), recordSeconds: (Date.now() - t0) / 1000, droppedByKernel: dropped };
    say(`recorded in ${stats.recordSeconds.toFixed(1)} s: ${summary.trim()}; tcpdump: ${dumpErr.trim().split('\n').slice(-3).join('; ')}`);
    if (stats.failed) say(`warning: ${stats.failed} sessions failed`);
    if (dropped) say(`warning: tcpdump dropped ${dropped} packets; the seed has gaps`);
    fs.renameSync(tmp, SEED);
    return stats;
  } finally {
    cleanup();
    process.removeListener('SIGINT', onSignal); process.removeListener('SIGTERM', onSignal);
  }
}

// ------------------------------------------------------------------------------------------------------ scaling
const fileOk = (f) => fs.existsSync(f) && fs.statSync(f).size > 24;

/** Ensures every capture exists; returns the manifest. */
export async function ensureCaptures({ force = false, reseed = false } = {}) {
  fs.mkdirSync(CACHE, { recursive: true });
  let manifest = null;
  try { manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')); } catch {}
  const outputs = ['mixed', 'mixed4x', 'handshakes', 'handshakes4x'];
  if (!force && !reseed && manifest && manifest.version === VERSION && outputs.every((n) => fileOk(path.join(CACHE, `${n}.pcap`)))) return manifest;

  const started = Date.now();
  makePki();
  let seedStats = manifest && manifest.seed && manifest.seed.recording;
  if (reseed || !fileOk(SEED) || !seedStats) seedStats = await recordSeed();
  const seed = loadSeed(SEED);
  let seedHs = 0;
  for (const n of seed.flowSyn) seedHs += n;
  say(`seed: ${(seed.buf.length / MIB).toFixed(1)} MiB, ${seed.offs.length} packets, ${seedHs} TCP connections, ${(seed.durationUs / 1e6).toFixed(1)} s`);

  const mixedBytes = Number(process.env.BENCH_MIXED_MB || 1024) * MIB;
  const copies = Math.ceil(mixedBytes / (seed.buf.length - 24));
  const small = (f) => seed.flowBytes[f] < 256 * 1024;
  const hsFlow = (f) => seed.flowPort[f] === 7001 || (small(f) && f % 8 === 0);
  let hsPerCopy = 0;
  for (let f = 0; f < seed.flowBytes.length; f++) if (hsFlow(f)) hsPerCopy += seed.flowSyn[f];
  const plans = {
    // mixed4x keeps mixed's density (copies in flight at once) and lasts about 4x longer, so that memory can stay
    // flat as the file grows; handshakes.pcap packs its copies into twice the seed's duration.
    mixed: { copies, spreadDiv: copies, keepFlow: () => true },
    mixed4x: { copies: 4 * copies, spreadDiv: copies, keepFlow: () => true },
    handshakes: { copies: Math.ceil(100000 / Math.max(1, hsPerCopy)), keepFlow: hsFlow, keepOther: false },
  };
  // handshakes4x: handshakes.pcap's density over about 4x its duration (the memory of a handshake-dense scan must stay
  // flat as the capture grows).
  plans.handshakes4x = { ...plans.handshakes, copies: 4 * plans.handshakes.copies, spreadDiv: plans.handshakes.copies };
  const files = {};
  for (const name of outputs) {
    const p = plans[name];
    p.spreadDiv ??= p.copies;
    const out = path.join(CACHE, `${name}.pcap`);
    const t = Date.now();
    say(`${name}.pcap: ${p.copies} rewritten copies of the seed${name.startsWith('handshakes') ? ' (mTLS 7001 flows + 1/8 of other small sessions)' : ''} ...`);
    const r = scale(seed, { out: out + '.tmp', copies: p.copies, spreadUs: seed.durationUs / p.spreadDiv, keepFlow: p.keepFlow, keepOther: p.keepOther !== false });
    fs.renameSync(out + '.tmp', out);
    files[name] = { file: path.relative(path.dirname(HERE), out), copies: p.copies, ...r };
    say(`  ${(r.bytes / MIB).toFixed(0)} MiB, ${r.packets} packets, ${r.handshakes} handshakes, ${r.durationS.toFixed(1)} s of traffic, built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  manifest = {
    version: VERSION, built: new Date().toISOString(),
    seed: { bytes: seed.buf.length, packets: seed.offs.length, handshakes: seedHs, durationS: seed.durationUs / 1e6, recording: seedStats },
    files,
  };
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  ensureCaptures({ force: args.includes('--force'), reseed: args.includes('--reseed') }).then(
    (m) => process.stdout.write(JSON.stringify(m, null, 2) + '\n'),
    (e) => { process.stderr.write(`make-capture: ${e.message}\n`); process.exit(1); },
  );
}
