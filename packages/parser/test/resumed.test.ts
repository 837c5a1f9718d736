import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CallLine, Joiner, joinAll, parseText, type SyscallEvent } from '@strace-gaps/parser';

function join(text: string, defaultPid: number | null = null) {
  return joinAll(parseText(text), defaultPid);
}
const calls = (events: ReturnType<typeof join>['events']) => events.filter((e): e is SyscallEvent => e.kind === 'syscall');

describe('joining unfinished and resumed halves', () => {
  it('a one-line call ends its own pid\'s call in progress as never resumed, not another pid\'s', () => {
    const [a, b, c, d] = parseText(
      [
        '10 10:00:00.000001 read(3,  <unfinished ...>',
        '11 10:00:00.000002 getpid() = 11 <0.000001>',
        '10 10:00:00.000003 getpid() = 10 <0.000001>',
        '11 10:00:00.000004 getppid() = 1 <0.000001>',
      ].join('\n'),
    );
    const j = new Joiner();
    expect(j.push(a!)).toEqual([]);
    expect(b).toBeInstanceOf(CallLine);
    // The usual case in a threaded log: another thread's call is in progress; the call is returned alone.
    expect(j.pushCall(b as CallLine)).toBe(b);
    const ended = j.pushCall(c as CallLine) as SyscallEvent[];
    expect(ended.map((e) => [e.pid, e.name, e.form])).toEqual([
      [10, 'read', 'never-resumed'],
      [10, 'getpid', 'line'],
    ]);
    expect(j.inProgress).toBe(0);
    expect(j.pushCall(d as CallLine)).toBe(d);
  });

  it('joins halves across other pids (real lines, -f)', () => {
    const { events, issues } = join(
      [
        '6840  07:36:18.490576 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0} <unfinished ...>',
        '6841  07:36:18.490700 set_robust_list(0x7fec6f9599a0, 24) = 0 <0.000010>',
        '6840  07:36:18.490863 <... clone3 resumed> => {parent_tid=[6841]}, 88) = 6841 <0.000258>',
      ].join('\n'),
    );
    expect(issues).toEqual([]);
    const c = calls(events);
    expect(c.map((e) => [e.pid, e.name, e.form])).toEqual([
      [6841, 'set_robust_list', 'line'],
      [6840, 'clone3', 'joined'],
    ]);
    const clone = c[1] as SyscallEvent;
    expect(clone.args).toBe('{flags=CLONE_VM|CLONE_THREAD, exit_signal=0} => {parent_tid=[6841]}, 88');
    expect(clone.result?.value).toBe(6841);
    expect(clone).toMatchObject({ line: 1, endLine: 3, duration: 0.000258 });
    // start is the unfinished line's time; end is start + -T.
    expect(clone.start).toMatchObject({ sec: 7 * 3600 + 36 * 60 + 18, nsec: 490_576_000 });
    expect(clone.end).toMatchObject({ nsec: 490_834_000 });
  });

  it('joins "read(3, " with its resumed args into one argument list', () => {
    const { events } = join(['1  10:00:00.000001 read(3,  <unfinished ...>', '1  10:00:00.000101 <... read resumed>"abc", 1024) = 3'].join('\n'));
    expect(calls(events)[0]).toMatchObject({ args: '3, "abc", 1024', form: 'joined' });
    // Without -T the end is the resumed line's time.
    expect(calls(events)[0]?.end).toMatchObject({ nsec: 101_000 });
  });

  it('keeps and flags a resumed half with no unfinished partner', () => {
    const { events } = join('7  10:00:00.500000 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 8 <0.250000>');
    expect(calls(events)[0]).toMatchObject({ form: 'resumed-only', pid: 7, name: 'wait4', start: { nsec: 250_000_000 }, end: { nsec: 500_000_000 } });
  });

  it('keeps and flags an unfinished call never resumed (the process was killed)', () => {
    const { events } = join(['5  10:00:00.000001 pause( <unfinished ...>', '5  10:00:01.000000 +++ killed by SIGKILL +++'].join('\n'));
    expect(events.map((e) => e.kind)).toEqual(['syscall', 'killed']);
    expect(calls(events)[0]).toMatchObject({ form: 'never-resumed', stop: 'unfinished', name: 'pause', result: null, end: null });
  });

  it('flushes calls still pending at the end of the input', () => {
    const { events } = join('5  10:00:00.000001 futex(0x1, FUTEX_WAIT, 0, NULL <unfinished ...>');
    expect(calls(events)[0]).toMatchObject({ form: 'never-resumed', pid: 5 });
  });

  it('flags a detached call', () => {
    const { events } = join('[pid  7232] 07:36:26.033533 wait4(7287,  <detached ...>');
    expect(calls(events)[0]).toMatchObject({ form: 'never-resumed', stop: 'detached' });
  });

  it('moves a thread\'s execve to the leader that it supersedes (real, -f)', () => {
    const { events } = join(
      [
        '6858  07:36:18.666302 execve("/bin/echo", ["echo"], 0x7ffd2f313918 /* 3 vars */ <unfinished ...>',
        '6856  07:36:18.668149 <... futex resumed>) = ?',
        '6856  07:36:18.669357 +++ superseded by execve in pid 6858 +++',
        '6856  07:36:18.669564 <... execve resumed>) = 0 <0.001847>',
      ].join('\n'),
    );
    const c = calls(events);
    expect(c.map((e) => [e.pid, e.name, e.form])).toEqual([
      [6856, 'futex', 'resumed-only'],
      [6856, 'execve', 'joined'],
    ]);
    expect(c[1]).toMatchObject({ line: 1, endLine: 4, result: { value: 0 } });
  });

  it('gives unprefixed lines of a -ff file the pid from its name', () => {
    const { events } = join('10:00:00.000001 getpid() = 42\n10:00:00.000002 +++ exited with 0 +++', 42);
    expect(events.map((e) => e.pid)).toEqual([42, 42]);
  });

  it('accounts for every line: joined events + issues cover all lines', () => {
    const text = ['1 read(3,  <unfinished ...>', 'garbage', '', '1 <... read resumed>"", 1) = 0'].join('\n');
    const parsed = parseText(text);
    expect(parsed).toHaveLength(4);
    const { events, issues } = joinAll(parsed);
    expect(issues.map((i) => i.code)).toEqual(['unrecognized', 'blank-line']);
    expect(calls(events)).toHaveLength(1);
  });
});

