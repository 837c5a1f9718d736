/**
 * One test per line form. Lines marked "real" are copied from the captures under fixtures/; the
 * others follow strace's documented output (docs/strace-format.md).
 */
import { describe, expect, it } from 'vitest';
import { parseLine, parseText, type ParsedLine } from '@strace-gaps/parser';

const p = (text: string): ParsedLine => parseLine(text, 'f', 7);

function call(text: string) {
  const r = p(text);
  if (r.kind !== 'syscall') throw new Error(`expected a syscall, got ${r.kind}: ${JSON.stringify(r)}`);
  return r;
}

describe('syscall lines', () => {
  it('reads name, args, result and -T duration (real, -ff -tt -T -r)', () => {
    const r = call(
      '11:01:35.383653 (+     0.000023) openat(3, "MY_SERVICE_343_SERVICE_PORT", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_LARGEFILE|O_CLOEXEC, 0666) = 4 <0.000066>',
    );
    expect(r).toMatchObject({
      kind: 'syscall',
      pid: null,
      name: 'openat',
      args: '3, "MY_SERVICE_343_SERVICE_PORT", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_LARGEFILE|O_CLOEXEC, 0666',
      duration: 0.000066,
      relative: 0.000023,
      file: 'f',
      line: 7,
    });
    expect(r.time).toEqual({ sec: 11 * 3600 + 60 + 35, nsec: 383_653_000, digits: 6, clock: 'time-of-day' });
    expect(r.result).toEqual({ raw: '4', value: 4, valueText: '4', errno: null, errnoText: null, aux: null, fdPath: null });
  });

  it('reads a failed call: -1 ENOENT (No such file or directory) (real)', () => {
    const r = call(
      '6728  07:36:17.800042 openat(AT_FDCWD, "/nonexistent/strace-gaps/missing.txt", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000024>',
    );
    expect(r.pid).toBe(6728);
    expect(r.result).toMatchObject({ value: -1, errno: 'ENOENT', errnoText: 'No such file or directory', aux: null });
  });

  it('reads column-padded results: close(987)        = -1 EBADF (real)', () => {
    const r = call('6728  07:36:17.800532 close(987)        = -1 EBADF (Bad file descriptor) <0.000012>');
    expect(r.args).toBe('987');
    expect(r.result?.errno).toBe('EBADF');
  });

  it('reads = ? (the process left inside the call) (real)', () => {
    const r = call('6751  07:36:18.016116 exit_group(0)     = ?');
    expect(r.result).toMatchObject({ value: null, valueText: '?', errno: null });
    expect(r.duration).toBeNull();
  });

  it('reads -T durations in whole seconds, --syscall-times=s (real, strace 6.1)', () => {
    const r = call('21620 22:12:23.422992 brk(NULL)         = 0x559c49544000 <0>');
    expect(r.duration).toBe(0);
    expect(r.result).toMatchObject({ value: 0x559c49544000, aux: null });
    expect(call('1 10:00:00.000001 nanosleep({tv_sec=2, tv_nsec=0}, NULL) = 0 <2>').duration).toBe(2);
    // A dot needs digits on both sides; "<>" and "<.5>" are not durations.
    for (const end of ['<>', '<.5>', '<1.>']) expect(call(`1 10:00:00.000001 getpid() = 1 ${end}`).duration).toBeNull();
  });

  it('reads = ? <unavailable> as a result trailer, not a duration', () => {
    const r = call('1234  10:00:00.000001 read(3,  <unfinished ...>) = ? <unavailable>');
    expect(r.result).toMatchObject({ value: null, aux: '<unavailable>' });
    expect(r.duration).toBeNull();
  });

  it.each([
    ['ERESTARTSYS', 'To be restarted if SA_RESTART is set',
      '07:36:18.783256 (+     0.001270) read(3, 0x7ffc29b55700, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.051804>'],
    ['ERESTARTNOHAND', 'To be restarted if no handler', '07:36:18.070300 pause() = ? ERESTARTNOHAND (To be restarted if no handler) <0.051733>'],
    ['ERESTART_RESTARTBLOCK', 'Interrupted by signal',
      '07:36:18.124885 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0}, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.051467>'],
    ['ERESTARTNOINTR', 'To be restarted', '10:00:00 clone(child_stack=NULL, flags=SIGCHLD) = ? ERESTARTNOINTR (To be restarted)'],
  ])('reads = ? %s', (errno, text, line) => {
    expect(call(line).result).toMatchObject({ value: null, errno, errnoText: text });
  });

  it('reads hex returns and their trailers: 0x8801 (flags …) (real)', () => {
    const r = call('11:01:35.383744 (+     0.000091) fcntl(4, F_GETFL) = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000006>');
    expect(r.result).toMatchObject({ value: 0x8801, valueText: '0x8801', aux: '(flags O_WRONLY|O_NONBLOCK|O_LARGEFILE)' });
  });

  it('reads 64-bit values (real mmap and lseek)', () => {
    expect(call('6728  07:36:17.800200 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fec6f85a000 <0.000015>')
      .result?.value).toBe(0x7fec6f85a000);
    expect(call('6728  07:36:17.800300 lseek(3, 1250999896491, SEEK_SET) = 1250999896491 <0.000010>').result?.value).toBe(1250999896491);
  });

  it('keeps the exact text of returns beyond 2^53', () => {
    const r = call('10:00:00.000001 lseek(3, 0, SEEK_END) = 0xfffffffffffffff0');
    expect(r.result?.valueText).toBe('0xfffffffffffffff0');
  });

  it('reads octal returns (umask)', () => {
    expect(call('10:00:00.000001 umask(077) = 022 <0.000003>').result?.value).toBe(0o22);
  });

  it.each([
    ['(Timeout)', '6728  07:36:17.801000 poll([{fd=3, events=POLLIN}], 1, 10) = 0 (Timeout) <0.010074>'],
    ['([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=999998417})',
      '6728  07:36:17.802000 ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=1, tv_nsec=0}, NULL, 8) = 1 ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=999998417}) <0.000016>'],
    ['(in [3], left {tv_sec=1, tv_nsec=999998828})',
      '6728  07:36:17.803000 pselect6(4, [3], NULL, NULL, {tv_sec=2, tv_nsec=0}, NULL) = 1 (in [3], left {tv_sec=1, tv_nsec=999998828}) <0.000014>'],
  ])('reads the trailer %s', (aux, line) => {
    expect(call(line).result?.aux).toBe(aux);
  });

  it('is not fooled by ") = " and " = " inside a string argument (real)', () => {
    const r = call('6728  07:36:17.799850 write(1, "foo) = 5 bar = baz\\n", 19) = 19 <0.000013>');
    expect(r.args).toBe('1, "foo) = 5 bar = baz\\n", 19');
    expect(r.result?.value).toBe(19);
  });

  it('is not fooled by signal, exit and unfinished markers inside a string (real)', () => {
    const r = call(
      '6728  07:36:17.800000 write(1, "--- SIGFAKE {si_signo=0} ---\\n+++ exited with 9 +++ <unfinished ."..., 68) = 68 <0.000013>',
    );
    expect(r.name).toBe('write');
    expect(r.result?.value).toBe(68);
  });

  it('reads wait4 status expressions with == inside the arguments (real)', () => {
    const r = call('6728  07:36:17.910680 wait4(6741, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 6741 <0.000118>');
    expect(r.args).toBe('6741, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL');
    expect(r.result?.value).toBe(6741);
  });

  it('reads -y/-yy annotations on arguments and on the returned fd (real)', () => {
    const r = call(
      '07:41:33.053909 openat(AT_FDCWD</srv/app>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache> <0.000136>',
    );
    expect(r.result).toMatchObject({ value: 3, valueText: '3', fdPath: '/etc/ld.so.cache' });
    expect(r.duration).toBe(0.000136);
    const s = call('07:41:33.222899 close(9<UNIX-STREAM:[33854->33853]>) = 0 <0.000061>');
    expect(s.args).toBe('9<UNIX-STREAM:[33854->33853]>');
  });

  it('reads a returned socket with a "->" inside its annotation', () => {
    const r = call('10:00:00.000001 accept4(3<TCP:[0.0.0.0:80]>, NULL, NULL, SOCK_CLOEXEC) = 5<TCP:[127.0.0.1:80->127.0.0.1:41234]> <0.000020>');
    expect(r.result?.fdPath).toBe('TCP:[127.0.0.1:80->127.0.0.1:41234]');
  });

  it('reads execve with a /* N vars */ comment (real, from the incident)', () => {
    const r = call(
      '11:01:42.297482 (+     0.000021) execve("/package/admin/s6-2.13.1.0/command/s6-supervise", ["s6-supervise", "s6-linux-init-shutdownd"], 0x7ffe17c54320 /* 1 var */) = 0 <0.000820>',
    );
    expect(r.args.endsWith('0x7ffe17c54320 /* 1 var */')).toBe(true);
    expect(r.duration).toBe(0.00082);
  });

  it('reads restart_syscall with its <... resuming ...> argument', () => {
    const r = call('[pid  7140] 07:36:23.722506 restart_syscall(<... resuming interrupted read ...>) = 0 <0.343107>');
    expect(r).toMatchObject({ pid: 7140, name: 'restart_syscall', args: '<... resuming interrupted read ...>' });
  });

  it('reads a -Y pid annotation on the result (observed 6.1)', () => {
    expect(call('17999<sh> getppid() = 17999<strace>').result).toMatchObject({ value: 17999, fdPath: 'strace' });
  });

  it('reads an injected error: -1 EIO (Input/output error) (INJECTED)', () => {
    expect(call('1 read(3, 0x7ffd, 1) = -1 EIO (Input/output error) (INJECTED) <0.000012>').result).toMatchObject({
      errno: 'EIO', aux: '(INJECTED)',
    });
  });

  it('reads an errno without a name, -1 (errno N), as the ERRNO_N older strace printed (observed 6.1)', () => {
    expect(call('22:07:11.829520 getpid()                = -1 (errno 4000) (INJECTED) <0.000066>').result).toMatchObject({
      value: -1, errno: 'ERRNO_4000', errnoText: null, aux: '(INJECTED)',
    });
    expect(call('1 read(3, 0x7ffd, 1) = -1 (errno 531)').result).toMatchObject({ errno: 'ERRNO_531', aux: null });
    expect(call('1 read(3, 0x7ffd, 1) = -1 ERRNO_531 (Unknown error 531)').result).toMatchObject({ errno: 'ERRNO_531' });
    // Not an errno: a success, or no number.
    expect(call('1 read(3, 0x7ffd, 1) = 0 (errno 5)').result).toMatchObject({ errno: null, aux: '(errno 5)' });
    expect(call('1 read(3, 0x7ffd, 1) = -1 (errno x)').result).toMatchObject({ errno: null, aux: '(errno x)' });
  });

  it('reads unknown syscalls and the ???? name', () => {
    expect(call('10:00:00 syscall_0x1b6(0x1, 0x2) = -1 ENOSYS (Function not implemented)').name).toBe('syscall_0x1b6');
  });
});

