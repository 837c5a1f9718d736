/**
 * The parser's fast lane (src/fast-call.ts) takes the common call line (whole, unfinished or
 * resumed) or refuses it; a line it takes must read exactly as the general parser reads it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CallLine, plainCallLine } from '../src/call-line.js';
import { parseLineGeneral } from '../src/parse-line.js';
import { fastLine } from '../src/fast-call.js';
import { ScanState } from '../src/scan-state.js';
import type { ParsedLine } from '../src/types.js';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

const lines = fixtureSets().flatMap((s) => s.files.flatMap((f) => traceBytes(f).toString('utf8').split('\n')));

function plain(r: ParsedLine): ParsedLine {
  return r instanceof CallLine ? plainCallLine(r) : r;
}

/** Does the fast lane refuse the line, or read it as the general parser does? */
function expectSameOrRefused(line: string): boolean {
  const fast = fastLine(new ScanState(), line, 'f', 7);
  if (fast === null) return false;
  expect(fast instanceof CallLine).toBe(fast.kind === 'syscall');
  expect(plain(fast)).toStrictEqual(plain(parseLineGeneral(line, 'f', 7)));
  return true;
}

/** The kinds of line the general parser gives for the lines the fast lane takes. */
const TAKEN_KINDS = ['syscall', 'unfinished', 'resumed'];

