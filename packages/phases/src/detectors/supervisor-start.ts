/**
 * `supervisor-start`: from the `execve` of s6's scanner (`s6-svscan`) to the first `execve` of a
 * supervisor (`s6-supervise`), with the number of supervisors started. The two are different
 * processes, so the phase is decided once the whole set is read.
 */
import type { DetectorContext, PhaseDetector, TaskWatcher } from '../detector.js';
import { formatCount, formatSeconds } from '../format.js';
import type { Call, KnownPhase, LineRef } from '../model.js';
import { basename } from '../paths.js';
import type { Task } from '../task.js';

interface Exec {
  readonly pid: number;
  readonly t0: number;
  readonly ref: LineRef;
  readonly argv: readonly string[];
}

/** Service names kept for the phase: the earliest execs (files of a -ff set come in name order, not time order). */
const MAX_SERVICES = 50;

const byTime = (a: Exec, b: Exec) => a.t0 - b.t0;

/**
 * Adds `x` to `list` (sorted by time), keeping the {@link MAX_SERVICES} earliest; among equal
 * times, the ones added first.
 */
function keepEarliest(list: Exec[], x: Exec): void {
  if (list.length >= MAX_SERVICES && byTime(x, list[list.length - 1] as Exec) >= 0) return;
  let k = list.length;
  while (k > 0 && byTime(x, list[k - 1] as Exec) < 0) k--;
  list.splice(k, 0, x);
  if (list.length > MAX_SERVICES) list.pop();
}

/** What the watchers keep for the set: each exec of the scanner or of a supervisor. */
interface Fact {
  readonly program: 's6-svscan' | 's6-supervise';
  readonly exec: Exec;
}

export function supervisorStart(): PhaseDetector<Fact> {
  return {
    id: 'supervisor-start',
    watch(task: Task, ctx: DetectorContext<Fact>): TaskWatcher {
      return {
        call(call: Call) {
          const info = call.exec;
          if (info === null || call.t0 === null) return;
          const program = basename(info.path);
          if (program === 's6-svscan' || program === 's6-supervise') {
            ctx.keep({ program, exec: { pid: task.pid, t0: call.t0, ref: ctx.ref(call), argv: info.argv } });
          }
        },
      };
    },
    finish(set, ctx, facts) {
      // The earliest scanner (the first seen on a tie), and the earliest supervisors.
      let s: Exec | null = null;
      const supervisors: Exec[] = [];
      const times: number[] = [];
      for (const { program, exec } of facts) {
        if (program === 's6-svscan') {
          if (s === null || exec.t0 < s.t0) s = exec;
        } else {
          times.push(exec.t0);
          keepEarliest(supervisors, exec);
        }
      }
      // The scanner and the supervisors are different processes: without one timeline, no phase.
      if (s === null || !set.aligned) return;
      const after = supervisors.filter((x) => x.t0 >= s.t0);
      const first = after[0];
      if (first === undefined) return;
      const seconds = first.t0 - s.t0;
      const supervisorCount = times.filter((t) => t >= s.t0).length;
      ctx.phase({
        kind: 'supervisor-start',
        pid: s.pid,
        start: s.t0,
        end: first.t0,
        startRef: s.ref,
        endRef: first.ref,
        summary: `s6-svscan started its first supervisor (${first.argv[1] ?? '?'}) ${formatSeconds(seconds)} after it was exec'd; ${formatCount(supervisorCount)} supervisors in all`,
        evidence: [s.ref, first.ref],
        extra: {
          supervisors: supervisorCount,
          firstSupervisorPid: first.pid,
          services: after.map((x) => x.argv[1] ?? '?'),
        },
      } satisfies KnownPhase<'supervisor-start'>);
    },
  };
}
