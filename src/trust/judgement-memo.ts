import type { ChainPath, Verdict } from '../model.js';
import type { ParsedCertificate, Path } from '../x509/index.js';
import type { Role } from './words.js';

/** What judging one side's chain produced, for the handshake-level checks that need the chosen path. */
export interface ChainJudgement {
  verdicts: Verdict[];
  path?: Path;
  leaf?: ParsedCertificate;
  /** The chosen path as the model carries it (TrustPaths): sources, and the link it lacks. */
  chosen?: ChainPath;
}

/**
 * The weighed form of each verdict, per side, for one judging session: the chain judgements are cached and shared by
 * every handshake of the same chain, so a busy capture weighs the same verdict objects again and again. Keeping the
 * weighed object (not only its words) lets the report serialise it once too. Part of the session's JudgementMemo,
 * keyed weakly by the verdicts it was given.
 */
export class EvidenceMemo {
  private readonly weighed = new WeakMap<Verdict, { server?: Verdict; client?: Verdict }>();

  get(v: Verdict, side: Role, make: () => Verdict): Verdict {
    let e = this.weighed.get(v);
    if (!e) this.weighed.set(v, (e = {}));
    return (e[side] ??= make());
  }
}

/**
 * What judging the handshakes of one session shares, owned by that session (src/session.ts makes one and hands it
 * to its judge), never module-level: two sessions in one process never see each other's.
 * - Whether a client chain leads to one of the CAs a CertificateRequest lists: both come back unchanged in every
 *   handshake of the same client and server (the TLS stage shares the decoded request, the chain judgement is
 *   cached), so the answer is kept per (CA list, chain judgement).
 * - Chain judgements, keyed by everything a judgement depends on besides the context's trust store: the chain, the
 *   role, the profile, the name checked, the server address, the day of judgement (messages count days) and where
 *   that moment falls in each presented certificate's validity. A capture with thousands of handshakes of the same
 *   peers judges each distinct chain once. (A trust-store certificate expiring on the very day of the capture is
 *   the one case this does not tell apart hour by hour.) One memo per judging context (one trust store).
 */
export class JudgementMemo {
  readonly accepted = new WeakMap<readonly string[], WeakMap<ChainJudgement, boolean>>();
  readonly chains = new Map<string, ChainJudgement>();
  /**
   * A small number per certificate (by SHA-256), so that a chain's key names each certificate in a few characters
   * instead of 64: the key is shorter to build, hash and compare, and a certificate's SHA-256 string, the same
   * object in every handshake, keeps its hash.
   */
  private readonly numbers = new Map<string, number>();

  certificateNumber(c: ParsedCertificate): number {
    let n = this.numbers.get(c.sha256);
    if (n === undefined) this.numbers.set(c.sha256, (n = this.numbers.size));
    return n;
  }
  /** The weighed verdicts of completed handshakes (evidence.ts). */
  readonly evidence = new EvidenceMemo();
}
