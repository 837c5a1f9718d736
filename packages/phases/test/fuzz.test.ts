/**
 * The whole engine on hostile input: real lines cut, flipped and spliced, random bytes, and
 * valid-looking lines from a grammar, spread over several inputs with and without -ff pids. It
 * must never throw (a set that mixes clocks is refused with AnalysisError, as documented),
 * must account for every line, and must give a report that is valid JSON.
 *
 * A bounded run is part of the test suite; `pnpm fuzz` runs it long (FUZZ_RUNS, default 50,000
 * sets) and prints the totals recorded in docs/robustness.md.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SummaryBuilder, parseChunksSync, parseLine, type InputSummary } from '@strace-gaps/parser';
import { AnalysisError, TraceSetAnalyzer, buildGapReport, buildInputReport, type ClockStart } from '@strace-gaps/phases';
import { countLines, fixtureSets, traceBytes } from '../../parser/test/helpers/fixtures.js';

const LONG = process.env.FUZZ_RUNS !== undefined;
const RUNS = LONG ? Number(process.env.FUZZ_RUNS) : 150;

// Real lines of every form, from every fixture set, grouped by the clock they print: a set draws
// from one group, so most sets get analysed instead of refused for mixing clocks.
const byClock = new Map<string, string[]>();
for (const set of fixtureSets()) {
  for (const f of set.files.slice(0, 4)) {
    const lines = traceBytes(f).toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i += Math.max(1, Math.floor(lines.length / 60))) {
      const l = lines[i] as string;
      const r = parseLine(l, f, 1);
      const clock = r.kind === 'issue' ? 'none' : (r.time?.clock ?? (r.relative !== null ? 'relative' : 'none'));
      const group = byClock.get(clock) ?? [];
      group.push(l);
      byClock.set(clock, group);
    }
  }
}
const real = [...byClock.values()].flat();
const tod = byClock.get('time-of-day') ?? [];

const time = fc.integer({ min: 0, max: 86_399_999_999 }).map((us) => {
  const s = Math.floor(us / 1e6);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${String(us % 1e6).padStart(6, '0')}`;
});
const pidPrefix = fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 40 }).map((n) => `[pid ${String(n).padStart(5)}] `), fc.integer({ min: 1, max: 40 }).map((n) => `${n} `));
const grammarLine = fc
  .tuple(
    pidPrefix,
    time,
    fc.oneof(
      fc.tuple(fc.constantFrom('read', 'openat', 'futex', 'clone', 'execve', 'wait4', 'exit_group', 'close'), fc.integer({ min: -1, max: 45 }), fc.constantFrom(' <0.000012>', ' <2.500000>', '')).map(
        ([n, r, d]) => `${n}(3, "x") = ${r}${d}`,
      ),
      fc.constantFrom('read(3,  <unfinished ...>', 'wait4(-1,  <unfinished ...>', 'clone(child_stack=NULL, flags=CLONE_THREAD <unfinished ...>'),
      fc.constantFrom('<... read resumed>"", 10) = 0 <0.1>', '<... wait4 resumed>NULL, 0, NULL) = 7 <1.0>', '<... clone resumed>) = 12 <0.01>'),
      fc.constantFrom('+++ exited with 0 +++', '+++ killed by SIGKILL +++', '--- SIGCHLD {si_signo=SIGCHLD} ---', 'strace: Process 12 attached'),
      fc.constantFrom('execve("/bin/sh", ["sh"], 0x7ff /* 3 vars */) = 0 <0.001>', 'prctl(PR_SET_NAME, "runc:[2:INIT]") = 0', 'set_tid_address(0x7f) = 9 <0.000001>'),
    ),
  )
  .map(([p, t, b]) => `${p}${t} ${b}`);
