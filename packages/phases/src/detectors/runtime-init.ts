/**
 * `runtime-init`: the container runtime's init stage, from the first line of the process that names
 * itself `runc:[2:INIT]` (youki: `youki:[2:INIT]`) to its handoff, the successful `execve` of the
 * container's entrypoint. The earlier stages (`runc:[0:PARENT]`, `runc:[1:CHILD]`) are listed in
 * the phase as `stages`.
 */
import type { DetectorContext, PhaseDetector, TaskWatcher } from '../detector.js';
import { formatSeconds } from '../format.js';
import type { Call, KnownPhase } from '../model.js';
import type { Task } from '../task.js';

/** `runc:[2:INIT]` → runtime `runc`, stage 2, label `INIT`. */
const STAGE_NAME = /^([A-Za-z][\w.-]*):\[(\d+):([A-Z]+)\]$/;

export interface RuntimeStage {
  readonly name: string;
  readonly pid: number;
}

/** Stages listed per phase, at most. */
const MAX_STAGES = 64;

/** What the watchers keep for the set: each stage a process named, and each init's phase. */
type Fact = { readonly stage: RuntimeStage } | { readonly phase: KnownPhase<'runtime-init'> };

export function runtimeInit(): PhaseDetector<Fact> {
  return {
    id: 'runtime-init',
    watch(task: Task, ctx: DetectorContext<Fact>): TaskWatcher {
      let init: { runtime: string; name: string } | null = null;
      return {
        call(call: Call) {
          const ev = call.ev;
          if (ev.name === 'prctl') {
            const n = task.names[task.names.length - 1];
            const m = n?.source === 'prctl' && n.at === call.t0 ? STAGE_NAME.exec(n.name) : null;
            if (m === null) return;
            ctx.keep({ stage: { name: m[0], pid: task.pid } });
            if (m[3] === 'INIT') init = { runtime: m[1] as string, name: m[0] };
            return;
          }
          const info = call.exec;
          if (init === null) return;
          const first = task.first;
          if (info === null || first === null || task.start === null || call.t0 === null) return;
          const end = ctx.ref(call);
          const seconds = call.t0 - task.start;
          const phase: KnownPhase<'runtime-init'> = {
            kind: 'runtime-init',
            pid: task.pid,
            start: task.start,
            end: call.t0,
            startRef: first,
            endRef: end,
            summary: `${init.name} set up the container in ${formatSeconds(seconds)} and handed over to ${info.path}`,
            evidence: [first, end],
            extra: { runtime: init.runtime, stage: init.name, handoffPath: info.path, handoffArgv: info.argv },
          };
          // Its stages are listed once the set is read: another process may name one later.
          ctx.keep({ phase });
          init = null;
        },
      };
    },
    finish(_set, ctx, facts) {
      const stages: RuntimeStage[] = [];
      for (const f of facts) if ('stage' in f && stages.length < MAX_STAGES) stages.push(f.stage);
      for (const f of facts) if ('phase' in f) ctx.phase({ ...f.phase, extra: { ...f.phase.extra, stages: [...stages] } });
    },
  };
}
