/**
 * `repeat`: one task opening file after file in the same directory, doing the same few calls on
 * each (`openat+write+close`), collapsed into one phase: "4,013× openat+fcntl+fcntl+write+close
 * under /run/s6/… in 5.8 s". Any directory, not only s6's.
 */
import { firstArgInt } from '@strace-gaps/parser';
import type { DetectorContext, PhaseDetector, TaskWatcher } from '../detector.js';
import { formatCount, formatSeconds } from '../format.js';
import type { Call, KnownPhase } from '../model.js';
import type { Task } from '../task.js';

/** Fewer files than this in a row is not a pattern worth a phase. */
export const MIN_REPEAT = 16;
/** Calls per file recorded in its pattern. */
const MAX_PATTERN = 12;
/** Distinct patterns counted per run. */
const MAX_PATTERNS = 8;

interface Run {
  readonly dir: string;
  files: number;
  /** Cited only when the run closes as a phase: most runs are one file long. */
  readonly first: Call;
  last: Call;
  /** The current file's fd and the calls made on it so far. */
  fd: number | null;
  calls: string[];
  /** Made when a second file joins the run: most runs are one file long. */
  patterns: Map<string, number> | null;
}

/** Runs as phases; the analysis keeps the longest (`MAX_REPEAT_PHASES`) and counts the rest. */
export function repeatedFiles(): PhaseDetector {
  return {
    id: 'repeat',
    watch(task: Task, ctx: DetectorContext): TaskWatcher {
      let run: Run | null = null;
      const endFile = (r: Run) => {
        if (r.calls.length === 0) return;
        const key = r.calls.join('+');
        const patterns = (r.patterns ??= new Map());
        if (patterns.has(key) || patterns.size < MAX_PATTERNS) patterns.set(key, (patterns.get(key) ?? 0) + 1);
        r.calls = [];
        r.fd = null;
      };
      const closeRun = () => {
        const r = run;
        run = null;
        if (r === null || r.files < MIN_REPEAT || r.first.t0 === null) return;
        endFile(r);
        // Phases end at the timestamp printed on their last line.
        const end = r.last.t0 ?? r.first.t0;
        const pattern = [...(r.patterns ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
        const firstRef = ctx.ref(r.first);
        const endRef = ctx.ref(r.last);
        const seconds = end - r.first.t0;
        ctx.phase(
          {
            kind: 'repeat',
            pid: task.pid,
            start: r.first.t0,
            end,
            startRef: firstRef,
            endRef,
            summary: `${formatCount(r.files)}× ${pattern} under ${r.dir} in ${formatSeconds(seconds)}`,
            evidence: [firstRef, endRef],
            extra: { dir: r.dir, files: r.files, pattern, perFileSeconds: seconds / r.files },
          } satisfies KnownPhase<'repeat'>,
        );
      };
      return {
        call(call: Call) {
          const o = call.opened;
          if (o !== null && o.fd !== null) {
            if (run !== null && run.dir === o.dir) {
              endFile(run);
              run.files++;
            } else {
              closeRun();
              run = { dir: o.dir, files: 1, first: call, last: call, fd: null, calls: [], patterns: null };
            }
            run.fd = o.fd;
            run.calls.push(call.ev.name);
            run.last = call;
            return;
          }
          if (run === null) return;
          if (run.fd !== null && firstArgInt(call.ev) === run.fd) {
            if (run.calls.length < MAX_PATTERN) run.calls.push(call.ev.name);
            run.last = call;
            if (call.ev.name === 'close') endFile(run);
            return;
          }
          closeRun();
        },
        end: closeRun,
      };
    },
  };
}