const mutated = fc.tuple(fc.constantFrom(...real), fc.constantFrom(...real), fc.nat(), fc.nat(), fc.string({ maxLength: 6, unit: 'binary' })).map(
  ([a, b, i, j, junk]) => a.slice(0, i % (a.length + 1)) + junk + b.slice(j % (b.length + 1)),
);
const mutatedFrom = (pool: string[]) =>
  fc.tuple(fc.constantFrom(...pool), fc.constantFrom(...pool), fc.nat(), fc.nat(), fc.string({ maxLength: 6, unit: 'binary' })).map(
    ([a, b, i, j, junk]) => a.slice(0, i % (a.length + 1)) + junk + b.slice(j % (b.length + 1)),
  );
/** Mostly one clock (time of day, as grammar lines print), sometimes anything at all. */
const line = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...tod) },
  { weight: 3, arbitrary: grammarLine },
  { weight: 3, arbitrary: mutatedFrom(tod) },
  { weight: 1, arbitrary: mutated },
  { weight: 1, arbitrary: fc.string({ maxLength: 80, unit: 'binary' }) },
);
const input = fc.record({
  pid: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  lines: fc.array(line, { maxLength: LONG ? 120 : 40 }),
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
});
const traceSet = fc.array(input, { minLength: 1, maxLength: LONG ? 12 : 5 });

/**
 * One `-f` file: lines of a few pids, mostly with their prefix, within a few minutes of each other,
 * with real, cut and junk lines.
 */
