/**
 * `env-dump`: s6's environment dump. s6-overlay's init writes every environment variable as one file
 * into a temporary directory `DIR:envdump:XXXXXX` (`openat(dirfd, "NAME", O_WRONLY|O_CREAT|…)`,
 * `write`, `close` per variable), then renames it to DIR (`/run/s6/container_environment`). The
 * phase runs from the first variable's `openat` to the `rename`.
 */
import type { DetectorContext, PhaseDetector, TaskWatcher } from '../detector.js';
import { formatCount, formatSeconds } from '../format.js';
import type { Call, KnownPhase, LineRef } from '../model.js';
import { basename } from '../paths.js';
import type { Task } from '../task.js';
import { decodeArgs, firstArgInt, type ArgValue } from '@strace-gaps/parser';
import { isServiceLink } from './service-links.js';

const ENVDUMP_DIR = /:envdump:[^/]+$/;
/**
 * A dump whose directory fd was opened before the trace began (`strace -p` attached late):
 * `openat(3, "NAME", O_WRONLY|O_CREAT…)` with fd 3 unknown. It counts only if a `rename` of an
 * `…:envdump:…` directory confirms it.
 */
const UNKNOWN_DIRFD = /^(\d+),\s*"/;
/** Variable names kept as examples. */
const SAMPLE = 5;

interface Dump {
  tempDir: string;
  /** Seen made (mkdir) or named (-y, fd table): not a guess from an unknown dirfd. */
  known: boolean;
  mkdir: LineRef | null;
  vars: number;
  serviceLinkVars: number;
  /** `NAME_SERVICE_HOST` variables: one per Service. */
  services: number;
  first: Call | null;
  firstRef: LineRef | null;
  lastRef: LineRef | null;
  /** End of the last call on a variable's file. */
  lastVarEnd: number | null;
  /** Start of the last variable's `openat` (where a dump without a rename ends). */
  lastVarStart: number | null;
  varFd: number | null;
  readonly sample: string[];
  readonly serviceLinkSample: string[];
}

function str(v: ArgValue | undefined): string | null {
  return v?.type === 'string' ? v.value : v?.type === 'fd' ? v.path : null;
}

