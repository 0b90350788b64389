import { LIMITS } from '../limits.js';

/**
 * Named oddities of TCP reassembly (Zeek's "weirds"), each reported at most once per flow direction through
 * FlowConsumer.note. The TLS stage puts them on the flow's handshake, text starting with the code; a flow without
 * one is counted on the capture. The codes are part of the JSON contract: add freely, rename none.
 */
export const TCP_NOTES = {
  'tcp-overlap-mismatch':
    'a retransmission carried other bytes than the copy already held for the same sequence numbers; the first copy ' +
    'was kept (as the receiving stack keeps queued data), so the peer may have read bytes other than those reported',
  'tcp-buffer-limit':
    `more out-of-order data than one direction may hold (${LIMITS.tcpBufferedBytesPerDirection} bytes or ` +
    `${LIMITS.tcpSegmentsPerDirection} segments); the lowest hole was given up as a gap`,
} as const;

export type TcpNoteCode = keyof typeof TCP_NOTES;
