/** The engine on small hand-written traces: clocks, gaps, tree, warnings. Each detector's tests are in detectors/. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '@strace-gaps/parser';
import { wholeCounts } from '../src/activity.js';
import { TasksByPid } from '../src/task-index.js';
import type { Task } from '../src/task.js';
import {
  AnalysisError,
  TopK,
  analyzeInputs,
  formatCount,
  formatSeconds,
  type Analysis,
  type AnalysisOptions,
} from '@strace-gaps/phases';

/** What `fn` threw; a test that expects a throw fails here when nothing was thrown. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, and nothing was thrown');
}

/** Analyses inputs given as `[file, pid, text]`. */
function run(inputs: [string, number | null, string][], options: AnalysisOptions = {}): Analysis {
  return analyzeInputs(inputs.map(([file, pid, text]) => ({ file, pid, lines: [parseText(text, file)] })), options);
}

describe('the set clock', () => {
  it('rolls a time-of-day trace over midnight', () => {
    const a = run([['t.1', 1, '23:59:59.900000 getpid() = 1 <0.000010>\n00:00:00.400000 getppid() = 0 <0.000010>\n']]);
    expect(a.clock).toMatchObject({ kind: 'time-of-day', rolledOver: true });
    const g = a.gaps.find((x) => x.kind === 'userspace')!;
    expect(g.seconds).toBeCloseTo(0.49999, 6);
    expect(a.span!.seconds).toBeCloseTo(0.50001, 6);
  });

  it('refuses to mix clocks, naming the line', () => {
    expect(() => run([['a.1', 1, '10:00:00.000001 close(3) = 0\n'], ['b.2', 2, '1700000000.000001 close(3) = 0\n']])).toThrow(AnalysisError);
    const err = thrown(() => run([['a.1', 1, '10:00:00.000001 close(3) = 0\n'], ['b.2', 2, 'close(4) = 0\nclose(3) = 0\n']]));
    expect(err).toBeInstanceOf(AnalysisError);
    expect(err).toMatchObject({ code: 'clock-mismatch', file: 'b.2', line: 1, expected: 'time-of-day', found: 'none' });
  });

  it('sums -r deltas for a single input and warns when several -r-only files cannot be aligned', () => {
    const one = run([['t', null, '     0.000000 getpid() = 1\n     0.500000 getppid() = 0\n']]);
    expect(one.clock).toMatchObject({ kind: 'relative', aligned: true });
    expect(one.gaps[0]!.seconds).toBeCloseTo(0.5, 9);
    const two = run([['t.1', 1, '     0.000000 getpid() = 1\n'], ['t.2', 2, '     0.100000 getpid() = 2\n']]);
    expect(two.clock.aligned).toBe(false);
    expect(two.warnings.map((w) => w.code)).toContain('relative-only');
  });

  it('keeps nanoseconds exact on an epoch clock', () => {
    const a = run([['t.1', 1, '1700000000.000000001 getpid() = 1\n1700000000.250000003 getppid() = 0\n']]);
    expect(a.gaps[0]!.seconds).toBe(0.250000002);
  });
});

describe('gaps', () => {
  const trace =
    '10:00:00.000000 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3 <0.000010>\n' +
    '10:00:00.300000 read(3, "", 10) = 0 <0.000010>\n' +
    '10:00:00.300100 ppoll([{fd=4, events=POLLIN}], 1, NULL, NULL, 8) = 1 ([{fd=4, revents=POLLIN}]) <2.000000>\n' +
    '10:00:02.300200 close(3) = 0 <0.000010>\n';

  it('finds the silent gap and the wait, with the lines around them', () => {
    const a = run([['t.7', 7, trace]]);
    const wait = a.gaps.find((g) => g.kind === 'waiting')!;
    expect(wait).toMatchObject({ pid: 7, syscall: 'ppoll', before: { file: 't.7', line: 3 }, after: { file: 't.7', line: 4 } });
    expect(wait.seconds).toBeCloseTo(2, 9);
    const silent = a.gaps.find((g) => g.kind === 'userspace')!;
    expect(silent).toMatchObject({ before: { line: 1 }, after: { line: 2 } });
    expect(silent.seconds).toBeCloseTo(0.29999, 9);
  });

  it('honours --min-gap and --pid', () => {
    expect(run([['t.7', 7, trace]], { minGap: 1 }).gaps.map((g) => g.kind)).toEqual(['waiting']);
    expect(run([['t.7', 7, trace]], { pids: [8] }).gaps).toEqual([]);
  });

  it('blames the process that was busy while another waited', () => {
    const busy = Array.from({ length: 50 }, (_, k) => `10:00:00.${String(400000 + k * 10000).padStart(6, '0')} openat(AT_FDCWD, "/d/f${k}", O_WRONLY|O_CREAT, 0666) = 5 <0.000010>\n`).join('');
    const a = run([['t.7', 7, trace], ['t.8', 8, busy]]);
    const wait = a.gaps.find((g) => g.kind === 'waiting')!;
    expect(wait.blame[0]).toMatchObject({ pid: 8, calls: 50, top: [{ what: 'openat under /d', count: 50 }] });
  });

  it('closes a call that never returned at the process end', () => {
    const a = run([['t', null, '5 10:00:00.000000 wait4(-1,  <unfinished ...>\n5 10:00:03.000000 +++ killed by SIGKILL +++\n']]);
    const wait = a.gaps.find((g) => g.kind === 'waiting')!;
    expect(wait.seconds).toBeCloseTo(3, 9);
    expect(wait.after.text).toContain('killed by SIGKILL');
    expect(a.warnings.map((w) => w.code)).toContain('unfinished-calls');
  });
});

