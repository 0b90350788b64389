/**
 * Values computed from bytes that come back in every handshake of a busy capture (the same certificates, the same
 * CertificateRequest), found again by their length, a key from a few of their bytes (the last four sit inside a
 * certificate's signature, so as good as random) and a full byte comparison; the first sight keeps a copy of the
 * bytes. Bounded: cleared when full. Content-addressed, so sharing between flows and captures is safe.
 */
export class BytesMemo<T> {
  private readonly table = new Map<number, { bytes: Uint8Array; value: T }[]>();
  private count = 0;
  constructor(private readonly max: number) {}

  /** The value for these bytes; `make` computes it from the kept copy the first time. */
  get(d: Uint8Array, make: (kept: Uint8Array) => T): T {
    const n = d.length;
    const mid = n >>> 1;
    const sample = n >= 4 ? ((d[n - 4]! << 24) | (d[n - 3]! << 16) | (d[n - 2]! << 8) | d[n - 1]!) ^ (d[mid]! << 8) : 0;
    const key = (sample ^ Math.imul(n, 0x9e3779b1)) >>> 0;
    let bucket = this.table.get(key);
    if (bucket) for (const e of bucket) if (e.bytes.length === n && Buffer.compare(e.bytes, d) === 0) return e.value;
    const bytes = d.slice();
    const value = make(bytes);
    if (this.count >= this.max) {
      this.table.clear();
      this.count = 0;
      bucket = undefined;
    }
    if (bucket) bucket.push({ bytes, value });
    else this.table.set(key, [{ bytes, value }]);
    this.count++;
    return value;
  }
}