describe('pids of unprefixed lines in a -f log on stderr', () => {
  it('gives them to the only live process once prefixes have been seen (real shape)', () => {
    const { events } = join(
      [
        '07:36:20.317000 clone(child_stack=NULL, flags=SIGCHLD) = 6930',
        '[pid  6909] 07:36:20.317817 wait4(6930,  <unfinished ...>',
        '[pid  6930] 07:36:20.318000 exit_group(0) = ?',
        '[pid  6930] 07:36:20.318100 +++ exited with 0 +++',
        '07:36:20.318200 <... wait4 resumed>NULL, 0, NULL) = 6930 <0.000383>',
        '07:36:20.318300 --- SIGCHLD {si_signo=SIGCHLD} ---',
      ].join('\n'),
    );
    expect(events.map((e) => [e.kind, e.pid])).toEqual([
      ['syscall', null],
      ['syscall', 6930],
      ['exit', 6930],
      ['syscall', 6909],
      ['signal', 6909],
    ]);
    expect(calls(events)[2]).toMatchObject({ name: 'wait4', form: 'joined', args: '6930, NULL, 0, NULL' });
  });

  it('gives -k stack frames the pid of the call before them', () => {
    const { events } = join(['4242  10:00:00.000001 getpid() = 4242', ' > /lib/libc.so.6(getpid+0x7) [0xe7]'].join('\n'));
    expect(events.map((e) => e.pid)).toEqual([4242, 4242]);
  });
});

