/**
 * What /proc tells about the processes of a recording: whether one still runs, who traces it,
 * who owns it, and which processes share a process group. Node has no waitpid for processes
 * that are not its children (strace's tracer under `-D`, a process attached with `--pid`).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** The fields of `/proc/PID/stat` a recording needs; `null` when the process is gone. */
export function procStat(pid: number): { readonly state: string; readonly ppid: number; readonly pgrp: number; readonly comm: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // `PID (COMM) STATE PPID PGRP …`; COMM may hold spaces and parentheses, so split at the last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), pgrp: Number(fields[2]), comm: text.slice(text.indexOf('(') + 1, close) };
}

/** Runs, or sleeps: not gone and not a zombie waiting for its parent to reap it. */
export function alive(pid: number): boolean {
  const st = procStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

/** A line of `/proc/PID/status` (`TracerPid`, `Uid`, `CapEff`); `null` when absent. */
export function statusField(pid: number | 'self', field: string): string | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return null;
  }
  const m = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(text);
  return m?.[1] ?? null;
}

/** The pid tracing `pid`, or `null` (none, or the process is gone). */
export function tracerOf(pid: number): number | null {
  const v = Number(statusField(pid, 'TracerPid') ?? '0');
  return v > 0 ? v : null;
}

/** The real uid of `pid`, or `null` when it cannot be read. */
export function uidOf(pid: number): number | null {
  const v = statusField(pid, 'Uid');
  return v === null ? null : Number(v.split(/\s+/)[0]);
}

/** Live processes in process group `pgrp`, except `but`. */
export function groupMembers(pgrp: number, but: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0 || but.has(pid)) continue;
    const st = procStat(pid);
    if (st !== null && st.pgrp === pgrp && st.state !== 'Z') out.push(pid);
  }
  return out;
}

/** The processes of the machine as a recording looks at them; an interface, so tests can stage a race. */
export interface ProcessTable {
  tracerOf(pid: number): number | null;
  alive(pid: number): boolean;
  /** Every process: its pid, parent and NUL-separated command line (those gone meanwhile left out). */
  list(): Iterable<{ readonly pid: number; readonly ppid: number; readonly cmdline: string }>;
}

/** {@link ProcessTable} read from /proc. */
export const liveProcesses: ProcessTable = {
  tracerOf,
  alive,
  *list() {
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      const st = procStat(pid);
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      } catch {
        continue;
      }
      if (st !== null) yield { pid, ppid: st.ppid, cmdline };
    }
  },
};
