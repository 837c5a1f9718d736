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

export function runtimeInit(): PhaseDetector {
  const stages: RuntimeStage[] = [];
  const phases: KnownPhase<'runtime-init'>[] = [];
  return {
    id: 'runtime-init',
    watch(task: Task, ctx: DetectorContext): TaskWatcher {
      let init: { runtime: string; name: string } | null = null;
      return {
        call(call: Call) {
          const ev = call.ev;
          if (ev.name === 'prctl') {
            const n = task.names[task.names.length - 1];
            const m = n?.source === 'prctl' && n.at === call.t0 ? STAGE_NAME.exec(n.name) : null;
            if (m === null) return;
            if (stages.length < MAX_STAGES) stages.push({ name: m[0], pid: task.pid });
            if (m[3] === 'INIT') init = { runtime: m[1] as string, name: m[0] };
            return;
          }
          const info = call.exec;
          if (init === null) return;
          const first = task.first;
          if (info === null || first === null || task.start === null || call.t0 === null) return;
          const end = ctx.ref(call);
          const seconds = call.t0 - task.start;
          phases.push({
            kind: 'runtime-init',
            pid: task.pid,
            start: task.start,
            end: call.t0,
            startRef: first,
            endRef: end,
            summary: `${init.name} set up the container in ${formatSeconds(seconds)} and handed over to ${info.path}`,
            evidence: [first, end],
            extra: { runtime: init.runtime, stage: init.name, handoffPath: info.path, handoffArgv: info.argv },
          });
          init = null;
        },
      };
    },
    finish(_set, ctx) {
      for (const p of phases) ctx.phase({ ...p, extra: { ...p.extra, stages: [...stages] } });
    },
    state: () => ({ stages, phases }),
    merge(other) {
      const o = other as { stages: RuntimeStage[]; phases: KnownPhase<'runtime-init'>[] };
      for (const s of o.stages) if (stages.length < MAX_STAGES) stages.push(s);
      phases.push(...o.phases);
    },
  };
}
