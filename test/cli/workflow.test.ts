/**
 * The command line in the hands of an engineer at a terminal: pipes that close early or stay quiet, bad input,
 * help, key logs, exports, the tshark spellings. Runs the built binary on the bundled captures (captures/make.sh).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const MISSING = join(ROOT, 'captures/traversal-missing-intermediate.pcap');
const MANY = join(ROOT, 'captures/many-handshakes.pcap');
const TLS13 = join(ROOT, 'captures/tls13-keylog.pcapng');
const TLS13_KEYS = join(ROOT, 'captures/tls13-keylog.keys');
const ROOT_CA = join(ROOT, 'captures/pki/root-ca.pem');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-workflow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], opts: { input?: Buffer } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: opts.input, encoding: 'buffer', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

/** A shell pipeline; PIPESTATUS[0] is certshark's exit code. */
function pipeline(cmd: string) {
  const r = spawnSync('bash', ['-c', `${cmd}; echo "rc=\${PIPESTATUS[0]}" >&2`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  const rc = Number(/rc=(\d+)\s*$/.exec(r.stderr)?.[1]);
  return { rc, out: r.stdout, err: r.stderr.replace(/rc=\d+\s*$/, '') };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+|Error: write EPIPE/);

/** Classic pcap records of a file (little-endian µs, as tcpdump writes here): the header and each record. */
function pcapRecords(file: string): { header: Buffer; records: Buffer[] } {
  const b = readFileSync(file);
  const records: Buffer[] = [];
  for (let off = 24; off + 16 <= b.length; ) {
    const len = 16 + b.readUInt32LE(off + 8);
    records.push(b.subarray(off, off + len));
    off += len;
  }
  return { header: b.subarray(0, 24), records };
}

describe('a reader that goes away (| head)', () => {
  it.each([
    ['scan | head -1', `node bin/certshark scan captures/many-handshakes.pcap | head -1`],
    ['scan --json | head -c 100', `node bin/certshark scan --json captures/many-handshakes.pcap | head -c 100`],
    ['certshark FILE | head', `node bin/certshark captures/many-handshakes.pcap | head`],
  ])('%s: quiet exit 0, no stack trace', (_name, cmd) => {
    const r = pipeline(cmd);
    expect(r.out.length).toBeGreaterThan(0);
    noStack(r.err);
    expect(r.err.trim()).toBe('');
    expect(r.rc).toBe(0);
  });
});

describe('unreadable input: one line on stderr, exit 2, nothing on stdout', () => {
  it.each([
    ['a text file', () => '/etc/passwd', /^certshark: \/etc\/passwd: not a pcap or pcapng capture .*\n$/],
    ['a missing file', () => join(dir, 'nope.pcap'), /^certshark: .*nope\.pcap: no such file or directory \(ENOENT\)\n$/],
    ['a folder without a capture', () => {
      const d = join(dir, 'no-captures');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'notes.txt'), 'not a capture\n');
      return d;
    }, /^certshark: .*no-captures: no capture in this folder \(pcap or pcapng files, recognised by their first bytes\)\n$/],
    ['a 4-byte file', () => {
      const f = join(dir, 'four.pcap');
      writeFileSync(f, readFileSync(MISSING).subarray(0, 4));
      return f;
    }, /^certshark: .*four\.pcap: not a complete capture: file ends inside the file header: 4 bytes\n$/],
    ['a header-only file', () => {
      const f = join(dir, 'header.pcap');
      writeFileSync(f, readFileSync(MISSING).subarray(0, 24));
      return f;
    }, /^certshark: .*header\.pcap: the pcap file holds no packets \(only its header\)\n$/],
  ])('%s', (_name, file, want) => {
    for (const json of [[], ['--json']]) {
      const r = run(['scan', ...json, file()]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(want);
    }
  });

  it('a capture cut before any handshake trips --fail-on warning, and the note does not blame the snap length', () => {
    const { header, records } = pcapRecords(MISSING);
    const f = join(dir, 'cut.pcap');
    // SYN, SYN-ACK, ACK, then a part of the ClientHello's record: cut as a copy that stopped.
    writeFileSync(f, Buffer.concat([header, ...records.slice(0, 3), records[3]!.subarray(0, 40)]));
    const plain = run(['scan', f]);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/! truncated: file ends inside a record: 40 of \d+ bytes/);
    expect(plain.out).toMatch(/^0 handshake\(s\)/m);
    expect(run(['scan', '--fail-on', 'warning', f]).code).toBe(3);
    // Cut after the server's certificate, inside its CertificateRequest record: the handshake says the capture
    // stops there, not that the snap length was too small.
    const g = join(dir, 'cut-cert.pcap');
    writeFileSync(g, Buffer.concat([header, ...records.slice(0, 7), records[7]!.subarray(0, 40)]));
    const inCert = run(['scan', g]);
    expect(inCert.out).toMatch(/server chain \(1\)/);
    expect(inCert.out).toMatch(/handshake-data-missing: .*truncated: the flow ended inside the server.s CertificateRequest/);
    expect(inCert.out).toMatch(/fix: The capture stops inside this handshake/);
    expect(inCert.out).not.toMatch(/header header|snap length/);
  });
});

