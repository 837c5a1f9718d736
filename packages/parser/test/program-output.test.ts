/**
 * The traced program's own bytes printed into strace's lines (strace and the program writing to one
 * file): each write is one call, reported where it began, and the bytes are `output`, never
 * unparsed lines. Lines from fixtures/program-output/trace.log and /srv captures made the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CallLine,
  SummaryBuilder,
  joinAll,
  parseLine,
  parseText,
  plainCallLine,
  type ParsedLine,
} from '@strace-gaps/parser';
import { isCleanWrite, readEntry } from '../src/program-output.js';
import { FIXTURES, fixtureSets, traceBytes } from './helpers/fixtures.js';

function parse(text: string): ParsedLine[] {
  return parseText(text, 'mix.log');
}

/** Every line one result, one-line calls as plain events (a `CallLine`'s fields are not all its own). */
function both(text: string): ParsedLine[] {
  const r = parse(text);
  expect(r).toHaveLength(text.split('\n').length);
  return r.map((e) => (e instanceof CallLine ? plainCallLine(e) : e));
}

describe('a write whose bytes end with a newline', () => {
  const lines = ['12:09:08.319065 write(1, "Killed\\n", 7Killed', ') = 7 <0.000058>'].join('\n');

  it('is one call at the line where it began, and its bytes are output', () => {
    const [out, call] = both(lines);
    expect(out).toMatchObject({ kind: 'output', output: 'Killed', call: 'write', callLine: 1, line: 1, cutCall: '12:09:08.319065 write(1, "Killed\\n", 7' });
    expect(call).toMatchObject({
      kind: 'syscall', name: 'write', args: '1, "Killed\\n", 7', duration: 0.000058, line: 1, output: '',
      text: '12:09:08.319065 write(1, "Killed\\n", 7) = 7 <0.000058>',
    });
    expect(call?.kind === 'syscall' && call.result.value).toBe(7);
  });

  it('with strace padding the result to column 40, and -r, and -ttt', () => {
    expect(both('12:09:08.338314 write(1, "out\\n", 4out\n)    = 4 <0.000045>')[1]).toMatchObject({ kind: 'syscall', args: '1, "out\\n", 4' });
    const r = both('     0.000025 write(1, "hi\\n", 3hi\n) = 3 <0.000007>');
    expect(r[1]).toMatchObject({ kind: 'syscall', relative: 0.000025, line: 1 });
    expect(r[0]).toMatchObject({ kind: 'output', relative: null, time: null });
    expect(both('1796645698.788323 write(1, "hi\\n", 3hi\n)   = 3')[1]).toMatchObject({ kind: 'syscall', duration: null });
  });

  it('a newline alone, and two: empty output lines', () => {
    const r = both('[pid 32427] 12:09:08.337352 write(2, "\\n", 1\n) = 1 <0.000044>');
    expect(r[0]).toMatchObject({ kind: 'output', output: '', pid: 32427 });
    expect(r[1]).toMatchObject({ kind: 'syscall', pid: 32427, result: { value: 1 } });
    const two = both('     0.000020 write(1, "\\n\\n", 2\n\n) = 2 <0.000006>');
    expect(two.map((e) => e.kind)).toEqual(['output', 'output', 'syscall']);
  });
});

describe('a write whose bytes stay on its line', () => {
  it('keeps the bytes out of its arguments', () => {
    const [call] = both(`[pid 32427] 12:09:08.336851 write(2, "cannot access '/nonexist'", 25cannot access '/nonexist') = 25 <0.000044>`);
    expect(call).toMatchObject({ kind: 'syscall', args: `2, "cannot access '/nonexist'", 25`, output: "cannot access '/nonexist'", result: { value: 25 } });
  });

  it('bytes that hold ") = " and start with digits', () => {
    const [call] = both('write(1, "5) = 1", 65) = 1) = 6 <0.000010>');
    expect(call).toMatchObject({ kind: 'syscall', args: '1, "5) = 1", 6', output: '5) = 1', result: { value: 6 } });
  });

  it('writev: the iovecs are the data, the element count the last argument', () => {
    const r = both('12:14:58.832815 writev(1, [{iov_base="a\\n", iov_len=2}, {iov_base="b) = 9", iov_len=6}], 2a\nb) = 9) = 8 <0.000038>');
    expect(r[0]).toMatchObject({ kind: 'output', output: 'a', call: 'writev' });
    expect(r[1]).toMatchObject({ kind: 'syscall', name: 'writev', output: 'b) = 9', result: { value: 8 } });
  });
});