const nearTime = fc.integer({ min: 36_000_000_000, max: 36_300_000_000 }).map((us) => {
  const s = Math.floor(us / 1e6);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${String(us % 1e6).padStart(6, '0')}`;
});
const fLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.oneof({ weight: 9, arbitrary: pidPrefix.filter((p) => p !== '') }, { weight: 1, arbitrary: fc.constant('') }), nearTime, grammarLine).map(([p, t, g]) => `${p}${t} ${g.replace(/^(\[pid +\d+\] |\d+ )?\d\d:\d\d:\d\d\.\d+ /, '')}`) },
  { weight: 1, arbitrary: fc.constantFrom(...tod) },
  { weight: 1, arbitrary: mutatedFrom(tod) },
  { weight: 1, arbitrary: fc.constantFrom('  > /usr/lib/libc.so.6(__write+0x14) [0xf4e14]', ' | 00000  68 69 0a    hi. |', ', child_tidptr=0x7f) = 12 <0.000559>', 'strace: Process 7 attached') },
);
const fFile = fc.array(fLine, { maxLength: LONG ? 300 : 80 });

let sets = 0;
let files = 0;
let lines = 0;
let refused = 0;

describe('the engine on hostile input', () => {
  it('never throws, accounts for every line, and reports valid JSON', () => {
    fc.assert(
      fc.property(traceSet, fc.integer({ min: 1, max: 20 }), (inputs, top) => {
        sets++;
        const analyzer = new TraceSetAnalyzer({ top, minGap: 0 });
        const summaries: InputSummary[] = [];
        try {
          inputs.forEach((inp, k) => {
            const file = inp.pid === null ? `in${k}.log` : `in.${inp.pid}`;
            const eol = inp.crlf ? '\r\n' : '\n';
            const text = inp.lines.join(eol) + (inp.finalNewline && inp.lines.length > 0 ? eol : '');
            const bytes = Buffer.from(text, 'utf8');
            const parsed = parseChunksSync([bytes], file);
            expect(parsed).toHaveLength(countLines(bytes));
            const s = new SummaryBuilder(file, 5);
            s.add(parsed);
            const summary = s.finish();
            expect(summary.events + summary.unparsed).toBe(summary.lines);
            expect(summary.lines).toBe(countLines(bytes));
            analyzer.beginInput(file, inp.pid);
            analyzer.push(parsed);
            analyzer.endInput();
            summaries.push(summary);
            files++;
            lines += summary.lines;
          });
        } catch (err) {
          // The one refusal the engine makes: a set whose lines disagree on the clock.
          if (err instanceof AnalysisError) {
            refused++;
            return;
          }
          throw err;
        }
        const report = buildGapReport(buildInputReport(summaries, 5), analyzer.finish());
        const json = JSON.stringify(report);
        expect(JSON.parse(json).schemaVersion).toBe(1);
        expect(report.input.lines).toBe(summaries.reduce((n, s) => n + s.lines, 0));
      }),
      { numRuns: RUNS },
    );
    if (LONG) console.log(`fuzz: ${sets} sets, ${files} files, ${lines} lines, ${refused} sets refused for mixed clocks, 0 exceptions`);
    expect(sets).toBe(RUNS);
  });

  it('one -f file of a few pids (split calls, other pids between): never throws, every line accounted for', () => {
    let read = 0;
    fc.assert(
      fc.property(fFile, fc.integer({ min: 1, max: 20 }), (lines, top) => {
        const bytes = Buffer.from(lines.join('\n'), 'utf8');
        const parsed = parseChunksSync([bytes], 'trace.log');
        const s = new SummaryBuilder('trace.log', 5);
        s.add(parsed);
        const summary = s.finish();
        expect(summary.events + summary.unparsed).toBe(countLines(bytes));
        const a = new TraceSetAnalyzer({ top, minGap: 0 });
        a.beginInput('trace.log', null);
        try {
          a.push(parsed);
          a.endInput();
        } catch (err) {
          if (err instanceof AnalysisError) return;
          throw err;
        }
        const report = buildGapReport(buildInputReport([summary], 5), a.finish());
        expect(JSON.parse(JSON.stringify(report)).input.lines).toBe(summary.lines);
        const path = report.startup?.criticalPath ?? [];
        for (let i = 1; i < path.length; i++) expect(path[i]!.start).toBeCloseTo(path[i - 1]!.end, 9);
        read++;
      }),
      { numRuns: RUNS },
    );
    expect(read).toBeGreaterThan(RUNS / 2);
  });

  it('split at any input across analyzers (as threads do), gives the same report or the same refusal', () => {
    let compared = 0;
    fc.assert(
      fc.property(traceSet, fc.nat(), fc.integer({ min: 1, max: 20 }), (inputs, cutSeed, top) => {
        const files = inputs.map((inp, k) => {
          const file = inp.pid === null ? `in${k}.log` : `in.${inp.pid}`;
          return { file, pid: inp.pid, bytes: Buffer.from(inp.lines.join('\n'), 'utf8') };
        });
        const read = (a: TraceSetAnalyzer, part: typeof files) => {
          for (const f of part) {
            a.beginInput(f.file, f.pid);
            a.push(parseChunksSync([f.bytes], f.file));
            a.endInput();
          }
          return a;
        };
        const outcome = (fn: () => TraceSetAnalyzer) => {
          try {
            return JSON.stringify(buildGapReport(buildInputReport([], 5), fn().finish()));
          } catch (err) {
            if (!(err instanceof AnalysisError)) throw err;
            return `refused at ${err.file}:${err.line} (${err.expected}/${err.found})`;
          }
        };
        // The CLI splits only once it knows the clock; a set whose probe fails is read whole.
        let clockStart: ClockStart | null = null;
        try {
          const probe = new TraceSetAnalyzer({ detectors: [] });
          for (const f of files) {
            read(probe, [f]);
            if (probe.clockStart !== null) break;
          }
          clockStart = probe.clockStart;
        } catch {
          return;
        }
        if (clockStart === null || files.length < 2) return;
        const cut = 1 + (cutSeed % (files.length - 1));
        const whole = outcome(() => read(new TraceSetAnalyzer({ top, minGap: 0 }), files));
        const split = outcome(() => {
          const main = new TraceSetAnalyzer({ top, minGap: 0, clockStart });
          main.absorb(structuredClone(read(new TraceSetAnalyzer({ top, minGap: 0, clockStart }), files.slice(0, cut)).partial()));
          main.absorb(structuredClone(read(new TraceSetAnalyzer({ top, minGap: 0, clockStart }), files.slice(cut)).partial()));
          return main;
        });
        expect(split).toBe(whole);
        compared++;
      }),
      { numRuns: RUNS },
    );
    if (LONG) console.log(`fuzz split: ${compared} of ${RUNS} sets split and compared (the others have no clock to split on, or one input), 0 differences`);
    expect(compared).toBeGreaterThan(RUNS / 10);
  });
});
