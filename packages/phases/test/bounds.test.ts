/** What keeps the analysis's memory bounded on large captures, and that it changes no answer. */
import { memoryUsage } from 'node:process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseText } from '@strace-gaps/parser';
import { analyzeInputs } from '@strace-gaps/phases';
import { Activity } from '../src/activity.js';
import { SegmentColumns } from '../src/segment-columns.js';
import { detach } from '@strace-gaps/parser/internal';
import { Interner } from '../src/intern.js';
import { SyscallStats } from '../src/syscall-stats.js';
import { MAX_MARKS, MarkBudget, PathRecorder } from '../src/path-marks.js';
import type { IntervalMark } from '../src/marks.js';
import { Task } from '../src/task.js';

const time = (us: number) => `10:00:${String(Math.floor(us / 1e6)).padStart(2, '0')}.${String(us % 1e6).padStart(6, '0')}`;

/** One process: an execve, the loader mapping libc, a run of `ms` milliseconds, and its exit. */
function process(pid: number, startUs: number, ms: number, argv: string[] = ['prog', String(pid)]): string {
  const args = argv.map((a) => JSON.stringify(a)).join(', ');
  return [
    `${time(startUs)} execve("/usr/bin/prog", [${args}], 0x7ffc0 /* 3 vars */) = 0 <0.000100>`,
    `${time(startUs + 200)} openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3 <0.000010>`,
    `${time(startUs + 300)} close(3) = 0 <0.000005>`,
    `${time(startUs + 400)} getpid() = ${pid} <0.000005>`,
    `${time(startUs + ms * 1000)} exit_group(0) = ?`,
    `${time(startUs + ms * 1000 + 1)} +++ exited with 0 +++`,
    '',
  ].join('\n');
}

describe('the critical path\'s marks', () => {
  /** One task that waits `n` times, the i-th wait lasting (i % 50) + 2 ms. */
  function waiter(n: number): string {
    const lines: string[] = [];
    let us = 0;
    const hms = (x: number) => {
      const s = Math.floor(x / 1e6);
      return `${String(10 + Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(x % 1e6).padStart(6, '0')}`;
    };
    for (let i = 0; i < n; i++) {
      const ms = (i % 50) + 2;
      lines.push(`${hms(us)} futex(0x7f0, FUTEX_WAIT_PRIVATE, 0, NULL) = 0 <0.${String(ms * 1000).padStart(6, '0')}>`);
      us += ms * 1000 + 10;
    }
    return `${lines.join('\n')}\n`;
  }

  it('a task keeps at most 4,096 intervals, the longest ones', () => {
    const a = analyzeInputs([{ file: 't.1', pid: 1, lines: [parseText(waiter(20_000), 't.1')] }]);
    const waits = a.tasks[0]!.marks.filter((m): m is IntervalMark => m.kind === 'wait');
    expect(waits.length).toBeLessThanOrEqual(MAX_MARKS);
    expect(waits.length).toBeGreaterThan(MAX_MARKS / 4);
    // Pruning drops the shorter ones: what is left is the longest.
    const shortest = Math.min(...waits.map((m) => (m.end as number) - m.start));
    expect(shortest).toBeGreaterThan(0.03);
    expect(a.startup!.criticalPath.reduce((x, p) => x + p.end - p.start, 0)).toBeCloseTo(a.startup!.seconds, 9);
  });

  it('all tasks together keep what the set\'s budget allows, each its longest', () => {
    const budget = new MarkBudget(1000);
    const tasks = Array.from({ length: 10 }, (_, i) => new Task(i, 100 + i, 'f', 1));
    const recorders = tasks.map((t) => new PathRecorder(t, budget));
    const call = (i: number, t0: number, seconds: number) =>
      ({ ev: { name: 'futex', file: 'f', line: i, endLine: i, text: 'futex()', args: '', result: { value: 0, errno: null, aux: null }, form: 'line', duration: seconds }, pid: 1, t0, t1: t0 + seconds, seconds, opened: null, exec: null }) as never;
    for (let i = 0; i < 1000; i++) for (const r of recorders) r.onCall(call(i, i, 0.002 + (i % 7) * 0.01));
    // A task prunes again once it has doubled since its last prune: the set holds at most about twice its budget.
    expect(budget.held).toBeLessThanOrEqual(2 * 1000);
    expect(budget.held).toBe(tasks.reduce((x, t) => x + t.marks.length, 0));
    for (const t of tasks) {
      expect(t.marks.length).toBeGreaterThanOrEqual(16);
      // The longest are kept: 62 ms waits (i % 7 == 6), never the 2 ms ones.
      const lengths = (t.marks as IntervalMark[]).map((m) => (m.end as number) - m.start);
      expect(Math.min(...lengths)).toBeGreaterThan(0.03);
    }
  });
});

