// Throughput benchmark: certshark scan --json against tshark on the same real captures (see make-capture.mjs).
//
//   npm run bench                         (= node bench/run.mjs; needs `npm run build` first)
// Environment:
//   BENCH_RUNS=3         timed runs per tool and file; the median is reported
//   BENCH_TSHARK_4X=0    skip tshark on the 4x captures (it takes many minutes); BENCH_TSHARK_4X_RUNS (default 1) runs
//   BENCH_FILES=a,b      only these cases (mixed, handshakes, mixed4x, handshakes4x; many: two copies of mixed.pcap in
//                        one scan, --jobs 1 against --jobs <cores>, whose outputs must be byte-identical, and two
//                        separate processes at once for the machine's own ceiling; slow: handshakes.pcap into a pipe
//                        whose reader starts 3 s late, against /dev/null)
//   BENCH_NO_WRITE=1     do not rewrite bench/RESULTS.md
//
// Each run is `/usr/bin/time -f "%e %M"` around the command: wall seconds and peak RSS (max resident set, KiB).
// One untimed run of each tool writes its stdout to bench/.cache/out/ for the certificate comparison; the timed runs
// write to /dev/null. The comparison hashes (SHA-256) every DER certificate tshark printed and every certificate in
// certshark's JSON `certificates` list and compares the two sets.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureCaptures, CACHE } from './make-capture.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(HERE);
const OUT = path.join(CACHE, 'out');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS || 3));
const TSHARK_4X = process.env.BENCH_TSHARK_4X !== '0';
const TSHARK_4X_RUNS = Math.max(1, Number(process.env.BENCH_TSHARK_4X_RUNS || 1));
const ONLY = process.env.BENCH_FILES ? process.env.BENCH_FILES.split(',') : null;
const MB = 1e6;
const LOAD_START = os.loadavg().map((x) => x.toFixed(1)).join(' ');

const TSHARK_OPTS = ['-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tls.desegment_ssl_application_data:FALSE'];
const tsharkArgs = (file) => ['-r', file, ...TSHARK_OPTS, '-Y', 'tls.handshake.type == 11', '-T', 'fields', '-e', 'tls.handshake.certificate'];
const certsharkArgs = (file) => [path.join(ROOT, 'bin', 'certshark'), 'scan', '--json', file];

const say = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/**
 * Runs cmd under /usr/bin/time; returns {seconds, rssMB, code}. `stdout` is a file path, or a stream the caller
 * owns (the pipe of a slow reader).
 */
