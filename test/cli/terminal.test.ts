/**
 * The view at a real terminal (tmux), in every mode an engineer starts it in: a file, a pipe left open, a FIFO, a
 * live capture from an interface; and the inputs that must not open a view at all. q and Ctrl-C must end certshark
 * (and any capture child) within a second, with 0 and 130.
 *
 * The live tests capture on loopback with dumpcap or tcpdump during a real openssl handshake and are skipped where
 * neither can capture (not root, tool missing). The no-privilege test runs certshark as nobody (setpriv).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, keys, killTmuxServer, ROOT, screen, sh, sleep, start, tmux, waitScreen } from '../tmux.js';
import { findCaptureTool } from '../../src/cli/live.js';
import { UsageError } from '../../src/cli/usage-error.js';

const CAPTURE = 'captures/traversal-missing-intermediate.pcap';
const TRUST = '--ca captures/pki/root-ca.pem --profile expressway';
const has = (cmd: string, ...args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
};
const hasOpenssl = has('openssl', 'version');
const isRoot = process.getuid?.() === 0;
const tool = (() => {
  try {
    return findCaptureTool();
  } catch {
    return undefined;
  }
})();
function findTool(name: 'tcpdump' | 'dumpcap'): boolean {
  try {
    return findCaptureTool({ ...process.env, CERTSHARK_CAPTURE_TOOL: name }).name === name;
  } catch {
    return false;
  }
}
/** Capturing on lo works here: a capture tool, and the privilege to use it. */
const canCapture = (() => {
  if (!tool || !isRoot) return false;
  const r = spawnSync(tool.path, tool.name === 'dumpcap' ? ['-i', 'lo', '-a', 'duration:1', '-q', '-w', '/dev/null'] : ['-i', 'lo', '-c', '1', '-w', '/dev/null'], {
    stdio: 'ignore',
    timeout: 5000,
  });
  return r.status === 0 || r.signal === 'SIGTERM';
})();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-terminal-'));
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
});
afterAll(() => {
  killTmuxServer();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `producer | certshark …` (or certshark alone) so that certshark's own exit code lands in `rc` the moment it
 * exits: the shell waits for the whole pipeline, and a producer that sleeps on must not hide certshark's exit.
 */
function startCertshark(args: string, rc: string, producer?: string, cols = 120, rows = 40): string {
  const me = `{ node bin/certshark ${args}; echo $? > ${sh(rc)}; }`;
  // The shell stays a while after certshark ends, so its last screen can be read.
  return start(`${producer ? `${producer} | ${me}` : me}; sleep 30`, join(dir, `session-${Math.random().toString(36).slice(2)}`), cols, rows);
}

/** Milliseconds until the rc file appears (certshark exited), or throws after `ms`. */
async function exitWithin(rc: string, ms: number): Promise<{ after: number; code: number }> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (existsSync(rc)) {
      const text = readFileSync(rc, 'utf8').trim();
      if (text !== '') return { after: Date.now() - t0, code: Number(text) };
    }
    await sleep(25);
  }
  throw new Error(`certshark did not exit within ${ms} ms`);
}

const rowOf = (s: string) => s.split('\n').find((l) => l.includes('10.77.0.2:7001') && l.includes('expe.example.test'));

describe.skipIf(!hasTmux)('quitting the view ends certshark at once, in every mode', () => {
  it.each([
    ['a file, q', 'q', 0, undefined, () => CAPTURE],
    ['a pipe left open, q', 'q', 0, `(cat ${CAPTURE}; sleep 60)`, () => '-'],
    ['a pipe left open, Ctrl-C', 'C-c', 130, `(cat ${CAPTURE}; sleep 60)`, () => '-'],
    ['a FIFO whose writer stays, q', 'q', 0, undefined, () => {
      const fifo = join(dir, `live-${Math.random().toString(36).slice(2)}.fifo`);
      spawnSync('mkfifo', [fifo]);
      // The writer holds the FIFO open after the capture, as tcpdump -w fifo does between packets.
      spawn('bash', ['-c', `(cat ${sh(join(ROOT, CAPTURE))}; sleep 30) > ${sh(fifo)}`], { stdio: 'ignore', detached: true }).unref();
      return fifo;
    }],
  ])('%s', async (_name, key, want, producer, input) => {
    const rc = join(dir, `rc-${Math.random().toString(36).slice(2)}`);
    const s = startCertshark(`${input()} ${TRUST}`, rc, producer);
    await waitScreen(s, (x) => rowOf(x) !== undefined, 'the handshake');
    keys(s, key);
    const r = await exitWithin(rc, 1000);
    expect(r.code).toBe(want);
    // The terminal is the shell's again: the alternate screen is gone.
    expect(screen(s)).not.toContain('No.▲');
    tmux('kill-session', '-t', s);
  });
});

