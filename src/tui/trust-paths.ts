/**
 * The judged trust paths by handshake id, as an immutable value the reducer can extend per batch without copying
 * everything: each batch adds one small map, and the maps are merged into one every so often. A capture of 100,000
 * handshakes read in a few hundred batches then costs a few full copies instead of one per batch.
 */
import type { TrustPaths } from '../model.js';

const MERGE_AT = 32;

export class PathIndex {
  static readonly EMPTY = new PathIndex([]);

  private constructor(private readonly parts: readonly ReadonlyMap<number, TrustPaths>[]) {}

  get(id: number): TrustPaths | undefined {
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const p = this.parts[i]!.get(id);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /** A new index with these paths added (a later path for the same id wins). */
  with(paths: readonly TrustPaths[]): PathIndex {
    if (paths.length === 0) return this;
    const part = new Map<number, TrustPaths>();
    for (const p of paths) part.set(p.id, p);
    const parts = [...this.parts, part];
    if (parts.length < MERGE_AT) return new PathIndex(parts);
    const all = new Map<number, TrustPaths>();
    for (const m of parts) for (const [k, v] of m) all.set(k, v);
    return new PathIndex([all]);
  }
}
