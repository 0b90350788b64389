/**
 * Drives the pipeline (capture → net → tcp → tls → x509 → trust) over one or more captures and reports batched
 * events for the TUI. Stages know nothing of each other beyond their contracts; this file wires them.
 */
import { readCapture, CaptureError } from './capture/index.js';
import { NetDecoder } from './net/index.js';
import { FlowTracker, type TrackerOptions } from './tcp/index.js';
import { createTlsConsumer, HandshakeMemo, IsoTime, RecordBufferPool } from './tls/index.js';
import { giveUpNotes, type GiveUpCode } from './tls/give-ups.js';
import type { KeyProvider } from './tls/types.js';
import { KeyLogProvider, parseKeyLog, type KeyLog } from './tls/crypto/index.js';
import { sessionSecrets } from './keys/keylog.js';
import { parseOwnedCertificate, type ParsedCertificate, type PathElement } from './x509/index.js';
import type { CaptureRecord, CaptureStream } from './capture/types.js';
import type { CaptureSummary, CertificateInfo, ChainPath, Handshake, ScanListener, ScanResult, Side, TrustPaths, Verdict } from './model.js';
import { addNote } from './model.js';
import { LIMITS } from './limits.js';
import { CertificateConsistency, JudgementMemo } from './trust/index.js';

export const VERSION = '0.1.0';

export interface SessionOptions {
  keys?: KeyProvider;
  /**
   * Verdicts for a finished handshake (src/trust); when absent handshakes carry no verdicts. With the paths the
   * chains were judged on, a listener with onTrustPaths gets them and the trust-store certificates on them.
   * `memo` is the session's: what judging its handshakes shares (the same chains come back in every handshake).
   */
  judge?: (h: Handshake, certs: Map<string, ParsedCertificate>, memo: JudgementMemo) => Verdict[] | Judgement;
  listener?: ScanListener;
  /** Minimum interval between listener batches. */
  batchMs?: number;
  /**
   * false: the listener's batches come with an empty handshake list (onHandshake had each handshake as it
   * finished), so the session holds no handshake between batches. A handshake held for a batch outlives a few
   * young-generation collections and is copied by each; a scan-pool thread writes each one at once instead.
   */
  batchHandshakes?: boolean;
  signal?: AbortSignal;
  /**
   * Called with each handshake once it is finished and judged, in the order handshakes finish. With
   * `retain: false` handshakes are not kept in the result, so memory stays flat however many there are (scan).
   */
  onHandshake?: (h: Handshake, certificate: (sha256: string) => CertificateInfo | undefined) => void;
  retain?: boolean;
  /** Called once per capture when its first bytes arrived and were recognised (see readCapture's onOpen). */
  onOpen?: (streaming: boolean) => void;
  /**
   * Called a few times a second while a streaming input (stdin, FIFO, capture child) is read, after handshakes of
   * idle flows were reported: the moment for a writer to flush what it holds, however quiet the input is.
   */
  onTick?: () => void;
  /** Stop after this many packets (`-c N`), over all captures. */
  maxPackets?: number;
  /** Raw bytes of the (single) capture are copied to this file descriptor as they are read (`-w FILE`). */
  copyTo?: number;
  /** Backpressure of the output (see ReadCaptureOptions.whenWritable): reading waits while it returns a promise. */
  whenWritable?: () => Promise<void> | undefined;
  /** Flow-table limits other than those of src/limits.ts (tests reach the caps with small captures). */
  tracker?: Partial<TrackerOptions>;
}

export interface Judgement {
  verdicts: Verdict[];
  /** The path each side's chain was judged on, with the parsed certificates (the trust-store ones are reported). */
  paths?: Partial<Record<Side, readonly PathElement[]>>;
  /** The same paths as the model carries them (ScanListener.onTrustPaths): sources and the missing link. */
  chosen?: Partial<Record<Side, ChainPath>>;
}

export interface SessionResult extends ScanResult {
  /** The session's certificate store: every certificate of its captures parsed once, by SHA-256. */
  parsed: Map<string, ParsedCertificate>;
  /**
   * Handshake ids given out (1..idsUsed): a scan of later captures in another thread numbers on from here, so its
   * ids equal those of one session over all of them.
   */
  idsUsed: number;
}

