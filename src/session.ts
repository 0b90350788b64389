/**
 * Drives the pipeline (capture → net → tcp → tls → x509 → trust) over one or more captures and reports batched
 * events for the TUI. Stages know nothing of each other beyond their contracts; this file wires them.
 */
import { readCapture, CaptureError } from './capture/index.js';
import { NetDecoder } from './net/index.js';
import { FlowTracker } from './tcp/index.js';
import { createTlsConsumer } from './tls/index.js';
import type { KeyProvider } from './tls/types.js';
import { KeyLogProvider, parseKeyLog, type KeyLog } from './tls/crypto/index.js';
import { parseCertificate, type ParsedCertificate } from './x509/index.js';
import type { CaptureRecord } from './capture/types.js';
import type { CaptureSummary, CertificateInfo, Handshake, ScanListener, ScanResult, Verdict } from './model.js';
import { addNote } from './model.js';
import { LIMITS } from './limits.js';
import { CertificateConsistency } from './trust/index.js';

export const VERSION = '0.1.0';

export interface SessionOptions {
  keys?: KeyProvider;
  /** Verdicts for a finished handshake (src/trust); when absent handshakes carry no verdicts. */
  judge?: (h: Handshake, certs: Map<string, ParsedCertificate>) => Verdict[];
  listener?: ScanListener;
  /** Minimum interval between listener batches. */
  batchMs?: number;
  signal?: AbortSignal;
  /**
   * Called with each handshake once it is finished and judged, in the order handshakes finish. With
   * `retain: false` handshakes are not kept in the result, so memory stays flat however many there are (scan).
   */
  onHandshake?: (h: Handshake, certificate: (sha256: string) => CertificateInfo | undefined) => void;
  retain?: boolean;
}

export interface SessionResult extends ScanResult {
  /** Parsed certificates by SHA-256, for the trust engine and `check`. */
  parsed: Map<string, ParsedCertificate>;
}

/** pcapng Decryption Secrets Block type of an NSS key log ('TLSK'). */
const DSB_TLS_KEY_LOG = 0x544c534b;

/** Internal errors per capture kept as notes at most this many times; the rest are counted. */
const MAX_INTERNAL_NOTES = 5;

