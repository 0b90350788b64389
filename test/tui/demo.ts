/**
 * Manual check of the real terminal UI: `runTui` with a fake scan that streams the fixtures (and 2,000 more
 * handshakes) over about a second, with progress. Build and run (from the repo root):
 *   npx tsc -p test/tui/tsconfig.demo.json && node node_modules/.cache/tui-demo/test/tui/demo.js
 * then try it in tmux at 80x24 and 120x40.
 */
import { runTui } from '../../src/tui/index.js';
import type { ScanListener, ScanResult } from '../../src/model.js';
import { CERTS, HANDSHAKES, manyHandshakes } from './fixtures.js';

const extra = manyHandshakes(2000).map((h, i) => ({ ...h, id: HANDSHAKES.length + i + 1 }));
const all = [...HANDSHAKES, ...extra];
const total = 48 * 1024 * 1024;

async function start(listener: ScanListener): Promise<ScanResult> {
  const steps = 10;
  for (let i = 0; i < steps; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const from = Math.floor((all.length * i) / steps);
    const to = Math.floor((all.length * (i + 1)) / steps);
    listener.onProgress?.({ file: 'traversal.pcapng', bytesRead: Math.floor((total * (i + 1)) / steps), totalBytes: total, packets: 4000 * (i + 1), handshakes: to });
    listener.onHandshakes?.(all.slice(from, to), i === 0 ? CERTS : []);
  }
  return {
    certshark: '0.1.0',
    captures: [{ file: 'traversal.pcapng', format: 'pcapng', linkTypes: ['ETHERNET'], packets: 40000, bytes: total, notes: [] }],
    handshakes: all,
    certificates: CERTS,
  };
}

const code = await runTui({ title: 'traversal.pcapng', start, exportDir: process.env['DEMO_EXPORT_DIR'] ?? '/tmp' });
process.stderr.write(`exit code ${code}\n`);
process.exit(code);