/** pcapng Decryption Secrets Block type of an NSS key log ('TLSK'). */
const DSB_TLS_KEY_LOG = 0x544c534b;

/** Internal errors per capture kept as notes at most this many times; the rest are counted. */
const MAX_INTERNAL_NOTES = 5;

/** A tick of the live clock: how often idle flows are looked at and output is flushed. */
const TICK_MS = 150;

/**
 * Live input: how long a flow must be without packets before its consumer hears of it (and the seconds it is
 * told). The first is what puts a handshake ended by an alert on screen within a second of its last packet.
 */
const IDLE_STEPS_S = [0.3, 3] as const;

/** Why a stop signal fired, for the capture summary ('stopped: …'). */
function stopReason(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return typeof r === 'string' ? r : 'stopped';
}

export async function scanCaptures(files: Array<string | CaptureStream>, opts: SessionOptions = {}): Promise<SessionResult> {
  const parsed = new Map<string, ParsedCertificate>();
  const certificates: CertificateInfo[] = [];
  const handshakes: Handshake[] = [];
  const captures: CaptureSummary[] = [];
  const listener = opts.listener;
  const retain = opts.retain ?? true;
  const batchMs = opts.batchMs ?? 100;
  let pendingHs: Handshake[] = [];
  const batchHandshakes = opts.batchHandshakes ?? true;
  let pendingCount = 0;
  let pendingCerts: CertificateInfo[] = [];
  let pendingPaths: TrustPaths[] = [];
  let pendingStore: CertificateInfo[] = [];
  const storeReported = new Set<string>();
  const notePaths = (h: Handshake, j: Judgement) => {
    const tp: TrustPaths = { id: h.id };
    for (const side of ['server', 'client'] as const) {
      // The trust engine's chosen path, as the model carries it (shared by the handshakes of the same chain).
      const chosen = j.chosen?.[side];
      if (chosen) tp[side] = chosen;
      for (const e of j.paths?.[side] ?? []) {
        const sha = e.cert.sha256;
        if (e.source !== 'store' || parsed.has(sha) || storeReported.has(sha)) continue;
        storeReported.add(sha);
        pendingStore.push(e.cert.info);
      }
    }
    pendingPaths.push(tp);
  };
  let lastFlush = 0;
  let nextId = 1;
  // Certificates and CertificateRequests repeat across the flows (and captures) of a session: decoded once; the
  // handshakes of many flows start within the same second: formatted once.
  const memo = new HandshakeMemo();
  const recordPool = new RecordBufferPool();
  const isoTime = new IsoTime();
  const judgementMemo = new JudgementMemo();
  let handshakeCount = 0;
  const certInfo = (sha: string) => parsed.get(sha)?.info;

  const flush = (force: boolean) => {
    if (!listener?.onHandshakes || pendingCount === 0) return;
    const now = Date.now();
    if (!force && now - lastFlush < batchMs) return;
    lastFlush = now;
    const hs = pendingHs;
    const cs = pendingCerts;
    pendingHs = [];
    pendingCount = 0;
    pendingCerts = [];
    if (pendingPaths.length > 0) {
      const ps = pendingPaths;
      const ss = pendingStore;
      pendingPaths = [];
      pendingStore = [];
      listener.onTrustPaths?.(ps, ss);
    }
    listener.onHandshakes(hs, cs);
  };

  // -c N: the session stops itself once it has seen N packets, through the same signal as Ctrl-C.
  // (One controller that the caller's signal forwards to: signals made by AbortSignal.any can be collected on
  // Node 20 before they fire.)
  const countStop = new AbortController();
  const signal = countStop.signal;
  const outer = opts.signal;
  const forward = () => countStop.abort(outer!.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  let totalPackets = 0;

  for (let ci = 0; ci < files.length; ci++) {
    const input = files[ci]!;
    const file = typeof input === 'string' ? input : input.name;
    if (signal.aborted) {
      // Named all the same, so a reader of the report sees which captures were not read at all.
      captures.push({ file, format: '', linkTypes: [], packets: 0, bytes: 0, notes: [], stopped: `not read: ${stopReason(signal)}` });
      continue;
    }
    const summary: CaptureSummary = { file, format: '', linkTypes: [], packets: 0, bytes: 0, notes: [] };
    captures.push(summary);
    // Capture-level findings (the same server answering with different leaves) need every handshake of the
    // capture; the tracker keeps a bounded digest of each, not the handshakes.
    const consistency = new CertificateConsistency();
    // Flows per give-up code (src/tls/give-ups.ts): one note each on the capture.
    const giveUps = new Map<GiveUpCode, number>();

    const sink = {
      gaveUp(code: GiveUpCode) {
        giveUps.set(code, (giveUps.get(code) ?? 0) + 1);
      },
      handshake(h: Handshake, ders: Map<string, Uint8Array>) {
        h.capture = ci;
        for (const [sha, der] of ders) {
          if (parsed.has(sha)) continue;
          // The TLS stage hashed and copied each DER once (HandshakeMemo): the certificate is parsed on that copy.
          const p = parseOwnedCertificate(der, sha);
          parsed.set(sha, p);
          certificates.push(p.info);
          pendingCerts.push(p.info);
        }
        if (opts.judge) {
          try {
            const j = opts.judge(h, parsed, judgementMemo);
            if (Array.isArray(j)) h.verdicts = j;
            else {
              h.verdicts = j.verdicts;
              if ((j.paths || j.chosen) && listener?.onTrustPaths && listener.onHandshakes) notePaths(h, j);
            }
          } catch (e) {
            addNote(h.notes, `trust evaluation failed: ${(e as Error).message}`, LIMITS.notesPerObject);
          }
        }
        handshakeCount++;
        consistency.add(h);
        opts.onHandshake?.(h, certInfo);
        if (retain) handshakes.push(h);
        if (listener?.onHandshakes) {
          pendingCount++;
          if (batchHandshakes) pendingHs.push(h);
        }
      },
    };
    const net = new NetDecoder();
    // Key logs embedded in the capture (pcapng Decryption Secrets Blocks, `editcap --inject-secrets`) are used after
    // the user's own key log; the block precedes the packets it decrypts.
    let embedded: KeyLog | undefined;
    const keys: KeyProvider = {
      forHandshake: (p) => opts.keys?.forHandshake(p) ?? (embedded ? new KeyLogProvider(embedded).forHandshake(p) : null),
      secrets: (r) => opts.keys?.secrets?.(r) ?? (embedded ? sessionSecrets(embedded, r) : undefined),
    };
    // One options object for every flow of the capture (a capture may open hundreds of thousands).
    const tlsOptions = { keys, nextId: () => nextId++, memo, clock: isoTime, recordPool };
    const tracker = new FlowTracker((info) => createTlsConsumer(info, sink, tlsOptions), opts.tracker);
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
        if (signal.aborted) return;
        packets++;
        if (opts.maxPackets !== undefined && ++totalPackets >= opts.maxPackets) countStop.abort(`${opts.maxPackets} packets captured (-c)`);
        // DESIGN.md style 3: no exception escapes a packet.
        try {
          const p = net.decode(rec);
          if (p !== null) tracker.add(p);
        } catch (e) {
          internalError('packet decoding', rec.frame, e);
        }
      },
    };
    // Live input: a clock, independent of the data, reports handshakes of flows gone quiet and flushes the
    // listener and the writers, so a handshake shows within a second of its last packet however quiet the pipe
    // then stays. Wall-clock instants are mapped to frame numbers: a flow whose last frame is at most the frame
    // count of `step` seconds ago has been idle at least that long.
    let clock: NodeJS.Timeout | undefined;
    const seen: Array<{ at: number; frames: number }> = [];
    // Time spent waiting for a slow reader of the output (whenWritable) is not idleness of the flows: reading stood
    // still, the packets may well be queued in the pipe. While a wait is pending the clock only flushes, and when it
    // ends the instants seen before are moved forward by its length.
    let waiting = false;
    const whenWritable = opts.whenWritable
      ? () => {
          const w = opts.whenWritable!();
          if (!w) return w;
          const t0 = Date.now();
          waiting = true;
          return w.finally(() => {
            waiting = false;
            const d = Date.now() - t0;
            for (const e of seen) e.at += d;
          });
        }
      : undefined;
    const tick = () => {
      const now = Date.now();
      if (waiting) {
        flush(true);
        opts.onTick?.();
        return;
      }
      seen.push({ at: now, frames: packets });
      while (seen.length > 1 && now - seen[1]!.at >= IDLE_STEPS_S[IDLE_STEPS_S.length - 1]! * 1000) seen.shift();
      for (const step of IDLE_STEPS_S) {
        let frames = -1;
        for (const s of seen) if (now - s.at >= step * 1000) frames = s.frames;
        if (frames > 0) {
          try {
            tracker.idle(frames, step);
          } catch (e) {
            internalError('idle flows', frames, e);
          }
        }
      }
      flush(true);
      opts.onTick?.();
    };
    try {
      const res = await readCapture(input, packetSink, {
        signal,
        copyTo: opts.copyTo,
        whenWritable,
        onOpen: (streaming) => {
          if (streaming) clock = setInterval(tick, TICK_MS);
          opts.onOpen?.(streaming);
        },
        onProgress: (bytesRead, totalBytes) => {
          listener?.onProgress?.({ file, capture: ci, bytesRead, totalBytes, packets, handshakes: handshakeCount });
          flush(false);
        },
      });

      summary.format = res.format;
      summary.linkTypes = res.linkTypes;
      summary.packets = res.packets;
      // Nothing to read in it: a file cut inside its header, or one that holds a header and no packet. Said as an
      // unreadable input (one line, exit 2), not as a capture with no handshakes. A live capture stopped before any
      // packet came is not this: it was quiet.
      if (res.packets === 0 && !res.stopped) {
        const t = res.truncated;
        summary.error = t
          ? t.atOffset === 0
            ? `not a complete capture: ${t.message}`
            : `no packets: ${t.message}`
          : `the ${res.format || 'capture'} file holds no packets (only its header)`;
      }
      if (res.stopped) {
        summary.stopped = stopReason(signal);
        // The reader may have parsed a few records past the stop; only those delivered count.
        summary.packets = packets;
      }
      summary.bytes = res.bytes;
      if (res.truncated) summary.truncated = res.truncated;
      summary.notes.push(...res.notes);
    } catch (e) {
      if (e instanceof CaptureError) summary.error = e.message;
      else summary.error = `could not read capture: ${(e as Error)?.message ?? String(e)}`;
    } finally {
      if (clock) clearInterval(clock);
    }
    try {
      tracker.finish();
    } catch (e) {
      internalError('flow teardown', 0, e);
    }
    if (internalErrors > MAX_INTERNAL_NOTES) summary.notes.push(`${internalErrors - MAX_INTERNAL_NOTES} more internal errors`);
    summary.notes.push(...giveUpNotes(giveUps, tracker.maxFlows));
    summary.findings = consistency.findings(certInfo);
    summary.notes.push(...consistency.notes());
    const skipped: Record<string, number> = {};
    for (const [k, v] of Object.entries(net.stats)) if (typeof v === 'number' && v > 0) skipped[k] = v;
    if (Object.keys(skipped).length > 0) summary.skipped = skipped;
    flush(true);
  }
  outer?.removeEventListener('abort', forward);
  handshakes.sort((a, b) => a.id - b.id);
  const result: SessionResult = { certshark: VERSION, captures, handshakes, certificates, parsed, idsUsed: nextId - 1 };
  listener?.onDone?.(toScanResult(result));
  return result;
}

/** The JSON-contract view of a session result (drops the parsed-certificate handles). */
export function toScanResult(r: SessionResult): ScanResult {
  return { certshark: r.certshark, captures: r.captures, handshakes: r.handshakes, certificates: r.certificates };
}
