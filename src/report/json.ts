import type { CaptureSummary, CertificateInfo, Handshake, ScanResult, Verdict } from '../model.js';

/** `scan --json`: one JSON document, the contract of DESIGN.md (field names stable). */
export function renderJson(r: ScanResult): string {
  const w = new JsonStreamWriter(r.certshark);
  let s = w.begin();
  for (const h of r.handshakes) s += w.handshake(h);
  return s + w.end(r.certificates, r.captures);
}

/**
 * The same document written piece by piece while the capture is read, so a scan of a capture with 100,000
 * handshakes never holds them all: one handshake per line, then the certificates, then the captures.
 */
export class JsonStreamWriter {
  private first = true;
  constructor(private readonly version: string) {}

  begin(): string {
    return `{"certshark":${JSON.stringify(this.version)},"handshakes":[`;
  }

  handshake(h: Handshake): string {
    return this.handshakeText(handshakeJson(h));
  }

  /** A handshake already serialised by handshakeJson (in another thread). */
  handshakeText(json: string): string {
    const s = (this.first ? '\n' : ',\n') + json;
    this.first = false;
    return s;
  }

  end(certificates: CertificateInfo[], captures: CaptureSummary[]): string {
    const certs = certificates.map((c) => JSON.stringify(c)).join(',\n');
    const caps = captures.map((c) => JSON.stringify(c)).join(',\n');
    return `\n],"certificates":[${certs ? '\n' + certs + '\n' : ''}],"captures":[${caps ? '\n' + caps + '\n' : ''}]}\n`;
  }
}

/**
 * Verdicts are most of a handshake's JSON, and the trust engine hands the same verdict objects to every handshake
 * of the same chain: each is serialised once. The handshake is serialised without them, and they are appended as
 * its last field.
 */
const verdictText = new WeakMap<Verdict, string>();

function verdictJson(v: Verdict): string {
  let t = verdictText.get(v);
  if (t === undefined) verdictText.set(v, (t = JSON.stringify(v)));
  return t;
}

export function handshakeJson(h: Handshake): string {
  const vs = h.verdicts;
  if (!vs) return JSON.stringify(h);
  let body: string;
  h.verdicts = undefined;
  try {
    body = JSON.stringify(h);
  } finally {
    h.verdicts = vs;
  }
  let list = '';
  for (let i = 0; i < vs.length; i++) list += (i ? ',' : '') + verdictJson(vs[i]!);
  return `${body.slice(0, -1)},"verdicts":[${list}]}`;
}