describe('-z/-Z/--status output', () => {
  it('reads a bare continuation line after an unfinished call as its resumed half (observed 6.1)', () => {
    const parsed = parseText(
      [
        '24623 07:54:24.056186 newfstatat(AT_FDCWD, "/root/.pyenv/shims/sleep",  <unfinished ...>',
        '0x7ffc6c428820, 0)                      = -1 ENOENT (No such file or directory)',
        '24316 rt_sigaction(SIGQUIT, {sa_handler=SIG_DFL, sa_mask=[]},  <unfinished ...>',
        '{sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER}, 8) = 0',
      ].join('\n'),
    );
    expect(parsed.map((p) => p.kind)).toEqual(['unfinished', 'resumed', 'unfinished', 'resumed']);
    const { events } = joinAll(parsed);
    expect(calls(events).map((c) => [c.pid, c.name, c.form, c.result?.errno ?? null])).toEqual([
      [24623, 'newfstatat', 'joined', 'ENOENT'],
      [24316, 'rt_sigaction', 'joined', null],
    ]);
    expect(calls(events)[0]?.args).toBe('AT_FDCWD, "/root/.pyenv/shims/sleep", 0x7ffc6c428820, 0');
  });

  it('does not read garbage after an unfinished call as a resumed half', () => {
    const parsed = parseText(['1 read(3,  <unfinished ...>', 'hello world'].join('\n'));
    expect(parsed.map((p) => p.kind)).toEqual(['unfinished', 'issue']);
  });
});

describe('calls in progress as processes come and go (-f)', () => {
  it('joins the halves of a new process that reuses an ended pid', () => {
    const { events } = join(
      [
        '7  10:00:00.000001 wait4(-1,  <unfinished ...>',
        '7  10:00:00.000002 +++ killed by SIGKILL +++',
        '8  10:00:00.000003 read(0,  <unfinished ...>',
        '7  10:00:00.000004 execve("/bin/true", ["true"], 0x1 /* 1 var */) = 0',
        '7  10:00:00.000005 read(3,  <unfinished ...>',
        '8  10:00:00.000006 <... read resumed>"", 1) = 0',
        '7  10:00:00.000007 <... read resumed>"x", 1) = 1',
      ].join('\n'),
    );
    expect(calls(events).map((e) => [e.pid, e.name, e.form, e.line])).toEqual([
      [7, 'wait4', 'never-resumed', 1],
      [7, 'execve', 'line', 4],
      [8, 'read', 'joined', 3],
      [7, 'read', 'joined', 5],
    ]);
  });

  it('emits every unfinished half exactly once, paired only with its own pid and name (random -f streams)', () => {
    const NAMES = ['read', 'wait4', 'poll'];
    const step = fc.record({
      pid: fc.integer({ min: 1, max: 4 }),
      what: fc.constantFrom('unfinished', 'resumed', 'line', 'exit'),
      name: fc.constantFrom(...NAMES),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const lines = steps.map(({ pid, what, name }, i) => {
          const t = `10:00:00.${String(i + 1).padStart(6, '0')}`;
          if (what === 'unfinished') return `${pid}  ${t} ${name}(3,  <unfinished ...>`;
          if (what === 'resumed') return `${pid}  ${t} <... ${name} resumed>) = 0`;
          if (what === 'exit') return `${pid}  ${t} +++ exited with 0 +++`;
          return `${pid}  ${t} ${name}(4) = 0`;
        });
        const { events, issues } = join(lines.join('\n'));
        expect(issues).toEqual([]);
        // The model: one call in progress per pid, ended by another call of that pid or its exit.
        const open = new Map<number, number>();
        const expected: [number, string, string, number, number][] = [];
        const end = (pid: number) => {
          const at = open.get(pid);
          if (at === undefined) return;
          open.delete(pid);
          expected.push([pid, steps[at]!.name, 'never-resumed', at + 1, at + 1]);
        };
        steps.forEach(({ pid, what, name }, i) => {
          const at = open.get(pid);
          if (what === 'resumed' && at !== undefined && steps[at]!.name === name) {
            open.delete(pid);
            expected.push([pid, name, 'joined', at + 1, i + 1]);
            return;
          }
          end(pid);
          if (what === 'unfinished') open.set(pid, i);
          else if (what === 'resumed') expected.push([pid, name, 'resumed-only', i + 1, i + 1]);
          else if (what === 'line') expected.push([pid, name, 'line', i + 1, i + 1]);
        });
        [...open].sort((a, b) => a[1] - b[1]).forEach(([pid]) => end(pid));
        expect(calls(events).map((e) => [e.pid, e.name, e.form, e.line, e.endLine])).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
