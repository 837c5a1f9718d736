import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  childPid, cloneFlags, createsThread, decodeArgs, decodeString, execInfo, fdArgs, parseLine, pathArgs, prctlName, resultPid,
  parseText, splitTopLevel, type SyscallLineEvent,
} from '@strace-gaps/parser';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

function call(line: string): SyscallLineEvent {
  const r = parseLine(line, 'f', 1);
  if (r.kind !== 'syscall') throw new Error(r.kind);
  return r;
}

describe('strings', () => {
  it('decodes escapes: \\" \\n \\t \\\\ octal and \\x', () => {
    expect(decodeString('"a\\"b\\n\\tc\\\\"')).toEqual({ value: 'a"b\n\tc\\', truncated: false });
    expect(decodeString('"h\\303\\251llo"')).toEqual({ value: 'héllo', truncated: false });
    expect(decodeString('"\\x68\\x69"')).toEqual({ value: 'hi', truncated: false });
    expect(decodeString('"\\0\\1\\33"').value).toBe('\u0000\u0001\u001b');
  });

  it('marks strings cut by -s: "…"...', () => {
    expect(decodeString('"/tmp/s6-capture.kc5aHF/runc-stat"...')).toEqual({ value: '/tmp/s6-capture.kc5aHF/runc-stat', truncated: true });
  });
});

describe('argument lists', () => {
  it('splits at top-level commas only', () => {
    expect(splitTopLevel('3, "a, b", [1, 2], {x=1, y={z=2}}, f(1, 2) /* c, d */')).toEqual([
      '3', '"a, b"', '[1, 2]', '{x=1, y={z=2}}', 'f(1, 2) /* c, d */',
    ]);
  });

  it('decodes arrays, structs, flags, numbers, fds and comments', () => {
    const a = decodeArgs('AT_FDCWD, "/x", O_RDONLY|O_CLOEXEC, 0666, [{fd=5, revents=POLLIN}], 0x7ffe /* 1 var */, 3</run/s6>, -1');
    expect(a.map((x) => x.value.type)).toEqual(['flags', 'string', 'flags', 'number', 'array', 'number', 'fd', 'number']);
    expect(a[3]?.value).toMatchObject({ value: 0o666 });
    expect(a[5]).toMatchObject({ comment: '1 var', value: { value: 0x7ffe } });
    expect(a[6]?.value).toMatchObject({ fd: 3, path: '/run/s6' });
    const arr = a[4]?.value;
    expect(arr?.type === 'array' && arr.items[0]?.type === 'struct' && arr.items[0].fields.map((f) => f.name)).toEqual(['fd', 'revents']);
  });

  it('decodes a wait4 status expression as a struct with an unnamed item', () => {
    const [, st] = decodeArgs('6741, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL');
    expect(st?.value.type === 'array' && st.value.items[0]).toMatchObject({ type: 'struct', fields: [{ name: null }] });
  });
});

describe('the first arguments only', () => {
  it('decodeArgs(args, n) is the first n of decodeArgs(args), on every call line of every fixture', () => {
    let lists = 0;
    // Compared line by line and reported together: an expect per line took most of the test's time.
    const differ: string[] = [];
    for (const set of fixtureSets()) {
      for (const f of set.files) {
        for (const r of parseText(traceBytes(f).toString('utf8'), f)) {
          if (r.kind !== 'syscall' && r.kind !== 'unfinished' && r.kind !== 'resumed') continue;
          const all = decodeArgs(r.args);
          for (const n of [1, 2, 3]) if (!isDeepStrictEqual(decodeArgs(r.args, n), all.slice(0, n))) differ.push(`${f}:${r.line} first ${n}`);
          if (!isDeepStrictEqual(splitTopLevel(r.args, ',', 2), splitTopLevel(r.args).slice(0, 2))) differ.push(`${f}:${r.line} split`);
          lists++;
        }
      }
    }
    expect(differ.slice(0, 20)).toEqual([]);
    expect(lists).toBeGreaterThan(10_000);
  });
});

