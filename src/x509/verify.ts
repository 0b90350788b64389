import { constants, verify as nodeVerify } from 'node:crypto';
import type { ParsedCertificate, SigResult } from './parsed-certificate.js';
import { pssParams } from './pss.js';
import { SIG_ALGS } from './oids.js';

/**
 * Check that `issuer`'s public key signed `subject` (RFC 5280 §6.1.3 (a)(1)), with node:crypto over the TBS
 * bytes; results are cached on the subject by issuer SHA-256. Weak digests (MD5, SHA-1) are still verified:
 * weakness is judged by src/trust, a forged signature is a different fact. Never throws.
 */
export function verifySignature(subject: ParsedCertificate, issuer: ParsedCertificate): SigResult {
  const hit = subject.sigChecks.get(issuer.sha256);
  if (hit) return hit;
  const r = verifyUncached(subject, issuer);
  subject.sigChecks.set(issuer.sha256, r);
  return r;
}

function verifyUncached(subject: ParsedCertificate, issuer: ParsedCertificate): SigResult {
  if (!subject.ok || !issuer.ok) return { ok: false, kind: 'unsupported', detail: 'certificate did not parse' };
  const alg = SIG_ALGS[subject.sigAlgOid];
  if (!alg) return { ok: false, kind: 'unsupported', detail: `signature algorithm ${subject.sigAlgOid} is not supported` };
  const key = issuer.keyObject();
  if (!key) return { ok: false, kind: 'unsupported', detail: issuer.keyError ?? 'issuer public key not usable' };
  const data = subject.tbs;
  const sig = subject.signature;
  try {
    switch (alg.family) {
      case 'rsa':
        if (key.asymmetricKeyType !== 'rsa') return { ok: false, kind: 'bad', detail: `an RSA signature cannot come from a ${key.asymmetricKeyType} key` };
        return result(nodeVerify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig));
      case 'pss': {
        const p = pssParams(subject.sigAlgParams);
        if (!p) return { ok: false, kind: 'bad', detail: 'malformed RSASSA-PSS parameters' };
        // node's PSS uses MGF1 with the message digest; certificates in practice always pair them (RFC 4055 §3.1).
        if (p.mgfHash !== p.hash) return { ok: false, kind: 'unsupported', detail: `RSASSA-PSS with MGF1-${p.mgfHash} and ${p.hash} is not supported` };
        return result(nodeVerify(p.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, sig));
      }
      case 'ecdsa':
        if (key.asymmetricKeyType !== 'ec') return { ok: false, kind: 'bad', detail: `an ECDSA signature cannot come from a ${key.asymmetricKeyType} key` };
        return result(nodeVerify(alg.hash, data, { key, dsaEncoding: 'der' }, sig));
      case 'dsa':
        return result(nodeVerify(alg.hash, data, { key, dsaEncoding: 'der' }, sig));
      case 'eddsa':
        return result(nodeVerify(null, data, key, sig));
      case 'mldsa':
        return { ok: false, kind: 'unsupported', detail: `${alg.name} signatures are not supported by this Node.js` };
    }
  } catch (e) {
    // OpenSSL refuses some digests outright (MD2; MD5 under a FIPS provider): that is "cannot check", not "forged".
    return { ok: false, kind: 'unsupported', detail: `${alg.name} could not be checked here: ${(e as Error).message}` };
  }
}

function result(ok: boolean): SigResult {
  return ok ? { ok: true } : { ok: false, kind: 'bad', detail: 'the signature does not verify with the issuer public key' };
}