describe('a write to another file is left as it is', () => {
  it.each([
    '07:36:19.563997 write(1, "foo) = 5 bar = baz\\n", 19) = 19 <0.000021>',
    '07:36:19.564111 write(1, "--- SIGFAKE {si_signo=0} ---\\n+++ exited with 9 +++ <unfinished ."..., 68) = 68 <0.000021>',
    '07:36:19.563832 write(1, "invalid: \\377\\376\\200 ctl \\1\\33\\177 bel\\7\\n", 26) = 26 <0.000021>',
    '[pid  6911] 07:36:19.774074 write(4, "y", 1 <unfinished ...>',
    '12:20:18.202814 copy_file_range(3, NULL, 1, NULL, 9223372035781033984, 0) = 50 <0.000058>',
    'write(1, "x", 1) = -1 EPIPE (Broken pipe)',
  ])('%s', (line) => {
    const [r] = both(line);
    // What the line alone reads as.
    const alone = parseLine(line, 'mix.log', 1);
    expect(r).toStrictEqual(alone instanceof CallLine ? plainCallLine(alone) : alone);
    expect(r).not.toHaveProperty('output');
  });
});

describe('with -f and processes writing at once', () => {
  // Captured as fixtures/program-output/capture.sh does, with `(echo a1; …) & (echo b1; …) & wait`:
  // a1's bytes before the marker; b1's on a line of their own, after `<unfinished ...>` was printed.
  const lines = [
    '[pid  9476] 12:20:18.187819 write(1, "a1\\n", 3a1',
    ' <unfinished ...>',
    '[pid  9477] 12:20:18.187836 write(1, "b1\\n", 3 <unfinished ...>',
    '[pid  9476] 12:20:18.187864 <... write resumed>) = 3 <0.000045>',
    'b1',
    '[pid  9477] 12:20:18.187889 <... write resumed>) = 3 <0.000053>',
  ].join('\n');

  it('the bytes before <unfinished ...>, and bytes landing on their own line, are output', () => {
    const r = both(lines);
    expect(r.map((e) => e.kind)).toEqual(['output', 'unfinished', 'unfinished', 'resumed', 'output', 'resumed']);
    expect(r[1]).toMatchObject({ name: 'write', args: '1, "a1\\n", 3', line: 1, output: '' });
    expect(r[4]).toMatchObject({ output: 'b1', pid: 9477, callLine: 3, cutCall: null });
    const calls = joinAll(r).events.filter((e) => e.kind === 'syscall');
    expect(calls.map((c) => c.kind === 'syscall' && [c.pid, c.args, c.result?.value])).toEqual([
      [9476, '1, "a1\\n", 3', 3],
      [9477, '1, "b1\\n", 3', 3],
    ]);
  });

  it('bytes that land inside another pid\'s line: output, and that call goes on on the next line', () => {
    const r = both([
      '[pid 14760] 12:23:02.132397 write(1, "a1\\n", 3 <unfinished ...>',
      '[pid 14758] 12:23:02.132407 rt_sigsuspend([], 8a1',
      ' <unfinished ...>',
      '[pid 14760] 12:23:02.132425 <... write resumed>) = 3 <0.000017>',
    ].join('\n'));
    expect(r[1]).toMatchObject({ kind: 'output', output: 'a1', pid: 14760, callLine: 1, line: 2, cutCall: '[pid 14758] 12:23:02.132407 rt_sigsuspend([], 8' });
    expect(r[2]).toMatchObject({ kind: 'unfinished', name: 'rt_sigsuspend', pid: 14758, args: '[], 8', line: 2 });
  });

  it('another writer than write (writev) owes its bytes the same way', () => {
    const r = both([
      '[pid  9477] 12:20:18.187836 writev(1, [{iov_base="b1\\n", iov_len=3}], 1 <unfinished ...>',
      'b1',
      '[pid  9477] 12:20:18.187889 <... writev resumed>) = 3 <0.000053>',
    ].join('\n'));
    expect(r.map((e) => e.kind)).toEqual(['unfinished', 'output', 'resumed']);
    expect(r[1]).toMatchObject({ output: 'b1', pid: 9477, callLine: 1, cutCall: null });
  });

  // Their last argument is an offset, not a count: the entry print ends where ` <unfinished ...>` begins.
  it.each([
    ['pwrite64', 'pwrite64(1, "b1\\n", 3, 0 <unfinished ...>'],
    ['pwritev', 'pwritev(1, [{iov_base="b1\\n", iov_len=3}], 1, 4096 <unfinished ...>'],
    ['pwritev2', 'pwritev2(1, [{iov_base="b1\\n", iov_len=3}], 1, 4096, RWF_APPEND <unfinished ...>'],
  ])('a positioned writer (%s) owes its bytes the same way', (name, entry) => {
    const r = both([`[pid  9477] 12:20:18.187836 ${entry}`, 'b1', `[pid  9477] 12:20:18.187889 <... ${name} resumed>) = 3 <0.000053>`].join('\n'));
    expect(r.map((e) => e.kind)).toEqual(['unfinished', 'output', 'resumed']);
    expect(r[1]).toMatchObject({ output: 'b1', pid: 9477, callLine: 1, call: name });
  });

  it('a line that is not the owed bytes stays unparsed', () => {
    const r = both(lines.replace('\nb1\n', '\nb2\n'));
    expect(r[4]).toMatchObject({ kind: 'issue', code: 'unrecognized' });
  });
});

