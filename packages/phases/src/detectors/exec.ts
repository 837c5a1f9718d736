/**
 * Phases every trace gets. `exec`: each successful `execve` starts a phase of its process that lasts
 * until its next `execve` or its end (its `+++ exited`/`+++ killed` line, else its last call). `loader`: the dynamic loader's part right after an `execve`,
 * the run of calls that map the program's shared libraries, up to the first call that is not.
 */
import type { DetectorContext, PhaseDetector, TaskWatcher } from '../detector.js';
import { formatCount, formatSeconds } from '../format.js';
import type { Call, KnownPhase, LineRef } from '../model.js';
import type { Task } from '../task.js';

/** What ld.so and libc's start-up do before `main`. */
const LOADER_CALLS = new Set([
  'brk', 'arch_prctl', 'access', 'faccessat', 'faccessat2', 'open', 'openat', 'newfstatat', 'fstat', 'stat',
  'fstat64', 'stat64', 'statx', 'read', 'pread64', 'mmap', 'mmap2', 'mprotect', 'munmap', 'close',
  'set_tid_address', 'set_robust_list', 'rseq', 'prlimit64', 'getrandom', 'statfs', 'uname', 'readlink',
  'lseek',
]);
const LIBRARY = /\.so(\.[\d.]+)?$|\/ld\.so\.(cache|preload)$/;

interface Running {
  readonly call: Call;
  readonly ref: LineRef;
  readonly path: string;
  readonly argv: readonly string[];
}

export function execPhases(): PhaseDetector {
  return {
    id: 'exec',
    watch(task: Task, ctx: DetectorContext): TaskWatcher {
      let running: Running | null = null;
      /** After an execve: the loader's run of calls, from the first call after the execve. */
      let loader: { start: number | null; startRef: LineRef | null; last: Call | null; libraries: number } | null = null;
      const closeLoader = () => {
        const l = loader;
        loader = null;
        if (l === null || l.libraries === 0 || l.last === null || l.start === null || l.startRef === null) return;
        // Phases end at the timestamp printed on their last line.
        const end = l.last.t0 ?? l.start;
        const endRef = ctx.ref(l.last);
        ctx.phase({
          kind: 'loader',
          pid: task.pid,
          start: l.start,
          end,
          startRef: l.startRef,
          endRef,
          summary: `the dynamic loader mapped ${formatCount(l.libraries)} ${l.libraries === 1 ? 'file' : 'files'} in ${formatSeconds(end - l.start)}`,
          evidence: [l.startRef, endRef],
          extra: { libraries: l.libraries },
        } satisfies KnownPhase<'loader'>);
      };
      const closeExec = (end: number, endRef: LineRef) => {
        const r = running;
        running = null;
        if (r === null || r.call.t0 === null) return;
        ctx.phase({
          kind: 'exec',
          pid: task.pid,
          start: r.call.t0,
          end,
          startRef: r.ref,
          endRef,
          summary: `${r.path} ran for ${formatSeconds(end - r.call.t0)}`,
          evidence: [r.ref, endRef],
          extra: { path: r.path, argv: r.argv },
        } satisfies KnownPhase<'exec'>);
      };
      let last: Call | null = null;
      return {
        call(call: Call) {
          const ev = call.ev;
          if (loader !== null) {
            if (LOADER_CALLS.has(ev.name)) {
              if (loader.start === null && call.t0 !== null) {
                loader.start = call.t0;
                loader.startRef = ctx.ref(call);
              }
              loader.last = call;
              if (call.opened !== null && call.opened.fd !== null && LIBRARY.test(call.opened.path)) loader.libraries++;
            } else closeLoader();
          }
          const info = call.exec;
          if (info !== null && call.t0 !== null) {
            closeLoader();
            const ref = ctx.ref(call);
            closeExec(call.t0, ref);
            running = { call, ref, path: info.path, argv: info.argv };
            loader = { start: null, startRef: null, last: null, libraries: 0 };
          }
          last = call;
        },
        end(at: number | null, line: LineRef | null) {
          closeLoader();
          if (running === null) return;
          // A program runs until its process exits (the `+++ exited` line), else until its last call.
          if (at !== null && line !== null) closeExec(at, line);
          else if (last !== null) closeExec(last.t0 ?? (running.call.t0 as number), ctx.ref(last));
        },
      };
    },
  };
}
