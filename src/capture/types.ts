/**
 * One captured frame. The reader reuses ONE record object for every packet: `data` is a subarray of the
 * reader's buffer and is valid only during the sink callback. Copy what you keep.
 */
export interface CaptureRecord {
  /** 1-based frame number across the whole file (all pcapng sections). */
  frame: number;
  /** Seconds since the epoch, fractional (µs or ns resolution folded into a double). */
  ts: number;
  /** LINKTYPE_* value of the interface the frame was captured on. */
  linkType: number;
  /** Captured bytes (length capLen), a view into the reader's buffer. */
  data: Uint8Array;
  capLen: number;
  /** Length on the wire; origLen > capLen means the frame was cut by the snaplen. */
  origLen: number;
  /** pcapng interface index (0 for pcap). */
  iface: number;
}

export interface CaptureSink {
  packet(rec: CaptureRecord): void;
  /**
   * A pcapng Decryption Secrets Block (type 0x0000000A), e.g. a TLS key log (secretsType 0x544c534b "TLSK").
   * `data` is a view valid only during the call; frameBefore is the number of packets delivered before it.
   */
  decryptionSecrets?(secretsType: number, data: Uint8Array, frameBefore: number): void;
}

/** Thrown only for input that is not a readable capture at all (the CLI turns it into one line and exit 2). */
export class CaptureError extends Error {
  override name = 'CaptureError';
}

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng' | 'pcap+gzip' | 'pcap-ns+gzip' | 'pcapng+gzip';

/** What CaptureParser.end() reports. */
export interface CaptureEndInfo {
  /** 'pcap' | 'pcap-ns' | 'pcapng' (readCapture adds '+gzip'); '' when no header was seen. */
  format: string;
  /** Link type names seen (first-seen order), e.g. 'EN10MB', 'LINUX_SLL2', or 'LINKTYPE_<n>'. */
  linkTypes: string[];
  /** Link type numbers, same order as linkTypes. */
  linkTypeNumbers: number[];
  packets: number;
  /** The input stopped mid-record or a record was corrupt: everything before atOffset was delivered. */
  truncated?: { atOffset: number; message: string };
  /** Non-fatal oddities (bad trailing block length, packet longer than its block, ...). */
  notes: string[];
}

export interface CaptureReadResult extends CaptureEndInfo {
  /** Bytes read from the source (compressed bytes for a gzip file). */
  bytes: number;
  /** Reading was stopped through the signal before the input ended. */
  stopped?: boolean;
}

export interface ReadCaptureOptions {
  onProgress?(bytesRead: number, totalBytes?: number): void;
  /**
   * Stops reading: the capture read so far is kept and the result says `stopped` (Ctrl-C, `-c`, `-a duration:`,
   * the interactive view closed). A read waiting on a quiet pipe is abandoned at once.
   */
  signal?: AbortSignal;
  /**
   * Called once, when the first bytes have arrived and were recognised as a capture: `streaming` is true for a
   * source whose data comes as a writer sends it (stdin, a FIFO, a capture child), false for a regular file.
   */
  onOpen?(streaming: boolean): void;
  /**
   * Every byte read from the source is also written here, synchronously as it arrives, before it is parsed
   * (`-w FILE`): a copy of the raw capture that holds everything read even when the run is ended abruptly.
   */
  copyTo?: number;
  /**
   * Backpressure from whoever consumes what the capture produces: a promise means "wait before reading more" (the
   * reader of certshark's output is slower than the capture is read), awaited between chunks; undefined means go
   * on. The promise must settle when reading is stopped too.
   */
  whenWritable?(): Promise<void> | undefined;
}

/** A capture arriving on a stream (a capture child's stdout), named for messages. */
export interface CaptureStream {
  name: string;
  stream: NodeJS.ReadableStream;
}
