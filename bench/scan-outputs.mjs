#!/usr/bin/env node
/**
 * Byte-identity check for refactorings: writes the `certshark scan --json` output (stdout, stderr and exit code)
 * of every bundled capture (with and without the options its expected.json names), every capture of the shared
 * corpus and the hostile fixture into a folder, or compares the current build against such a folder.
 *
 *   node bench/scan-outputs.mjs write DIR      outputs of the current build (dist/) into DIR
 *   node bench/scan-outputs.mjs compare DIR    the same, compared with DIR; exit 1 on any difference
 *   node bench/scan-outputs.mjs jobs [N]       every capture above in one scan, in each format, with --jobs 1
 *                                              and --jobs N (default 2): exit 1 unless byte-identical
 *
 * Build first (npm run build): the CLI runs from dist/. The baseline comes from checking out the starting commit,
 * building it and running `write`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = resolve(root, '../shared/corpus');
const cli = join(root, 'bin/certshark');

/** Options of an expected.json ({ca, profile, at, keylog, publicRoots}) as command-line arguments. */
function optionArgs(o, base) {
  const a = [];
  for (const c of o.ca ?? []) a.push('--ca', join(base, c));
  if (o.publicRoots) for (const p of o.publicRoots) a.push('--public-roots', join(base, p));
  if (o.profile) a.push('--profile', o.profile);
  if (o.at) a.push('--at', o.at);
  if (o.keylog) a.push('--keylog', join(base, o.keylog));
  return a;
}

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.pcap(ng)?(\.gz)?$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** [name, args] for every run. */
function cases() {
  const list = [];
  const caps = join(root, 'captures');
  for (const f of readdirSync(caps).filter((n) => /\.pcap(ng)?$/.test(n)).sort()) {
    const p = join(caps, f);
    list.push([`captures/${f}`, [p]]);
    const exp = join(caps, f.replace(/\.pcap(ng)?$/, '.expected.json'));
    if (existsSync(exp)) list.push([`captures/${f}+options`, [p, ...optionArgs(JSON.parse(readFileSync(exp, 'utf8')).options ?? {}, caps)]]);
  }
  const ren = join(caps, 'renegotiation');
  const renExp = JSON.parse(readFileSync(join(ren, 'expected.json'), 'utf8'));
  for (const [f, o] of Object.entries(renExp.captures)) {
    list.push([`captures/renegotiation/${f}`, [join(ren, f)]]);
    list.push([`captures/renegotiation/${f}+keylog`, [join(ren, f), '--keylog', join(ren, o.keylog)]]);
  }
  for (const p of walk(corpus)) list.push([`corpus/${relative(corpus, p)}`, [p]]);
  list.push(['hostile.pcap', [join(root, 'test/fixtures/hostile/hostile.pcap')]]);
  return list;
}

function run(args) {
  try {
    const stdout = execFileSync(process.execPath, [cli, 'scan', '--json', ...args], { cwd: root, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    return `exit 0\n${stdout}`;
  } catch (e) {
    if (typeof e.status !== 'number') throw e;
    return `exit ${e.status}\nstderr: ${e.stderr}\n${e.stdout}`;
  }
}

const [mode, dir] = process.argv.slice(2);
if (mode === 'jobs') {
  // One run over all the captures (the option sets of the cases are not combined: the first of each file).
  const files = [...new Set(cases().map(([, args]) => args[0]))];
  const threads = dir ?? '2';
  const runJobs = (fmt, j) => {
    const r = spawnSync(process.execPath, [cli, 'scan', ...fmt, '--jobs', j, ...files], { cwd: root, maxBuffer: 1 << 30, encoding: 'utf8' });
    return `exit ${r.status}\nstderr: ${r.stderr}\n${r.stdout}`;
  };
  let bad = 0;
  for (const fmt of [['--json'], ['--format', 'text', '--verbose'], ['--format', 'ndjson'], ['--format', 'ecs'], ['--json', '--fail-on', 'warning']]) {
    const one = runJobs(fmt, '1');
    const many = runJobs(fmt, threads);
    const same = one === many;
    if (!same) bad++;
    process.stdout.write(`${fmt.join(' ')}: ${files.length} captures, ${one.length} bytes, --jobs ${threads} ${same ? 'identical' : 'DIFFERENT'}\n`);
  }
  process.exit(bad ? 1 : 0);
}
if ((mode !== 'write' && mode !== 'compare') || !dir) {
  process.stderr.write('usage: node bench/scan-outputs.mjs write|compare DIR | jobs [N]\n');
  process.exit(2);
}
const fileOf = (name) => join(dir, name.replace(/[^A-Za-z0-9._+-]/g, '_'));
if (mode === 'write') mkdirSync(dir, { recursive: true });
let same = 0;
const differ = [];
for (const [name, args] of cases()) {
  const out = run(args);
  if (mode === 'write') writeFileSync(fileOf(name), out);
  else if (existsSync(fileOf(name)) && readFileSync(fileOf(name), 'utf8') === out) same++;
  else differ.push(name);
}
if (mode === 'write') process.stdout.write(`wrote ${cases().length} outputs into ${basename(dir)}\n`);
else {
  for (const d of differ) process.stdout.write(`differs: ${d}\n`);
  process.stdout.write(`${same} identical, ${differ.length} different\n`);
  process.exitCode = differ.length ? 1 : 0;
}
