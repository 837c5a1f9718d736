/**
 * The report's process list made one at a time (`reportProcesses`, for a writer that streams it)
 * is the list `buildGapReport` builds, on every fixture set and with a `pids` filter.
 */
import { describe, expect, it } from 'vitest';
import { parseChunksSync, pidFromFileName } from '@strace-gaps/parser';
import { analyzeInputs, buildGapReport, buildInputReport, reportProcesses, type Analysis } from '@strace-gaps/phases';
import { fixtureSets, traceBytes, type FixtureSet } from '../../parser/test/helpers/fixtures.js';

function analyze(set: FixtureSet): Analysis {
  const several = set.files.length > 1;
  return analyzeInputs(set.files.map((f) => ({ file: f, pid: several ? pidFromFileName(f) : null, lines: [parseChunksSync([traceBytes(f)], f)] })));
}

describe('reportProcesses', () => {
  const sets = fixtureSets();

  it.each(sets.map((s) => [s.name, s] as const))('gives buildGapReport’s processes on %s', (_name, set) => {
    const a = analyze(set);
    const input = buildInputReport([], 5);
    const whole = buildGapReport(input, a);
    expect(whole.processes.length).toBeGreaterThan(0);
    expect([...reportProcesses(a)]).toEqual(whole.processes);
    const lean = buildGapReport(input, a, { processes: false });
    expect(lean.processes).toEqual([]);
    expect({ ...lean, processes: whole.processes }).toEqual(whole);
  });

  it('filters by pid as buildGapReport does: a process and its threads', () => {
    const set = sets.find((s) => s.files.length > 2) as FixtureSet;
    const a = analyze(set);
    const pid = (a.tasks[a.tasks.length - 1] as Analysis['tasks'][number]).tgid;
    const whole = buildGapReport(buildInputReport([], 5), a, { pids: [pid] });
    expect(whole.processes.length).toBeGreaterThan(0);
    expect(whole.processes.length).toBeLessThan(a.tasks.length);
    expect([...reportProcesses(a, { pids: [pid] })]).toEqual(whole.processes);
  });
});