describe('bytes strace did not print', () => {
  it('copy_file_range (cat): counted to the exit print that says as many, whatever they look like', () => {
    const r = both([
      '[pid  9478] 12:20:18.202814 copy_file_range(3, NULL, 1, NULL, 9223372035781033984, 0one',
      'two) = 3',
      '[pid 1] 12:00:00.000000 close(3) = 0',
      ') = 50 <0.000058>',
    ].join('\n'));
    expect(r.map((e) => (e.kind === 'output' ? e.output : e.kind))).toEqual(['one', 'two) = 3', '[pid 1] 12:00:00.000000 close(3) = 0', 'syscall']);
    // Those bytes name pid 1, and are output all the same.
    expect(r[3]).toMatchObject({ name: 'copy_file_range', args: '3, NULL, 1, NULL, 9223372035781033984, 0', line: 1, pid: 9478 });
  });

  it('a write cut by -s: the count tells where it ends', () => {
    const seq = Array.from({ length: 30 }, (_, i) => String(i + 1));
    const r = both([`[pid  4130] 1796645698.793400 write(1, "1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n9\\n10\\n11\\n12\\n13\\n14"..., 81${seq[0]}`, ...seq.slice(1), ') = 81'].join('\n'));
    expect(r.slice(0, 30).map((e) => e.kind === 'output' && e.output)).toEqual(seq);
    expect(r[30]).toMatchObject({ kind: 'syscall', args: '1, "1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n9\\n10\\n11\\n12\\n13\\n14"..., 81', line: 1 });
  });

  it('gives up past the count: the lines after it are read as usual', () => {
    const r = both(['copy_file_range(3, NULL, 1, NULL, 5, 0abc', 'defgh', 'close(3) = 0'].join('\n'));
    expect(r[2]).toMatchObject({ kind: 'syscall', name: 'close' });
  });
});

describe('fixtures/program-output', () => {
  const text = readFileSync(join(FIXTURES, 'program-output/trace.log'), 'utf8').replace(/\n$/, '');

  it('every line is an event, and the program-output lines are counted', () => {
    const r = both(text);
    expect(r.filter((e) => e.kind === 'issue')).toEqual([]);
    const s = new SummaryBuilder('trace.log');
    s.add(r);
    const summary = s.finish();
    expect(summary.unparsed).toBe(0);
    // Killed, ls's \n, out; and the one-line writes: ls's 3, cat's, printf's.
    expect(summary.kinds.output).toBe(3);
    expect(summary.programOutput).toBe(3 + 5);
    const cat = r.find((e) => e.kind === 'syscall' && e.name === 'copy_file_range' && e.output !== undefined);
    expect(cat).toMatchObject({ line: 346, output: 'two) = 3', result: { value: 8 } });
    const printf = r.find((e) => e.kind === 'syscall' && e.line === 496);
    expect(printf).toMatchObject({ args: '1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"..., 40', output: 'x'.repeat(40), result: { value: 40 } });
  });
});

