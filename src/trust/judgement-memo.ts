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

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SOON_MS = 30 * DAY_MS;

/** What words.ts `days(ms)` prints for a positive span, as a number: whole days, else hours (negative), else minutes. */
function shownSpan(ms: number): number {
  if (ms >= 2 * DAY_MS) return Math.floor(ms / DAY_MS);
  if (ms >= 2 * HOUR_MS) return -Math.floor(ms / HOUR_MS);
  return -1000 - Math.max(1, Math.round(ms / 60_000));
}

/**
 * Where a moment falls in a certificate's validity, as the chain's messages say it (src/trust/chain.ts): expired
 * so long before, not valid for so long yet, expiring within 30 days in so long, or well inside (3). Two moments
 * with the same mark get the same words.
 */
export function validityMark(c: ParsedCertificate, atMs: number): number {
  if (atMs > c.notAfter) return shownSpan(atMs - c.notAfter) * 4;
  if (atMs < c.notBefore) return shownSpan(c.notBefore - atMs) * 4 + 1;
  const left = c.notAfter - atMs;
  return left < SOON_MS ? shownSpan(left) * 4 + 2 : 3;
}

/** What a chain judgement depends on besides the chain itself (see JudgementMemo). */
export interface ChainKey {
  role: Role;
  /** The judging context: its profile, Expressway rules and trust store. */
  ctx: object;
  /** The name checked: the context's host, else the SNI, else ''. */
  host: string;
  serverIp: string;
  /** The moment of the judgement (its UTC day is compared, and where it falls in each certificate's validity). */
  atMs: number;
}

interface ChainEntry {
  role: Role;
  ctx: object;
  day: number;
  certs: readonly ParsedCertificate[];
  marks: number[];
  /** The trust-store certificates on the chosen path, and their marks. */
  store: readonly ParsedCertificate[];
  storeMarks: number[];
  judgement: ChainJudgement;
}

/** Chain judgements kept at most, over all chains; past it the cache starts again. */
const CHAIN_ENTRIES = 10_000;
/** Stand-ins for unavailable certificates kept at most. */
const UNAVAILABLE_ENTRIES = 1_000;
/**
 * Judgements kept per leaf, name and server address (its roles, contexts, days and moments of validity): the oldest
 * goes first. A leaf served at many addresses or under many names (a cluster, a wildcard) has a list for each.
 */
const ENTRIES_PER_PLACE = 16;

/**
 * Chain judgements found by the identity of the parsed certificates (the session parses each certificate once, so
 * the same chain is the same objects in every handshake), then by the name checked and the server address, and
 * compared field by field: no key string is built per handshake.
 */
export class ChainJudgements {
  /** Leaf → name checked → server address → the judgements of that chain there (roles, contexts, days, moments). */
  private readonly byLeaf = new Map<ParsedCertificate, Map<string, Map<string, ChainEntry[]>>>();
  private size = 0;

  get(chain: readonly ParsedCertificate[], k: ChainKey): ChainJudgement | undefined {
    const list = this.byLeaf.get(chain[0]!)?.get(k.host)?.get(k.serverIp);
    if (!list) return undefined;
    const day = Math.floor(k.atMs / DAY_MS);
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.role !== k.role || e.ctx !== k.ctx || e.day !== day || e.certs.length !== chain.length) continue;
      let same = true;
      for (let j = 0; j < chain.length && same; j++) {
        const c = chain[j]!;
        same = e.certs[j] === c && e.marks[j] === validityMark(c, k.atMs);
      }
      for (let j = 0; j < e.store.length && same; j++) same = e.storeMarks[j] === validityMark(e.store[j]!, k.atMs);
      if (same) return e.judgement;
    }
    return undefined;
  }

  set(chain: readonly ParsedCertificate[], k: ChainKey, judgement: ChainJudgement): void {
    if (this.size >= CHAIN_ENTRIES) {
      this.byLeaf.clear();
      this.size = 0;
    }
    let byName = this.byLeaf.get(chain[0]!);
    if (!byName) this.byLeaf.set(chain[0]!, (byName = new Map()));
    let byAddress = byName.get(k.host);
    if (!byAddress) byName.set(k.host, (byAddress = new Map()));
    let list = byAddress.get(k.serverIp);
    if (!list) byAddress.set(k.serverIp, (list = []));
    if (list.length >= ENTRIES_PER_PLACE) list.shift();
    else this.size++;
    const marks = chain.map((c) => validityMark(c, k.atMs));
    const store = judgement.path?.elements.filter((e) => e.source === 'store').map((e) => e.cert) ?? [];
    const storeMarks = store.map((c) => validityMark(c, k.atMs));
    list.push({ role: k.role, ctx: k.ctx, day: Math.floor(k.atMs / DAY_MS), certs: chain.slice(), marks, store, storeMarks, judgement });
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
 * - Chain judgements (ChainJudgements), kept for everything a judgement depends on: the chain, the role, the
 *   judging context (profile, Expressway rules, trust store), the name checked, the server address, the UTC day of
 *   judgement, and where the moment falls in the validity of each presented certificate and of each trust-store
 *   certificate on the chosen path, as the messages word it (validityMark: "expired 3 days before" and "4 days
 *   before" are two judgements). A capture with thousands of handshakes of the same peers judges each distinct chain
 *   once. (A trust-store certificate off the chosen path that expires during the day of the capture, which could
 *   make another path the better one, is the one case this does not tell apart hour by hour.)
 * - The stand-in for a certificate whose bytes are not available, one per SHA-256, so that its chains are found
 *   again too.
 */
export class JudgementMemo {
  readonly accepted = new WeakMap<readonly string[], WeakMap<ChainJudgement, boolean>>();
  readonly chains = new ChainJudgements();
  private readonly unavailableCerts = new Map<string, ParsedCertificate>();

  unavailable(sha256: string, make: () => ParsedCertificate): ParsedCertificate {
    let c = this.unavailableCerts.get(sha256);
    if (!c) {
      if (this.unavailableCerts.size >= UNAVAILABLE_ENTRIES) this.unavailableCerts.clear();
      this.unavailableCerts.set(sha256, (c = make()));
    }
    return c;
  }

  /** The weighed verdicts of completed handshakes (evidence.ts). */
  readonly evidence = new EvidenceMemo();
}
