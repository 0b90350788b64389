/** Public surface of the TCP/UDP flow stage: see flow-tracker.ts. */
export { FlowTracker } from './flow-tracker.js';
export type { TrackerOptions, TrackerStats } from './flow-tracker.js';
export { formatAddress } from './address.js';
export { seqAdd, seqDiff, seqLe, seqLt, seqMax, seqMin } from './seq.js';
export type { Dir, FlowConsumer, FlowConsumerFactory, FlowEndReason, FlowInfo } from './types.js';
