import { children, oidToString, readTlv, smallInt } from '../der/index.js';

/** RSASSA-PSS-params (RFC 4055 §3.1); defaults SHA-1 / MGF1-SHA-1 / salt 20. */
export function pssParams(raw?: Uint8Array): { hash: string; mgfHash: string; saltLength: number } | null {
  const out = { hash: 'sha1', mgfHash: 'sha1', saltLength: 20 };
  if (!raw) return out;
  const seq = readTlv(raw);
  const f = seq && seq.tag === 0x30 ? children(seq.content) : null;
  if (!f) return null;
  const hashOf = (algSeq: Uint8Array): string | null => {
    const s = readTlv(algSeq);
    const c = s && s.tag === 0x30 ? children(s.content) : null;
    if (!c || !c[0] || c[0].tag !== 0x06) return null;
    const oid = oidToString(c[0].content);
    return (oid && HASHES[oid]) ?? null;
  };
  for (const el of f) {
    if (el.tag === 0xa0) {
      const h = hashOf(el.content);
      if (!h) return null;
      out.hash = h;
    } else if (el.tag === 0xa1) {
      const s = readTlv(el.content);
      const c = s && s.tag === 0x30 ? children(s.content) : null;
      if (!c || !c[1]) return null;
      const h = hashOf(c[1].raw);
      if (!h) return null;
      out.mgfHash = h;
    } else if (el.tag === 0xa2) {
      const n = readTlv(el.content);
      const v = n && n.tag === 0x02 ? smallInt(n.content) : null;
      if (v === null) return null;
      out.saltLength = v;
    }
  }
  return out;
}

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};