describe('unfinished and resumed', () => {
  it('reads <unfinished ...> (real, -f)', () => {
    const r = p('6840  07:36:18.490576 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0} <unfinished ...>');
    expect(r).toMatchObject({ kind: 'unfinished', pid: 6840, name: 'clone3', args: '{flags=CLONE_VM|CLONE_THREAD, exit_signal=0}', stop: 'unfinished' });
  });

  it('reads an unfinished call with no arguments yet: vfork( <unfinished ...>', () => {
    expect(p('6728  07:36:18.600000 vfork( <unfinished ...>')).toMatchObject({ kind: 'unfinished', name: 'vfork', args: '' });
  });

  it('reads <... NAME resumed> without a space (strace ≥ 5) (real)', () => {
    const r = p('14558 07:41:18.855485 <... rt_sigprocmask resumed>NULL, 8) = 0 <0.000102>');
    expect(r).toMatchObject({ kind: 'resumed', pid: 14558, name: 'rt_sigprocmask', args: 'NULL, 8', duration: 0.000102 });
  });

  it('reads <... NAME resumed> with a space (older strace)', () => {
    expect(p('[pid  1234] <... read resumed> "abc", 1024) = 3')).toMatchObject({ kind: 'resumed', name: 'read', args: '"abc", 1024' });
  });

  it('reads a resumed call with empty remaining args (real)', () => {
    expect(p('14559 07:41:18.855537 <... set_robust_list resumed>) = 0 <0.000058>')).toMatchObject({ kind: 'resumed', args: '' });
  });

  it('reads a resumed call that the exit of another thread cut again (real)', () => {
    const r = p('6841  07:36:18.521956 <... read resumed> <unfinished ...>) = ?');
    expect(r).toMatchObject({ kind: 'resumed', name: 'read', args: '<unfinished ...>' });
  });

  it('reads the clone3 "=>" output arguments (real)', () => {
    const r = p('6840  07:36:18.490863 <... clone3 resumed> => {parent_tid=[6841]}, 88) = 6841 <0.000258>');
    expect(r).toMatchObject({ kind: 'resumed', args: '=> {parent_tid=[6841]}, 88' });
  });

  it('reads <detached ...> (real, strace -p interrupted)', () => {
    expect(p('[pid  7232] 07:36:26.033533 wait4(7287,  <detached ...>')).toMatchObject({ kind: 'unfinished', stop: 'detached', args: '7287,' });
  });

  it('reads <pid changed to N ...> (real, a thread exec in -ff)', () => {
    const r = p(
      '07:36:19.536800 (+     0.020228) execve("/bin/echo", ["echo", "exec from non-leader thread"], 0x7ffc29b558d8 /* 3 vars */ <pid changed to 6904 ...>',
    );
    expect(r).toMatchObject({ kind: 'unfinished', stop: 'pid-changed', newPid: 6904, name: 'execve' });
  });
});

