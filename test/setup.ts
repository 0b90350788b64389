// @peculiar/x509 relies on the Reflect metadata polyfill; src/x509 imports it once, tests get it here too.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Every test file gets a temporary folder of its own as TMPDIR (os.tmpdir() and the tools the tests run read it),
// removed when the file's tests are done: a test that forgets to clean up leaves nothing in /tmp.
const root = mkdtempSync(join(tmpdir(), 'certshark-test-'));
process.env.TMPDIR = root;
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});
