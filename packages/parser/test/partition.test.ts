/**
 * Parsing one file in pid shares (partition.ts): the byte scan of a line's pid must read what the
 * parser reads, and the shares together must give exactly the results of parsing the whole file,
 * each line in one share, or refuse (a `ParserError` coded `unpartitionable`) where a line another share reads
 * would finish a call.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TraceLineParser, isParserError, parseText, scanPrefix, type ParsedLine } from '@strace-gaps/parser';
import { bytePid, partitionOf } from '@strace-gaps/parser/internal';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

const files = fixtureSets().flatMap((s) => s.files.map((f) => ({ name: `${s.name}/${basename(f)}`, bytes: traceBytes(f) })));

function pidOfBytes(line: string): number | null {
  const b = Buffer.from(line, 'utf8');
  const pid = bytePid(b, 0, b.length);
  return pid < 0 ? null : pid;
}

describe('bytePid', () => {
  it('reads the pid scanPrefix reads, on every line of every fixture', () => {
    let lines = 0;
    for (const f of files) {
      for (const line of f.bytes.toString('utf8').split('\n')) {
        expect(pidOfBytes(line), `${f.name}: ${line.slice(0, 80)}`).toBe(scanPrefix(line).pid);
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(10_000);
  });

  it('agrees with scanPrefix on generated prefixes', () => {
    const prefix = fc.oneof(
      fc.nat({ max: 9_999_999 }).map((n) => `[pid ${String(n).padStart(5)}] `),
      fc.nat({ max: 9_999_999 }).map((n) => `${n} `),
      fc.nat({ max: 9_999_999 }).map((n) => `${String(n).padEnd(5)} `),
      fc.tuple(fc.nat({ max: 99_999 }), fc.string({ maxLength: 70 })).map(([n, c]) => `${n}<${c}> `),
      fc.tuple(fc.nat({ max: 99_999 }), fc.string({ maxLength: 20 })).map(([n, c]) => `[pid ${n}<${c}>] `),
      fc.nat({ max: 2_000_000_000 }).map((n) => `${n} (+     0.000021) `),
      fc.nat({ max: 2_000_000_000 }).map((n) => `${n}.123456 `),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(prefix, fc.constantFrom('close(3) = 0', '10:00:00.000001 close(3) = 0', '(+ 1) x', '', ' +++ exited with 0 +++'), (p, rest) => {
        const line = p + rest;
        expect(pidOfBytes(line)).toBe(scanPrefix(line).pid);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('shares of a file', () => {
  it('spread pids over every share', () => {
    for (const count of [2, 3, 4]) {
      const seen = new Set<number>();
      for (let pid = 1000; pid < 1100; pid++) seen.add(partitionOf(pid, count));
      expect(seen.size).toBe(count);
    }
  });

  it.each(files.map((f) => [f.name, f.bytes] as const))('%s: each line in one share, parsed as in the whole file', (name, bytes) => {
    const text = bytes.toString('utf8');
    const whole = parseText(text, name);
    for (const count of [2, 3]) {
      // No fixture needs a refusal (the tests below make them): each one must split.
      const got: ParsedLine[] = [];
      // A call cut by a strace message is reported at its first line, as the message is: a
      // line number may hold two results, both in the share that read the line.
      for (let index = 0; index < count; index++) got.push(...parseText(text, name, { partition: { index, count } }));
      // By line, each line's results in the order they came: a call is reported at its first line,
      // after the results of the later lines its program's output reached (program-output.ts).
      const byLine = (xs: ParsedLine[]) => [...xs].sort((a, b) => a.line - b.line);
      expect(byLine(got)).toEqual(byLine(whole));
    }
  });
});

describe('a refusal, when a line another share reads would finish a call', () => {
  const bytes = (t: string) => Buffer.from(t, 'utf8');
  const refusal = (f: () => void) => {
    try {
      f();
    } catch (err) {
      return err;
    }
    throw new Error('expected an unpartitionable ParserError, and nothing was thrown');
  };

  it('refuses a call cut by a strace message whose rest is on a skipped line, naming file:line', () => {
    const p = new TraceLineParser('t.log');
    p.parse('100 10:00:00.000001 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLDstrace: Process 201 attached', 7);
    const line = bytes(', child_tidptr=0x7f50dc9c0a10) = 201 <0.000559>');
    const err = refusal(() => p.skipped(8, line, 0, line.length));
    expect(isParserError(err, 'unpartitionable')).toBe(true);
    expect(err).toMatchObject({ file: 't.log', line: 8 });
    expect((err as Error).message).toMatch(/^t\.log:8: cannot be read split by pid: the call cut by a strace message on line 7/);
  });

  it("refuses the bare second half (-z) of an unfinished call when another share reads it, not another process's call", () => {
    const p = new TraceLineParser('t.log');
    p.parse('100 10:00:00.000001 newfstatat(AT_FDCWD, "/srv/app/bin",  <unfinished ...>', 3);
    const other = bytes('201 10:00:00.000100 getpid() = 201 <0.000010>');
    expect(() => p.skipped(4, other, 0, other.length)).not.toThrow();
    p.parse('100 10:00:00.000001 newfstatat(AT_FDCWD, "/srv/app/bin",  <unfinished ...>', 5);
    const half = bytes('0x7ffc6c428820, 0)                      = -1 ENOENT (No such file or directory)');
    const err = refusal(() => p.skipped(6, half, 0, half.length));
    expect(isParserError(err, 'unpartitionable')).toBe(true);
    expect(err).toMatchObject({ file: 't.log', line: 6 });
  });

  it('reads a line after a skipped one as usual when nothing was carried', () => {
    const p = new TraceLineParser('t.log');
    p.parse('100 10:00:00.000001 close(3) = 0 <0.000010>', 1);
    const other = bytes('201 10:00:00.000100 getpid() = 201 <0.000010>');
    p.skipped(2, other, 0, other.length);
    expect(p.parse('100 10:00:00.000200 close(4) = 0 <0.000010>', 3)).toMatchObject({ kind: 'syscall', name: 'close', line: 3 });
  });
});
