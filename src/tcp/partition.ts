import type { Packet } from '../net/types.js';

/**
 * Flows are split into FLOW_PARTITIONS partitions by a symmetric hash of their endpoints and transport, so that a
 * scan can run each partition on its own thread. Every scan splits the same way, threaded or not: each partition
 * has its own flow table (limits apply per partition) and ends its open flows at the end of the capture in turn,
 * so handshake numbers and the report do not depend on the number of threads used.
 */
export const FLOW_PARTITIONS = 2;

/** The partition (0 .. FLOW_PARTITIONS-1) of a packet's flow; both directions of a flow get the same one. */
export function flowPartition(p: Packet): number {
  const s = p.src;
  const d = p.dst;
  let x = 0;
  let y = 0;
  // Words of each address, folded; XOR of the two endpoints is symmetric in direction.
  for (let i = 0; i + 3 < s.length; i += 4) x = (Math.imul(x, 0x9e3779b1) + ((s[i]! << 24) | (s[i + 1]! << 16) | (s[i + 2]! << 8) | s[i + 3]!)) | 0;
  for (let i = 0; i + 3 < d.length; i += 4) y = (Math.imul(y, 0x9e3779b1) + ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!)) | 0;
  x = (x + Math.imul(p.sport, 0x85ebca6b)) | 0;
  y = (y + Math.imul(p.dport, 0x85ebca6b)) | 0;
  let h = (x ^ y ^ (p.kind === 'udp' ? 0x5bd1e995 : 0)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % FLOW_PARTITIONS;
}