export function envDump(): PhaseDetector {
  return {
    id: 'env-dump',
    watch(task: Task, ctx: DetectorContext): TaskWatcher {
      let dump: Dump | null = null;
      const open = (tempDir: string, known = true): Dump => ({
        tempDir,
        known,
        mkdir: null,
        vars: 0,
        serviceLinkVars: 0,
        services: 0,
        first: null,
        firstRef: null,
        lastRef: null,
        lastVarEnd: null,
        lastVarStart: null,
        varFd: null,
        sample: [],
        serviceLinkSample: [],
      });
      const emit = (d: Dump, endCall: Call | null, dir: string) => {
        if (!d.known) return;
        if (d.vars === 0 || d.first === null || d.first.t0 === null || d.firstRef === null) return;
        // Phases end at the timestamp printed on their last line: the rename, else the last variable's openat.
        const end = endCall?.t0 ?? d.lastVarStart ?? d.first.t0;
        const endRef = endCall !== null ? ctx.ref(endCall) : (d.lastRef as LineRef);
        const seconds = end - d.first.t0;
        const firstToLast = (d.lastVarEnd ?? d.first.t0) - d.first.t0;
        const evidence = [d.mkdir, d.firstRef, d.lastRef, endCall === null ? null : endRef].filter((r): r is LineRef => r !== null);
        ctx.phase({
          kind: 'env-dump',
          pid: task.pid,
          start: d.first.t0,
          end,
          startRef: d.firstRef,
          endRef,
          summary:
            `${formatCount(d.vars)} environment variables written one file each into ${dir} in ${formatSeconds(seconds)}` +
            ` (${formatSeconds(seconds / d.vars)} per variable; ${formatCount(d.serviceLinkVars)} look like Kubernetes service links)`,
          evidence,
          extra: {
            dir,
            tempDir: d.tempDir,
            renamed: endCall !== null,
            vars: d.vars,
            serviceLinkVars: d.serviceLinkVars,
            services: d.services,
            firstToLastVarSeconds: firstToLast,
            perVarSeconds: seconds / d.vars,
            sampleVars: d.sample,
            sampleServiceLinkVars: d.serviceLinkSample,
          },
        } satisfies KnownPhase<'env-dump'>);
      };
      return {
        call(call: Call) {
          const ev = call.ev;
          const o = call.opened;
          if (o !== null) {
            if (!o.flags.includes('O_CREAT')) return;
            let dir = o.dir;
            let known = true;
            if (!ENVDUMP_DIR.test(dir)) {
              const fd = ev.name === 'openat' && !o.path.startsWith('/') ? UNKNOWN_DIRFD.exec(ev.args) : null;
              if (fd === null || o.path.includes('/')) return;
              dir = `<fd ${fd[1]}>`;
              known = false;
            }
            if (dump === null || dump.tempDir !== dir) {
              if (dump !== null) emit(dump, null, dump.tempDir);
              dump = open(dir, known);
            }
            const name = basename(o.path);
            dump.vars++;
            if (dump.sample.length < SAMPLE) dump.sample.push(name);
            if (isServiceLink(name)) {
              dump.serviceLinkVars++;
              if (name.endsWith('_SERVICE_HOST')) dump.services++;
              if (dump.serviceLinkSample.length < SAMPLE) dump.serviceLinkSample.push(name);
            }
            if (dump.first === null) {
              dump.first = call;
              dump.firstRef = ctx.ref(call);
            }
            dump.lastRef = ctx.ref(call);
            dump.lastVarStart = call.t0;
            dump.lastVarEnd = call.t1 ?? call.t0;
            dump.varFd = o.fd;
            return;
          }
          if (ev.name === 'mkdir' || ev.name === 'mkdirat') {
            const args = decodeArgs(ev.args);
            const rel = str(args[ev.name === 'mkdir' ? 0 : 1]?.value);
            if (rel === null) return;
            const path = ev.name === 'mkdir' ? task.fds.resolve(undefined, rel) : task.fds.resolve(args[0]?.value, rel);
            if (!ENVDUMP_DIR.test(path)) return;
            if (dump !== null) emit(dump, null, dump.tempDir);
            dump = open(path);
            dump.mkdir = ctx.ref(call);
            return;
          }
          if (dump === null) return;
          if (dump.varFd !== null && task.fds.fdOf(ev) === null && firstArgInt(ev) === dump.varFd) {
            // close(fd) of the variable's file: the fd is already gone from the table.
            dump.lastVarEnd = call.t1 ?? call.t0 ?? dump.lastVarEnd;
            dump.varFd = null;
            return;
          }
          if (dump.varFd !== null && task.fds.fdOf(ev) === dump.varFd) {
            dump.lastVarEnd = call.t1 ?? call.t0 ?? dump.lastVarEnd;
            return;
          }
          if (ev.name === 'rename' || ev.name === 'renameat' || ev.name === 'renameat2') {
            const args = decodeArgs(ev.args);
            const at = ev.name === 'rename' ? 0 : 1;
            const from = str(args[at]?.value);
            const to = str(args[ev.name === 'rename' ? 1 : 3]?.value);
            if (from === null || to === null) return;
            const fromPath = task.fds.resolve(at === 1 ? args[0]?.value : undefined, from);
            if (!dump.known && ENVDUMP_DIR.test(fromPath)) {
              dump.known = true;
              dump.tempDir = fromPath;
            }
            if (fromPath !== dump.tempDir) return;
            const toPath = task.fds.resolve(at === 1 ? args[2]?.value : undefined, to);
            emit(dump, call, toPath);
            dump = null;
          }
        },
        end() {
          if (dump !== null) emit(dump, null, dump.tempDir);
          dump = null;
        },
      };
    },
  };
}