describe('a pipe that stays open', () => {
  it('a handshake ended by an alert on a flow left open is written within a second, while the pipe stays quiet', async () => {
    const { header, records } = pcapRecords(MISSING);
    const child = spawn(process.execPath, [BIN, 'scan', '-', '--ca', ROOT_CA], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let seenAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!seenAt && out.includes('#1')) seenAt = Date.now();
    });
    try {
      // Everything up to the alert's frame, then (once certshark is surely up) the alert; no FIN ever comes.
      child.stdin.write(Buffer.concat([header, ...records.slice(0, 9)]));
      await new Promise((r) => setTimeout(r, 1500));
      const sentAt = Date.now();
      child.stdin.write(records[9]!);
      while (!seenAt && Date.now() - sentAt < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(seenAt).toBeGreaterThan(0);
      expect(seenAt - sentAt).toBeLessThan(1000);
      expect(out).toMatch(/✗ ERROR #1 .* 10\.77\.0\.2:7001/);
      expect(out).toContain('alert client → server: fatal unknown_ca (frame 10)');
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
    // The end of input completes the report.
    expect(out).toMatch(/1 handshake\(s\): 1 with errors/);
  });
});

describe('a slow reader of the output', () => {
  it('waiting for it does not count as flows going quiet: no handshake is reported as stalled', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '-', '--format', 'ndjson', '--pem'], { env: { ...process.env, NO_COLOR: '1' } });
    const lines: string[] = [];
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    // The reader stops for 3.5 s after the first output, longer than the 3 s after which a stalled handshake is
    // reported; the capture keeps arriving on the pipe meanwhile.
    child.stdout.once('data', () => {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 3500);
    });
    child.stdin.end(readFileSync(MANY));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    const handshakes = lines.filter((l) => l.startsWith('{"type":"handshake"'));
    expect(handshakes).toHaveLength(300);
    expect(handshakes.filter((l) => l.includes('reported while the flow was still open'))).toEqual([]);
  }, 30_000);
});

