/**
 * The one growth rule of the TLS stage's buffers (record bodies, handshake messages, the fingerprint key): a buffer
 * grows with the bytes that arrived, doubling, capped at what the length field allows, and never to that length
 * at once: a flow that sends the first piece of a record or message claiming 16 KiB then holds what it sent.
 */

/**
 * `b` if it holds `head + need` bytes, else a new buffer that does, keeping its first `head + kept` bytes. `head`
 * bytes at the start (a record's header) stay outside the doubling and the cap: the part after them grows to at
 * least `need`, at least `min`, at least twice what it was, and at most `cap`.
 */
export function grown(b: Uint8Array | null, head: number, kept: number, need: number, cap: number, min: number): Uint8Array {
  if (b !== null && b.length >= head + need) return b;
  const nb = new Uint8Array(head + Math.min(cap, Math.max(need, min, b === null ? 0 : (b.length - head) * 2)));
  if (b !== null && head + kept > 0) nb.set(b.subarray(0, head + kept));
  return nb;
}
