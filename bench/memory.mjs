// Memory and time limits on hostile captures (issue 12): writes the captures of bench/hostile-captures.mjs into a
// temporary folder, runs `certshark scan --json` on each under /usr/bin/time (stdout to /dev/null) and compares the
// wall time and peak RSS with the limits; the folder is removed afterwards. The CPU seconds (user + system) are
// shown beside the wall time: on a shared machine the wall time of a run is mostly other people's load.
//
//   npm run bench:memory        (= node bench/memory.mjs; needs `npm run build` first)
// Environment: BENCH_MEMORY_RUNS=3 (runs per capture; the median time and the largest RSS are reported)
//
// Limits: every capture within 300 MB peak RSS; the 300,000-flow capture within 3 s. Exit 1 when one is missed.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBigCert, writeFlows } from './hostile-captures.mjs';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RUNS = Math.max(1, Number(process.env.BENCH_MEMORY_RUNS || 3));
const RSS_MB = 300;
const CASES = [
  { name: 'flows.pcap', what: '300,000 flows, one 25-byte piece of a 16 KiB record each', write: (f) => writeFlows(f, 300_000), seconds: 3 },
  { name: 'bigcert.pcap', what: 'one flow, ~330 MB of a Certificate claiming 16 MiB', write: (f) => writeBigCert(f, 330), seconds: undefined },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certshark-bench-memory-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
let failed = false;
try {
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  process.stdout.write(`certshark ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim()}, Node ${process.version}, load average ${load}, ${RUNS} run(s) each\n\n`);
  process.stdout.write('| capture | size MB | s (median) | CPU s (median) | peak RSS MB (max) | limit | result |\n|---|---|---|---|---|---|---|\n');
  for (const c of CASES) {
    const file = path.join(dir, c.name);
    c.write(file);
    const size = fs.statSync(file).size / 1e6;
    const times = [];
    const cpus = [];
    let rss = 0;
    let notes = [];
    for (let i = 0; i < RUNS; i++) {
      const timeFile = path.join(dir, 'time.txt');
      const out = i === 0 ? path.join(dir, 'out.json') : '/dev/null';
      const fd = fs.openSync(out, 'w');
      const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, path.join(ROOT, 'bin/certshark'), 'scan', '--json', file], { stdio: ['ignore', fd, 'pipe'] });
      fs.closeSync(fd);
      if (r.status !== 0) throw new Error(`scan of ${c.name} exited ${r.status}: ${r.stderr}`);
      const [s, user, sys, kb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      times.push(s);
      cpus.push(user + sys);
      rss = Math.max(rss, kb / 1024);
      if (i === 0) notes = JSON.parse(fs.readFileSync(out, 'utf8')).captures[0].notes;
    }
    const t = median(times);
    const okRss = rss <= RSS_MB;
    const okTime = c.seconds === undefined || t <= c.seconds;
    failed ||= !okRss || !okTime;
    const limit = `${RSS_MB} MB${c.seconds !== undefined ? `, ${c.seconds} s` : ''}`;
    process.stdout.write(`| ${c.name} (${c.what}) | ${size.toFixed(1)} | ${t.toFixed(2)} | ${median(cpus).toFixed(2)} | ${rss.toFixed(0)} | ${limit} | ${okRss && okTime ? 'pass' : `FAIL (${[!okRss && 'RSS', !okTime && 'time'].filter(Boolean).join(', ')})`} |\n`);
    for (const n of notes) process.stdout.write(`|  | capture note: ${n} | | | | | |\n`);
    fs.rmSync(file);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`\n${failed ? 'FAIL: a limit was missed' : 'pass: every limit held'}\n`);
process.exitCode = failed ? 1 : 0;
