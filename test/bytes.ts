/** Byte helpers shared by the test builders. */

/** The parts (byte arrays or lists of byte values) one after another, in a fresh Uint8Array. */
export function concatBytes(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const arrs = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrs) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
