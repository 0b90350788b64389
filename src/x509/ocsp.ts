import { children, integerHex, oidToString, parseTime, readTlv, type Tlv } from '../der/index.js';
import { OID } from './oids.js';

export interface OcspSingle {
  serial: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: number;
  thisUpdate: number;
  nextUpdate?: number;
}

export type OcspDecoded =
  | { ok: true; responseStatus: number; producedAt?: number; responses: OcspSingle[] }
  | { ok: false; reason: string };

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(4)', 'sigRequired', 'unauthorized'];

export function ocspStatusName(n: number): string {
  return RESPONSE_STATUS[n] ?? String(n);
}

/**
 * Decode a stapled OCSPResponse (RFC 6960 §4.2.1) far enough to report each SingleResponse's status and times.
 * The responder's signature is not checked (certshark explains captures; it does not make revocation decisions).
 */
export function decodeOcspResponse(der: Uint8Array): OcspDecoded {
  const fail = (reason: string): OcspDecoded => ({ ok: false, reason });
  const top = readTlv(der);
  const f = top && top.tag === 0x30 ? children(top.content) : null;
  if (!f || !f[0] || f[0].tag !== 0x0a || f[0].content.length !== 1) return fail('not an OCSPResponse');
  const responseStatus = f[0].content[0]!;
  if (responseStatus !== 0) return { ok: true, responseStatus, responses: [] };
  const rb = f[1] && f[1].tag === 0xa0 ? readTlv(f[1].content) : null;
  const rbf = rb && rb.tag === 0x30 ? children(rb.content) : null;
  if (!rbf || rbf.length < 2 || rbf[0]!.tag !== 0x06 || rbf[1]!.tag !== 0x04) return fail('malformed responseBytes');
  if (oidToString(rbf[0]!.content) !== OID.ocspBasic) return fail('response type is not id-pkix-ocsp-basic');
  const basic = readTlv(rbf[1]!.content);
  const bf = basic && basic.tag === 0x30 ? children(basic.content) : null;
  const tbs = bf && bf[0] && bf[0].tag === 0x30 ? children(bf[0].content) : null;
  if (!tbs) return fail('malformed BasicOCSPResponse');
  let i = 0;
  if (tbs[i]?.tag === 0xa0) i++; // version
  i++; // responderID ([1] byName or [2] byKey)
  const producedT = tbs[i++];
  const producedAt = producedT && producedT.tag === 0x18 ? parseTime(0x18, producedT.content) ?? undefined : undefined;
  const respT = tbs[i];
  const resps = respT && respT.tag === 0x30 ? children(respT.content) : null;
  if (!resps) return fail('malformed responses');
  const responses: OcspSingle[] = [];
  for (const r of resps) {
    const s = single(r);
    if (!s) return fail('malformed SingleResponse');
    responses.push(s);
  }
  return { ok: true, responseStatus, producedAt, responses };
}

function single(r: Tlv): OcspSingle | null {
  const f = r.tag === 0x30 ? children(r.content) : null;
  if (!f || f.length < 3) return null;
  const certId = f[0]!.tag === 0x30 ? children(f[0]!.content) : null;
  const serialT = certId?.[3];
  if (!serialT || serialT.tag !== 0x02) return null;
  const st = f[1]!;
  let status: OcspSingle['status'];
  let revokedAt: number | undefined;
  if (st.tag === 0x80) status = 'good';
  else if (st.tag === 0xa1) {
    status = 'revoked';
    const t = readTlv(st.content);
    revokedAt = t && t.tag === 0x18 ? parseTime(0x18, t.content) ?? undefined : undefined;
  } else if (st.tag === 0x82) status = 'unknown';
  else return null;
  const tu = f[2]!;
  const thisUpdate = tu.tag === 0x18 ? parseTime(0x18, tu.content) : null;
  if (thisUpdate === null) return null;
  let nextUpdate: number | undefined;
  const nu = f[3];
  if (nu && nu.tag === 0xa0) {
    const t = readTlv(nu.content);
    nextUpdate = t && t.tag === 0x18 ? parseTime(0x18, t.content) ?? undefined : undefined;
  }
  return { serial: integerHex(serialT.content), status, revokedAt, thisUpdate, nextUpdate };
}
