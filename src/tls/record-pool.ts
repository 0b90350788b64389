/**
 * Record body buffers given back by directions whose record was complete, for the next direction that must
 * buffer a record. A handshake-dense capture opens a flow per handshake and buffers its Certificate record across
 * segments: without the pool each such record grows a buffer of its own from what arrived (three allocations and
 * two copies for a record of three segments); with it, the record is copied once into a buffer that held an earlier
 * record. Owned by the session (TlsOptions), so two sessions share none.
 *
 * Memory stays bounded by what arrived: the pool holds at most MAX_FREE buffers, and a buffer in it is one that a
 * complete record filled. A flow that sends the first segment of a record and stalls may hold such a buffer, larger
 * than what it sent, but only as many of them as records completed before; a capture of flows that each send the
 * first piece of a record and nothing more finds the pool empty and its buffers grow with what arrived.
 *
 * A buffer is given back only once nothing refers to it: record bodies are views valid during the record call
 * (RecordSink.record), and what the later steps keep of them they copy.
 */
const MAX_FREE = 16;
/** Smaller buffers are not worth keeping: growing one is cheap, and most records fit in one segment. */
const MIN_KEPT = 1024;

export class RecordBufferPool {
  private readonly free: Uint8Array[] = [];

  /**
   * A free buffer of at least `min` bytes, the smallest that holds `want` if one does (else the largest), taken out
   * of the pool; null when none is large enough.
   */
  take(min: number, want: number): Uint8Array | null {
    const f = this.free;
    let whole = -1;
    let largest = -1;
    for (let i = 0; i < f.length; i++) {
      const n = f[i]!.length;
      if (n >= want && (whole < 0 || n < f[whole]!.length)) whole = i;
      if (n >= min && (largest < 0 || n > f[largest]!.length)) largest = i;
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
