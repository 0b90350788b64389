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

/** Where a moment falls in a certificate's validity: before it, after it, in its last 30 days, or well inside. */
export const enum ValidityState {
  Before,
  After,
  Soon,
  Valid,
}

const DAY_MS = 86_400_000;
const SOON_MS = 30 * DAY_MS;

export function validityState(c: ParsedCertificate, atMs: number): ValidityState {
  return atMs < c.notBefore ? ValidityState.Before : atMs > c.notAfter ? ValidityState.After : c.notAfter - atMs < SOON_MS ? ValidityState.Soon : ValidityState.Valid;
}

/** What a chain judgement depends on besides the chain itself (see JudgementMemo). */
export interface ChainKey {
  role: Role;
  /** The judging context: its profile, Expressway rules and trust store. */
  ctx: object;
  /** The name checked: the context's host, else the SNI, else ''. */
  host: string;
  serverIp: string;
  /** Day of the judgement (messages count days). */
  day: number;
  atMs: number;
}

interface ChainEntry {
  role: Role;
  ctx: object;
  host: string;
  serverIp: string;
  day: number;
  certs: readonly ParsedCertificate[];
  states: ValidityState[];
  judgement: ChainJudgement;
}

/** Chain judgements kept at most, over all chains; past it the cache starts again. */
const CHAIN_ENTRIES = 10_000;
/** Judgements kept per leaf (a wildcard leaf checked against many names): the oldest goes first. */
const ENTRIES_PER_LEAF = 64;

/**
 * Chain judgements found by the identity of the parsed certificates (the session parses each certificate once, so
 * the same chain is the same objects in every handshake) and compared field by field: no key string is built per
 * handshake.
 */
export class ChainJudgements {
  private readonly byLeaf = new Map<ParsedCertificate, ChainEntry[]>();
  private size = 0;

  get(chain: readonly ParsedCertificate[], k: ChainKey): ChainJudgement | undefined {
    const list = this.byLeaf.get(chain[0]!);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.role !== k.role || e.ctx !== k.ctx || e.day !== k.day || e.host !== k.host || e.serverIp !== k.serverIp || e.certs.length !== chain.length) continue;
      let same = true;
      for (let j = 0; j < chain.length && same; j++) {
        const c = chain[j]!;
        same = e.certs[j] === c && e.states[j] === validityState(c, k.atMs);
      }
      if (same) return e.judgement;
    }
    return undefined;
  }

  set(chain: readonly ParsedCertificate[], k: ChainKey, judgement: ChainJudgement): void {
    if (this.size >= CHAIN_ENTRIES) {
      this.byLeaf.clear();
      this.size = 0;
    }
    let list = this.byLeaf.get(chain[0]!);
    if (!list) this.byLeaf.set(chain[0]!, (list = []));
    if (list.length >= ENTRIES_PER_LEAF) list.shift();
    else this.size++;
    const states = chain.map((c) => validityState(c, k.atMs));
    list.push({ role: k.role, ctx: k.ctx, host: k.host, serverIp: k.serverIp, day: k.day, certs: chain.slice(), states, judgement });
  }

  get entries(): number {
    return this.size;
  }
}

/**
 * What judging the handshakes of one session shares, owned by that session (src/session.ts makes one and hands it
 * to its judge), never module-level: two sessions in one process never see each other's.
 * - Whether a client chain leads to one of the CAs a CertificateRequest lists: both come back unchanged in every
 *   handshake of the same client and server (the TLS stage shares the decoded request, the chain judgement is
 *   cached), so the answer is kept per (CA list, chain judgement).
 * - Chain judgements, keyed by everything a judgement depends on besides the context's trust store: the chain, the
 *   role, the judging context (profile, Expressway rules, trust store), the name checked, the server address, the day of judgement (messages count days) and where
 *   that moment falls in each presented certificate's validity. A capture with thousands of handshakes of the same
 *   peers judges each distinct chain once. (A trust-store certificate expiring on the very day of the capture is
 *   the one case this does not tell apart hour by hour.) One memo per judging context (one trust store).
 */
export class JudgementMemo {
  readonly accepted = new WeakMap<readonly string[], WeakMap<ChainJudgement, boolean>>();
  readonly chains = new ChainJudgements();
  /** The weighed verdicts of completed handshakes (evidence.ts). */
  readonly evidence = new EvidenceMemo();
}
