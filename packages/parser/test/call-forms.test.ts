/**
 * The forms of a call line, read in one pass (parse-line.ts's `parseWith`): whole, unfinished and
 * resumed, under every prefix strace prints; the lines that look like one and are not; and the
 * names, found by a hash of their characters, which must be the line's own.
 */
import { describe, expect, it } from 'vitest';
import { parseLine, type ParsedLine } from '@strace-gaps/parser';
import { parseWith } from '../src/parse-line.js';
import { ScanState } from '../src/scan-state.js';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

const CALL_KINDS = ['syscall', 'unfinished', 'resumed'];

describe('call lines', () => {
  it.each([
    ['-f -o', '22001 07:49:43.409504 brk(NULL)         = 0x557948fd3000 <0.000055>', 'brk'],
    ['-ff -r', '07:48:51.065918 (+     0.001650) close(3) = 0 <0.000011>', 'close'],
    ['stderr', '[pid  4242] 11:01:35.040609 read(3, "abc", 1024) = 3', 'read'],
    ['no prefix', 'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)', 'openat'],
    ['-t', '4242  11:01:35 getpid() = 4242', 'getpid'],
    ['nanosecond times', '11:01:35.040609123 exit_group(0) = ?', 'exit_group'],
    ['millisecond times and a delta', '11:01:35.040 (+ 0.000) close(3) = 0', 'close'],
    ['-ttt', '1745377295.040609 read(3, "", 1) = 0', 'read'],
    ['-f -ttt', '7308  1795764986.430881753 execve("./workload", ["./workload"], 0x7ffc967330b8 /* 3 vars */) = 0 <0.000929>', 'execve'],
    ['-ttt -r', '1745377295.040609 (+     0.000021) read(3, "", 1) = 0', 'read'],
    ['-r alone', '     0.000021 read(3, "", 1) = 0', 'read'],
    ['-f -r', '4242       0.000021 read(3, "", 1) = 0', 'read'],
    ['--relative-timestamps=ms alone', '     0.002 read(3, "", 1) = 0', 'read'],
    ['-f --relative-timestamps=s', '4242      17 read(3, "", 1) = 0', 'read'],
    ['unfinished', '4242 11:01:35.040609 read(3,  <unfinished ...>', 'read'],
    ['detached', '4242 11:01:35.040609 read(3,  <detached ...>', 'read'],
    ['pid changed', '4242 11:01:35.040609 execve("/bin/true", ["true"], 0x7ffd /* 3 vars */ <pid changed to 4243 ...>', 'execve'],
    ['resumed', '4242 11:01:35.040609 <... read resumed>"", 1) = 0 <0.000003>', 'read'],
    ['resumed (strace < 5.3)', '[pid 4242] <... read resumed> "", 1) = -1 EINTR (Interrupted system call)', 'read'],
    ['result annotations', '7 11:01:35.000001 openat(AT_FDCWD, "/x", O_RDONLY) = 3</x> <0.000001>', 'openat'],
    ['-Y comm', '[pid 4242<sh>] 11:01:35.040609 read(3, "", 1) = 0', 'read'],
    ['-Y bare comm', '18077<sh> 11:01:35.040609 read(3, "", 1) = 0', 'read'],
    ['--secontext', '4242 [unconfined_u:unconfined_r:unconfined_t:s0] read(3, "", 1) = 0', 'read'],
    ['-i', '11:01:35.040609 [00007f1c2e0a1b3e] read(3, "", 1) = 0', 'read'],
    ['-n', '11:01:35.040609 [  0] read(3, "", 1) = 0', 'read'],
    ['--timestamps=unix,s', '1745377295 read(3, "", 1) = 0', 'read'],
    ['a delta of no fraction', '11:01:35.040609 (+ 5) read(3, "", 1) = 0', 'read'],
    ['a name of 64 characters', `${'a'.repeat(64)}() = 0`, 'a'.repeat(64)],
  ])('reads %s lines as a call', (_form, line, name) => {
    const r = parseLine(line, 'f', 7);
    expect(CALL_KINDS).toContain(r.kind);
    expect(r.kind !== 'issue' && 'name' in r && r.name).toBe(name);
  });

  it.each([
    ['pid above PID_MAX', '5000000 11:01:35.040609 read(3, "", 1) = 0', 'issue'],
    ['a delta after a pid', '4242 (+ 0.000021) read(3, "", 1) = 0', 'issue'],
    ['a fraction of 4 digits', '11:01:35.0406 read(3, "", 1) = 0', 'issue'],
    ['an hour of 24', '24:01:35.040609 read(3, "", 1) = 0', 'issue'],
    ['resumed without a name', '4242 11:01:35.040609 <...  resumed>"", 1) = 0', 'issue'],
    ['resumed with a bad name', '4242 11:01:35.040609 <... re-ad resumed>"", 1) = 0', 'issue'],
    ['resumed without a result', '4242 11:01:35.040609 <... read resumed>"", 1', 'issue'],
    ['a cut line', '4242 11:01:35.040609 read(3, "abc', 'issue'],
    ['a name of 65 characters', `${'a'.repeat(65)}() = 0`, 'issue'],
    ['exit', '4242 11:01:35.040609 +++ exited with 0 +++', 'exit'],
    ['signal', '4242 11:01:35.040609 --- SIGCHLD {si_signo=SIGCHLD} ---', 'signal'],
    ['a summary row', ' 45.00    0.000123          12        10         1 read', 'summary'],
    ['a strace message', 'strace: Process 4242 attached', 'strace-message'],
    ['a strace message named by its path', '/usr/bin/strace: Process 4242 attached', 'strace-message'],
  ])('reads %s lines as what they are, not a call', (_form, line, kind) => {
    expect(parseLine(line, 'f', 7).kind).toBe(kind);
  });

  it('gives every call of the fixtures the name its line shows', () => {
    let calls = 0;
    const st = new ScanState();
    for (const set of fixtureSets()) {
      for (const f of set.files) {
        const lines = traceBytes(f).toString('utf8').split('\n');
        lines.forEach((text, k) => {
          const r: ParsedLine = parseWith(st, text, 'f', k + 1);
          if (r.kind !== 'syscall' && r.kind !== 'unfinished' && r.kind !== 'resumed') return;
          calls++;
          const shown = r.kind === 'resumed' ? `<... ${r.name} resumed>` : `${r.name}(`;
          expect(text.includes(shown), text).toBe(true);
        });
      }
    }
    expect(calls).toBeGreaterThan(10_000);
  });

  it('tells names apart whose hashes collide', () => {
    // One reader's table, as a TraceLineParser keeps it across lines.
    const st = new ScanState();
    const nameOf = (line: string) => {
      const r = parseWith(st, line, 'f', 1);
      return r.kind === 'syscall' ? r.name : null;
    };
    expect(nameOf('read(3, "", 1) = 0')).toBe('read');
    // "Aa" and "BB" have the same 31-hash: the second must not be read as the first.
    expect(nameOf('Aa() = 0')).toBe('Aa');
    expect(nameOf('BB() = 0')).toBe('BB');
    expect(nameOf('Aa() = 0')).toBe('Aa');
    // "readUszfmFY" hashes as "readUszf" does and starts with it.
    expect(nameOf('readUszf() = 0')).toBe('readUszf');
    expect(nameOf('readUszfmFY() = 0')).toBe('readUszfmFY');
  });
});
