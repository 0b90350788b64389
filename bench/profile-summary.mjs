// Summarises a V8 .cpuprofile (from `node --cpu-prof bin/certshark scan --json FILE`): top functions by self time,
// with file:line (1-based), and top files. Positions in dist/*.js are mapped back to src/*.ts through the .js.map
// files tsc writes next to them.
//
//   node bench/profile-summary.mjs CPU.*.cpuprofile [N]
//
// Then the top functions by inclusive time (their own and their callees', each function counted once per sample),
// which shows what a whole step costs: the judging of a handshake, its JSON and output.
import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';

const [file, nArg] = process.argv.slice(2);
if (!file) { process.stderr.write('usage: profile-summary.mjs FILE.cpuprofile [N]\n'); process.exit(2); }
const N = Number(nArg || 25);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
// Sample counts per node id, weighted by the time delta that follows each sample.
const self = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i + 1] ?? 0;
  self.set(prof.samples[i], (self.get(prof.samples[i]) || 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const maps = new Map();
const fn = new Map(), files = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const url = cf.url ? cf.url.replace(/^file:\/\//, '') : '';
  const src = original(url, cf.lineNumber, cf.columnNumber);
  const where = src || (url ? `${path.relative(process.cwd(), url)}:${cf.lineNumber + 1}` : '');
  const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
  fn.set(key, (fn.get(key) || 0) + us);
  const f = src ? src.replace(/:\d+$/, '') : url ? path.relative(process.cwd(), url) : `(${cf.functionName})`;
  files.set(f, (files.get(f) || 0) + us);
}
/** dist/x.js line/column (0-based) -> "src/x.ts:LINE" via x.js.map, or null. */
function original(url, line, col) {
  if (!url || !url.endsWith('.js')) return null;
  if (!maps.has(url)) {
    let sm = null;
    try { sm = new SourceMap(JSON.parse(fs.readFileSync(url + '.map', 'utf8'))); } catch {}
    maps.set(url, sm);
  }
  const sm = maps.get(url);
  const e = sm && sm.findEntry(line, col);
  if (!e || !e.originalSource) return null;
  const abs = path.resolve(path.dirname(url), e.originalSource.replace(/^file:\/\//, ''));
  return `${path.relative(process.cwd(), abs)}:${e.originalLine + 1}`;
}

// Quiet under `| head`, as a filter should be.
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1));

const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + '%';
process.stdout.write(`total sampled ${(total / 1e6).toFixed(2)} s\n\nself time by function:\n`);
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, N)) process.stdout.write(`${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}\n`);
process.stdout.write('\nself time by file:\n');
for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}\n`);

// Inclusive time: each sample counts for every distinct function on its stack.
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const cf = byId.get(n).callFrame;
    if (!cf.url) continue;
    const url = cf.url.replace(/^file:\/\//, '');
    const key = `${cf.functionName || '(anonymous)'} ${original(url, cf.lineNumber, cf.columnNumber) || `${path.relative(process.cwd(), url)}:${cf.lineNumber + 1}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) || 0) + us);
  }
}
process.stdout.write('\ninclusive time by function:\n');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, N)) process.stdout.write(`${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}\n`);