describe('scan stopped by a signal', () => {
  it.each([
    ['SIGINT', 130, 'interrupted (Ctrl-C)'],
    ['SIGTERM', 143, 'ended by SIGTERM'],
  ])('%s: the JSON document is completed with what was read, exit %i', async (sig, want, reason) => {
    const child = spawn(process.execPath, [BIN, 'scan', '--json', '-'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.write(readFileSync(MISSING));
    // The pipe stays open; once the handshake is out, the signal.
    const t0 = Date.now();
    while (!out.includes('"id":1') && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    child.kill(sig as NodeJS.Signals);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    child.stdin.destroy();
    expect(code).toBe(want);
    const j = JSON.parse(out);
    expect(j.handshakes).toHaveLength(1);
    expect(j.captures[0]).toMatchObject({ packets: 13, stopped: reason });
  });
});

describe('help, options and the words of the report', () => {
  it.each([
    ['scan', ['--json', '--fail-on', '-i IFACE', '-w FILE', '-a duration:SECONDS', '-Y EXPR', 'completion order']],
    ['export', ['--out DIR', '--der', '--chains', '--sni NAME', '--handshake N']],
    ['check', ['--role', '--host NAME', '--ca-list', '--auth-pattern']],
  ])('%s --help describes its own options and the exit codes', (cmd, words) => {
    const r = run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(new RegExp(`^usage: certshark ${cmd} `));
    for (const w of words) expect(r.out).toContain(w);
    expect(r.out).toMatch(/exit codes:\n\s+0 .*\n\s+2 .*\n\s+3 .*\n\s+130 /);
  });

  it.each([
    [['scan', '-x', MISSING], 'certshark: unknown option -x (see certshark --help)\n'],
    [['scan', '--bogus', MISSING], 'certshark: unknown option --bogus (see certshark --help)\n'],
    [['scan', MISSING, '-r'], 'certshark: -r needs a value (see certshark --help)\n'],
    [['scan', '--json=yes', MISSING], 'certshark: --json takes no value (see certshark --help)\n'],
    [['scan', '-f', 'tcp port 7001', MISSING], 'certshark: -f is a capture filter for a live capture (-i); to select handshakes use -Y or --filter\n'],
    [['scan', '-a', 'filesize:10', MISSING], "certshark: -a takes duration:SECONDS or packets:N (as tshark's autostop), not 'filesize:10'\n"],
  ])('bad usage %j is one line', (args, want) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.err).toBe(want);
    expect(r.out).toBe('');
  });

  it('-r FILE and -Y EXPR as tshark users type them; a filter mistake shows its column', () => {
    const a = run(['scan', '--json', MANY, '--filter', 'tcp.port == 7001']);
    const b = run(['scan', '--json', '-r', MANY, '-Y', 'tcp.port == 7001']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).handshakes.length).toBe(75);
    expect(b.out).toBe(a.out);
    const bad = run(['scan', '-r', MANY, '-Y', 'tcp.port == 7001 and tls.sni']);
    expect(bad.code).toBe(2);
    expect(bad.err.split('\n')[0]).toMatch(/^certshark: -Y: unknown field 'tls\.sni'.*\(column 22\)$/);
    expect(bad.err).toContain('                     ^~~~~~~');
  });

  it('-c N over several captures names the ones it did not reach', () => {
    const r = run(['scan', '--json', '-c', '5', MISSING, MANY]);
    expect(r.code).toBe(0);
    const caps = JSON.parse(r.out).captures as { file: string; packets: number; stopped?: string }[];
    expect(caps.map((c) => [c.packets, c.stopped])).toEqual([
      [5, '5 packets captured (-c)'],
      [0, 'not read: 5 packets captured (-c)'],
    ]);
  });

  it('a bad --ca leaves no empty -w file behind', () => {
    const copy = join(dir, 'never.pcap');
    const r = run(['scan', MISSING, '-w', copy, '--ca', join(dir, 'no-such-ca.pem')]);
    expect(r.code).toBe(2);
    expect(existsSync(copy)).toBe(false);
  });

  it('-c N stops after N packets and says so', () => {
    const r = run(['scan', '--json', '-c', '5', MISSING]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).captures[0];
    expect(c.packets).toBe(5);
    expect(c.stopped).toBe('5 packets captured (-c)');
  });

  it('the summary counts handshakes by verdict and encrypted ones apart', () => {
    const r = run(['scan', TLS13]);
    expect(r.out.trimEnd().split('\n').pop()).toBe('2 handshake(s): 0 with errors, 0 with warnings, 0 ok, 2 encrypted (certificates not readable, not judged); 0 unique certificate(s)');
  });

  it('a key log says how many of its sessions it matched', () => {
    const good = run(['scan', '--json', TLS13, '--keylog', TLS13_KEYS]);
    expect(JSON.parse(good.out).captures[0].notes).toContain(`--keylog ${TLS13_KEYS}: matched 2 of its 2 session(s)`);
    expect(good.err).toBe('');
    const other = join(dir, 'other.keys');
    writeFileSync(other, `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`);
    const none = run(['scan', TLS13, '--keylog', other]);
    expect(none.err).toBe(`certshark: --keylog ${other}: matched 0 of its 1 session(s) (is it the key log of this capture?)\n`);
    const notKeys = run(['scan', TLS13, '--keylog', ROOT_CA]);
    expect(notKeys.err).toMatch(/holds no key log lines .*is it an NSS key log\?\n$/);
  });

  it('an encrypted alert is said once, without a guessed name', () => {
    const r = run(['scan', MANY]);
    expect(r.out).toMatch(/alert server → client: encrypted \(frame \d+\)/);
    expect(r.out).not.toMatch(/encrypted encrypted|probably encrypted/);
  });

  it('check speaks of the files given and of now, not of a capture', () => {
    const r = run(['check', join(ROOT, 'captures/pki/expired.pem'), '--ca', ROOT_CA]);
    expect(r.out).toContain('neither in the files given nor');
    expect(r.out).toMatch(/days? before now\)/);
    expect(r.out).not.toMatch(/capture time|sent in the handshake/);
  });
});

