/**
 * The warnings a whole set gives at its end: a filtered capture, no -T, children not followed, no
 * calls, a --pid not in the trace, -r only, no timestamps, mixed captures, capped phases, calls
 * that never returned. Each says what the capture cannot tell and the option that would.
 */
import type { SetClockKind } from './clock.js';
import { formatCount, formatSeconds } from './format.js';
import type { Warning } from './model.js';
import type { Task, TaskChild } from './task.js';

/** What the rules read of a set. */
export interface SetFacts {
  readonly tasks: readonly Task[];
  readonly inputs: number;
  /** Calls printed with a `-T` duration. */
  readonly timedCalls: number;
  /** Each input's first and last time. */
  readonly ranges: readonly { readonly file: string; readonly first: number; readonly last: number }[];
  /** Per capped phase kind (`exec`, `loader`, `repeat`): how many there were, and how many are kept. */
  readonly capped: ReadonlyMap<string, { readonly seen: number; readonly top: { readonly k: number } }>;
  /** Pids asked for with `--pid`. */
  readonly wantedPids: readonly number[];
}

/**
 * Calls every program makes: the loader maps libraries, and nothing runs long without reading,
 * writing or closing. A set of a fair size with none of them was filtered with `-e trace=`.
 */
const EVERYDAY_CALLS = ['read', 'write', 'close', 'mmap', 'mprotect', 'brk', 'openat', 'open', 'fstat', 'newfstatat', 'rt_sigaction', 'futex'];
/** Fewer calls than this say too little about a capture's filter. */
const FILTER_MIN_CALLS = 20;

/** A capture made with `-e trace=…`: its silent gaps may be calls it did not record. */
function filteredWarning(set: SetFacts, out: Warning[]): void {
  let calls = 0;
  const names = new Set<string>();
  // Ended tasks that made the same calls share one list of names: each list is read once.
  const lists = new Set<readonly string[]>();
  for (const t of set.tasks) {
    calls += t.syscalls;
    const list = t.stats.callNames();
    if (lists.has(list)) continue;
    lists.add(list);
    for (const name of list) names.add(name);
  }
  if (calls < FILTER_MIN_CALLS || EVERYDAY_CALLS.some((c) => names.has(c))) return;
  const shown = [...names].sort().slice(0, 6).join(', ');
  out.push({
    code: 'filtered-trace',
    message:
      `the trace shows only ${formatCount(names.size)} kinds of call (${shown}${names.size > 6 ? ', …' : ''}) and none that every program makes: ` +
      'it was probably captured with -e trace=…, so time in the calls it left out shows as silent gaps',
    file: null,
    line: null,
  });
}

/** What a capture without -T or -f cannot tell, and the option that would. */
function optionWarnings(set: SetFacts, kind: SetClockKind, out: Warning[]): void {
  const calls = set.tasks.reduce((n, t) => n + t.syscalls, 0);
  if (kind !== 'none' && calls >= FILTER_MIN_CALLS && set.timedCalls === 0) {
    out.push({
      code: 'no-durations',
      message:
        'the trace has no -T durations, so time inside a call cannot be told from time after it: a wait is taken to last until the next call ' +
        '(certain for a call whose timeout ran out, a guess for others such as wait4 or read). Re-capture with -T',
      file: null,
      line: null,
    });
  }
  // Processes a traced one started that have no line in the trace: strace did not follow them.
  // (In a pid namespace `clone` returns another pid, and the child is matched by time instead.)
  const pids = new Set(set.tasks.map((t) => t.pid));
  const guessed = new Map<number, number>();
  for (const t of set.tasks) if (t.ppidGuessed && t.ppid !== null) guessed.set(t.ppid, (guessed.get(t.ppid) ?? 0) + 1);
  let missing = 0;
  let first: { file: string; line: number; pid: number } | null = null;
  for (const t of set.tasks) {
    let unseen = 0;
    let firstUnseen: TaskChild | null = null;
    for (let k = 0; k < t.childCount; k++) {
      const c = t.child(k);
      if (c.thread || pids.has(c.pid)) continue;
      unseen++;
      firstUnseen ??= c;
    }
    const n = unseen - (guessed.get(t.pid) ?? 0);
    if (n <= 0 || firstUnseen === null) continue;
    missing += n;
    if (first === null) first = { file: t.file, line: firstUnseen.line, pid: firstUnseen.pid };
  }
  if (missing > 0) {
    out.push({
      code: 'children-not-followed',
      message:
        `${formatCount(missing)} ${missing === 1 ? 'process' : 'processes'} that traced ones started ${missing === 1 ? 'is' : 'are'} not in the trace` +
        (first === null ? '' : ` (pid ${first.pid} first)`) +
        ': their time shows as a wait of their parent, and what they did cannot be seen. Capture with -f (or -ff -o DIR/PREFIX), and pass every file of a -ff capture',
      file: first?.file ?? null,
      line: first?.line ?? null,
    });
  }
}

