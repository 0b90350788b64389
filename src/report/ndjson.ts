/**
 * `scan --format ndjson`: certshark's own model as a stream of self-contained lines, for `jq -c`, log shippers and
 * live captures, where `--json`'s single document can only be read once it is closed. Each handshake is a line of
 * `type: "handshake"` with the handshake's fields (as in `--json`) and the certificate objects of its chains inline
 * (`serverCertificates`, `clientCertificates`, in the order sent; `pem` only when asked for), so no line needs
 * another to be understood. The captures' summaries, known only once they are read, are the last lines, one per
 * capture, of `type: "capture"`. Nothing is kept between handshakes.
 */
import type { CaptureSummary, CertificateInfo, Handshake } from '../model.js';
import { handshakeJson } from './json.js';

export interface NdjsonOptions {
  /** Include each certificate's PEM (large: a chain is several kilobytes). */
  pem?: boolean;
}

export function ndjsonHandshake(h: Handshake, cert: (sha256: string) => CertificateInfo | undefined, opts: NdjsonOptions = {}, version?: string): string {
  const chain = (list: readonly string[]) => list.map((s) => certificateJson(cert(s) ?? { sha256: s }, !!opts.pem)).join(',');
  const head = version === undefined ? '{"type":"handshake",' : `{"type":"handshake","certshark":${JSON.stringify(version)},`;
  const body = handshakeJson(h).slice(1, -1);
  return `${head}${body},"serverCertificates":[${chain(h.serverChain)}],"clientCertificates":[${chain(h.clientChain)}]}\n`;
}

/** One line per capture, with its index (the `capture` of the handshakes that came from it). */
export function ndjsonCaptures(captures: readonly CaptureSummary[], version?: string): string {
  const v = version === undefined ? '' : `"certshark":${JSON.stringify(version)},`;
  return captures.map((c, i) => `{"type":"capture",${v}"capture":${i},${JSON.stringify(c).slice(1)}\n`).join('');
}

function certificateJson(c: Partial<CertificateInfo>, pem: boolean): string {
  if (pem || c.pem === undefined) return JSON.stringify(c);
  const { pem: _omitted, ...rest } = c;
  return JSON.stringify(rest);
}
