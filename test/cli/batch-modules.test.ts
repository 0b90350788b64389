/**
 * The batch commands (scan, export, check, compare) load none of the interactive view's modules (src/tui, Ink,
 * React): on a jump host importing Ink costs a third of a second and more. Every module any thread of the run
 * resolves is logged by a loader hook (node --import, which worker threads inherit).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/certshark');
const CAPS = join(ROOT, 'captures');
const VIEW = /\/dist\/tui\/|\/node_modules\/(ink|react|ink-[^/]*|react-[^/]*)\//;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certshark-modules-'));
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.CERTSHARK_MODULE_LOG, r.url + '\\n');
  return r;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function modules(args: string[]): { code: number | null; urls: string[] } {
  const log = join(dir, `modules-${++n}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CERTSHARK_MODULE_LOG: log },
    timeout: 60_000,
  });
  return { code: r.status, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('batch commands load nothing of the view', () => {
  const out = () => join(dir, `export-${n}`);
  it.each([
    ['scan', () => ['scan', join(CAPS, 'traversal-missing-intermediate.pcap')], 'dist/cli/scan-command.js'],
    ['scan --jobs 2 over two captures', () => ['scan', '--json', '--jobs', '2', join(CAPS, 'many-handshakes.pcap'), join(CAPS, 'chain-variants.pcapng')], 'dist/cli/scan-worker.js'],
    ['certshark CAPTURE with stdout not a terminal', () => [join(CAPS, 'chain-variants.pcapng')], 'dist/cli/view-command.js'],
    ['export', () => ['export', '--out', out(), join(CAPS, 'chain-variants.pcapng')], 'dist/cli/export-command.js'],
    ['check', () => ['check', join(CAPS, 'pki/root-ca.pem')], 'dist/cli/check-command.js'],
    ['compare', () => ['compare', join(CAPS, 'compare/relay.a.pcap'), join(CAPS, 'compare/relay.b.pcap')], 'dist/cli/compare-command.js'],
  ])('%s', (_name, args, expected) => {
    const r = modules(args());
    expect(r.code).not.toBeNull();
    // The hook saw the run (and, with --jobs, its threads): a log without the command's own module proves nothing.
    expect(r.urls.some((u) => u.endsWith(expected))).toBe(true);
    expect(r.urls.filter((u) => VIEW.test(u))).toEqual([]);
  });
});