/** A trace with no call to time, and pids asked for that it does not have: said, not shown as an empty report. */
function emptyWarnings(set: SetFacts, out: Warning[]): void {
  if (set.tasks.every((t) => t.syscalls === 0)) {
    out.push({
      code: 'no-calls',
      message:
        'the trace has no syscall lines, so there is nothing to time: it holds only a -c summary table, strace\'s own messages, or signals and exits (-e trace=none). ' +
        'Capture with -f -tt -T (-C instead of -c keeps the table too)',
      file: null,
      line: null,
    });
  }
  for (const pid of set.wantedPids) {
    if (set.tasks.some((t) => t.pid === pid || t.tgid === pid)) continue;
    out.push({ code: 'pid-not-found', message: `no process or thread in the trace has pid ${pid} (asked for with --pid)`, file: null, line: null });
  }
}

/** What a whole set says about how it was captured, read at its end, in the order the report lists them. */
export function setWarnings(set: SetFacts, kind: SetClockKind): Warning[] {
  const out: Warning[] = [];
  if (kind === 'relative' && set.inputs > 1) {
    out.push({
      code: 'relative-only',
      message:
        'the trace has only -r deltas and several files: -r is a delta since the previous line of any process, so ' +
        'files cannot be aligned. Each file starts at 0 and its times are lower bounds; re-capture with -tt or -ttt',
      file: null,
      line: null,
    });
  }
  if (kind === 'none' && set.tasks.length > 0) {
    out.push({
      code: 'no-timestamps',
      message: 'the trace has no timestamps: counts only, no timeline or gaps; re-capture with -tt -T',
      file: null,
      line: null,
    });
  }
  // Files of one capture overlap in time (a parent outlives the clone of its child); a hole
  // between groups of files means more than one capture.
  if (kind !== 'relative' && set.ranges.length > 1) {
    const sorted = [...set.ranges].sort((a, b) => a.first - b.first);
    let reach = (sorted[0] as (typeof sorted)[number]).last;
    for (const r of sorted.slice(1)) {
      if (r.first - reach > 1) {
        out.push({
          code: 'mixed-captures',
          message: `${r.file} starts ${formatSeconds(r.first - reach)} after every earlier file ended: files from another capture are mixed in; analyse each capture on its own`,
          file: r.file,
          line: null,
        });
        break;
      }
      if (r.last > reach) reach = r.last;
    }
  }
  for (const [kind, { seen, top }] of set.capped) {
    if (seen <= top.k) continue;
    const why = kind === 'repeat' ? '' : " (a process's execs also show in its names)";
    out.push({
      code: 'phases-capped',
      message: `${formatCount(seen)} ${kind} phases: the longest ${formatCount(top.k)} are listed, the other ${formatCount(seen - top.k)} are only counted here${why}`,
      file: null,
      line: null,
    });
  }
  filteredWarning(set, out);
  emptyWarnings(set, out);
  optionWarnings(set, kind, out);
  const unfinished = set.tasks.reduce((n, t) => n + t.unfinished, 0);
  if (unfinished > 0) {
    const first = set.tasks.find((t) => t.firstUnfinished !== null);
    const u = first?.firstUnfinished ?? null;
    out.push({
      code: 'unfinished-calls',
      message:
        `${formatCount(unfinished)} ${unfinished === 1 ? 'call' : 'calls'} never returned in the trace (the process was killed in ${unfinished === 1 ? 'it' : 'them'}, or the trace was cut)` +
        (u === null || first === undefined ? '' : `, the first pid ${first.pid}'s ${u.name}; those still waiting at the end are listed as pending`),
      file: u?.file ?? null,
      line: u?.line ?? null,
    });
  }
  return out;
}