describe('bounded per-process state', () => {
  it('shares one exit object among tasks that ended alike, each still saying how it ended', () => {
    const text = (pid: number, end: string) => `${pid} 10:00:00.000001 getpid() = ${pid} <0.000001>\n${pid} 10:00:00.000002 ${end}\n`;
    const a = analyzeInputs([
      { file: 'f', pid: null, lines: [parseText(text(1, '+++ exited with 0 +++') + text(2, '+++ exited with 0 +++') + text(3, '+++ exited with 3 +++') + text(4, '+++ killed by SIGSEGV (core dumped) +++') + text(5, '+++ killed by SIGSEGV +++'), 'f')] },
    ]);
    const exit = (pid: number) => a.tasks.find((t) => t.pid === pid)!.exit;
    expect(exit(1)).toBe(exit(2));
    expect([1, 3, 4, 5].map(exit)).toEqual([
      { code: 0, signal: null, coreDumped: false },
      { code: 3, signal: null, coreDumped: false },
      { code: null, signal: 'SIGSEGV', coreDumped: true },
      { code: null, signal: 'SIGSEGV', coreDumped: false },
    ]);
  });

  it('keeps the 500 longest exec and loader phases and says how many there were', () => {
    const inputs = Array.from({ length: 620 }, (_, i) => ({
      file: `t.${1000 + i}`,
      pid: 1000 + i,
      lines: [parseText(process(1000 + i, i * 10, 1 + i), `t.${1000 + i}`)],
    }));
    const a = analyzeInputs(inputs);
    const exec = a.phases.filter((p) => p.kind === 'exec');
    expect(exec).toHaveLength(500);
    expect(a.phases.filter((p) => p.kind === 'loader')).toHaveLength(500);
    // The longest ones: pids 1120…1619 ran 121…620 ms.
    expect(Math.min(...exec.map((p) => p.pid))).toBe(1120);
    const warning = a.warnings.find((w) => w.code === 'phases-capped' && w.message.startsWith('620 exec phases'));
    expect(warning?.message).toContain('the other 120 are only counted here');
    // Every process still has its exec name.
    expect(a.tasks.filter((t) => t.names.some((n) => n.source === 'execve'))).toHaveLength(620);
  });

  it('keeps at most 64 arguments and 4,096 characters of them per name, counting the rest', () => {
    const many = Array.from({ length: 100 }, (_, i) => `arg${i}`);
    const long = Array.from({ length: 5 }, () => 'x'.repeat(1000));
    const a = analyzeInputs([
      { file: 't.1', pid: 1, lines: [parseText(process(1, 0, 5, many), 't.1')] },
      { file: 't.2', pid: 2, lines: [parseText(process(2, 0, 5, long), 't.2')] },
    ]);
    const name = (pid: number) => a.tasks.find((t) => t.pid === pid)!.names[0]!;
    expect(name(1).argv).toEqual(many.slice(0, 64));
    expect(name(1).argvOmitted).toBe(36);
    expect(name(2).argv).toHaveLength(4);
    expect(name(2).argvOmitted).toBe(1);
    // The name people read is still made from the whole argv.
    expect(name(1).name).toBe(`${many.join(' ').slice(0, 59)}…`);
  });

  it('busy segments count every call, coarsened past 1,024 segments', () => {
    const act = new Activity();
    const what = ['openat under /a', 'write under /a', 'close', 'fcntl under /a'];
    // 5,000 calls 30 ms apart: each its own segment until coarsening merges them.
    for (let i = 0; i < 5000; i++) act.add(i * 0.03, i * 0.03 + 0.0001, what[i % what.length] as string);
    expect(act.length).toBeLessThanOrEqual(1024);
    const all = act.within(0, 200);
    expect(all.calls).toBe(5000);
    for (const w of what) expect(all.actions.get(w)).toBe(1250);
  });

  it('busy segments read back the same once packed into the set\'s columns, and after crossing to another set', () => {
    /** Everything a reader sees of an activity, and a window over several segments from inside the third. */
    const seen = (a: Activity) => ({
      segments: Array.from({ length: a.length }, (_, k) => {
        const actions: (string | number)[] = [];
        a.eachAction(k, (w, n) => actions.push(w, n));
        return { start: a.startOf(k), end: a.endOf(k), calls: a.callsOf(k), actions, within: a.within(a.startOf(k) - 0.001, a.endOf(k)) };
      }),
      span: a.within(a.startOf(2) + 0.0005, a.endOf(a.length - 1)),
    });
    const columns = new SegmentColumns();
    const fill = (a: Activity, t0: number, n: number) => {
      for (let i = 0; i < n; i++) a.add(t0 + i * 0.05, t0 + i * 0.05 + 0.001 * (i % 3), i % 4 === 0 ? 'write' : `openat under /d${i % 3}`);
      return a;
    };
    const a = fill(new Activity(columns), 0, 7);
    const b = fill(new Activity(columns), 1, 4);
    const before = [seen(a), seen(b)];
    a.compact();
    b.compact();
    expect(columns.rows).toBe(11);
    expect([seen(a), seen(b)]).toEqual(before);
    // Read on another thread: its rows go after the receiver's own.
    const mine = new SegmentColumns();
    fill(new Activity(mine), 5, 3).compact();
    const sent = structuredClone({ columns, a, b });
    const base = mine.append(SegmentColumns.revive(sent.columns), new Interner());
    expect(base).toBe(3);
    const [a2, b2] = [Activity.revive(sent.a, mine, base), Activity.revive(sent.b, mine, base)];
    expect([seen(a2), seen(b2)]).toEqual(before);
    expect(mine.rows).toBe(14);
    // A call after packing (not expected of an ended task) still counts.
    a2.add(0.301, 0.302, 'write');
    expect(a2.within(0, 1).calls).toBe(8);
  });

  it('a segment keeps the 64 most frequent actions, counts overestimated by at most the smallest', () => {
    const act = new Activity();
    // One segment: 100 distinct rare actions, and 'hot' made often throughout.
    let t = 0;
    for (let i = 0; i < 100; i++) {
      act.add((t += 0.001), t, `rare ${i}`);
      act.add((t += 0.001), t, 'hot');
    }
    expect(act.length).toBe(1);
    let actions = 0;
    act.eachAction(0, () => actions++);
    expect(actions).toBe(64);
    const kept = act.within(0, 1);
    act.compact();
    expect(act.within(0, 1)).toEqual(kept);
    const counts = act.within(0, 1).actions;
    expect(counts.get('hot')).toBeGreaterThanOrEqual(100);
    expect(counts.get('hot')).toBeLessThanOrEqual(102);
  });

  it('syscall stats count like strace -c, past the first growth of their array', () => {
    const stats = new SyscallStats(new Interner());
    const naive = new Map<string, { count: number; seconds: number; max: number; errors: number }>();
    for (let i = 0; i < 2000; i++) {
      const name = `call${i % 23}`;
      const seconds = i % 7 === 0 ? null : (i % 13) / 1000;
      const failed = i % 5 === 0;
      stats.add(name, seconds, failed);
      const n = naive.get(name) ?? { count: 0, seconds: 0, max: 0, errors: 0 };
      n.count++;
      if (failed) n.errors++;
      if (seconds !== null) {
        n.seconds += seconds;
        n.max = Math.max(n.max, seconds);
      }
      naive.set(name, n);
    }
    expect(stats.size).toBe(23);
    expect(stats.list()).toEqual([...naive].map(([name, n]) => ({ name, ...n })));
    expect(stats.get('call3')).toEqual({ name: 'call3', ...naive.get('call3') });
    expect(stats.get('nope')).toBeUndefined();
  });

  it('syscall stats answer the same once compacted, after a structured clone, and count on after it', () => {
    const stats = new SyscallStats(new Interner());
    const names = ['read', 'write', 'openat', 'close', 'mmap'];
    for (let i = 0; i < 100; i++) stats.add(names[i % names.length] as string, i / 1000, i % 3 === 0);
    const before = stats.list();
    stats.compact();
    expect(stats.size).toBe(5);
    expect(stats.list()).toEqual(before);
    expect(stats.get('openat')).toEqual(before[2]);
    expect(stats.get('nope')).toBeUndefined();
    // Worker threads send ended tasks as structured clones.
    const revived = SyscallStats.revive(structuredClone(stats), new Interner());
    expect(revived.list()).toEqual(before);
    // A call after compaction (not expected of an ended task) still counts.
    stats.add('write', 1, false);
    stats.add('futex', 2, true);
    expect(stats.size).toBe(6);
    expect(stats.get('write')).toEqual({ ...before[1], count: 21, seconds: (before[1]?.seconds as number) + 1, max: 1 });
    expect(stats.get('futex')).toEqual({ name: 'futex', count: 1, seconds: 2, max: 2, errors: 1 });
  });

  it('keeps children as numbers, read back the same: in order, after compacting, after a structured clone', () => {
    const t = new Task(0, 10, 'f', 1);
    expect(t.children).toEqual([]);
    expect(t.cloneOf(11)).toBeNull();
    const kids = [
      { pid: 11, thread: false, at: 1.000001, line: 3 },
      { pid: 12, thread: true, at: null, line: 7 },
      { pid: 11, thread: false, at: 2.5, line: 9 },
    ];
    for (const c of kids) t.addChild(c);
    expect(t.children).toEqual(kids);
    // The first clone that returned a pid (a pid can be reused).
    expect(t.cloneOf(11)).toEqual(kids[0]);
    expect(t.cloneOf(12)).toEqual(kids[1]);
    expect(t.cloneOf(13)).toBeNull();
    t.compact();
    expect(t.children).toEqual(kids);
    const back = Task.revive(structuredClone(t), 0, null, null, 0);
    expect(back.children).toEqual(kids);
    expect(back.cloneOf(12)).toEqual(kids[1]);
  });

  it('interns and detaches strings without changing them', () => {
    const intern = new Interner();
    const a = intern.get(['openat', 'under', '/usr/lib'].join(' '));
    expect(intern.get(`openat under ${'/usr/lib'}`)).toBe(a);
    const line = `execve("/bin/sh", ["${'y'.repeat(40)}"])`;
    expect(detach(line.slice(20, 60))).toBe('y'.repeat(40));
    expect(detach('short')).toBe('short');
  });
});

