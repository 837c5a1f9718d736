/**
 * The lazy path (`ReadOptions.lazy`, what the analysis reads) must give exactly the events of the
 * straightforward one: on every line of every fixture, joined and not, and on mutated lines.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CallLine,
  JoinedCall,
  failed,
  joinAll,
  parseChunksSync,
  parseLine,
  plainCallLine,
  pidFromFileName,
  secondsBetween,
  type JoinedEvent,
  type ParsedLine,
  type SyscallEvent,
} from '@strace-gaps/parser';
import {
  parseLineLazy,
  spanOf,
} from '@strace-gaps/parser/internal';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

function plain(r: ParsedLine): ParsedLine {
  return r instanceof CallLine ? plainCallLine(r) : r;
}

/** A joined lazy call as the joiner's plain object. */
function plainJoined(e: JoinedEvent): JoinedEvent {
  if (!(e instanceof CallLine) && !(e instanceof JoinedCall)) return e;
  const call: SyscallEvent = {
    kind: 'syscall',
    pid: e.pid,
    name: e.name,
    args: e.args,
    result: e.result,
    start: e.start,
    end: e.end,
    duration: e.duration,
    relative: e.relative,
    form: e.form,
    stop: e.stop,
    file: e.file,
    line: e.line,
    endLine: e.endLine,
    text: e.text,
  };
  return call;
}

const files = fixtureSets().flatMap((s) => s.files.map((f) => ({ set: s.name, path: f, bytes: traceBytes(f) })));

describe('lazy one-line calls', () => {
  it.each(files.map((f) => [`${f.set}/${basename(f.path)}`, f] as const))('%s: same events, same joined calls', (_name, f) => {
    const name = basename(f.path);
    const eager = parseChunksSync([f.bytes], name);
    const lazy = parseChunksSync([f.bytes], name, { lazy: true });
    expect(lazy.map(plain)).toStrictEqual(eager);
    // Each call's error flag, as the analysis asks it, before anything built its result.
    const again = parseChunksSync([f.bytes], name, { lazy: true });
    for (let i = 0; i < again.length; i++) {
      const e = eager[i] as ParsedLine;
      if (e.kind === 'syscall') expect(failed(again[i] as CallLine)).toBe(Boolean(e.result.errno));
    }
    const pid = pidFromFileName(name);
    const joinedEager = joinAll(eager, pid);
    const joinedLazy = joinAll(parseChunksSync([f.bytes], name, { lazy: true }), pid, { lazy: true });
    expect(joinedLazy.events.map(plainJoined)).toStrictEqual(joinedEager.events);
    expect(joinedLazy.issues).toStrictEqual(joinedEager.issues);
    // Every split call the plain joiner joined, the lazy one made a JoinedCall of.
    expect(joinedLazy.events.filter((e) => e instanceof JoinedCall).length).toBe(joinedEager.events.filter((e) => e.kind === 'syscall' && e.form === 'joined').length);
  });

  it('are what most call lines of the fixtures become', () => {
    let calls = 0;
    let lazy = 0;
    for (const f of files) {
      for (const r of parseChunksSync([f.bytes], 'f', { lazy: true })) {
        if (r.kind === 'syscall') calls++;
        if (r instanceof CallLine) lazy++;
      }
    }
    // Every one-line call is lazy; the rest of a call's forms are not.
    expect(lazy).toBe(calls);
    expect(lazy).toBeGreaterThan(10_000);
  });

  it('give the span of a one-line call as its end timestamp does', () => {
    for (const f of files.slice(0, 10)) {
      for (const r of parseChunksSync([f.bytes], 'f', { lazy: true })) {
        if (!(r instanceof CallLine) || r.start === null || r.duration === null) continue;
        expect(spanOf(r.start, r.duration)).toBe(secondsBetween(r.start, r.end as NonNullable<typeof r.end>));
      }
    }
  });
});

// Real lines of every form, to mutate.
const real: string[] = [];
for (const f of files) {
  const lines = f.bytes.toString('utf8').split('\n');
  for (let i = 0; i < lines.length; i += Math.max(1, Math.floor(lines.length / 30))) real.push(lines[i] as string);
}

describe('parseLineLazy', () => {
  it('reads mutated real lines as parseLine does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...real),
        fc.constantFrom(...real),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 8, unit: fc.constantFrom(' ', '=', '-', '1', '0', 'x', '<', '>', ')', '(', 'E', '?', '.', 'a') }),
        (a, b, i, j, junk) => {
          const at = i % (a.length + 1);
          const line = a.slice(0, at) + junk + b.slice(j % (b.length + 1));
          expect(plain(parseLineLazy(line, 'f', 3))).toStrictEqual(parseLine(line, 'f', 3));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads the results a plain integer check must refuse as parseLine does', () => {
    for (const result of ['0', '-1', '3', '00', '022', '08', '-0', '1234567890123456', '123456789012345', '0x10', '?', '3 ', ' 3', '-', '-1 ENOENT (x)', '3</a>', '1e3', '+1']) {
      const line = `read(3, "", 1) = ${result} <0.000010>`;
      expect(plain(parseLineLazy(line, 'f', 1))).toStrictEqual(parseLine(line, 'f', 1));
      const bare = `close(3) = ${result}`;
      expect(plain(parseLineLazy(bare, 'f', 1))).toStrictEqual(parseLine(bare, 'f', 1));
    }
  });
});