export async function scanCaptures(files: string[], opts: SessionOptions = {}): Promise<SessionResult> {
  const parsed = new Map<string, ParsedCertificate>();
  const certificates: CertificateInfo[] = [];
  const handshakes: Handshake[] = [];
  const captures: CaptureSummary[] = [];
  const listener = opts.listener;
  const retain = opts.retain ?? true;
  const batchMs = opts.batchMs ?? 100;
  let pendingHs: Handshake[] = [];
  let pendingCerts: CertificateInfo[] = [];
  let lastFlush = 0;
  let nextId = 1;
  let handshakeCount = 0;
  const certInfo = (sha: string) => parsed.get(sha)?.info;

  const flush = (force: boolean) => {
    if (!listener?.onHandshakes || pendingHs.length === 0) return;
    const now = Date.now();
    if (!force && now - lastFlush < batchMs) return;
    lastFlush = now;
    const hs = pendingHs;
    const cs = pendingCerts;
    pendingHs = [];
    pendingCerts = [];
    listener.onHandshakes(hs, cs);
  };

  for (let ci = 0; ci < files.length; ci++) {
    const file = files[ci]!;
    const summary: CaptureSummary = { file, format: '', linkTypes: [], packets: 0, bytes: 0, notes: [] };
    captures.push(summary);
    // Capture-level findings (the same server answering with different leaves) need every handshake of the
    // capture; the tracker keeps a bounded digest of each, not the handshakes.
    const consistency = new CertificateConsistency();

    const sink = {
      handshake(h: Handshake, ders: Map<string, Uint8Array>) {
        h.capture = ci;
        for (const [sha, der] of ders) {
          if (parsed.has(sha)) continue;
          const p = parseCertificate(der);
          parsed.set(sha, p);
          certificates.push(p.info);
          pendingCerts.push(p.info);
        }
        if (opts.judge) {
          try {
            h.verdicts = opts.judge(h, parsed);
          } catch (e) {
            addNote(h.notes, `trust evaluation failed: ${(e as Error).message}`, LIMITS.notesPerObject);
          }
        }
        handshakeCount++;
        consistency.add(h);
        opts.onHandshake?.(h, certInfo);
        if (retain) handshakes.push(h);
        if (listener?.onHandshakes) pendingHs.push(h);
      },
    };
    const net = new NetDecoder();
    // Key logs embedded in the capture (pcapng Decryption Secrets Blocks, `editcap --inject-secrets`) are used after
    // the user's own key log; the block precedes the packets it decrypts.
    let embedded: KeyLog | undefined;
    const keys: KeyProvider = {
      forHandshake: (p) => opts.keys?.forHandshake(p) ?? (embedded ? new KeyLogProvider(embedded).forHandshake(p) : null),
    };
    const tracker = new FlowTracker((info) => createTlsConsumer(info, sink, { keys, nextId: () => nextId++ }));
    let internalErrors = 0;
    let packets = 0;
    const internalError = (where: string, frame: number, e: unknown) => {
      internalErrors++;
      if (internalErrors <= MAX_INTERNAL_NOTES)
        summary.notes.push(`internal error in ${where} at frame ${frame}: ${(e as Error)?.message ?? String(e)}; skipped`);
    };
    const packetSink = {
      decryptionSecrets(type: number, data: Uint8Array) {
        if (type !== DSB_TLS_KEY_LOG) {
          summary.notes.push(`decryption secrets block of type 0x${type.toString(16)} ignored (only TLS key logs are used)`);
          return;
        }
        const log = parseKeyLog(Buffer.from(data).toString('utf8'));
        if (!embedded) embedded = log;
        else for (const [k, v] of log.sessions) embedded.sessions.set(k, v);
        summary.notes.push(`key log embedded in the capture: ${log.sessions.size} session(s)`);
      },
      packet(rec: CaptureRecord) {
        packets++;
        // DESIGN.md style 3: no exception escapes a packet.
        try {
          const p = net.decode(rec);
          if (p !== null) tracker.add(p);
        } catch (e) {
          internalError('packet decoding', rec.frame, e);
        }
      },
    };
    try {
      const res = await readCapture(file, packetSink, {
        signal: opts.signal,
        onProgress: (bytesRead, totalBytes) => {
          listener?.onProgress?.({ file, bytesRead, totalBytes, packets, handshakes: handshakeCount });
          flush(false);
        },
      });
      summary.format = res.format;
      summary.linkTypes = res.linkTypes;
      summary.packets = res.packets;
      summary.bytes = res.bytes;
      if (res.truncated) summary.truncated = res.truncated;
      summary.notes.push(...res.notes);
    } catch (e) {
      if (e instanceof CaptureError) summary.error = e.message;
      else summary.error = `could not read capture: ${(e as Error)?.message ?? String(e)}`;
    }
    try {
      tracker.finish();
    } catch (e) {
      internalError('flow teardown', 0, e);
    }
    if (internalErrors > MAX_INTERNAL_NOTES) summary.notes.push(`${internalErrors - MAX_INTERNAL_NOTES} more internal errors`);
    summary.findings = consistency.findings(certInfo);
    summary.notes.push(...consistency.notes());
    const skipped: Record<string, number> = {};
    for (const [k, v] of Object.entries(net.stats)) if (typeof v === 'number' && v > 0) skipped[k] = v;
    if (Object.keys(skipped).length > 0) summary.skipped = skipped;
    flush(true);
  }
  handshakes.sort((a, b) => a.id - b.id);
  const result: SessionResult = { certshark: VERSION, captures, handshakes, certificates, parsed };
  listener?.onDone?.(toScanResult(result));
  return result;
}

/** The JSON-contract view of a session result (drops the parsed-certificate handles). */
export function toScanResult(r: SessionResult): ScanResult {
  return { certshark: r.certshark, captures: r.captures, handshakes: r.handshakes, certificates: r.certificates };
}
