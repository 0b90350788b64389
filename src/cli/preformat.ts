/**
 * A handshake's output written in a scan-pool thread, with the place of its number in it: the thread does not
 * know the number yet (the files before it may still be being read), so the main thread puts it in. Formatting
 * is most of the main thread's work otherwise, and a handshake as an object costs more to send between threads
 * than its text.
 *
 * Only where the number is found for certain: the first field of a JSON handshake (`{"id":N,`), the ndjson line
 * (its fixed head, then `"id":N,`), the ECS event's one `"handshake_id":N` key (a string in JSON cannot hold an
 * unescaped quote, so the key cannot be faked by the wire), and the `#N` of a text report's first line (before
 * any text from the wire). A handshake whose notes name another handshake's number (renegotiation) is sent as an
 * object and formatted by the main thread after renumbering.
 */
import { VERSION } from '../session.js';
import { ecsEvent, handshakeJson, ndjsonHandshake, renderHandshakeText } from '../report/index.js';
import type { CertificateInfo, Handshake } from '../model.js';

export interface PreformatOptions {
  format: 'json' | 'ndjson' | 'ecs' | 'text';
  color: boolean;
  verbose: boolean;
  pem: boolean;
}

/** The output of one handshake; the digits at `at` (as many as `id` has) are its number within its capture. */
export interface Preformatted {
  text: string;
  at: number;
  id: number;
}

type Lookup = (sha256: string) => CertificateInfo | undefined;

const NDJSON_HEAD = `{"type":"handshake","certshark":${JSON.stringify(VERSION)},`;

export function preformat(h: Handshake, cert: Lookup, o: PreformatOptions): Preformatted | undefined {
  const id = String(h.id);
  let text: string;
  let at = -1;
  switch (o.format) {
    case 'json':
      text = handshakeJson(h);
      if (text.startsWith(`{"id":${id},`)) at = 6;
      break;
    case 'ndjson':
      text = ndjsonHandshake(h, cert, { pem: o.pem }, VERSION);
      if (text.startsWith(`${NDJSON_HEAD}"id":${id},`)) at = NDJSON_HEAD.length + 5;
      break;
    case 'ecs': {
      text = ecsEvent(h, cert, VERSION);
      const key = '"handshake_id":';
      const i = text.indexOf(key);
      if (i >= 0 && text.lastIndexOf(key) === i && text.startsWith(`${key}${id}`, i) && !/\d/.test(text[i + key.length + id.length] ?? '')) at = i + key.length;
      break;
    }
    case 'text': {
      text = renderHandshakeText(h, cert, { color: o.color, verbose: o.verbose });
      const i = text.indexOf('#');
      if (i >= 0 && text.startsWith(`#${id}  `, i)) at = i + 1;
      break;
    }
  }
  return at < 0 ? undefined : { text, at, id: h.id };
}

/**
 * Handshakes' output as the pool gets it from a runner, one after the other: UTF-8 (each JSON handshake with the
 * separator before it, `,` and a newline), laid out in `layout` from index `k` as bytes, at, id per handshake, the
 * number at byte `at` of each.
 */
export interface PreformattedRun {
  bytes: Uint8Array;
  layout: readonly number[];
  k: number;
  count: number;
}

const digits = (n: number) => String(n).length;

/** The run with each handshake's number moved on by `offset`: the bytes themselves when it stays, else one new buffer. */
export function renumberedRun(r: PreformattedRun, offset: number): Uint8Array {
  if (offset === 0) return r.bytes;
  const { bytes, layout, k } = r;
  let size = bytes.length;
  for (let i = 0; i < r.count; i++) size += digits(layout[k + 3 * i + 2]! + offset) - digits(layout[k + 3 * i + 2]!);
  const out = Buffer.allocUnsafe(size);
  let from = 0;
  let to = 0;
  for (let i = 0; i < r.count; i++) {
    const len = layout[k + 3 * i]!;
    const at = layout[k + 3 * i + 1]!;
    const id = layout[k + 3 * i + 2]!;
    out.set(bytes.subarray(from, from + at), to);
    to += at;
    to += out.write(String(id + offset), to, 'latin1');
    const rest = from + at + digits(id);
    out.set(bytes.subarray(rest, from + len), to);
    to += from + len - rest;
    from += len;
  }
  return out;
}