describe.skipIf(!hasTmux)('ended from outside', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ])('%s while the view is up: the terminal gets its screen back, exit %i', async (sig, want) => {
    const marker = `signal-${Math.random().toString(36).slice(2)}.example.test`;
    const rc = join(dir, `rc-${marker}`);
    const s = startCertshark(`- ${TRUST} --host ${marker}`, rc, `(cat ${CAPTURE}; sleep 60)`);
    await waitScreen(s, (x) => rowOf(x) !== undefined, 'the handshake');
    const pid = spawnSync('pgrep', ['-f', `^[^ ]*node bin/certshark .*${marker}`], { encoding: 'utf8' }).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    process.kill(Number(pid), sig as NodeJS.Signals);
    const r = await exitWithin(rc, 1000);
    expect(r.code).toBe(want);
    expect(screen(s)).not.toContain('No.▲');
    tmux('kill-session', '-t', s);
  });
});

describe.skipIf(!hasTmux)('input that is not a capture opens no view', () => {
  it.each([
    ['a text file', '/etc/passwd', /^certshark: \/etc\/passwd: not a pcap or pcapng capture/],
    ['a missing file', 'no-such-file.pcap', /^certshark: no-such-file\.pcap: no such file or directory \(ENOENT\)/],
    ['a folder without a capture', 'captures/pki', /^certshark: captures\/pki: no capture in this folder/],
    ['standard input that is the terminal', '-', /^certshark: standard input is this terminal, not a capture: pipe one in/],
  ])('%s: one line, exit 2', async (_name, input, want) => {
    const rc = join(dir, `rc-${Math.random().toString(36).slice(2)}`);
    const s = startCertshark(`${input} 2>&1`, rc, undefined, 80, 24);
    const r = await exitWithin(rc, 10_000);
    expect(r.code).toBe(2);
    const lines = screen(s).split('\n').filter((l) => l.startsWith('certshark:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(want);
    expect(screen(s)).not.toMatch(/No\.▲|no TLS handshakes/);
    tmux('kill-session', '-t', s);
  });
});

describe('capture tools', () => {
  it('without dumpcap and tcpdump, live capture says which package to install', () => {
    expect(() => findCaptureTool({ PATH: '' }, [])).toThrow(UsageError);
    expect(() => findCaptureTool({ PATH: '' }, [])).toThrow(/neither is installed: install the tshark package .*or tcpdump/);
  });

  it.skipIf(!tool || !isRoot || !has('setpriv', '--version'))('without the privilege to capture: one line saying what to do, exit 2', () => {
    const tools = [{}, ...(findTool('tcpdump') ? [{ CERTSHARK_CAPTURE_TOOL: 'tcpdump' }] : [])];
    for (const env of tools) {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'bin/certshark', 'scan', '-i', 'lo'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...env, HOME: '/nonexistent' },
        timeout: 20_000,
      });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^certshark: lo \(live, (dumpcap|tcpdump)\): no permission to capture on lo: run certshark as root \(sudo\), or .*setcap cap_net_raw,cap_net_admin\+eip/);
      if (lines[0]!.includes('dumpcap')) expect(lines[0]).toContain('wireshark group');
    }
  });
});

/** An openssl TLS 1.2 server on loopback (the certificate visible on the wire) and a client run against it. */
function opensslPeers(port: number) {
  const pki = join(dir, `pki-${port}`);
  spawnSync('mkdir', ['-p', pki]);
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'k.pem'), '-out', join(pki, 'c.pem'), '-subj', '/CN=live.example.test', '-days', '30'], { stdio: 'ignore' });
  const server: ChildProcess = spawn('openssl', ['s_server', '-accept', String(port), '-cert', join(pki, 'c.pem'), '-key', join(pki, 'k.pem'), '-tls1_2', '-quiet'], { stdio: 'ignore' });
  const client = () =>
    spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'live.example.test', '-tls1_2'], { input: 'Q\n', stdio: ['pipe', 'ignore', 'ignore'], timeout: 10_000 });
  return { server, client, cert: join(pki, 'c.pem') };
}

const procs = (pattern: string) => spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim();
/** The capture child and certshark itself for the capture filter on `port` (not the shell that started them). */
const child = (port: number) => procs(`^[^ ]*(dumpcap|tcpdump) .*tcp port ${port}`);
const certsharkOn = (port: number) => procs(`^[^ ]*node bin/certshark .*tcp port ${port}`);