describe('processes', () => {
  it('builds the tree from clone results, tells threads apart, and follows names', () => {
    const a = run([
      [
        'f',
        null,
        '10 10:00:00.000000 execve("/bin/sh", ["sh", "-c", "x"], 0x7ffd /* 3 vars */) = 0 <0.000100>\n' +
          '10 10:00:00.001000 clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tidptr=0x1) = 11 <0.000050>\n' +
          '10 10:00:00.002000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 12 <0.000050>\n' +
          '11 10:00:00.003000 getpid() = 10 <0.000010>\n' +
          '12 10:00:00.004000 prctl(PR_SET_NAME, "worker") = 0 <0.000010>\n' +
          '12 10:00:00.005000 +++ exited with 3 +++\n' +
          '11 10:00:00.006000 +++ exited with 0 +++\n' +
          '10 10:00:00.007000 +++ killed by SIGTERM +++\n',
      ],
    ]);
    const t = (pid: number) => a.tasks.find((x) => x.pid === pid)!;
    expect(t(11)).toMatchObject({ ppid: 10, thread: true, tgid: 10 });
    expect(t(12)).toMatchObject({ ppid: 10, thread: false, tgid: 12, exit: { code: 3 } });
    expect(t(12).names.map((n) => [n.source, n.name])).toEqual([['fork', 'sh -c x'], ['prctl', 'worker']]);
    expect(t(10).exit).toMatchObject({ signal: 'SIGTERM' });
    expect(t(10).stats.get('clone')).toMatchObject({ count: 2, errors: 0 });
  });

  it('marks in a name the arguments strace cut and the ones it left out', () => {
    const a = run([
      [
        'f',
        null,
        '6753  22:04:10.114520 execve("/usr/bin/bash", ["bash", "/root/.pyenv/libexec/pyenv-versi"..., "-f"], 0x55d5 /* 39 vars */) = 0 <0.000420>\n' +
          '6754  22:04:10.114600 execve("/usr/sbin/runc", ["runc", "--root", ...], 0x7ffc /* 5 vars */) = 0 <0.000420>\n' +
          '6755  22:04:10.114700 execve("/bin/true", ["true"], 0x7ffc /* 5 vars */) = 0 <0.000420>\n',
      ],
    ]);
    const name = (pid: number) => a.tasks.find((x) => x.pid === pid)!.names[0]!;
    expect(name(6753)).toMatchObject({ name: 'bash /root/.pyenv/libexec/pyenv-versi… -f', argv: ['bash', '/root/.pyenv/libexec/pyenv-versi', '-f'], argvTruncated: true });
    expect(name(6754)).toMatchObject({ name: 'runc --root …', argv: ['runc', '--root'], argvTruncated: true });
    expect(name(6755)).toEqual({ source: 'execve', name: 'true', at: expect.any(Number), path: '/bin/true', argv: ['true'] });
  });

  it('warns when there is no call to time, and when a --pid is not in the trace', () => {
    // strace -c alone (real rows, strace 6.1): only the table.
    const table = run([['c', null,
      '% time     seconds  usecs/call     calls    errors syscall\n' +
      '------ ----------- ----------- --------- --------- ----------------\n' +
      ' 28.57    0.000040          40         1           execve\n' +
      '100.00    0.000140           5        26         3 total\n']]);
    expect(table.warnings.map((w) => w.code)).toContain('no-calls');
    const message = run([['m', null, "strace: Can't stat './nonexistent_binary': No such file or directory\n"]]);
    expect(message.warnings.map((w) => w.code)).toContain('no-calls');
    const one = '5 10:00:00.000000 getpid() = 5\n5 10:00:00.000100 clone(child_stack=NULL, flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND) = 6\n6 10:00:00.000200 gettid() = 6\n';
    expect(run([['f', null, one]]).warnings.map((w) => w.code)).not.toContain('no-calls');
    const wanted = run([['f', null, one]], { pids: [5, 6, 7] });
    expect(wanted.warnings.filter((w) => w.code === 'pid-not-found').map((w) => w.message)).toEqual(['no process or thread in the trace has pid 7 (asked for with --pid)']);
  });

  it('gives each lifetime of a reused pid the parent whose clone made it', () => {
    const log = [
      '1 10:00:00.000000 execve("/bin/sh", ["sh"], 0x7ffd /* 3 vars */) = 0 <0.000100>',
      '1 10:00:00.001000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 7 <0.000050>',
      '7 10:00:00.002000 execve("/bin/first", ["first"], 0x7ffd /* 3 vars */) = 0 <0.000100>',
      '7 10:00:00.003100 +++ exited with 0 +++',
      '1 10:00:00.005000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 2 <0.000050>',
      '2 10:00:00.006000 execve("/bin/sub", ["sub"], 0x7ffd /* 3 vars */) = 0 <0.000100>',
      '2 10:00:00.007000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 7 <0.000050>',
      '7 10:00:00.008000 getpid() = 7 <0.000010>',
      '7 10:00:00.009000 +++ exited with 0 +++',
    ].join('\n');
    const a = run([['f', null, `${log}\n`]]);
    const sevens = a.tasks.filter((t) => t.pid === 7);
    // Matched by the clone's result, not guessed by time as a child in a pid namespace is.
    expect(sevens.map((t) => [t.lifetime, t.ppid, t.ppidGuessed, t.nameAt(null)])).toEqual([[1, 1, false, 'first'], [2, 2, false, 'sub']]);
  });

  it('warns about pid reuse and a second capture mixed in', () => {
    const reuse = run([['f', null, '5 10:00:00.000000 getpid() = 5\n5 10:00:00.100000 +++ exited with 0 +++\n5 10:00:01.000000 getpid() = 5\n']]);
    expect(reuse.warnings.map((w) => w.code)).toContain('pid-reuse');
    expect(reuse.tasks.map((t) => t.lifetime)).toEqual([1, 2]);
    const mixed = run([['a.1', 1, '10:00:00.000000 getpid() = 1\n'], ['b.2', 2, '11:00:00.000000 getpid() = 2\n']]);
    expect(mixed.warnings.find((w) => w.code === 'mixed-captures')).toMatchObject({ file: 'b.2' });
  });
});

