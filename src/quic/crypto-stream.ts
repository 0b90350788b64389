/**
 * One CRYPTO stream (a packet-number space in one direction, RFC 9000 §19.6): frames arrive out of order,
 * repeated (retransmissions) or overlapping, and are handed on once, in order, by offset. Frames ahead of the next
 * offset wait, counted against a budget the streams of one connection share, so a peer cannot make the buffer
 * grow past it by sending far offsets.
 */

/** Bytes held out of order by all the CRYPTO streams of one connection. */
export interface CryptoBudget {
  held: number;
  readonly limit: number;
  /** Set once a frame was dropped because the budget was spent. */
  hit: boolean;
}

export class CryptoStream {
  /** The next offset to hand on: everything before it has been delivered. */
  next = 0;
  private waiting: { offset: number; data: Uint8Array }[] = [];

  constructor(private readonly budget: CryptoBudget) {}

  /** One CRYPTO frame. `deliver` gets each new in-order piece (a view valid during the call). */
  push(offset: number, data: Uint8Array, deliver: (data: Uint8Array) => void): void {
    const end = offset + data.length;
    if (end <= this.next) return; // all of it was handed on already
    if (offset > this.next) {
      if (this.budget.held + data.length > this.budget.limit) {
        this.budget.hit = true;
        return;
      }
      // The view keeps the decrypted packet it came from alive; the budget counts the frame's own bytes.
      this.budget.held += data.length;
      let i = this.waiting.length;
      while (i > 0 && this.waiting[i - 1]!.offset > offset) i--;
      this.waiting.splice(i, 0, { offset, data });
      return;
    }
    deliver(data.subarray(this.next - offset));
    this.next = end;
    while (this.waiting.length > 0 && this.waiting[0]!.offset <= this.next) {
      const w = this.waiting.shift()!;
      this.budget.held -= w.data.length;
      const wEnd = w.offset + w.data.length;
      if (wEnd <= this.next) continue;
      deliver(w.data.subarray(this.next - w.offset));
      this.next = wEnd;
    }
  }

  /** Bytes waiting for a gap before them to be filled. */
  get held(): number {
    let n = 0;
    for (const w of this.waiting) n += w.data.length;
    return n;
  }
}