describe.skipIf(!hasTmux || !hasOpenssl || !canCapture)(`live capture from an interface (${tool?.name ?? 'no tool'})`, () => {
  it('certshark -i lo -w FILE shows the handshake within a second while capturing, q ends certshark and its capture child, FILE holds the handshake', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const peers = opensslPeers(port);
    const file = join(dir, `live-${port}.pcapng`);
    const rc = join(dir, `rc-live-${port}`);
    try {
      await sleep(300);
      const s = startCertshark(`-i lo -f ${sh(`tcp port ${port}`)} -w ${sh(file)} ${TRUST}`, rc);
      await waitScreen(s, (x) => x.includes('lo (live)') && /waiting for packets/.test(x), 'the live view');
      const r = peers.client();
      expect(r.status).toBe(0);
      // The client's last packets (its alert and FIN) are out when it has exited: the row must follow within 1 s,
      // while the capture goes on.
      const clientDone = Date.now();
      const scr = await waitScreen(s, (x) => x.split('\n').some((l) => l.includes(`127.0.0.1:${port}`) && l.includes('live.example.test')), 'the handshake row', 5000);
      expect(Date.now() - clientDone).toBeLessThan(1000);
      expect(scr).toMatch(new RegExp(`127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${port} +live\\.example\\.test`));
      expect(child(port)).not.toBe('');
      expect(certsharkOn(port)).not.toBe('');
      keys(s, 'q');
      const gone = await exitWithin(rc, 1000);
      expect(gone.code).toBe(0);
      // certshark and its capture child are both gone.
      expect(certsharkOn(port)).toBe('');
      expect(child(port)).toBe('');
      // certshark reads the same handshake from the kept file, and so does tshark where it is installed.
      const again = spawnSync(process.execPath, ['bin/certshark', 'scan', '--json', file], { cwd: ROOT, encoding: 'utf8' });
      const j = JSON.parse(again.stdout);
      expect(j.handshakes).toHaveLength(1);
      expect(j.handshakes[0]).toMatchObject({ sni: 'live.example.test', server: { port } });
      const der = Buffer.from(readFileSync(peers.cert, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
      const sha = createHash('sha256').update(der).digest('hex');
      expect(j.handshakes[0].serverChain).toEqual([sha]);
      if (has('tshark', '-v')) {
        const t = spawnSync('tshark', ['-r', file, '-Y', 'tls.handshake.type == 11', '-T', 'fields', '-e', 'tls.handshake.certificate'], { encoding: 'utf8' });
        const theirs = t.stdout.trim().split(/[\n,]/).filter(Boolean).map((h) => createHash('sha256').update(Buffer.from(h.replace(/:/g, ''), 'hex')).digest('hex'));
        expect(theirs).toEqual([sha]);
      }
      tmux('kill-session', '-t', s);
    } finally {
      peers.server.kill();
    }
  });

  it('a capture tool that dies mid-capture: what was read is reported, and the capture says the tool ended by itself', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const peers = opensslPeers(port);
    try {
      await sleep(300);
      const scan = spawn(process.execPath, ['bin/certshark', 'scan', '--json', '-i', 'lo', '-f', `tcp port ${port}`], { cwd: ROOT });
      let out = '';
      scan.stdout.on('data', (d) => (out += d));
      await sleep(1500);
      peers.client();
      await sleep(500);
      spawnSync('pkill', ['-KILL', '-f', `^[^ ]*(dumpcap|tcpdump) .*tcp port ${port}`]);
      const code = await new Promise<number | null>((r) => scan.once('exit', r));
      expect(code).toBe(0);
      const j = JSON.parse(out);
      expect(j.handshakes).toHaveLength(1);
      expect(j.captures[0].stopped).toMatch(/^(dumpcap|tcpdump) ended by itself \(SIGKILL\) after \d+ packets/);
    } finally {
      peers.server.kill();
    }
  });

  it('scan -i stops on -c N and on -a duration:SECONDS, and completes its report', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const peers = opensslPeers(port);
    try {
      await sleep(300);
      const byCount = spawn(process.execPath, ['bin/certshark', 'scan', '--json', '-i', 'lo', '-f', `tcp port ${port}`, '-c', '8'], { cwd: ROOT });
      let out = '';
      byCount.stdout.on('data', (d) => (out += d));
      await sleep(1500);
      peers.client();
      const code = await new Promise<number | null>((r) => byCount.once('exit', r));
      expect(code).toBe(0);
      const j = JSON.parse(out);
      expect(j.captures[0]).toMatchObject({ packets: 8, stopped: '8 packets captured (-c)' });
      const t0 = Date.now();
      const byTime = spawnSync(process.execPath, ['bin/certshark', 'scan', '-i', 'lo', '-f', `tcp port ${port}`, '-a', 'duration:2'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
      expect(byTime.status).toBe(0);
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(byTime.stdout).toContain('stopped: 2 s capture duration reached (-a duration:2)');
      expect(byTime.stdout).toMatch(/^0 handshake\(s\)/m);
      expect(child(port)).toBe('');
    } finally {
      peers.server.kill();
    }
  });
});

