/**
 * The process tree of a set: each task's parent from the `clone`/`fork` result that made it, or,
 * inside a pid namespace (where `clone` returns another pid), the closest earlier unmatched clone.
 */
import type { Task } from './task.js';
import type { TasksByPid } from './task-index.js';

/** A child whose pid no `clone` returned (it was made inside a pid namespace) is matched by time. */
const CLONE_MATCH_SECONDS = 1;

/** Parents from `clone`/`fork` results; names inherited at fork. */
export function linkTree(tasks: readonly Task[], aligned: boolean, byPid: TasksByPid): void {
  const unmatched: { parent: Task; thread: boolean; at: number }[] = [];
  for (const parent of tasks) {
    for (let k = 0; k < parent.childCount; k++) {
      const c = parent.child(k);
      const child = byPid.find(c.pid, (t) => t !== parent && t.ppid === null && (c.at === null || t.start === null || t.start >= c.at - 1));
      if (child === undefined) {
        if (c.at !== null) unmatched.push({ parent, thread: c.thread, at: c.at });
        continue;
      }
      adopt(parent, child, c.thread, c.at, false);
    }
  }
  if (!aligned || unmatched.length === 0) return;
  // Inside a pid namespace clone() returns the namespace's pid, not the one in the file name:
  // give each orphan the closest earlier unmatched clone.
  unmatched.sort((a, b) => a.at - b.at);
  const first = tasks.reduce<Task | null>((m, t) => (t.start !== null && (m === null || (m.start as number) > t.start) ? t : m), null);
  const orphans = tasks.filter((t) => t.ppid === null && t !== first && t.start !== null).sort((a, b) => (a.start as number) - (b.start as number));
  const used = new Set<number>();
  for (const o of orphans) {
    let pick = -1;
    for (let k = 0; k < unmatched.length; k++) {
      const u = unmatched[k] as (typeof unmatched)[number];
      if (u.at > (o.start as number)) break;
      if (!used.has(k) && u.parent !== o && (o.start as number) - u.at <= CLONE_MATCH_SECONDS) pick = k;
    }
    if (pick < 0) continue;
    used.add(pick);
    const u = unmatched[pick] as (typeof unmatched)[number];
    adopt(u.parent, o, u.thread, u.at, true);
  }
}

function adopt(parent: Task, child: Task, thread: boolean, at: number | null, guessed: boolean): void {
  child.linkParent(parent, thread, guessed);
  const firstName = child.names[0];
  if (firstName === undefined || firstName.source !== 'execve' || (at !== null && firstName.at !== null && firstName.at > at + 0.0005)) {
    child.inherit({ source: 'fork', name: parent.nameAt(at), at: child.start });
  }
}