describe('signals, exits, messages', () => {
  it('reads --- SIGCHLD {…} --- (real)', () => {
    const r = p('6728  07:36:17.910428 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6741, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---');
    expect(r).toMatchObject({ kind: 'signal', pid: 6728, signal: 'SIGCHLD', stopped: false });
    expect(r.kind === 'signal' && r.info?.startsWith('{si_signo=SIGCHLD')).toBe(true);
  });

  it('reads --- stopped by SIGSTOP --- (real)', () => {
    expect(p('6789  07:36:18.179641 --- stopped by SIGSTOP ---')).toMatchObject({ kind: 'signal', signal: 'SIGSTOP', stopped: true, info: null });
  });

  it.each([
    ['6829  07:36:18.443876 +++ exited with 3 +++', { kind: 'exit', code: 3 }],
    ['6830  07:36:18.475578 +++ killed by SIGKILL +++', { kind: 'killed', signal: 'SIGKILL', coreDumped: false }],
    ['6837  07:36:18.480227 +++ killed by SIGSEGV (core dumped) +++', { kind: 'killed', signal: 'SIGSEGV', coreDumped: true }],
    ['6856  07:36:18.669357 +++ superseded by execve in pid 6858 +++', { kind: 'superseded', execPid: 6858 }],
    ['[pid  1234] +++ superseded by execve +++', { kind: 'superseded', execPid: null, pid: 1234 }],
  ])('reads %s (real)', (line, expected) => {
    expect(p(line)).toMatchObject(expected);
  });

  it.each([
    ['strace: Process 6910 attached', 'attached', 6910],
    ['strace: Process 6932 attached with 3 threads', 'attached', 6932],
    ['strace: Process 7287 detached', 'detached', 7287],
    ['/usr/bin/strace: Process 12 attached', 'attached', 12],
    ['strace: [ Process PID=4242 runs in 32 bit mode. ]', 'other', null],
    ['strace: exec: No such file or directory', 'other', null],
  ])('reads the message %s', (line, message, subject) => {
    expect(p(line)).toMatchObject({ kind: 'strace-message', message, subject });
  });

  it('reads a personality line printed into the trace', () => {
    expect(p('[ Process PID=4242 runs in 32 bit mode. ]')).toMatchObject({ kind: 'strace-message', subject: 4242 });
    expect(p('[ Process PID=? runs in x32 mode. ]')).toMatchObject({ kind: 'strace-message', subject: null });
  });
});

