/**
 * An analysis split across threads: parts of a set read by separate analyzers (on the same clock
 * base), carried over as structured clones and absorbed in order, must give exactly the analysis
 * of one analyzer reading everything. Checked on every multi-file capture, split at every point
 * and in three parts.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText, pidFromFileName } from '@strace-gaps/parser';
import { TraceSetAnalyzer, buildGapReport, buildInputReport, type Analysis, type ClockStart, type PhaseDetector } from '@strace-gaps/phases';
import { fixtureSets, traceBytes } from '../../parser/test/helpers/fixtures.js';

const sets = fixtureSets()
  .filter((s) => s.files.length >= 2 && s.files.every((f) => pidFromFileName(f) !== null))
  .map((s) => ({ name: s.name, files: s.files.map((f) => ({ file: basename(f), pid: pidFromFileName(f), text: traceBytes(f).toString('utf8') })) }));

type Input = (typeof sets)[number]['files'][number];

function read(a: TraceSetAnalyzer, inputs: readonly Input[]): TraceSetAnalyzer {
  for (const i of inputs) {
    a.beginInput(i.file, i.pid);
    a.push(parseText(i.text, i.file));
    a.endInput();
  }
  return a;
}

function doc(a: Analysis): string {
  return JSON.stringify(buildGapReport(buildInputReport([], 20), a));
}

/** The clock and base second a whole-set analysis settles on (what the CLI probes before it splits). */
function baseOf(inputs: readonly Input[]): ClockStart | null {
  const probe = new TraceSetAnalyzer();
  for (const i of inputs) {
    read(probe, [i]);
    if (probe.clockStart !== null) return probe.clockStart;
  }
  return null;
}

function split(inputs: readonly Input[], cuts: number[]): Analysis {
  const clockStart = baseOf(inputs);
  const main = new TraceSetAnalyzer({ clockStart });
  let from = 0;
  for (const cut of [...cuts, inputs.length]) {
    const part = read(new TraceSetAnalyzer({ clockStart }), inputs.slice(from, cut)).partial();
    main.absorb(structuredClone(part));
    from = cut;
  }
  return main.finish();
}

describe.each(sets)('$name', ({ files }) => {
  const whole = doc(read(new TraceSetAnalyzer(), files).finish());

  it('split in two at every file: the same report', () => {
    for (let cut = 1; cut < files.length; cut++) expect(doc(split(files, [cut])), `cut at ${cut}`).toBe(whole);
  });

  it('split in three: the same report', () => {
    const third = Math.max(1, Math.floor(files.length / 3));
    expect(doc(split(files, [third, Math.min(files.length - 1, 2 * third)]))).toBe(whole);
  });
});

describe('facts a detector keeps', () => {
  /** Keeps every call's `file:line`, and reports them all in order as one finding. */
  function everyCall(): PhaseDetector<string> {
    return {
      id: 'every-call',
      watch: (task, ctx) => ({ call: (c) => ctx.keep(`${task.pid} ${c.ev.file}:${c.ev.line}`) }),
      finish(_set, ctx, facts) {
        ctx.finding({ id: 'every-call', pid: null, summary: facts.join(' '), evidence: [] });
      },
    };
  }
  const seen = (a: Analysis) => a.findings.find((f) => f.id === 'every-call')?.summary;
  const set = sets.find((s) => s.files.length >= 4) as (typeof sets)[number];

  it('reach finish in input order, then line order', () => {
    const a = read(new TraceSetAnalyzer({ detectors: [everyCall()] }), set.files).finish();
    const calls = (seen(a) as string).split(' ').filter((_, k) => k % 2 === 1);
    expect(calls.length).toBeGreaterThan(100);
    const order = calls.map((c) => [set.files.findIndex((f) => f.file === c.split(':')[0]), Number(c.split(':')[1])]);
    expect(order).toEqual([...order].sort((x, y) => (x[0] as number) - (y[0] as number) || (x[1] as number) - (y[1] as number)));
  });

  it('are the same when the set is read in parts', () => {
    const whole = seen(read(new TraceSetAnalyzer({ detectors: [everyCall()] }), set.files).finish());
    const clockStart = baseOf(set.files);
    for (const cuts of [[1], [set.files.length - 1], [1, 3]]) {
      const main = new TraceSetAnalyzer({ clockStart, detectors: [everyCall()] });
      let from = 0;
      for (const cut of [...cuts, set.files.length]) {
        main.absorb(structuredClone(read(new TraceSetAnalyzer({ clockStart, detectors: [everyCall()] }), set.files.slice(from, cut)).partial()));
        from = cut;
      }
      expect(seen(main.finish()), `cut at ${cuts}`).toBe(whole);
    }
  });
});

describe('absorb', () => {
  it('shares the call-name lists of the tasks it takes in, as if it had read them', () => {
    const set = sets.find((s) => s.files.length >= 4) as (typeof sets)[number];
    const lists = (a: Analysis) => new Set(a.tasks.map((t) => t.stats.callNames())).size;
    const whole = read(new TraceSetAnalyzer(), set.files).finish();
    expect(lists(whole)).toBeLessThan(whole.tasks.length);
    // A part of each file: a structured clone keeps what one part shares, not what two do.
    expect(lists(split(set.files, set.files.map((_, k) => k).slice(1)))).toBe(lists(whole));
  });

  it('refuses a part on another clock, naming its first timed line', () => {
    const main = new TraceSetAnalyzer();
    main.absorb(read(new TraceSetAnalyzer(), [{ file: 'a.1', pid: 1, text: '10:00:00.000001 close(3) = 0\n' }]).partial());
    const other = read(new TraceSetAnalyzer(), [{ file: 'b.2', pid: 2, text: '1700000000.000001 close(3) = 0\n' }]).partial();
    expect(() => main.absorb(other)).toThrow(expect.objectContaining({ file: 'b.2', line: 1, expected: 'time-of-day', found: 'epoch' }));
  });

  it('is offered unless a listener is told of each call as it is read', () => {
    expect(new TraceSetAnalyzer().splittable).toBe(true);
    expect(new TraceSetAnalyzer({ detectors: [{ id: 'x', watch: () => null }] }).splittable).toBe(true);
    expect(new TraceSetAnalyzer({ listener: { call() {}, event() {} } }).splittable).toBe(false);
  });
});
