/**
 * The flow stage (DESIGN.md pipeline: src/tcp). Public surface:
 *
 *   new FlowTracker(factory, opts?)   one table for TCP and UDP flows; factory(info) gives each flow its consumer
 *   tracker.add(packet)               every decoded packet, in capture order; never throws
 *   tracker.finish()                  end of capture: open flows end with 'eof', in order of their first frame
 *   tracker.stats                     packets, flows created/ended by reason, gaps, buffered-bytes peak, skips...
 *
 * Consumer contract (types.ts): TCP bytes arrive in order per direction, each byte once; a hole given up becomes
 * gap(dir, bytes, frame) and delivery goes on after it; UDP datagrams arrive one data() call each. Once the
 * consumer's `done` is true it gets no more data() or gap() calls, only its one end() call.
 *
 * Flow creation: a TCP flow starts on a SYN, a SYN-ACK or the first segment with payload (a bare ACK, FIN or RST
 * of an unknown flow starts nothing: it is the tail of a connection already ended, or noise).
 */
export { FlowTracker } from './flow-tracker.js';
export type { TrackerOptions, TrackerStats } from './flow-tracker.js';
export { formatAddress } from './address.js';
export { seqAdd, seqDiff, seqLe, seqLt, seqMax, seqMin } from './seq.js';
export type { Dir, FlowConsumer, FlowConsumerFactory, FlowEndReason, FlowInfo } from './types.js';
export { TCP_NOTES } from './notes.js';
export type { TcpNoteCode } from './notes.js';