describe('other line forms', () => {
  it('reads -k stack frames, including odd ones (real)', () => {
    expect(p(' > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x26f0) [0x1ab70]')).toMatchObject({
      kind: 'stack-frame', frame: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x26f0) [0x1ab70]', pid: null,
    });
    expect(p(' > unexpected_backtracing_error [0xc00007f3b8]')).toMatchObject({ kind: 'stack-frame' });
    expect(p(' > /() [0x3ff6b1]')).toMatchObject({ kind: 'stack-frame', frame: '/() [0x3ff6b1]' });
  });

  it('reads -e read=/write= hex dump rows', () => {
    expect(p(' | 00000  68 69 0a                                          hi.              |')).toMatchObject({ kind: 'data-dump' });
  });

  it.each([
    '% time     seconds  usecs/call     calls    errors syscall',
    '------ ----------- ----------- --------- --------- ----------------',
    ' 28.57    0.000040          40         1           execve',
    ' 45.00    0.000123          12        10         1 read',
    '100.00    0.000140           5        26         3 total',
    // strace 4.x: the total row has no usecs/call, and no errors when there were none.
    '100.00    0.000123                    27           total',
  ])('reads the -c summary row %s', (line) => {
    expect(p(line)).toMatchObject({ kind: 'summary', row: line });
  });

  // strace 6.1 -c/-C with -U (columns chosen and ordered), real tables: a row is read after its header.
  it.each([
    [
      'syscall              calls    errors % time     seconds  usecs/call shortest  longest',
      '---------------- --------- --------- ------ ----------- ----------- -------- --------',
      'wait4                    5         2  49.39    0.053445       10688 0.000012 0.020739',
      'geteuid                  2             0.03    0.000034          16 0.000016 0.000018',
      '---------------- --------- --------- ------ ----------- ----------- -------- --------',
      'total                  479        83 100.00    0.108216         225 0.000012 0.020739',
    ],
    ['    calls syscall', '--------- ----------------', '        2 wait4', '       38 mmap', '--------- ----------------', '      212 total'],
    ['shortest  longest syscall', '-------- -------- ----------------', '0.000000 0.012270 wait4', '0.000000 0.000000 getegid'],
    ['syscall              calls', '---------------- ---------', 'rt_sigreturn             1', 'total                  212'],
  ])('reads a -U table: %s', (...table) => {
    const text = `1 10:00:00.000001 exit_group(0) = ?\n${table.join('\n')}\n1 10:00:00.000002 +++ exited with 0 +++\n`;
    const got = parseText(text, 'f');
    expect(got.map((r) => r.kind)).toEqual(['syscall', ...table.map(() => 'summary'), 'exit']);
    expect(got.filter((r) => r.kind === 'summary').map((r) => (r as { row: string }).row)).toEqual(table);
  });

  it('reads as a default row, out of context, only decimals, counts and a name that fit its columns', () => {
    for (const line of [' 45.00    0.000123          12        10         1         7 read', ' 45.00    0.000123 read', ' 45.00 12 10 1 read', ' 45.00    0.000123          12        10 read total']) {
      expect(p(line).kind, line).toBe('issue');
    }
  });

  it('reads rows of a -U table only after its header, and no other line as one', () => {
    // Without the header a bare "2 wait4" is not strace output.
    expect(parseText('        2 wait4\n', 'f')[0]).toMatchObject({ kind: 'issue', code: 'unrecognized' });
    // A row must be one name among numbers, as many as the header has columns (errors may be blank).
    const got = parseText('    calls syscall\n        2 wait4\n    2 x 3\nhello world\n        2 wait4\n', 'f');
    expect(got.map((r) => (r.kind === 'issue' ? r.code : r.kind))).toEqual(['summary', 'summary', 'unrecognized', 'unrecognized', 'unrecognized']);
  });
});

