/**
 * The finding codes of `certshark compare`, stable like the verdict codes (src/trust/codes.ts: added freely, never
 * renamed): each with its default severity and what it says, the one list `compare --help` prints.
 */
export const COMPARE_FINDING_CODES = {
  'tls-interception': {
    severity: 'error',
    help: 'a device between the points terminated TLS and re-signed the server\'s certificate with\na CA the server side never sent (named in the message)',
  },
  'tls-terminated-in-path': {
    severity: 'info',
    help: 'sessions terminated and re-originated between the points (randoms differ), the chains\nunchanged: a load balancer or proxy holding the server\'s certificate',
  },
  'chain-altered-in-path': {
    severity: 'warning',
    help: 'the same session (random matches) with a different chain: a capture or device fault',
  },
  'clock-offset': {
    severity: 'warning',
    help: 'the two captures\' clocks differ by more than the window',
  },
} as const satisfies Record<string, { severity: 'ok' | 'info' | 'warning' | 'error'; help: string }>;

export type CompareFindingCode = keyof typeof COMPARE_FINDING_CODES;

/** The table as `--help` lines: the code, then its words (continuation lines indented under the first). */
export function compareFindingLines(): string {
  return Object.entries(COMPARE_FINDING_CODES)
    .map(([code, c]) => `  ${code.padEnd(22)}  ${c.help.split('\n').join('\n' + ' '.repeat(26))}`)
    .join('\n');
}
