/** What `record` decides before it runs anything: strace's command line, names, versions, and why ptrace failed. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCaptureName, findExecutable, parseStraceVersion, straceArgv } from '../src/record/plan.js';
import { ptraceAdvice, type PtraceFacts } from '../src/record/ptrace.js';
import { timeOfDay } from '../src/record/command.js';
import { findCapture } from '../src/capture-file.js';
import { findTracer } from '../src/record/recorder.js';
import type { ProcessTable } from '../src/record/procfs.js';

const base = { prefixPath: '/srv/cap/trace', strings: 4096, syscalls: null, stack: false, followThreads: true } as const;

describe('straceArgv', () => {
  it('runs a command under -D with -I2, so stopping strace detaches instead of killing the command', () => {
    expect(straceArgv({ ...base, target: { command: ['sh', '-c', 'exit 3'] } })).toEqual([
      '-D', '-I2', '-q', '-ff', '-tt', '-T', '-s', '4096', '-o', '/srv/cap/trace', '--', 'sh', '-c', 'exit 3',
    ]);
  });

  it('attaches with -p and no -D', () => {
    expect(straceArgv({ ...base, target: { pid: 4242 } })).toEqual(['-q', '-ff', '-tt', '-T', '-s', '4096', '-o', '/srv/cap/trace', '-p', '4242']);
  });

  it('maps --strings, --syscalls, --stack and --no-follow-threads to -s, -e trace=, -k and no -f', () => {
    const argv = straceArgv({ ...base, strings: 64, syscalls: '%process,openat', stack: true, followThreads: false, target: { command: ['true'] } });
    expect(argv).toEqual(['-D', '-I2', '-q', '-tt', '-T', '-s', '64', '-e', 'trace=%process,openat', '-k', '-o', '/srv/cap/trace', '--', 'true']);
  });
});

describe('names and versions', () => {
  it('names a capture directory by the local date and time', () => {
    expect(defaultCaptureName(new Date(2026, 0, 2, 3, 4, 5))).toBe('strace-gaps-20260102-030405');
  });

  it('prints a time as strace -tt does', () => {
    expect(timeOfDay(new Date(2026, 0, 2, 3, 4, 5, 67))).toBe('03:04:05.067000');
  });

  it('reads strace -V of 6.x and of an old 4.x without optional features', () => {
    expect(
      parseStraceVersion(
        'strace -- version 6.1\nCopyright (c) 1991-2022 The strace developers <https://strace.io>.\n\nOptional features enabled: stack-trace=libunwind stack-demangle m32-mpers mx32-mpers\n',
      ),
    ).toEqual({ version: '6.1', stack: true });
    expect(parseStraceVersion('strace -- version 4.26\n')).toEqual({ version: '4.26', stack: false });
    expect(parseStraceVersion('strace -- version 5.10\nOptional features enabled: m32-mpers mx32-mpers\n')).toEqual({ version: '5.10', stack: false });
    expect(parseStraceVersion('something else\n')).toEqual({ version: null, stack: false });
  });

  it('finds a command as execvp would: a path as given, else the first executable on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-plan-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a', 'tool'), '');
    chmodSync(join(dir, 'a', 'tool'), 0o644);
    writeFileSync(join(dir, 'b', 'tool'), '#!/bin/sh\n');
    chmodSync(join(dir, 'b', 'tool'), 0o755);
    const path = `${join(dir, 'a')}:${join(dir, 'b')}`;
    expect(findExecutable('tool', path, dir)).toBe(join(dir, 'b', 'tool'));
    expect(findExecutable('./b/tool', path, dir)).toBe(join(dir, 'b', 'tool'));
    expect(findExecutable('./a/tool', path, dir)).toBeNull();
    expect(findExecutable('b', path, dir)).toBeNull();
    expect(findExecutable('nothing', path, dir)).toBeNull();
  });
});

describe('ptraceAdvice', () => {
  const user: PtraceFacts = { yamaScope: 1, uid: 1000, capSysPtrace: false, attach: null };
  const advice = (f: Partial<PtraceFacts>) => ptraceAdvice({ ...user, ...f }).why;

  it('names the cause: Yama 3, Yama 2, root without the capability, another user\'s process, Yama 1 on attach', () => {
    expect(advice({ yamaScope: 3, uid: 0, capSysPtrace: true })).toMatch(/switched off .*ptrace_scope is 3/);
    expect(advice({ yamaScope: 2 })).toMatch(/ptrace_scope is 2: only a process with CAP_SYS_PTRACE/);
    expect(advice({ yamaScope: 2, uid: 0, capSysPtrace: true })).toMatch(/security policy/);
    expect(advice({ yamaScope: null, uid: 0 })).toMatch(/root but without CAP_SYS_PTRACE/);
    expect(advice({ attach: { pid: 7, uid: 0 } })).toBe('pid 7 belongs to uid 0, and this runs as uid 1000');
    expect(advice({ attach: { pid: 7, uid: 1000 } })).toMatch(/ptrace_scope is 1: a process may trace only its own descendants/);
    expect(advice({ yamaScope: 0, attach: { pid: 7, uid: 1000 } })).toMatch(/security policy/);
    // Starting a command: Yama 1 allows tracing one's own child.
    expect(advice({})).toMatch(/security policy/);
  });

  it('says what to do for each', () => {
    expect(ptraceAdvice({ ...user, yamaScope: null, uid: 0 }).fix).toContain('--cap-add=SYS_PTRACE');
    expect(ptraceAdvice({ ...user, attach: { pid: 7, uid: 1000 } }).fix).toContain('sysctl kernel.yama.ptrace_scope=0');
  });
});

describe('findCapture', () => {
  const manifest = {
    format: 'strace-gaps-capture',
    version: 1,
    recorder: 'strace-gaps 0.1.0',
    strace: { path: '/usr/bin/strace', version: '6.1', argv: ['/usr/bin/strace'] },
    traced: { command: ['true'] },
    prefix: 'trace',
    host: 'box',
    kernel: 'Linux 6.1.0',
    started: '2026-12-07T07:00:00.000Z',
    ended: null,
    options: { strings: 4096, syscalls: null, stack: false, followThreads: true },
    end: null,
  };
  const dir = mkdtempSync(join(tmpdir(), 'sg-capture-'));
  mkdirSync(join(dir, 'cap'));
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'cap', 'capture.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'cap', 'trace.1'), '');
  writeFileSync(join(dir, 'other', 'trace.2'), '');
  const file = (path: string) => ({ kind: 'file', path }) as const;

  it('finds the manifest next to the files, and never hands it on as a trace', () => {
    const found = findCapture([file('cap/capture.json'), file('cap/trace.1')], dir);
    expect(found.inputs).toEqual([file('cap/trace.1')]);
    expect(found.manifest?.traced).toEqual({ command: ['true'] });
  });

  it('has none for files of several directories, for stdin, or for a directory without one', () => {
    expect(findCapture([file('cap/trace.1'), file('other/trace.2')], dir).manifest).toBeNull();
    expect(findCapture([file('cap/trace.1'), { kind: 'stdin', path: '-' }], dir).manifest).toBeNull();
    expect(findCapture([file('other/trace.2')], dir)).toEqual({ inputs: [file('other/trace.2')], manifest: null, problem: null });
  });

  it('says why a manifest it finds cannot be used', () => {
    writeFileSync(join(dir, 'other', 'capture.json'), '{"format":"strace-gaps-capture","version":2}');
    expect(findCapture([file('other/trace.2')], dir).problem).toEqual({ file: 'other/capture.json', why: 'manifest version 2, this strace-gaps reads version 1' });
  });
});

describe("findTracer: strace -D's tracer, not the process that waits for it", () => {
  // strace (pid 100) forks 101, which pauses with strace's command line until its child 102 has
  // attached to 100 and killed it; then 100 execs the command. On a busy machine a poll can land
  // anywhere in that sequence.
  const key = '/usr/bin/strace\0-D\0-ff\0--\0sh\0';
  const table = (procs: { pid: number; ppid: number; cmdline?: string; alive?: boolean; tracer?: number }[]): ProcessTable => ({
    tracerOf: (pid) => procs.find((p) => p.pid === pid)?.tracer ?? null,
    alive: (pid) => procs.find((p) => p.pid === pid)?.alive ?? false,
    list: () => procs.map((p) => ({ pid: p.pid, ppid: p.ppid, cmdline: p.cmdline ?? '' })),
  });

  it('has none before the attach, though the middle process and the tracer show strace\'s command line', () => {
    const procs = table([
      { pid: 100, ppid: 1, cmdline: key, alive: true },
      { pid: 101, ppid: 100, cmdline: key, alive: true },
      { pid: 102, ppid: 101, cmdline: key, alive: true },
    ]);
    expect(findTracer(100, key, procs)).toBeNull();
  });

  it('reads the tracer from the command once attached', () => {
    expect(findTracer(100, key, table([{ pid: 100, ppid: 1, cmdline: 'sh\0', alive: true, tracer: 102 }]))).toBe(102);
  });

  it('finds the tracer by its command line when the command ended within one poll, never the middle process', () => {
    const procs = table([
      { pid: 101, ppid: 100, cmdline: key, alive: true },
      { pid: 102, ppid: 1, cmdline: key, alive: true },
    ]);
    expect(findTracer(100, key, procs)).toBe(102);
    expect(findTracer(100, key, table([{ pid: 102, ppid: 1, cmdline: key, alive: false }]))).toBeNull();
  });

  it('reads the real /proc', () => {
    expect(findTracer(process.pid, key)).toBeNull();
  });
});