describe('prefixes and timestamps', () => {
  const body = 'brk(NULL) = 0x14410000 <0.000019>';
  it.each([
    ['none', body, { pid: null, time: null, relative: null }],
    ['-t', `07:42:06 ${body}`, { time: { sec: 27726, nsec: 0, digits: 0, clock: 'time-of-day' } }],
    ['-tt', `07:42:06.123456 ${body}`, { time: { sec: 27726, nsec: 123_456_000, digits: 6, clock: 'time-of-day' } }],
    ['time,ms', `16342 07:42:14.741 ${body}`, { pid: 16342, time: { sec: 27734, nsec: 741_000_000, digits: 3, clock: 'time-of-day' } }],
    ['time,ns', `07:42:14.741000123 ${body}`, { time: { sec: 27734, nsec: 741_000_123, digits: 9, clock: 'time-of-day' } }],
    ['-ttt', `1795765288.567207 ${body}`, { time: { sec: 1795765288, nsec: 567_207_000, digits: 6, clock: 'epoch' } }],
    ['unix,ns (real)', `1795765288.569073375 ${body}`, { time: { sec: 1795765288, nsec: 569_073_375, digits: 9, clock: 'epoch' } }],
    ['unix,s', `1795765288 ${body}`, { pid: null, time: { sec: 1795765288, nsec: 0, digits: 0, clock: 'epoch' } }],
    ['unix,s with a pid', `4242  1795765288 ${body}`, { pid: 4242, time: { sec: 1795765288, nsec: 0, digits: 0, clock: 'epoch' } }],
    ['-r alone (real)', `     0.001582 ${body}`, { time: null, relative: 0.001582 }],
    ['-r alone with a pid', `4242       0.001582 ${body}`, { pid: 4242, relative: 0.001582 }],
    ['-r alone, ns', `     0.001582123 ${body}`, { relative: 0.001582123 }],
    // strace 6.1, --relative-timestamps=ms and =s, with -f and without (real lines).
    ['relative,ms alone', `     0.002 ${body}`, { pid: null, time: null, relative: 0.002 }],
    ['relative,ms with a pid', `21614      0.000 ${body}`, { pid: 21614, time: null, relative: 0 }],
    ['relative,s alone', `     2 ${body}`, { pid: null, time: null, relative: 2 }],
    ['relative,s with a pid', `21633      0 ${body}`, { pid: 21633, time: null, relative: 0 }],
    ['relative,s with a pid of six digits', `216330      1 ${body}`, { pid: 216330, time: null, relative: 1 }],
    ['a pid alone is not a delta', `21633 ${body}`, { pid: 21633, time: null, relative: null }],
    ['-tt -r', `07:36:18.720511 (+     0.000000) ${body}`, { relative: 0 }],
    ['-ttt -r', `1795765288.567207 (+     1.250000) ${body}`, { relative: 1.25 }],
    ['[pid N]', `[pid  7232] 07:36:26.033492 ${body}`, { pid: 7232 }],
    ['[pid N] with a 7-digit pid', `[pid 1234567] ${body}`, { pid: 1234567 }],
    ['bare pid', `6728  ${body}`, { pid: 6728 }],
    ['-i', `[00007f1c2e0a1b3e] ${body}`, { ip: '00007f1c2e0a1b3e' }],
    ['-n', `[ 12] ${body}`, { syscallNumber: 12 }],
    ['-tt -i -n', `07:42:06.123456 [00007f1c2e0a1b3e] [ 12] ${body}`, { ip: '00007f1c2e0a1b3e', syscallNumber: 12 }],
    ['-i -n unknown', `[????????????????] [???] ${body}`, { ip: '????????????????', syscallNumber: null }],
    ['-n before -i (strace ≥ 5)', `10:00:00.000001 [ 12] [00007f1c2e0a1b3e] ${body}`, { ip: '00007f1c2e0a1b3e', syscallNumber: 12 }],
    ['-Y bare pid', `18077<sh> ${body}`, { pid: 18077 }],
    ['-Y [pid N<comm>]', `[pid 17777<thr>] ${body}`, { pid: 17777 }],
    ['--secontext', `4242  [unconfined_u:unconfined_r:unconfined_t:s0] 10:00:00.000001 ${body}`, { pid: 4242, time: { sec: 36000 } }],
  ])('%s', (_name, line, expected) => {
    const r = call(line);
    expect(r).toMatchObject(expected);
    expect(r.name).toBe('brk');
    expect(r.result?.value).toBe(0x14410000);
  });
});

describe('bad input is data', () => {
  it.each([
    ['', 'blank-line'],
    ['   ', 'blank-line'],
    ['hello world', 'unrecognized'],
    ['11:01:35.098766 (+     0.000026) read(6, "558 557 253:3 / / rw,relatime', 'truncated'],
    ['11:01:35.098766 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) =', 'truncated'],
    ['11:01:35.098766 ', 'truncated'],
    ['+++ exited with', 'truncated'],
    ['--- SIGCHLD {si_signo=SIGCHLD', 'truncated'],
    ['<... read resum', 'truncated'],
    ['+++ something else +++', 'unrecognized'],
  ])('%j → %s', (line, code) => {
    const r = parseLine(line, 'x.log', 3);
    expect(r).toMatchObject({ kind: 'issue', code, file: 'x.log', line: 3, text: line });
  });
});
