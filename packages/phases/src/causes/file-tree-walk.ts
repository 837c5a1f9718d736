/**
 * `file-tree-walk`: tens of thousands of calls over one tree of files at start (`chown -R`,
 * `chmod -R`, `find`), counted per process.
 */
import { formatCount, formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, DiagnosisPart } from '../model.js';
import { keptText } from '../intern.js';
import { costly, diagnosis, type CauseContext } from './context.js';

/** Calls over a tree before a walk is worth naming. */
export const TREE_WALK_MIN_CALLS = 10_000;

export function fileTreeWalk(ctx: CauseContext): Diagnosis | null {
  const id = 'file-tree-walk';
  let best: Diagnosis | null = null;
  for (const t of ctx.tasks) {
    const w = t.walk;
    if (w === null || w.calls < TREE_WALK_MIN_CALLS) continue;
    const seconds = ctx.ledger.take(id, t.pid, w.first, w.last);
    if (!costly(ctx, seconds)) continue;
    const names = Object.entries(w.byName).sort((a, b) => b[1] - a[1]);
    const tree = w.root ?? 'one tree';
    const parts: DiagnosisPart[] = [{ what: `${formatCount(w.calls)} calls over ${tree}`, pid: t.pid, seconds }];
    const d = diagnosis(ctx, {
      id,
      summary:
        `${`pid ${t.pid} (${t.nameAt(w.first)})`} walked ${tree}: ${formatCount(w.calls)} calls ` +
        `(${names.slice(0, 3).map(([n, c]) => `${formatCount(c)}× ${n}`).join(', ')}) in ${formatSeconds(w.last - w.first)}, ` +
        `${formatSeconds(seconds)} of the start (${formatShare(seconds, ctx.startup.seconds)})`,
      fix:
        'do not walk the tree at every start: set ownership and modes when the image or volume is built ' +
        '(`COPY --chown`, Kubernetes `fsGroupChangePolicy: OnRootMismatch`), or only when the top directory is wrong',
      seconds,
      totalSeconds: w.last - w.first,
      parts,
      evidence: [
        { file: w.file, line: w.firstLine, text: w.firstText, time: null },
        { file: w.file, line: w.lastLine, text: keptText(w.lastText), time: null },
      ],
    });
    if (best === null || (d.seconds ?? 0) > (best.seconds ?? 0)) best = d;
  }
  return best;
}