describe('small parts', () => {
  it('ended tasks that made the same calls share one list of their names', () => {
    const calls = (names: string[]) => names.map((n, k) => `10:00:00.00${k}000 ${n}(3) = 0 <0.000010>\n`).join('');
    const a = run([
      ['p.1', 1, calls(['close', 'fsync', 'close'])],
      ['p.2', 2, calls(['close', 'fsync'])],
      ['p.3', 3, calls(['fsync', 'close'])],
    ]);
    const [one, two, three] = a.tasks.map((t) => t.stats.callNames());
    expect(one).toEqual(['close', 'fsync']);
    expect(two).toBe(one);
    expect(three).toEqual(['fsync', 'close']);
    expect(Object.isFrozen(one)).toBe(true);
    expect(a.tasks[0]!.stats.get('close')).toMatchObject({ count: 2 });
  });

  it('TasksByPid: a pid\'s lifetimes in order, the one alive at a time', () => {
    const task = (pid: number, start: number | null) => ({ pid, start }) as Task;
    const [a1, a2, a3, b] = [task(7, 1), task(7, 5), task(7, null), task(8, 2)];
    const byPid = new TasksByPid([a1, b, a2, a3]);
    expect(byPid.at(7, 0)).toBe(a1);
    expect(byPid.at(7, 4.9)).toBe(a1);
    expect(byPid.at(7, 5)).toBe(a2);
    expect(byPid.at(7, null)).toBe(a1);
    expect(byPid.at(8, 0)).toBe(b);
    expect(byPid.at(9, 0)).toBeNull();
    expect(byPid.find(7, (t) => t.start !== null && t.start > 1)).toBe(a2);
    expect(byPid.find(7, (t) => t.start === null)).toBe(a3);
    expect(byPid.find(8, (t) => t.start === 3)).toBeUndefined();
  });

  it('wholeCounts: whole calls that add up, none shown as 0×', () => {
    expect(wholeCounts(new Map([['kill', 1.6], ['clock_nanosleep', 1.6], ['restart_syscall', 1.6]]))).toEqual([['kill', 2], ['clock_nanosleep', 2], ['restart_syscall', 1]]);
    expect(wholeCounts(new Map([['close', 0.3], ['set_robust_list', 0.4], ['dup2', 0.3]]))).toEqual([['set_robust_list', 1]]);
    expect(wholeCounts(new Map([['read', 1.1], ['write', 2.9]]))).toEqual([['write', 3], ['read', 1]]);
    expect(wholeCounts(new Map())).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { maxLength: 12 }), (ns) => {
        const m = new Map(ns.map((n, i) => [`a${i}`, n]));
        const got = wholeCounts(m);
        const total = ns.reduce((x, y) => x + y, 0);
        expect(got.reduce((x, [, c]) => x + c, 0)).toBe(Math.round(total));
        for (const [what, c] of got) {
          expect(c).toBeGreaterThan(0);
          expect(Math.abs(c - (m.get(what) as number))).toBeLessThan(1 + 1e-9);
        }
        for (let i = 1; i < got.length; i++) expect((got[i - 1] as [string, number])[1]).toBeGreaterThanOrEqual((got[i] as [string, number])[1]);
      }),
    );
  });

  it('TopK keeps the k largest, largest first', () => {
    const k = new TopK<number>(3, (x) => x);
    for (const x of [5, 1, 9, 7, 3, 9]) k.push(x);
    expect(k.values()).toEqual([9, 9, 7]);
  });

  it('formats durations with a unit that fits', () => {
    expect([5.777, 0.412, 0.0123, 0.000038, 0, 120].map(formatSeconds)).toEqual(['5.78 s', '412 ms', '12.3 ms', '38 µs', '0 s', '120 s']);
    expect([599, 600, 14399, -7200].map(formatSeconds)).toEqual(['599 s', '10.0 min', '4.00 h', '-2.00 h']);
  });

  it('formats counts as toLocaleString("en-US") does, without loading a locale for whole numbers', () => {
    const samples = [0, -0, 1, 12, 999, 1000, 4013, -4013, 65_536, 999_999, 1_000_000, -12_345_678, Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5, 1234.5678, -0.25, NaN, Infinity];
    for (let x = 1; x < 1e15; x = x * 7 + 3) samples.push(x, -x);
    for (const n of samples) expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('the unnamed first process of a -f log on stderr', () => {
  const pids = (a: Analysis) => a.tasks.map((t) => t.pid).sort((x, y) => x - y);

  it('takes the pid libc start-up reports (set_tid_address)', () => {
    const a = run([['e', null,
      '10:00:00.000000 execve("/bin/app", ["app"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
      '10:00:00.000200 set_tid_address(0x7f00) = 500 <0.000002>\n' +
      '10:00:00.000300 clone(child_stack=NULL, flags=SIGCHLD) = 501 <0.000050>\n' +
      '[pid   501] 10:00:00.000400 getppid() = 500 <0.000002>\n' +
      '[pid   500] 10:00:00.000500 wait4(-1, NULL, 0, NULL) = 501 <0.000100>\n']]);
    expect(pids(a)).toEqual([500, 501]);
    expect(a.tasks.find((t) => t.pid === 501)!.ppid).toBe(500);
    expect(a.warnings.map((w) => w.code)).not.toContain('unattributed-lines');
  });

  it('is the pid of the attach line that opens a -p capture (real, strace 6.1 -tt -T -p on stderr)', () => {
    const a = run([['c12', null,
      'strace: Process 9187 attached\n' +
      '22:03:16.501794 restart_syscall(<... resuming interrupted read ...>strace: Process 9187 detached\n' +
      ' <detached ...>\n']]);
    expect(pids(a)).toEqual([9187]);
    expect(a.warnings.map((w) => w.code)).not.toContain('unattributed-lines');
    // An attach line after the first process's own lines is a child's: it names nothing.
    const child = run([['e', null,
      '10:00:00.000000 execve("/bin/app", ["app"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
      'strace: Process 501 attached\n' +
      '[pid   501] 10:00:00.000400 getppid() = 0 <0.000002>\n']]);
    expect(pids(child)).toEqual([0, 501]);
  });

  it('is the first prefixed pid that no clone made', () => {
    const a = run([['e', null,
      '10:00:00.000000 clone(child_stack=NULL, flags=SIGCHLD) = 501 <0.000050>\n' +
      '[pid   501] 10:00:00.000400 getppid() = 500 <0.000002>\n' +
      '[pid   500] 10:00:00.000500 wait4(-1, NULL, 0, NULL) = 501 <0.000100>\n']]);
    expect(pids(a)).toEqual([500, 501]);
    // The child the clone made is not the unnamed process, though it prints first.
    expect(a.tasks.find((t) => t.pid === 500)!.stats.get('clone')).toMatchObject({ count: 1 });
    expect(a.tasks.find((t) => t.pid === 501)!.ppid).toBe(500);
  });

  it('is named by its own call resuming under a prefix, even when the child prints first', () => {
    const a = run([['e', null,
      '10:00:00.000000 getppid() = 1 <0.000002>\n' +
      '10:00:00.000100 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>\n' +
      '[pid   501] 10:00:00.000400 getppid() = 500 <0.000002>\n' +
      '[pid   500] 10:00:00.000500 <... clone resumed>) = 501 <0.000400>\n']]);
    expect(pids(a)).toEqual([500, 501]);
    const parent = a.tasks.find((t) => t.pid === 500)!;
    expect(parent.stats.get('clone')).toMatchObject({ count: 1 });
    expect(parent.unfinished).toBe(0);
    expect(a.tasks.find((t) => t.pid === 501)!.ppid).toBe(500);
  });

  it('stays pid 0, with a warning, when the unprefixed lines come after prefixed ones', () => {
    const a = run([['e', null,
      '[pid   500] 10:00:00.000000 getppid() = 1 <0.000002>\n' +
      '[pid   501] 10:00:00.000100 getppid() = 500 <0.000002>\n' +
      '10:00:00.000200 getpid() = 502 <0.000002>\n' +
      '[pid   503] 10:00:00.000300 getppid() = 1 <0.000002>\n']]);
    expect(pids(a)).toEqual([0, 500, 501, 503]);
    expect(a.warnings.map((w) => w.code)).toContain('unattributed-lines');
  });
});

describe('a task that ends inside a long call', () => {
  it('closes the wait at the call’s own end when no line follows (regression: crashed)', () => {
    const a = run([['t.5', 5, '10:00:00.000000 getpid() = 5 <0.000001>\n10:00:00.100000 read(3, "", 10) = 0 <1.500000>\n']], { top: 50 });
    const w = a.gaps.find((g) => g.kind === 'waiting')!;
    expect(w.seconds).toBeCloseTo(1.5, 9);
    expect(w.after.line).toBe(2);
  });
});

describe('a capture filtered with -e trace=', () => {
  it('is flagged, and a silent gap is not blamed on user code', () => {
    const lines = ['10:00:00.000000 execve("/bin/app", ["app"], 0x7ffc /* 3 vars */) = 0 <0.000100>'];
    for (let i = 1; i <= 24; i++) lines.push(`10:00:00.${String(i * 100).padStart(6, '0')} prctl(PR_SET_NAME, "w${i}") = 0 <0.000002>`);
    lines.push('10:00:05.000000 execve("/bin/next", ["next"], 0x7ffc /* 3 vars */) = 0 <0.000100>');
    const a = run([['t.5', 5, `${lines.join('\n')}\n`]]);
    expect(a.warnings.find((w) => w.code === 'filtered-trace')?.message).toMatch(/^the trace shows only 2 kinds of call \(execve, prctl\) and none that every program makes/);
    const d = a.diagnoses.find((x) => x.id === 'dominant-silent-gap')!;
    expect(d.fix).toMatch(/^the capture recorded only some calls \(strace -e trace=…\)/);
  });

  it('is not flagged for an ordinary trace', () => {
    const a = run([['t.5', 5, '10:00:00.000000 read(3, "", 1) = 0 <0.000001>\n'.repeat(30)]]);
    expect(a.warnings.map((w) => w.code)).not.toContain('filtered-trace');
  });
});