describe('export', () => {
  it('--chains writes each distinct chain once, however many handshakes presented it', () => {
    const j = JSON.parse(run(['scan', '--json', MANY]).out) as { handshakes: { serverChain: string[]; clientChain: string[] }[] };
    const distinct = new Set<string>();
    for (const h of j.handshakes) {
      if (h.serverChain.length) distinct.add(`s:${h.serverChain.join()}`);
      if (h.clientChain.length) distinct.add(`c:${h.clientChain.join()}`);
    }
    const out = join(dir, 'chains');
    const r = run(['export', MANY, '--out', out, '--chains']);
    expect(r.code).toBe(0);
    const files = readdirSync(out);
    expect(files.length).toBe(distinct.size);
    expect(files.length).toBeLessThan(10);
    expect(new Set(files.map((f) => readFileSync(join(out, f), 'utf8'))).size).toBe(files.length);
  });

  it('a selection that matches nothing creates nothing and says why', () => {
    const out = join(dir, 'none');
    const r = run(['export', MANY, '--out', out, '--sni', 'no.such.name']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('certshark: nothing to export: none of its 300 handshake(s) matched the selection\n');
    expect(existsSync(out)).toBe(false);
    const enc = run(['export', TLS13, '--out', out]);
    expect(enc.err).toMatch(/travelled encrypted \(TLS 1\.3\): give the key log with --keylog\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('a folder that cannot be made is explained, not a bare errno', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const r = run(['export', MISSING, '--out', join(file, 'sub')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^certshark: cannot write to .*plain-file\/sub: not a directory \(ENOTDIR\)\n$/);
  });
});

describe('-w keeps the raw capture', () => {
  it('the copy of a piped capture is byte for byte what was read, and an existing file is never overwritten', () => {
    const copy = join(dir, 'kept.pcap');
    const r = run(['scan', '-', '-w', copy], { input: readFileSync(MISSING) });
    expect(r.code).toBe(0);
    expect(readFileSync(copy).equals(readFileSync(MISSING))).toBe(true);
    const again = run(['scan', '-', '-w', copy], { input: readFileSync(MANY) });
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/^certshark: -w .*kept\.pcap: the file already exists; certshark does not overwrite a capture/);
    expect(readFileSync(copy).equals(readFileSync(MISSING))).toBe(true);
    // Nothing readable came: no empty file is left under the name.
    const empty = join(dir, 'empty.pcap');
    const none = run(['scan', '-', '-w', empty], { input: Buffer.alloc(0) });
    expect(none.code).toBe(2);
    expect(existsSync(empty)).toBe(false);
  });
});