describe('call helpers', () => {
  it('reads execve path, argv and env count (real, incident)', () => {
    const c = call(
      '11:01:42.295069 (+     0.000020) execve("/package/admin/s6/command/s6-svscan", ["/package/admin/s6/command/s6-svscan", "-d4", "--", "/run/service"], 0x7ffc2b662c40 /* 1 var */) = 0 <0.000840>',
    );
    expect(execInfo(c)).toEqual({
      path: '/package/admin/s6/command/s6-svscan',
      argv: ['/package/admin/s6/command/s6-svscan', '-d4', '--', '/run/service'],
      argvTruncated: false,
      cutArgs: [],
      moreArgs: false,
      envCount: 1,
    });
    expect(pathArgs(c)).toEqual(['/package/admin/s6/command/s6-svscan']);
  });

  it('flags a truncated argv', () => {
    const c = call('07:42:06 execve("/usr/sbin/runc", ["/usr/sbin/runc", "--root", "/tmp/s6-capture.kc5aHF/runc-stat"..., ...], 0x7ffc /* 5 vars */) = 0');
    expect(execInfo(c)).toMatchObject({ argvTruncated: true, cutArgs: [2], moreArgs: true, envCount: 5 });
    // A string cut with the list whole (real, strace 6.1 -f -tt -T, -s 32).
    const cut = call('6753  22:04:10.114520 execve("/usr/bin/bash", ["bash", "/root/.pyenv/libexec/pyenv-versi"..., "-f"], 0x55d5 /* 39 vars */) = 0 <0.000420>');
    expect(execInfo(cut)).toMatchObject({ argv: ['bash', '/root/.pyenv/libexec/pyenv-versi', '-f'], argvTruncated: true, cutArgs: [1], moreArgs: false });
  });

  it('reads prctl(PR_SET_NAME) names (real, incident)', () => {
    expect(prctlName(call('11:01:35.040609 (+     0.000009) prctl(PR_SET_NAME, "runc:[2:INIT]") = 0 <0.000006>'))).toBe('runc:[2:INIT]');
    expect(prctlName(call('10:00:00 prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0'))).toBeNull();
  });

  it('reads the pid strace sees from a --pidns-translation comment (real, strace 6.1)', () => {
    const clone = call("7481  22:44:39.425757 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f40d7348a10) = 2 /* 7482 in strace's PID NS */ <0.000324>");
    expect(childPid(clone)).toBe(7482);
    expect(resultPid(call("7481  22:44:39.420311 getpid()          = 1 /* 7481 in strace's PID NS */ <0.000019>").result)).toBe(7481);
    // Without the comment, the value; not a pid, null.
    expect(resultPid(call('10 getpid() = 10').result)).toBe(10);
    expect(resultPid(call('10 clone(child_stack=NULL) = -1 EAGAIN (Resource temporarily unavailable)').result)).toBeNull();
    expect(resultPid(call('10 getpid() = 2 /* some other comment */').result)).toBe(2);
  });

  it('reads the child of clone/clone3/fork/vfork and whether it is a thread', () => {
    const proc = call('6728  07:36:19.618289 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f50dc9c0a10) = 6910 <0.000559>');
    expect(childPid(proc)).toBe(6910);
    expect(createsThread(proc)).toBe(false);
    const thread = call('6840  07:36:18.490576 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0, stack=0x7fec6f159000}, 88) = 6841');
    expect(childPid(thread)).toBe(6841);
    expect(cloneFlags(thread)).toContain('CLONE_THREAD');
    expect(createsThread(thread)).toBe(true);
    expect(childPid(call('1 vfork() = 6849'))).toBe(6849);
    expect(childPid(call('1 fork() = -1 EAGAIN (Resource temporarily unavailable)'))).toBeNull();
    expect(childPid(call('1 getpid() = 5'))).toBeNull();
  });

  it('reads path arguments of rename and openat (real, incident)', () => {
    expect(pathArgs(call('11:01:42.294484 rename("/run/s6/container_environment:envdump:kKJJPk", "/run/s6/container_environment") = 0')))
      .toEqual(['/run/s6/container_environment:envdump:kKJJPk', '/run/s6/container_environment']);
    expect(pathArgs(call('11:01:35.383653 openat(3, "MY_SERVICE_343_SERVICE_PORT", O_WRONLY|O_CREAT, 0666) = 4'))).toEqual(['MY_SERVICE_343_SERVICE_PORT']);
  });

  it('reads -yy fd annotations among arguments', () => {
    expect(fdArgs(call('07:41:33.222899 close(9<UNIX-STREAM:[33854->33853]>) = 0 <0.000061>'))).toEqual([{ fd: 9, path: 'UNIX-STREAM:[33854->33853]' }]);
  });
});
