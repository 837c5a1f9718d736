/**
 * "Never throws, every line accounted for, and what it reads is in the line", on mutated real
 * lines and on random input.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ISSUE_TEXT_LIMIT, LINE_EVENT_KINDS, PARSE_ISSUE_CODES, joinAll, parseChunksSync, parseLine, parseResult, type ParsedLine } from '@strace-gaps/parser';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

// A sample of real lines of every form, from every fixture set.
const real: string[] = [];
for (const set of fixtureSets()) {
  for (const f of set.files.slice(0, 3)) {
    const lines = traceBytes(f).toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i += Math.max(1, Math.floor(lines.length / 40))) real.push(lines[i] as string);
  }
}

/**
 * What holds for the result of any line: it is the line's own (file, number, text), of a known
 * kind or a known issue, and every piece it read (pid, name, arguments, result) stands in the line.
 */
function expectAccountedFor(r: ParsedLine, line: string, file: string, n: number): void {
  expect(r.file).toBe(file);
  expect(r.line).toBe(n);
  if (r.kind === 'issue') {
    expect(PARSE_ISSUE_CODES).toContain(r.code);
    expect(r.reason.length).toBeGreaterThan(0);
    expect(r.text).toBe(line.slice(0, ISSUE_TEXT_LIMIT));
    return;
  }
  expect(LINE_EVENT_KINDS).toContain(r.kind);
  expect(r.text).toBe(line);
  if (r.pid !== null) {
    expect(Number.isInteger(r.pid) && r.pid >= 0).toBe(true);
    expect(line).toContain(String(r.pid));
  }
  if (r.kind === 'syscall' || r.kind === 'unfinished' || r.kind === 'resumed') {
    expect(r.name).not.toBe('');
    expect(line).toContain(r.kind === 'resumed' ? `<... ${r.name} resumed>` : `${r.name}(`);
    expect(line).toContain(r.args);
  }
  if (r.kind === 'syscall' || r.kind === 'resumed') {
    // After the arguments, an '=' and the result (strace pads with spaces; a spliced line may have more).
    const eq = line.lastIndexOf('=', line.lastIndexOf(r.result.raw));
    expect(eq).toBeGreaterThan(0);
    expect(line.slice(eq + 1).trimStart().startsWith(r.result.raw)).toBe(true);
    if (r.duration !== null) expect(Number.isFinite(r.duration) && r.duration >= 0).toBe(true);
  }
}