/**
 * Bytes of heap that `make`'s result keeps, after full collections before and after. A string
 * that is a view into a line (V8 makes substrings of 13 or more characters views) keeps the line.
 */
function retained(make: () => unknown): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = memoryUsage().heapUsed;
  const kept = make();
  gc();
  const after = memoryUsage().heapUsed;
  // Read after the measure: the result must live through it.
  expect(kept).toBeTruthy();
  return after - before;
}

describe('what an analysis keeps of its lines', () => {
  /** 300 processes, each with a 20 KB line of its own (`-v`: the environment printed whole). */
  const LONG = 20_000;
  const N = 300;
  const execs = () => {
    const out: string[] = [];
    for (let pid = 1; pid <= N; pid++) {
      const env = String(pid).padStart(6, '0').repeat(LONG / 6);
      out.push(`${pid} 10:00:00.${String(pid).padStart(6, '0')} execve("/usr/bin/program-number-${pid}", ["prog"], ["E=${env}"]) = 0 <0.000100>`);
    }
    return parseText(`${out.join('\n')}\n`, 't');
  };

  it("keeps a task's long first line as head and tail", () => {
    const a = analyzeInputs([{ file: 't', pid: null, lines: [execs()] }]);
    const first = a.tasks[0]!.first!;
    expect(first.text.length).toBeLessThanOrEqual(512);
    expect(first.text.startsWith('1 10:00:00.000001 execve("/usr/bin/program-number-1", ["prog"], ["E=000001000001')).toBe(true);
    expect(first.text).toContain('…');
    expect(first.text.endsWith('000001"]) = 0 <0.000100>')).toBe(true);
  });

  it('keeps no long line alive through a task: its first line, its exec, its program', () => {
    // Without detectors: a phase cites its lines whole, and keeps at most 500 of them.
    const bytes = retained(() => analyzeInputs([{ file: 't', pid: null, lines: [execs()] }], { detectors: [] }));
    // Whole, the lines would be 6 MB; what is kept is a few KB a process.
    expect(bytes).toBeLessThan((N * LONG) / 4);
  });

  it('keeps one copy of a program that many processes exec', () => {
    // 400 processes exec one program of a 4,000-character path: its name shares the path, and so
    // must each exec's mark. A copy per process would be 1.6 MB more.
    const program = `/usr/lib/${'p'.repeat(4000)}`;
    const text = Array.from({ length: N + 100 }, (_, k) => `${k + 1} 10:00:00.${String(k + 1).padStart(6, '0')} execve("${program}", ["p"], 0x1 /* 1 vars */) = 0 <0.000100>`);
    const bytes = retained(() => analyzeInputs([{ file: 't', pid: null, lines: [parseText(`${text.join('\n')}\n`, 't')] }], { detectors: [] }));
    const a = analyzeInputs([{ file: 't', pid: null, lines: [parseText(`${text.join('\n')}\n`, 't')] }], { detectors: [] });
    expect(a.tasks[7]!.marks.find((m) => m.kind === 'exec')).toMatchObject({ subject: program });
    // Each task keeps its own first line and mark line (head and tail, about 1 KB each) and its
    // aggregates: about 3.4 KB a process, 7.4 KB with a copy of the program each.
    expect(bytes).toBeLessThan((N + 100) * 5000);
  });

  it('interns a copy, not a view into the line it came from', () => {
    const intern = new Interner();
    const bytes = retained(() => {
      const kept: string[] = [];
      for (let i = 0; i < N; i++) {
        const line = `${String(i).padStart(6, '0')} openat under /srv/dir-${i}/ ${'x'.repeat(LONG)}`;
        kept.push(intern.get(line.slice(7, 7 + 'openat under /srv/dir-'.length + String(i).length)));
      }
      return kept;
    });
    expect(bytes).toBeLessThan((N * LONG) / 4);
  });
});
