import type { Endpoint } from '../model.js';
import type { TcpNoteCode } from './notes.js';

/**
 * A bidirectional flow. Side `a` is the side that sent the first SYN when one was seen, otherwise the sender of
 * the first packet seen. Direction 0 is a -> b, direction 1 is b -> a.
 */
export interface FlowInfo {
  transport: 'tcp' | 'udp';
  a: Endpoint;
  b: Endpoint;
  /**
   * true when a SYN (a is its sender) or a SYN-ACK seen first (a is its receiver) established who `a` is; false
   * for a capture that starts mid-flow and for UDP.
   */
  synSeen: boolean;
  firstFrame: number;
  firstTs: number;
}

export type Dir = 0 | 1;

/**
 * What the flow tracker feeds. For TCP: in-order bytes per direction; `chunk` is a view valid only during the
 * call. For UDP: one call per datagram. The consumer sets `done` once it needs nothing more from the flow; the
 * tracker then drops buffered bytes and skips the flow's later packets after a flow-table lookup (fast path).
 */
export interface FlowConsumer {
  data(dir: Dir, chunk: Uint8Array, frame: number, ts: number): void;
  /** Bytes known missing in a direction (a hole the tracker gave up waiting for, or snaplen truncation). */
  gap(dir: Dir, bytes: number, frame: number): void;
  /** The flow ended (FIN/RST seen both ways, port reuse, eviction, a limit, or end of capture). Called once. */
  end(reason: FlowEndReason): void;
  /**
   * Optional: a named oddity on one direction (notes.ts, TCP_NOTES), e.g. `tcp-overlap-mismatch` (a retransmission
   * carried different bytes; the first arrival was kept) or `tcp-buffer-limit` (a cap forced a gap). Each code is
   * reported at most once per direction.
   */
  note?(dir: Dir, code: TcpNoteCode, frame: number): void;
  /**
   * Optional, live input only: no packet of this flow has arrived for `seconds` of wall-clock time while the flow is
   * still open. A consumer may report what it holds now instead of waiting for the flow to end (a failed handshake
   * on a connection the peers leave open).
   */
  idle?(seconds: number): void;
  readonly done: boolean;
}

export type FlowEndReason = 'closed' | 'reused' | 'evicted' | 'limit' | 'eof';

/** Returns the consumer for a new flow. */
export type FlowConsumerFactory = (info: FlowInfo) => FlowConsumer;
