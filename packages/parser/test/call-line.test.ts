/**
 * A one-line call is a `CallLine` and a joined one a `JoinedCall`: their argument text and result
 * are read from the line when asked for. What they give must be what reading the line whole gives:
 * the result as `parseResult` reads its text (the cheap check for a plain integer must refuse
 * everything else), the error flag before the result is built, the span of `-T`, and plain data
 * through `JSON.stringify`.
 */
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CallLine,
  JoinedCall,
  failed,
  firstArgInt,
  joinAll,
  joinArgs,
  leadingIntAt,
  parseChunksSync,
  parseLine,
  parseResult,
  pidFromFileName,
  plainCallLine,
  secondsBetween,
} from '@strace-gaps/parser';
import { spanOf } from '@strace-gaps/parser/internal';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

const files = fixtureSets().flatMap((s) => s.files.map((f) => ({ set: s.name, path: f, bytes: traceBytes(f) })));

describe('one-line calls', () => {
  it('are what every one-line call of the fixtures becomes, failed or not as their result says', () => {
    let calls = 0;
    // Checked line by line and reported together: an expect per line took most of the test's time.
    const wrong: string[] = [];
    for (const f of files) {
      for (const r of parseChunksSync([f.bytes], 'f')) {
        if (r.kind !== 'syscall') continue;
        calls++;
        if (!(r instanceof CallLine)) wrong.push(`${f.path}:${r.line} not a CallLine`);
        // Asked before anything built the result, as the analysis asks it of every call.
        const flag = failed(r);
        if (flag !== (r.result.errno !== null)) wrong.push(`${f.path}:${r.line} failed() ${flag}`);
        // The result read from the line is the one its text reads as: after the last " = ", before " <-T>".
        const end = r.duration === null ? r.text.length : r.text.lastIndexOf(' <');
        if (!isDeepStrictEqual(r.result, parseResult(r.text.slice(r.text.lastIndexOf(' = ', end) + 3, end)))) wrong.push(`${f.path}:${r.line} result`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(calls).toBeGreaterThan(10_000);
  });

  it('read the results a plain integer check must refuse as parseResult does', () => {
    for (const result of ['0', '-1', '3', '00', '022', '08', '-0', '1234567890123456', '123456789012345', '0x10', '?', '3 ', ' 3', '-', '-1 ENOENT (x)', '3</a>', '1e3', '+1']) {
      for (const line of [`read(3, "", 1) = ${result} <0.000010>`, `close(3) = ${result}`]) {
        const r = parseLine(line, 'f', 1);
        const whole = parseResult(result);
        if (whole === null) expect(r.kind, line).toBe('issue');
        else expect(r.kind === 'syscall' && r.result, line).toStrictEqual(whole);
      }
    }
  });

  it('give the span of -T as their end timestamp does', () => {
    for (const f of files.slice(0, 10)) {
      for (const r of parseChunksSync([f.bytes], 'f')) {
        if (!(r instanceof CallLine) || r.start === null || r.duration === null) continue;
        expect(spanOf(r.start, r.duration)).toBe(secondsBetween(r.start, r.end as NonNullable<typeof r.end>));
      }
    }
  });

  it('are written by JSON.stringify as the plain line event', () => {
    const r = parseLine('4242 10:00:00.000001 openat(AT_FDCWD, "/etc/hosts", O_RDONLY) = 3 <0.000012>', 'f', 9) as CallLine;
    const json = JSON.parse(JSON.stringify(r));
    expect(json).toStrictEqual(JSON.parse(JSON.stringify(plainCallLine(r))));
    expect(json).toMatchObject({ kind: 'syscall', name: 'openat', args: 'AT_FDCWD, "/etc/hosts", O_RDONLY', pid: 4242, duration: 0.000012, line: 9 });
    expect(json.result).toMatchObject({ value: 3, errno: null });
  });
});

describe('the first argument as a number', () => {
  it('is read in the line as from the cut-out arguments, on every call of the fixtures', () => {
    let read = 0;
    const wrong: string[] = [];
    for (const f of files) {
      const name = basename(f.path);
      for (const e of joinAll(parseChunksSync([f.bytes], name), pidFromFileName(name)).events) {
        if (e.kind !== 'syscall') continue;
        const whole = leadingIntAt(e.args);
        if (firstArgInt(e) !== whole) wrong.push(`${name}:${e.line} ${e.text}`);
        if (whole !== null) read++;
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(read).toBeGreaterThan(10_000);
  });

  it('reads signs, long numbers and leading blanks as the whole text says', () => {
    for (const args of ['-1, 0', '42, "x"', '  7, 1', '-0', '1234567890123456789, 3', 'AT_FDCWD, "/x"', '', '-', '3</dev/null>, 4']) {
      const r = parseLine(`read(${args}) = 0`, 'f', 1);
      expect(r.kind === 'syscall' && firstArgInt(r), args).toBe(leadingIntAt(args));
      expect(leadingIntAt(`xx(${args}`, 3), args).toBe(leadingIntAt(args));
    }
    expect(leadingIntAt('-1, 0')).toBe(-1);
    expect(leadingIntAt('3</dev/null>, 4')).toBe(3);
    expect(leadingIntAt('AT_FDCWD')).toBeNull();
  });
});

describe('joined calls', () => {
  it('are every split call of the fixtures, their text the halves joined, all of it in JSON', () => {
    let joined = 0;
    for (const f of files) {
      const name = basename(f.path);
      for (const e of joinAll(parseChunksSync([f.bytes], name), pidFromFileName(name)).events) {
        if (e.kind !== 'syscall' || e.form !== 'joined') continue;
        joined++;
        expect(e).toBeInstanceOf(JoinedCall);
        const j = e as JoinedCall;
        expect(j.args).toBe(joinArgs(j.unfinishedArgs, j.resumedArgs));
        const json = JSON.parse(JSON.stringify(j));
        expect(Object.keys(json).sort()).toEqual(['args', 'duration', 'end', 'endLine', 'file', 'form', 'kind', 'line', 'name', 'pid', 'relative', 'result', 'start', 'stop', 'text']);
        expect(json.args).toBe(j.args);
      }
    }
    expect(joined).toBeGreaterThan(1_000);
  });
});
