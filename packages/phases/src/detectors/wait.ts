/**
 * `wait`: the longest blocking calls of the set, one phase per process and window. Made once the
 * set is read, from the waiting gaps the analysis kept (the longest, for `--top` and `--pid`).
 */
import type { PhaseDetector } from '../detector.js';
import { formatSeconds } from '../format.js';
import type { Gap, KnownPhase } from '../model.js';
import { nameOfPid, type Task } from '../task.js';

/** Blocking calls at least this long become `wait` phases. */
const WAIT_PHASE_SECONDS = 0.1;

/**
 * Long waits as phases. Threads of one process often wait through the same window (a Go
 * runtime's threads all park while the child works): one phase per process and window.
 */
function waitPhases(tasks: readonly Task[], waiting: readonly Gap[]): KnownPhase<'wait'>[] {
  // The process of each pid that waited (a few of the set's tasks: the waits kept are the longest).
  const tgid = new Map<number, number>(waiting.map((g) => [g.pid, g.pid]));
  for (const t of tasks) if (tgid.has(t.pid)) tgid.set(t.pid, t.tgid);
  const out: KnownPhase<'wait'>[] = [];
  const kept: Gap[] = [];
  for (const g of waiting) {
    if (g.seconds < WAIT_PHASE_SECONDS) continue;
    const same = kept.find((k) => tgid.get(k.pid) === tgid.get(g.pid) && Math.min(k.end, g.end) - Math.max(k.start, g.start) >= 0.5 * g.seconds);
    if (same !== undefined) continue;
    kept.push(g);
    out.push(waitPhase(g, nameOfPid(tasks, g.pid, g.start)));
  }
  return out;
}

function waitPhase(g: Gap, name: string): KnownPhase<'wait'> {
  return {
    kind: 'wait',
    pid: g.pid,
    start: g.start,
    end: g.end,
    startRef: g.before,
    endRef: g.after,
    endComputed: true,
    summary: `${name} waited ${formatSeconds(g.seconds)} in ${g.syscall ?? '?'}`,
    evidence: [g.before, g.after],
    extra: { syscall: g.syscall },
  };
}

export function waits(): PhaseDetector {
  return {
    id: 'wait',
    watch: () => null,
    finish(set, ctx) {
      for (const p of waitPhases(set.tasks, set.waits)) ctx.phase(p);
    },
  };
}
