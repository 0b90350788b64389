/** `certshark compare A B`: two captures of one path, their handshakes paired and the difference named. */
import { VERSION, toScanResult } from '../session.js';
import type { Handshake } from '../model.js';
import type { ComparePair } from '../report/index.js';
import {
  compareHandshakes, renderCompareText, SEVERITY_RANK, worstSeverity, DEFAULT_WINDOW_S,
} from '../report/index.js';
import type { Io, Values } from './args.js';
import { color, displayFilter, failLevel, handshakeSelector } from './options.js';
import { ListenerRelay, openTty } from './view-command.js';
import { openInputs } from './inputs.js';
import { reportUnreadable, scanInputs, stopOnSignals } from './scan-command.js';
import { UsageError } from './usage-error.js';

const USAGE = 'usage: certshark compare CAPTURE_A CAPTURE_B [--window SECONDS] [--swap] [--json] (A nearer the client, B nearer the server)';

function windowSeconds(values: Values): number {
  const w = values.window;
  if (w === undefined) return DEFAULT_WINDOW_S;
  const n = Number(w);
  if (w.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--window wants a number of seconds above 0, such as 5, not '${w}'`);
  return n;
}

export async function cmdCompare(files: string[], values: Values, io: Io): Promise<number> {
  if (values.interface !== undefined) throw new UsageError('compare reads two capture files, not a live capture (-i)', USAGE);
  if (values.write !== undefined) throw new UsageError('-w keeps one capture; compare reads two files', USAGE);
  if (values.read !== undefined) throw new UsageError('compare takes its two captures as arguments, not with -r', USAGE);
  if (files.length !== 2) throw new UsageError(`compare needs two captures, ${files.length === 0 ? 'none was given' : `not ${files.length}`}`, USAGE);
  const window = windowSeconds(values);
  const level = failLevel(values);
  const select = handshakeSelector(values);
  const ordered = values.swap ? [files[1]!, files[0]!] : [files[0]!, files[1]!];
  const inputs = openInputs(ordered, values, { many: true });
  const signals = stopOnSignals(inputs);
  // On a terminal the pairs open in the interactive view; what the scan reports for it is held until it opens.
  const relay = io.stdout.isTTY && !values.json ? new ListenerRelay() : undefined;
  let r;
  try {
    r = await scanInputs(inputs, values, io, { onOpen: () => signals.install(), ...(relay ? { listener: relay.listener } : {}) });
  } finally {
    signals.dispose();
  }
  if (reportUnreadable(r, io)) return 2;
  const certs = new Map(r.certificates.map((c) => [c.sha256, c]));
  const cert = (s: string) => certs.get(s);
  const chosen = r.handshakes.filter((h) => !select || select(h, { get: cert }));
  const side = (i: number) => chosen.filter((h) => h.capture === i).sort((x, y) => x.ts - y.ts || x.id - y.id);
  const a = side(0);
  const b = side(1);
  const cmp = compareHandshakes(a, b, cert, { window });
  const byId = new Map<number, Handshake>(chosen.map((h) => [h.id, h]));
  const captures: [typeof r.captures[0], typeof r.captures[0]] = [r.captures[0]!, r.captures[1]!];
  const keyboard = relay && !inputs.sources.includes('-') && process.stdin.isTTY ? process.stdin : relay ? openTty() : undefined;
  if (relay && keyboard) {
    // Both captures as one list; the Seen column says where each handshake was seen and how its pair compares.
    const seen = seenColumn(cmp.pairs);
    const { runTui } = await import('../tui/index.js');
    try {
      return await runTui({
        // Findings first: long paths are cut at the right edge of the title bar.
        title: `compare${cmp.findings.length ? ` (findings: ${cmp.findings.map((f) => f.code).join(', ')})` : ''}  A ${ordered[0]}  B ${ordered[1]}`,
        exportDir: values.out,
        stdin: keyboard,
        color: color(values, io),
        initialFilter: displayFilter(values),
        extraColumn: { title: 'Seen', width: 15, value: (h) => seen.get(h.id) ?? (h.capture === 0 ? 'A' : 'B') },
        start: async (listener) => {
          relay.attach(listener);
          return toScanResult(r);
        },
      });
    } finally {
      keyboard.destroy?.();
    }
  }
  if (values.json) {
    const used = new Set(chosen.flatMap((h) => [...h.serverChain, ...h.clientChain]));
    const doc = {
      certshark: VERSION,
      window: cmp.window,
      ...(cmp.clockOffset ? { clockOffset: cmp.clockOffset } : {}),
      pairs: cmp.pairs,
      findings: cmp.findings,
      captures: captures.map((c, i) => ({ side: i === 0 ? 'a' : 'b', ...c })),
      handshakes: chosen,
      certificates: r.certificates.filter((c) => used.has(c.sha256)),
    };
    io.stdout.write(JSON.stringify(doc, null, 1) + '\n');
  } else {
    io.stdout.write(renderCompareText(cmp, byId, cert, captures, { color: color(values, io), verbose: values.verbose }));
  }
  if (signals.interrupted()) return 130;
  if (!level) return 0;
  const rank = SEVERITY_RANK[level];
  const hit = cmp.findings.some((f) => SEVERITY_RANK[f.severity] >= rank)
    || chosen.some((h) => SEVERITY_RANK[worstSeverity(h)] >= rank)
    || r.captures.some((c) => c.findings?.some((f) => SEVERITY_RANK[f.severity] >= rank))
    || (level === 'warning' && r.captures.some((c) => c.truncated));
  return hit ? 3 : 0;
}

/** The Seen column of the view: `A=B#5 same`, `B=A#1 CHANGED`, `A only`. */
function seenColumn(pairs: ComparePair[]): Map<number, string> {
  const m = new Map<number, string>();
  const word = { same: 'same', changed: 'CHANGED', 'only-a': 'only', 'only-b': 'only' } as const;
  for (const p of pairs) {
    if (p.a !== undefined) m.set(p.a, p.b !== undefined ? `A=B#${p.b} ${word[p.result]}` : 'A only');
    if (p.b !== undefined) m.set(p.b, p.a !== undefined ? `B=A#${p.a} ${word[p.result]}` : 'B only');
  }
  return m;
}
