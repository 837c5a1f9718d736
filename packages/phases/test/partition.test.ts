/**
 * One input read split by pid: each share's analyzer reads only its pids' lines (the parser skips
 * the others by their bytes), and `interleave` joins the parts. The result must be exactly the
 * analysis of one analyzer reading the whole input — or, where a trace cannot be split that way,
 * an unpartitionable `ParserError` that sends the reader back to one thread. Checked on every fixture
 * file, in two, three and five shares.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SummaryBuilder,
  isParserError,
  mergeSummaries,
  parseText,
  pidFromFileName,
  type PartialSummary,
  type PidPartition,
} from '@strace-gaps/parser';
import { TraceSetAnalyzer, buildGapReport, buildInputReport, type Analysis, type PartialAnalysis } from '@strace-gaps/phases';
import { fixtureSets, traceBytes } from '../../parser/test/helpers/fixtures.js';

const files = fixtureSets().flatMap((s) =>
  s.files.map((f) => ({ name: `${s.name}/${basename(f)}`, file: basename(f), pid: pidFromFileName(f), text: traceBytes(f).toString('utf8') })),
);
type Input = (typeof files)[number];

function doc(a: Analysis): string {
  return JSON.stringify(buildGapReport(buildInputReport([], 20), a));
}

function whole(input: Input): TraceSetAnalyzer {
  const a = new TraceSetAnalyzer();
  a.beginInput(input.file, input.pid);
  a.push(parseText(input.text, input.file));
  a.endInput();
  return a;
}

/** Each share read on its own, carried over as a structured clone, joined by `interleave`. */
function partitioned(input: Input, count: number): { analysis: Analysis; summaries: PartialSummary[] } {
  const clockStart = whole(input).clockStart;
  const parts: PartialAnalysis[] = [];
  const summaries: PartialSummary[] = [];
  for (let index = 0; index < count; index++) {
    const partition: PidPartition = { index, count };
    const a = new TraceSetAnalyzer({ clockStart, partition });
    const lines = parseText(input.text, input.file, { partition });
    const s = new SummaryBuilder(input.file, 20);
    s.add(lines);
    a.beginInput(input.file, input.pid);
    a.push(lines);
    a.endInput();
    parts.push(structuredClone(a.partial()));
    summaries.push(structuredClone(s.partial()));
  }
  const main = new TraceSetAnalyzer({ clockStart });
  main.interleave(parts);
  return { analysis: main.finish(), summaries };
}

const outcomes = new Map<string, string>();

describe.each(files)('$name', (input) => {
  const expected = doc(whole(input).finish());
  const summary = new SummaryBuilder(input.file, 20);
  summary.add(parseText(input.text, input.file));

  it.each([2, 3, 5])('in %i shares: the same analysis and summary, or refused', (count) => {
    let got: ReturnType<typeof partitioned>;
    try {
      got = partitioned(input, count);
    } catch (err) {
      expect(isParserError(err, 'unpartitionable')).toBe(true);
      outcomes.set(`${input.name}/${count}`, `refused: ${(err as Error).message}`);
      return;
    }
    outcomes.set(`${input.name}/${count}`, 'split');
    expect(doc(got.analysis)).toBe(expected);
    expect(mergeSummaries(got.summaries, 20)).toEqual(summary.finish());
  });
});

describe('which fixtures split', () => {
  it('every multi-process -f capture splits; -ff files (no pid prefixes) are refused', () => {
    if (process.env.SHOW_OUTCOMES) console.log([...outcomes].map(([k, o]) => `${k}: ${o}`).join('\n'));
    const split = [...outcomes].filter(([, o]) => o === 'split').map(([k]) => k);
    // The -f captures of several processes: s6-f-single, s6-f-ms, multiproc's -f files…
    expect(split.filter((k) => k.startsWith('s6-f-single/')).length).toBe(3);
    expect(split.filter((k) => k.startsWith('multiproc/')).length).toBeGreaterThan(0);
    const ff = [...outcomes].filter(([k]) => k.startsWith('s6-slow/'));
    expect(ff.length).toBeGreaterThan(0);
    expect(ff.every(([, o]) => o.startsWith('refused'))).toBe(true);
  });
});