describe('fastLine', () => {
  it('reads every fixture line it takes as the general parser does, and takes most call lines', () => {
    const calls = new Map<string, number>();
    const taken = new Map<string, number>();
    for (const line of lines) {
      const kind = parseLineGeneral(line, 'f', 7).kind;
      if (TAKEN_KINDS.includes(kind)) calls.set(kind, (calls.get(kind) ?? 0) + 1);
      if (expectSameOrRefused(line)) taken.set(kind, (taken.get(kind) ?? 0) + 1);
    }
    expect([...taken.keys()].sort()).toStrictEqual([...TAKEN_KINDS].sort());
    for (const kind of TAKEN_KINDS) expect(taken.get(kind)).toBeGreaterThan(0.9 * (calls.get(kind) ?? 0));
  });

  it.each([
    ['-f -o', '22001 07:49:43.409504 brk(NULL)         = 0x557948fd3000 <0.000055>'],
    ['-ff -r', '07:48:51.065918 (+     0.001650) close(3) = 0 <0.000011>'],
    ['stderr', '[pid  4242] 11:01:35.040609 read(3, "abc", 1024) = 3'],
    ['no prefix', 'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)'],
    ['-t', '4242  11:01:35 getpid() = 4242'],
    ['nanosecond times', '11:01:35.040609123 exit_group(0) = ?'],
    ['millisecond times and a delta', '11:01:35.040 (+ 0.000) close(3) = 0'],
    ['-ttt', '1745377295.040609 read(3, "", 1) = 0'],
    ['-f -ttt', '7308  1795764986.430881753 execve("./workload", ["./workload"], 0x7ffc967330b8 /* 3 vars */) = 0 <0.000929>'],
    ['-ttt -r', '1745377295.040609 (+     0.000021) read(3, "", 1) = 0'],
    ['-r alone', '     0.000021 read(3, "", 1) = 0'],
    ['-f -r', '4242       0.000021 read(3, "", 1) = 0'],
    ['--relative-timestamps=ms alone', '     0.002 read(3, "", 1) = 0'],
    ['-f --relative-timestamps=s', '4242      17 read(3, "", 1) = 0'],
    ['unfinished', '4242 11:01:35.040609 read(3,  <unfinished ...>'],
    ['resumed', '4242 11:01:35.040609 <... read resumed>"", 1) = 0 <0.000003>'],
    ['resumed (strace < 5.3)', '[pid 4242] <... read resumed> "", 1) = -1 EINTR (Interrupted system call)'],
    ['result annotations', '7 11:01:35.000001 openat(AT_FDCWD, "/x", O_RDONLY) = 3</x> <0.000001>'],
    // The rarer prefixes: one scanner (prefix.ts) reads them for both lanes.
    ['-Y comm', '[pid 4242<sh>] 11:01:35.040609 read(3, "", 1) = 0'],
    ['-Y bare comm', '18077<sh> 11:01:35.040609 read(3, "", 1) = 0'],
    ['--secontext', '4242 [unconfined_u:unconfined_r:unconfined_t:s0] read(3, "", 1) = 0'],
    ['-i', '11:01:35.040609 [00007f1c2e0a1b3e] read(3, "", 1) = 0'],
    ['-n', '11:01:35.040609 [  0] read(3, "", 1) = 0'],
    ['--timestamps=unix,s', '1745377295 read(3, "", 1) = 0'],
    ['a delta of no fraction', '11:01:35.040609 (+ 5) read(3, "", 1) = 0'],
  ])('takes %s lines', (_form, line) => {
    expect(expectSameOrRefused(line)).toBe(true);
    expect(fastLine(new ScanState(), line, 'f', 7)).not.toBeNull();
  });

  it.each([
    ['pid above PID_MAX', '5000000 11:01:35.040609 read(3, "", 1) = 0'],
    ['a delta after a pid', '4242 (+ 0.000021) read(3, "", 1) = 0'],
    ['a fraction of 4 digits', '11:01:35.0406 read(3, "", 1) = 0'],
    ['an hour of 24', '24:01:35.040609 read(3, "", 1) = 0'],
    ['detached', '4242 11:01:35.040609 read(3,  <detached ...>'],
    ['pid changed', '4242 11:01:35.040609 execve("/bin/true", ["true"], 0x7ffd /* 3 vars */ <pid changed to 4243 ...>'],
    ['resumed without a name', '4242 11:01:35.040609 <...  resumed>"", 1) = 0'],
    ['resumed with a bad name', '4242 11:01:35.040609 <... re-ad resumed>"", 1) = 0'],
    ['resumed without a result', '4242 11:01:35.040609 <... read resumed>"", 1'],
    ['a duration-like end that is not one', '4242 11:01:35.040609 read(3, "", 1) = 0 <1.>'],
    ['exit', '4242 11:01:35.040609 +++ exited with 0 +++'],
    ['signal', '4242 11:01:35.040609 --- SIGCHLD {si_signo=SIGCHLD} ---'],
    ['a cut line', '4242 11:01:35.040609 read(3, "abc'],
    ['a summary row', ' 45.00    0.000123          12        10         1 read'],
    ['a strace message', 'strace: Process 4242 attached'],
    ['a name of 65 characters', `${'a'.repeat(65)}() = 0`],
  ])('leaves %s lines to the general parser', (_form, line) => {
    expect(fastLine(new ScanState(), line, 'f', 7)).toBeNull();
  });

  it('reads mutated prefixes as parseLine does, or leaves them', () => {
    // Indices, not a spread of every line: the fixtures hold more lines than a call's arguments may.
    const calls = lines.filter((l) => fastLine(new ScanState(), l, 'f', 7) !== null);
    const prefixChars = fc.constantFrom(' ', '0', '1', '5', '9', ':', '.', '[', ']', '(', '+', ')', '<', '>', 'p', 'i', 'd', 'a', '_', '?', 'Z', '\t');
    fc.assert(
      fc.property(fc.nat(calls.length - 1).map((k) => calls[k] as string), fc.nat(40), fc.nat(4), fc.string({ maxLength: 4, unit: prefixChars }), (line, at, cut, junk) => {
        const i = Math.min(at, line.length);
        const mutated = line.slice(0, i) + junk + line.slice(Math.min(line.length, i + cut));
        expectSameOrRefused(mutated);
      }),
      { numRuns: 20_000 },
    );
  });

  it('tells names apart whose hashes collide', () => {
    // One reader's table, as a TraceLineParser keeps it across lines.
    const st = new ScanState();
    const nameOf = (line: string) => (fastLine(st, line, 'f', 1) as CallLine).name;
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
