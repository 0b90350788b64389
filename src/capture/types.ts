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
}

/** Thrown only for input that is not a readable capture at all (the CLI turns it into one line and exit 2). */
export class CaptureError extends Error {
  override name = 'CaptureError';
}
