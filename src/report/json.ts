import type { CaptureSummary, CertificateInfo, Handshake, ScanResult } from '../model.js';

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
    const s = (this.first ? '\n' : ',\n') + JSON.stringify(h);
    this.first = false;
    return s;
  }

  end(certificates: CertificateInfo[], captures: CaptureSummary[]): string {
    const certs = certificates.map((c) => JSON.stringify(c)).join(',\n');
    const caps = captures.map((c) => JSON.stringify(c)).join(',\n');
    return `\n],"certificates":[${certs ? '\n' + certs + '\n' : ''}],"captures":[${caps ? '\n' + caps + '\n' : ''}]}\n`;
  }
}
