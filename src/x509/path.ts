import { LIMITS } from '../limits.js';
import type { ParsedCertificate, SigResult } from './parsed-certificate.js';
import { bytesEqual } from '../der/index.js';
import { verifySignature } from './verify.js';

/** Where chain building may look for issuers besides the presented certificates (src/trust's TrustStore). */
export interface AnchorSource {
  /** Certificates in the store whose subject could be `cert`'s issuer (same name). */
  issuersOf(cert: ParsedCertificate): ParsedCertificate[];
  /** true when this certificate (by SHA-256) is a trust anchor. */
  isAnchor(sha256: string): boolean;
}

export interface PathElement {
  cert: ParsedCertificate;
  source: 'wire' | 'store';
  /** Position in the presented chain (first occurrence) when source is 'wire' or the same certificate was also sent. */
  wireIndex?: number;
  /** Signature of this element checked with the next element's key (absent on the last element). */
  sig?: SigResult;
}

export type PathEnd =
  | 'anchor' // last element is a trust anchor
  | 'untrusted-self-signed' // ends at a self-signed certificate that is not an anchor
  | 'issuer-not-found' // no certificate with the issuer's name anywhere
  | 'depth'; // LIMITS.chainMaxDepth reached

export interface Path {
  elements: PathElement[];
  /** true when the last element is a trust anchor. */
  anchored: boolean;
  end: PathEnd;
  /** Elements whose signature does not verify with the next element's key (or cannot be checked). */
  badSignatures: number;
}

/** Issuer→subject link test: exact name (DER, or RFC 5280 §7.1 normalised) and, when both present, AKI = SKI. */
export function couldIssue(issuer: ParsedCertificate, subject: ParsedCertificate): boolean {
  if (!issuer.ok || !subject.ok) return false;
  if (!bytesEqual(issuer.subjectRaw, subject.issuerRaw) && issuer.subjectKey !== subject.issuerKey) return false;
  const aki = subject.info.aki, ski = issuer.info.ski;
  return !(aki && ski && aki !== ski);
}

/**
 * Every path from `leaf` upwards through the presented certificates (any order, duplicates and extras tolerated)
 * and the anchor store, cross-signed alternatives included (RFC 4158 §2.4, depth first, each certificate at most
 * once per path so loops end). Bounded by LIMITS.chainMaxDepth and LIMITS.chainMaxPaths. This finds paths; it
 * does not judge them (validity, names and policy are src/trust's).
 */
export function buildPaths(leaf: ParsedCertificate, presented: ParsedCertificate[], anchors: AnchorSource): Path[] {
  const wire = new Map<string, { cert: ParsedCertificate; index: number }>();
  presented.forEach((c, index) => {
    if (c.ok && !wire.has(c.sha256)) wire.set(c.sha256, { cert: c, index });
  });
  const paths: Path[] = [];
  const stack: PathElement[] = [];
  const inPath = new Set<string>();

  const element = (cert: ParsedCertificate, source: 'wire' | 'store'): PathElement => {
    const w = wire.get(cert.sha256);
    return { cert, source, wireIndex: w?.index };
  };
  const emit = (end: PathEnd) => {
    const elements = stack.map((e) => ({ ...e }));
    const last = elements[elements.length - 1]!;
    delete last.sig;
    paths.push({
      elements,
      anchored: end === 'anchor',
      end,
      badSignatures: elements.filter((e) => e.sig && !e.sig.ok).length,
    });
  };

  const walk = (depth: number): void => {
    if (paths.length >= LIMITS.chainMaxPaths) return;
    const top = stack[stack.length - 1]!;
    const c = top.cert;
    if (anchors.isAnchor(c.sha256)) {
      emit('anchor');
      // A self-signed anchor ends the path; an intermediate in the store may still lead to a root above it.
      if (c.info.selfSigned) return;
    } else if (c.info.selfSigned) {
      emit('untrusted-self-signed');
      return;
    }
    if (depth >= LIMITS.chainMaxDepth) {
      emit('depth');
      return;
    }
    const cands: PathElement[] = [];
    for (const { cert } of wire.values()) if (!inPath.has(cert.sha256) && couldIssue(cert, c)) cands.push(element(cert, 'wire'));
    for (const cert of anchors.issuersOf(c))
      if (!inPath.has(cert.sha256) && !wire.has(cert.sha256) && couldIssue(cert, c)) cands.push(element(cert, 'store'));
    if (cands.length === 0) {
      if (!anchors.isAnchor(c.sha256)) emit('issuer-not-found');
      return;
    }
    for (const cand of cands) {
      top.sig = verifySignature(c, cand.cert);
      stack.push(cand);
      inPath.add(cand.cert.sha256);
      walk(depth + 1);
      inPath.delete(cand.cert.sha256);
      stack.pop();
      if (paths.length >= LIMITS.chainMaxPaths) break;
    }
    delete top.sig;
  };

  if (!leaf.ok) return [];
  const first = element(leaf, wire.has(leaf.sha256) ? 'wire' : 'store');
  stack.push(first);
  inPath.add(leaf.sha256);
  walk(1);
  return paths;
}
