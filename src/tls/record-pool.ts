/**
 * Record body buffers given back by directions whose record was complete, for the next direction that must
 * buffer a record. A handshake-dense capture opens a flow per handshake and buffers its Certificate record across
 * segments: without the pool each such record grows a buffer of its own from what arrived (three allocations and
 * two copies for a record of three segments); with it, the record is copied once into a buffer that held an earlier
 * record. Owned by the session (TlsOptions), so two sessions share none.
 *
 * Memory stays bounded by what arrived: the pool holds at most MAX_FREE buffers, each one a complete record filled,
 * and a direction takes one no larger than twice what it needs now, or 4 KiB (take). A flow that sends the first
 * piece of a record claiming 16 KiB and stalls holds about what it sent, as without the pool.
 *
 * A buffer is given back only once nothing refers to it: record bodies are views valid during the record call
 * (RecordSink.record), and what the later steps keep of them they copy.
 */
const MAX_FREE = 16;
/** Smaller buffers are not worth keeping: growing one is cheap, and most records fit in one segment. */
const MIN_KEPT = 1024;
/**
 * A direction may take a buffer up to this size whatever it has sent so far: a Certificate record of a few KiB
 * arriving in segments of 1448 bytes then fills a buffer an earlier one left.
 */
const OVER_FLOOR = 4096;

export class RecordBufferPool {
  private readonly free: Uint8Array[] = [];

  /**
   * A free buffer of at least `min` bytes (what the direction needs now) and at most twice that or OVER_FLOOR
   * bytes, the smallest that holds `want` (the whole record) if one does, else the largest; taken out of the pool;
   * null when none fits. The upper bound keeps the rule of record-buffers.ts: a flow that sends the first piece of a
   * record claiming 16 KiB and stalls holds about what it sent (what growing would have given it), not a 16 KiB
   * buffer an earlier record left.
   */
  take(min: number, want: number): Uint8Array | null {
    const f = this.free;
    const max = Math.max(2 * min, OVER_FLOOR);
    let whole = -1;
    let largest = -1;
    for (let i = 0; i < f.length; i++) {
      const n = f[i]!.length;
      if (n < min || n > max) continue;
      if (n >= want && (whole < 0 || n < f[whole]!.length)) whole = i;
      if (largest < 0 || n > f[largest]!.length) largest = i;
    }
    const at = whole >= 0 ? whole : largest;
    if (at < 0) return null;
    const r = f[at]!;
    f[at] = f[f.length - 1]!;
    f.pop();
    return r;
  }

  /** `b` is no longer referred to by its direction. */
  give(b: Uint8Array): void {
    if (b.length >= MIN_KEPT && this.free.length < MAX_FREE) this.free.push(b);
  }

  get size(): number {
    return this.free.length;
  }
}