function timed(cmd, args, stdout, stderrFile) {
  const timeFile = stderrFile + '.time'; // one per tool and capture: two runs may be timed at once
  const outFd = typeof stdout === 'string' ? fs.openSync(stdout, 'w') : stdout;
  const errFd = fs.openSync(stderrFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, cmd, ...args], { stdio: ['ignore', outFd, errFd] });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (typeof stdout === 'string') fs.closeSync(outFd);
      fs.closeSync(errFd);
      const [s, kb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ seconds: s, rssMB: kb / 1024, code });
    });
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** One run of `tool` on capture `name` with stdout to `stdout`; a failure ends the bench with its last words. */
async function checked(tool, cmd, args, name, stdout) {
  const errFile = path.join(OUT, `${name}.${tool}.err`);
  const r = await timed(cmd, args, stdout, errFile);
  if (r.code !== 0) {
    const err = fs.readFileSync(errFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${tool} on ${name} exited ${r.code}: ${err}`);
  }
  return r;
}

/** A timed run: stdout to /dev/null, so that no run times the disk's write-back of hundreds of MB. */
async function runOnce(tool, cmd, args, name, i, runs) {
  const r = await checked(tool, cmd, args, name, '/dev/null');
  say(`  ${tool} run ${i + 1}/${runs}: ${r.seconds.toFixed(2)} s, peak RSS ${r.rssMB.toFixed(0)} MB`);
  return r;
}

/** The untimed run whose output (bench/.cache/out/NAME.TOOL.out) is compared. */
async function outputRun(tool, cmd, args, name) {
  say(`  ${tool} on ${name}: output for the comparison (untimed)`);
  await checked(tool, cmd, args, name, path.join(OUT, `${name}.${tool}.out`));
}

const summary = (results) => ({ seconds: median(results.map((r) => r.seconds)), rssMB: Math.max(...results.map((r) => r.rssMB)), runs: results });

/**
 * The two tools' runs alternate (certshark, tshark, certshark, ...), so that both meet the same machine: on a shared
 * machine the load drifts over minutes. The speedup is the median of the paired ratios (tshark run i / certshark
 * run i).
 */
async function benchPair(name, file, tsRuns) {
  const cs = [], ts = [];
  // The outputs compared come from one untimed run of each tool: a timed run writing hundreds of MB into a file
  // would time the disk's write-back too (a 4x capture's only paired run was 2x slower for it).
  await outputRun('certshark', process.execPath, certsharkArgs(file), name);
  if (tsRuns > 0) await outputRun('tshark', 'tshark', tsharkArgs(file), name);
  for (let i = 0; i < RUNS; i++) {
    cs.push(await runOnce('certshark', process.execPath, certsharkArgs(file), name, i, RUNS));
    if (i < tsRuns) ts.push(await runOnce('tshark', 'tshark', tsharkArgs(file), name, i, tsRuns));
  }
  const ratios = ts.map((t, i) => t.seconds / cs[i].seconds);
  return { cs: summary(cs), ts: ts.length ? summary(ts) : null, ratio: ts.length ? median(ratios) : null, ratios };
}

/** SHA-256 of every certificate tshark printed (hex DER, comma-separated within a field, one line per frame). */
async function tsharkCertSet(file) {
  const set = new Set();
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    for (const hex of line.split(/[\t,]/)) {
      if (/^[0-9a-f]+$/i.test(hex)) set.add(crypto.createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex'));
    }
  }
  return set;
}

/**
 * What certshark's JSON says, read line by line (the document of a 400,000-handshake scan is larger than a string
 * may be): one handshake per line, then one certificate per line, then one capture per line (src/report/json.ts).
 */
async function certsharkFacts(file) {
  const certs = new Set();
  let packets = 0, handshakes = 0, withCerts = 0, part = 'handshakes';
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.startsWith('],"certificates":[')) { part = 'certificates'; continue; }
    if (line.startsWith('],"captures":[')) { part = 'captures'; continue; }
    if (!line.startsWith('{') || line.startsWith('{"certshark"')) continue;
    if (part === 'handshakes') {
      handshakes++;
      if (/"(server|client)Chain":\["/.test(line)) withCerts++;
      continue;
    }
    const o = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
    if (part === 'certificates') certs.add(String(o.sha256).replace(/[^0-9a-f]/gi, '').toLowerCase());
    else packets += o.packets || 0;
  }
  return { certs, packets, handshakes, withCerts };
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model || 'unknown';
  let tshark = 'not found';
  try { tshark = execFileSync('tshark', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0]; } catch {}
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()) commit += ' with uncommitted changes in src/';
  } catch {}
  const built = fs.statSync(path.join(ROOT, 'dist', 'cli', 'main.js')).mtime.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return { commit, built, loadStart: LOAD_START, loadEnd: os.loadavg().map((x) => x.toFixed(1)).join(' '), nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length, cpu, memGB: (os.totalmem() / 2 ** 30).toFixed(0), node: process.version, tshark, kernel: os.release(), date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC' };
}

function targets(rows, slow) {
  const row = (n) => rows.find((r) => r.name === n);
  const out = [];
  const hs = ['handshakes', 'handshakes4x'].map(row).filter(Boolean);
  const speed = hs.filter((r) => r.ts).map((r) => `${r.name} ${r.ratio.toFixed(1)}x`);
  if (speed.length) out.push(`Handshake-dense speed: ${speed.join(', ')} (${hs.every((r) => r.ts && r.ratio >= 20) ? 'met' : 'not met'}).`);
  if (hs.length) {
    const rss = Math.max(...hs.map((r) => r.cs.rssMB), slow ? slow.late.rssMB : 0);
    out.push(`Handshake-dense peak RSS: ${hs.map((r) => `${r.name} ${r.cs.rssMB.toFixed(0)} MB`).join(', ')}${slow ? `, into a late reader ${slow.late.rssMB.toFixed(0)} MB` : ''} (at most 150 MB: ${rss <= 150 ? 'met' : 'not met'}).`);
  }
  const h1 = row('handshakes'), h4 = row('handshakes4x'), m1 = row('mixed'), m4 = row('mixed4x');
  if (h1 && h4) out.push(`RSS handshakes4x / handshakes: ${(h4.cs.rssMB / h1.cs.rssMB).toFixed(2)}x.`);
  if (m1 && m4) out.push(`RSS mixed4x / mixed: ${(m4.cs.rssMB / m1.cs.rssMB).toFixed(2)}x.`);
  if (m1 && m1.ts) out.push(`Bulk (mixed.pcap): ${m1.ratio.toFixed(1)}x (17.3x on 2026-11-23).`);
  return out.join(' ');
}

/**
 * A slow reader: `scan --json handshakes.pcap` into a pipe whose reader starts reading 3 s late (a jq, a log shipper,
 * an SSH channel), against the same scan into /dev/null. certshark alone is under /usr/bin/time; the output must wait
 * for the reader, not pile up in memory.
 */
async function benchSlow(manifest) {
  const file = path.join(ROOT, manifest.files.handshakes.file);
  const args = certsharkArgs(file);
  const late = [], direct = [];
  for (let i = 0; i < RUNS; i++) {
    direct.push(await runOnce('devnull', process.execPath, args, 'slow', i, RUNS));
    const reader = spawn('sh', ['-c', 'sleep 3; cat > /dev/null'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const readerDone = new Promise((resolve) => reader.on('exit', resolve));
    const r = await timed(process.execPath, args, reader.stdin, path.join(OUT, 'slow.late.err'));
    reader.stdin.end();
    await readerDone;
    if (r.code !== 0) throw new Error(`certshark into a late reader exited ${r.code}`);
    late.push(r);
  }
  const res = { direct: summary(direct), late: summary(late) };
  say(`slow reader: /dev/null ${res.direct.seconds.toFixed(2)} s ${res.direct.rssMB.toFixed(0)} MB, a reader 3 s late ${res.late.seconds.toFixed(2)} s ${res.late.rssMB.toFixed(0)} MB`);
  return res;
}

function slowLine(r) {
  return `Slow reader (\`scan --json handshakes.pcap\` into \`sh -c 'sleep 3; cat > /dev/null'\`): peak RSS ${r.late.rssMB.toFixed(0)} MB, ${f1(r.late.seconds)} s (into /dev/null: ${r.direct.rssMB.toFixed(0)} MB, ${f1(r.direct.seconds)} s).`;
}

/**
 * Many files: `scan --json` of two copies of mixed.pcap (the second made once, in bench/.cache/) with one thread
 * and with one per core, alternating; the speedup is the median of the paired ratios. One untimed run of each
 * first writes its output into a file, and the two must be byte-identical; the timed runs all write to /dev/null
 * (a first timed run that wrote 600 MB into a file made its paired ratio an outlier).
 */
async function benchMany(manifest) {
  const a = path.join(ROOT, manifest.files.mixed.file);
  const b = path.join(CACHE, 'mixed-copy.pcap');
  if (!fs.existsSync(b) || fs.statSync(b).size !== fs.statSync(a).size) {
    say('many files: copying mixed.pcap to mixed-copy.pcap');
    fs.copyFileSync(a, b);
  }
  const jobs = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  const bytes = fs.statSync(a).size + fs.statSync(b).size;
  say(`many files: mixed.pcap + mixed-copy.pcap, ${(bytes / MB).toFixed(0)} MB, --jobs 1 and --jobs ${jobs}`);
  const args = (j) => [path.join(ROOT, 'bin', 'certshark'), 'scan', '--json', '--jobs', String(j), a, b];
  const one = [], many = [], apart = [];
  const single = (f) => [path.join(ROOT, 'bin', 'certshark'), 'scan', '--json', f];
  for (const j of [1, jobs]) await outputRun(`jobs${j}`, process.execPath, args(j), 'many');
  for (let i = 0; i < RUNS; i++) {
    one.push(await runOnce('jobs1', process.execPath, args(1), 'many', i, RUNS));
    many.push(await runOnce(`jobs${jobs}`, process.execPath, args(jobs), 'many', i, RUNS));
    // The machine's own ceiling: the two files in two separate processes at the same time (no threads, no merging).
    const t0 = process.hrtime.bigint();
    const both = await Promise.all([a, b].map((f, k) => timed(process.execPath, single(f), '/dev/null', path.join(OUT, `many.apart${k}.err`))));
    if (both.some((r) => r.code !== 0)) throw new Error('certshark in two separate processes failed');
    apart.push({ seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
  }
  const digest = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  const same = digest(path.join(OUT, 'many.jobs1.out')) === digest(path.join(OUT, `many.jobs${jobs}.out`));
  const ratios = one.map((r, i) => r.seconds / many[i].seconds);
  const ceiling = median(one.map((r, i) => r.seconds / apart[i].seconds));
  const r = { jobs, bytes, one: summary(one), many: summary(many), ratio: median(ratios), ratios, same, ceiling };
  say(`  --jobs 1 ${r.one.seconds.toFixed(2)} s, --jobs ${jobs} ${r.many.seconds.toFixed(2)} s, paired ratios ${ratios.map((x) => x.toFixed(2)).join(' ')}, median ${r.ratio.toFixed(2)}x; byte-identical: ${same ? 'yes' : 'NO'}`);
  return r;
}

function manyLine(m) {
  return `Many files (two copies of mixed.pcap, ${(m.bytes / MB).toFixed(0)} MB, in one \`scan --json\`): --jobs 1 ${f1(m.one.seconds)} s (peak RSS ${m.one.rssMB.toFixed(0)} MB), --jobs ${m.jobs} ${f1(m.many.seconds)} s (peak RSS ${m.many.rssMB.toFixed(0)} MB), ${m.ratio.toFixed(2)}x (paired ratios ${m.ratios.map((x) => x.toFixed(2)).join(', ')}; target at least 1.7x on 2 cores: ${m.ratio >= 1.7 ? 'met' : 'not met'}); outputs byte-identical: ${m.same ? 'yes' : 'NO'}. The machine's own ceiling, the two files in two separate \`scan --json\` processes at once against --jobs 1: ${m.ceiling.toFixed(2)}x.`;
}

const f1 = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const big = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + 'M' : x >= 1e3 ? (x / 1e3).toFixed(1) + 'k' : String(Math.round(x)));

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    say('dist/cli/main.js is missing: run `npm run build` first');
    process.exit(2);
  }
  if (!fs.existsSync('/usr/bin/time')) { say('/usr/bin/time is missing (Debian: apt-get install time)'); process.exit(2); }
  const manifest = await ensureCaptures();
  fs.mkdirSync(OUT, { recursive: true });
  const names = ['mixed', 'handshakes', 'mixed4x', 'handshakes4x'].filter((n) => !ONLY || ONLY.includes(n));
  const rows = [];
  for (const name of names) {
    const m = manifest.files[name];
    const file = path.join(ROOT, m.file);
    const bytes = fs.statSync(file).size;
    say(`${name}.pcap: ${(bytes / MB).toFixed(0)} MB, ${m.packets} packets, ${m.handshakes} handshakes`);
    const tsRuns = !name.endsWith('4x') ? RUNS : TSHARK_4X ? Math.min(RUNS, TSHARK_4X_RUNS) : 0;
    const { cs, ts, ratio, ratios } = await benchPair(name, file, tsRuns);
    const facts = await certsharkFacts(path.join(OUT, `${name}.certshark.out`));
    let same = 'n/a (tshark skipped)', tsCerts = null;
    if (ts) {
      tsCerts = await tsharkCertSet(path.join(OUT, `${name}.tshark.out`));
      const missing = [...tsCerts].filter((h) => !facts.certs.has(h)).length;
      const extra = [...facts.certs].filter((h) => !tsCerts.has(h)).length;
      same = missing === 0 && extra === 0 ? `yes (${tsCerts.size})` : `NO: tshark ${tsCerts.size}, certshark ${facts.certs.size}, ${missing} missing, ${extra} extra`;
    }
    rows.push({ name, bytes, m, cs, ts, ratio, ratios, facts, same });
    say(`  certshark ${cs.seconds.toFixed(2)} s${ts ? `, tshark ${ts.seconds.toFixed(2)} s, paired ratios ${ratios.map((x) => x.toFixed(1)).join(' ')}, median ${ratio.toFixed(1)}x` : ''}; same certificates: ${same}`);
  }
  const many = !ONLY || ONLY.includes('many') ? await benchMany(manifest) : null;
  const slow = !ONLY || ONLY.includes('slow') ? await benchSlow(manifest) : null;

  const mach = machine();
  const head = ['capture', 'size MB', 'packets', 'handshakes', 'certshark s', 'MB/s', 'packets/s', 'handshakes/s', 'peak RSS MB', 'tshark s', 'tshark MB/s', 'tshark RSS MB', 'speedup', 'same certificates'];
  const lines = rows.map(({ name, bytes, m, cs, ts, ratio, same }) => [
    `${name}.pcap`, (bytes / MB).toFixed(0), big(m.packets), big(m.handshakes),
    f1(cs.seconds), f1(bytes / MB / cs.seconds), big(m.packets / cs.seconds), big(m.handshakes / cs.seconds), cs.rssMB.toFixed(0),
    ts ? f1(ts.seconds) : 'skipped', ts ? f1(bytes / MB / ts.seconds) : '', ts ? ts.rssMB.toFixed(0) : '', ts ? `${ratio.toFixed(1)}x` : '', same,
  ]);
  const table = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  const found = rows.map(({ name, m, facts }) => `${name}.pcap: certshark reported ${facts.handshakes} handshakes (${facts.withCerts} with a certificate chain) and ${facts.packets} packets; the capture has ${m.handshakes} TCP connections (one TLS handshake each) and ${m.packets} packets.`);
  const md = `# Benchmark results

Measured by \`npm run bench\` (bench/run.mjs) on ${mach.date}.

${table}

- Machine: ${mach.nproc} CPUs (${mach.cpu}), ${mach.memGB} GB RAM, Linux ${mach.kernel}; shared with other work while measured.
- Load average (1/5/15 min) at start ${mach.loadStart}, at end ${mach.loadEnd}: timings on a shared 2-CPU machine vary by up to 2x between runs.
- certshark ${mach.commit}, dist/ built ${mach.built}; Node ${mach.node}; ${mach.tshark.replace(/\.$/, '')}.
- Each cell is the median wall time of ${RUNS} run(s) (tshark on the 4x captures: ${Math.min(RUNS, TSHARK_4X_RUNS)}); peak RSS is the largest max-resident-set of those runs (\`/usr/bin/time -f "%e %M"\`). MB = 10^6 bytes.
- certshark: \`node bin/certshark scan --json FILE\` (stdout to /dev/null in every timed run; each tool's output for the comparison comes from one untimed run before them).
- tshark: \`tshark -r FILE ${TSHARK_OPTS.join(' ')} -Y "tls.handshake.type == 11" -T fields -e tls.handshake.certificate\` (the options of the reference extraction used for the corpus expectations; no decode-as: tshark's TLS heuristics find 7001 and 8443 by themselves).
- "same certificates": the set of SHA-256 of every DER certificate tshark printed equals the set of \`certificates[].sha256\` in certshark's JSON. TLS 1.3 certificates are encrypted on the wire (no key log given), so neither tool sees them.
- The runs alternate (certshark, tshark, certshark, ...) so that both tools meet the same machine load; speedup = the median over runs of tshark seconds / certshark seconds of the same pair${rows.map((r) => r.ratios?.length ? ` (${r.name}: ${r.ratios.map((x) => x.toFixed(1)).join(', ')})` : '').join('')}.
- Targets (issue 14): at least 20x tshark on handshakes.pcap and handshakes4x.pcap, peak RSS at most 150 MB there (also into a slow reader) and flat as the capture grows; bulk at or above 17.3x. ${targets(rows, slow)}
  Profile with \`node --cpu-prof bin/certshark scan --json FILE\`, then \`node bench/profile-summary.mjs CPU.*.cpuprofile\`.
${found.map((f) => `- ${f}`).join('\n')}
${many ? `- ${manyLine(many)}\n` : ''}${slow ? `- ${slowLine(slow)}\n` : ''}
Captures (bench/make-capture.mjs, cached in bench/.cache/): a ${(manifest.seed.bytes / MB).toFixed(0)} MB seed recorded with tcpdump on a veth pair between two network namespaces (MTU 1500, offloads off) from Node/OpenSSL peers: ${manifest.seed.recording.mtls} mutual-TLS 1.2 handshake-only flows on 7001 (root > issuing CA > leaf, both chains sent), ${manifest.seed.recording.tls13} TLS 1.3 sessions on 443, ${manifest.seed.recording.bulk} bulk TLS 1.2 downloads of 2-6 MB on 443 and 8443, ${manifest.seed.recording.small12} small TLS 1.2 sessions on 8443; then scaled up by rewriting the real packets (per-copy IPv4 addresses and checksums, client ports, TCP sequence numbers, timestamps, copies interleaved in time): mixed.pcap = ${manifest.files.mixed.copies} copies, mixed4x.pcap = ${manifest.files.mixed4x.copies} copies, handshakes.pcap = ${manifest.files.handshakes.copies} copies of the 7001 flows and a sample of the other small sessions, handshakes4x.pcap = ${manifest.files.handshakes4x.copies} such copies over four times the time.
`;
  process.stdout.write('\n' + table + '\n\n' + found.join('\n') + '\n' + (many ? manyLine(many) + '\n' : '') + (slow ? slowLine(slow) + '\n' : ''));
  if (process.env.BENCH_NO_WRITE !== '1') {
    fs.writeFileSync(path.join(HERE, 'RESULTS.md'), md);
    say('wrote bench/RESULTS.md');
  }
}

main().catch((e) => { say(e.stack || e.message); process.exit(1); });
