#!/usr/bin/env node
/**
 * Time from starting the interactive view in a terminal (tmux) to its column header on the screen.
 *
 *   node bench/first-frame.mjs [RUNS] [-- COMMAND...]     default: node bin/certshark on a bundled capture
 *
 * tmux runs the command in a detached 120x40 session on a server of its own (-L); the screen is read every 10 ms
 * until a line holds the list's header ("No." and "Verdict"), then until Ink's own frame replaced the one drawn
 * while it loads (the title bar no longer says "starting…"). Prints each run and the medians, in seconds.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const runs = Number(argv[0] && argv[0] !== '--' ? argv[0] : 5);
const command = dash >= 0 ? argv.slice(dash + 1).join(' ')
  : `${process.execPath} bin/certshark captures/traversal-missing-intermediate.pcap --ca captures/pki/root-ca.pem --profile expressway`;
const socket = `certshark-ff-${process.pid}`;
const tmux = (...a) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8', cwd: ROOT });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const times = [];
const inks = [];
try {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = tmux('new-session', '-d', '-s', `ff${i}`, '-x', '120', '-y', '40', '-c', ROOT, command);
    if (r.status !== 0) throw new Error(`tmux: ${r.stderr}`);
    let seen = NaN;
    let ink = NaN;
    while (performance.now() - t0 < 10_000) {
      const s = tmux('capture-pane', '-p', '-t', `ff${i}`).stdout;
      const t = (performance.now() - t0) / 1000;
      if (Number.isNaN(seen) && /No\.\S*\s.*Verdict/.test(s)) seen = t;
      // Ink's own frame: the title bar no longer says "starting…".
      if (!Number.isNaN(seen) && !s.includes('starting…')) {
        ink = t;
        break;
      }
      await sleep(10);
    }
    tmux('send-keys', '-t', `ff${i}`, 'q');
    await sleep(300);
    tmux('kill-session', '-t', `ff${i}`);
    times.push(seen);
    inks.push(ink);
    process.stdout.write(`run ${i + 1}: header ${seen.toFixed(3)} s, Ink's first frame ${ink.toFixed(3)} s\n`);
  }
} finally {
  tmux('kill-server');
  rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid()}`, socket), { force: true });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
process.stdout.write(`median over ${runs} runs: header ${med(times).toFixed(3)} s, Ink's first frame ${med(inks).toFixed(3)} s\n`);