describe('parseLine never throws', () => {
  it('on every cut of real lines', () => {
    for (const line of real.slice(0, 300)) {
      for (let k = 0; k <= Math.min(line.length, 400); k++) {
        expectAccountedFor(parseLine(line.slice(0, k), 'f', 1), line.slice(0, k), 'f', 1);
      }
    }
  });

  it('on real lines with flipped characters and spliced pieces', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...real),
        fc.constantFrom(...real),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 8, unit: 'binary' }),
        (a, b, i, j, junk) => {
          const at = i % (a.length + 1);
          const mutated = a.slice(0, at) + junk + b.slice(j % (b.length + 1)) ;
          expectAccountedFor(parseLine(mutated, 'f', 9), mutated, 'f', 9);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('on random bytes, with every line accounted for and joinable', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const r = parseChunksSync([buf], 'r');
        let lines = 0;
        for (let k = 0; k < buf.length; k++) if (buf[k] === 10) lines++;
        if (buf.length > 0 && buf[buf.length - 1] !== 10) lines++;
        expect(r).toHaveLength(lines);
        joinAll(r);
      }),
      { numRuns: 500 },
    );
  });

  it('on random valid-looking lines from a grammar', () => {
    const pid = fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 4_194_304 }).map((n) => `${n}  `), fc.integer({ min: 1, max: 99999 }).map((n) => `[pid ${String(n).padStart(5)}] `));
    const time = fc.oneof(fc.constant(''), fc.constant('11:01:35 '), fc.constant('11:01:35.040609 '), fc.constant('1795765288.569073375 '));
    const rel = fc.oneof(fc.constant(''), fc.constant('(+     0.000021) '));
    const str = fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s));
    const args = fc.array(fc.oneof(str, fc.integer().map(String), fc.constant('NULL'), fc.constant('{a=1, b=[2]}')), { maxLength: 4 }).map((a) => a.join(', '));
    const ret = fc.oneof(fc.integer().map(String), fc.constant('? ERESTARTSYS (To be restarted if SA_RESTART is set)'), fc.constant('-1 ENOENT (No such file or directory)'));
    const body = fc.oneof(
      fc.tuple(fc.constantFrom('read', 'openat', 'futex'), args, ret).map(([n, a, r]) => `${n}(${a}) = ${r}`),
      fc.tuple(fc.constantFrom('read', 'wait4'), args).map(([n, a]) => `${n}(${a} <unfinished ...>`),
      fc.tuple(fc.constantFrom('read', 'wait4'), args, ret).map(([n, a, r]) => `<... ${n} resumed>${a}) = ${r}`),
      fc.constantFrom('+++ exited with 0 +++', '+++ killed by SIGKILL +++', '--- SIGCHLD {si_signo=SIGCHLD} ---'),
    );
    const dur = fc.oneof(fc.constant(''), fc.constant(' <0.000012>'));
    fc.assert(
      fc.property(pid, time, rel, body, dur, (p, t, r, b, d) => {
        const line = `${p}${t}${t === '' ? '' : r}${b}${b.startsWith('+') || b.startsWith('-') || b.endsWith('...>') ? '' : d}`;
        const out = parseLine(line, 'g', 1);
        expect(out.kind, line).not.toBe('issue');
        expectAccountedFor(out, line, 'g', 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads -T durations and timestamps digit by digit exactly as Number() would', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,6}\.\d{1,9}$/), fc.integer({ min: 0, max: 86_399 }), fc.stringMatching(/^\d{6}$/), (d, secs, frac) => {
        const p = (n: number) => String(n).padStart(2, '0');
        const time = `${p(Math.floor(secs / 3600))}:${p(Math.floor(secs / 60) % 60)}:${p(secs % 60)}.${frac}`;
        const r = parseLine(`${time} read(3, "", 1) = 0 <${d}>`, 'f', 1);
        expect(r.kind).toBe('syscall');
        if (r.kind !== 'syscall') return;
        expect(r.duration).toBe(Number(d));
        expect(r.time).toEqual({ sec: secs, nsec: Number(frac) * 1000, digits: 6, clock: 'time-of-day' });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseResult', () => {
  // The two expressions that read an errno, as the parser first wrote them: the scanner that
  // replaced them must read every tail as they do.
  const ERRNO_AND_TEXT = /^(E[A-Z0-9_]+) \(([^)]*)\)/;
  const ERRNO_ALONE = /^E[A-Z0-9_]+$/;
  const tailChars = fc.constantFrom('E', 'N', 'O', 'A', 'Z', '_', '0', '9', ' ', '(', ')', 'x', 'e', '-', '?', '<', '>', '\t');

  it('reads an errno and its text as the expressions do', () => {
    fc.assert(
      fc.property(fc.constantFrom('-1', '?', '0', '3', '0x10'), fc.string({ maxLength: 24, unit: tailChars }), (value, rest) => {
        const r = parseResult(`${value} ${rest}`);
        if (r === null || r.fdPath !== null) return;
        let tail = `${value} ${rest}`.trim().slice(r.valueText.length).trimStart();
        let errno: string | null = null;
        let errnoText: string | null = null;
        const m = ERRNO_AND_TEXT.exec(tail);
        const negative = r.value === null || r.value < 0;
        if (m && negative) {
          errno = m[1] as string;
          errnoText = m[2] as string;
          tail = tail.slice(m[0].length).trimStart();
        } else if (ERRNO_ALONE.test(tail) && negative) {
          errno = tail;
          tail = '';
        }
        expect([r.errno, r.errnoText, r.aux]).toStrictEqual([errno, errnoText, tail === '' ? null : tail]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the usual forms', () => {
    expect(parseResult('-1 ENOENT (No such file or directory)')).toMatchObject({ value: -1, errno: 'ENOENT', errnoText: 'No such file or directory', aux: null });
    expect(parseResult('? ERESTARTSYS (To be restarted if SA_RESTART is set)')).toMatchObject({ value: null, errno: 'ERESTARTSYS', aux: null });
    expect(parseResult('-1 EAGAIN')).toMatchObject({ value: -1, errno: 'EAGAIN', errnoText: null, aux: null });
    expect(parseResult('-1 EINTR (Interrupted system call)  (restarted)')).toMatchObject({ errno: 'EINTR', aux: '(restarted)' });
    expect(parseResult('0 (Timeout)')).toMatchObject({ value: 0, errno: null, aux: '(Timeout)' });
    expect(parseResult('-1 E (x)')).toMatchObject({ value: -1, errno: null, aux: 'E (x)' });
    expect(parseResult('-0')).toMatchObject({ value: -0, valueText: '-0' });
    expect(parseResult('-01 x')).toMatchObject({ value: -1, aux: 'x' });
    expect(parseResult('022 x')).toMatchObject({ value: 0o22, aux: 'x' });
  });
});
