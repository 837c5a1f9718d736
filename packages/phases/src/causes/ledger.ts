/**
 * Who claims which time of the critical path. Causes are asked in order, most specific first; a
 * stretch of the path counts for the first cause that claims it, so that causes that overlap (a
 * sleep inside a retry loop, a dump inside a shim chain) never add up to more than the start.
 */
import { bisector } from 'd3-array';
import type { PathSegment } from '../critical-path.js';

const byEnd = bisector((s: PathSegment) => s.end);

export class PathLedger {
  /** Per segment, the sub-intervals already claimed, disjoint. */
  private readonly claims: [number, number][][];

  constructor(readonly path: readonly PathSegment[]) {
    this.claims = path.map(() => []);
  }

  /**
   * Claims for `id` what is still free of [a, b] on the path (only in `pid`'s steps unless `null`,
   * and only steps `ok` accepts); returns the seconds it got.
   */
  take(id: string, pid: number | null, a: number, b: number, ok: (s: PathSegment) => boolean = () => true, dry = false): number {
    let got = 0;
    // Steps are in time order and contiguous: start at the first that ends after `a`.
    for (let i = byEnd.right(this.path, a); i < this.path.length; i++) {
      const s = this.path[i] as PathSegment;
      if (s.end <= a) continue;
      if (s.start >= b) break;
      if ((pid !== null && s.pid !== pid) || !ok(s)) continue;
      const lo = Math.max(a, s.start);
      const hi = Math.min(b, s.end);
      if (hi <= lo) continue;
      const claims = this.claims[i] as [number, number][];
      let free: [number, number][] = [[lo, hi]];
      for (const [x, y] of claims) {
        const next: [number, number][] = [];
        for (const [p, q] of free) {
          if (y <= p || x >= q) next.push([p, q]);
          else {
            if (x > p) next.push([p, x]);
            if (y < q) next.push([y, q]);
          }
        }
        free = next;
      }
      for (const f of free) {
        got += f[1] - f[0];
        if (!dry) claims.push(f);
      }
      // A step is said to be a cause's when the cause holds most of it.
      if (!dry && s.cause === null && claimedOf(claims) >= 0.5 * (s.end - s.start)) s.cause = id;
    }
    return got;
  }

  /** What is claimed of the whole path so far. */
  claimed(): number {
    let n = 0;
    for (const c of this.claims) n += claimedOf(c);
    return n;
  }
}

function claimedOf(claims: readonly [number, number][]): number {
  let n = 0;
  for (const [x, y] of claims) n += y - x;
  return n;
}