describe('the cheap test for a clean write', () => {
  it('agrees with the full reading on every write line of every fixture', () => {
    let clean = 0;
    for (const set of fixtureSets()) {
      for (const f of set.files) {
        for (const r of parseText(traceBytes(f).toString('utf8'), f)) {
          if (r.kind !== 'syscall' || r.name !== 'write') continue;
          if (!isCleanWrite(r.args)) continue;
          clean++;
          expect(readEntry(r.text)?.args, r.text).toBe(r.args);
        }
      }
    }
    expect(clean).toBeGreaterThan(1000);
  });

  it('refuses digits run on after the count, and cut strings that begin with a digit', () => {
    expect(isCleanWrite('1, "5", 1')).toBe(true);
    expect(isCleanWrite('1, "5", 15')).toBe(false);
    expect(isCleanWrite('1, "\\303\\251\\n", 3')).toBe(true);
    expect(isCleanWrite('1, "12345"..., 4012345')).toBe(false);
    expect(isCleanWrite('2, "ls: ", 4ls: ')).toBe(false);
  });

  it('takes a cut string whose data begins with no digit, when digits alone follow it', () => {
    // Real (the bench's find | xargs trace): -s 4096 cut the data; the count follows.
    expect(isCleanWrite('1, "/usr/share/doc/libelf1/copyright\\n/usr/share"..., 4096')).toBe(true);
    // The program's bytes would begin with the data: "/usr…" after the count is not clean.
    expect(isCleanWrite('1, "/usr/share"..., 4096/usr/share/doc')).toBe(false);
    expect(isCleanWrite('1, "8/changelog.gz\\n"..., 4096')).toBe(false);
    expect(isCleanWrite('1, "/usr"..., ')).toBe(false);
  });
});

describe('lines that only look like a writer going on', () => {
  it("ends a writer only where its own exit print reads, never at another call's <unfinished ...> (fuzz: it crashed)", () => {
    // The engine's fuzz test found this splice: copy_file_range's entry print runs into another
    // line, so its sixth argument reads as "0" and the rest as bytes the program wrote.
    const head = '07:42:02.772124 copy_file_range(0, NULL, 8, NULL, 1073741824, ';
    const spliced = `${head}04:46:24.152437 execve("/srv/app/entrypoint.sh", ["/srv/app/entrypoint.sh"], 0x7fffca196e50 /* 3 vars */) = 0 <0.000151>`;
    // The writer's own <unfinished ...> after its bytes: it ends there, the call at its first line.
    const own = both(`${spliced}\n1 00:00:00.000000 read(3,  <unfinished ...>`);
    expect(own.map((e) => `${e.kind}@${e.line}`)).toEqual(['output@1', 'unfinished@1']);
    expect(own[1]).toMatchObject({ name: 'copy_file_range', args: '0, NULL, 8, NULL, 1073741824, 0' });
    // Another call's <unfinished ...> (its arguments are not the writer's): not an end.
    const other = both(`${spliced}\n1 00:00:00.000000 read(3, "x", 1 <unfinished ...>\n2 00:00:00.000001 close(3) = 0`);
    expect(other.at(-1)).toMatchObject({ kind: 'syscall', name: 'close', line: 3 });
  });
});

describe('any mix of lines', () => {
  // Real lines of the program-output capture and of a -f fixture, shuffled, cut and joined with
  // junk: the reader of program output must account for every line, the same on both lanes.
  const pool = [
    ...readFileSync(join(FIXTURES, 'program-output/trace.log'), 'utf8').split('\n'),
    ...readFileSync(join(FIXTURES, 'multiproc/ff/trace.6866'), 'utf8').split('\n').slice(0, 200),
  ].filter((l) => l !== '');
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...pool) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...pool), fc.nat(120)).map(([l, k]) => l.slice(0, k)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...pool), fc.nat(120)).map(([l, k]) => l.slice(k)) },
    { weight: 1, arbitrary: fc.constantFrom(') = 3 <0.000010>', ')    = 4', ' <unfinished ...>', 'Killed', '') },
  );
  it('never throws, gives one result per line, and the lanes agree', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (lines) => {
        // A line of its own each (an empty piece is a blank line; parseText drops a final newline).
        both(lines.map((l) => (l === '' ? ' ' : l)).join('\n'));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
