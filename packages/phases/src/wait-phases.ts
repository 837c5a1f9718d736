/**
 * `wait` phases: the longest blocking calls of the set (the waiting gaps kept), one phase per
 * process and window. The engine makes them at the end, from the gaps it kept.
 */
import { formatSeconds } from './format.js';
import type { Gap, KnownPhase } from './model.js';
import type { Task } from './task.js';

/** Blocking calls at least this long become `wait` phases. */
const WAIT_PHASE_SECONDS = 0.1;

/**
 * Long waits as phases. Threads of one process often wait through the same window (a Go
 * runtime's threads all park while the child works): one phase per process and window.
 */
export function waitPhases(tasks: readonly Task[], waiting: Iterable<Gap>, nameOf: (pid: number, t: number) => string): KnownPhase<'wait'>[] {
  const tgid = new Map(tasks.map((t) => [t.pid, t.tgid]));
  const out: KnownPhase<'wait'>[] = [];
  const kept: Gap[] = [];
  for (const g of waiting) {
    if (g.seconds < WAIT_PHASE_SECONDS) continue;
    const same = kept.find((k) => tgid.get(k.pid) === tgid.get(g.pid) && Math.min(k.end, g.end) - Math.max(k.start, g.start) >= 0.5 * g.seconds);
    if (same !== undefined) continue;
    kept.push(g);
    out.push(waitPhase(g, nameOf(g.pid, g.start)));
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
