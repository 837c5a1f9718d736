/**
 * The CLI's analysis reads lazy one-line calls (the parser's `ReadOptions.lazy`); the report must be
 * the one the plain events give, on every fixture set.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChunksSync, pidFromFileName } from '@strace-gaps/parser';
import { TraceSetAnalyzer, buildGapReport, buildInputReport } from '@strace-gaps/phases';
import { fixtureSets, traceBytes } from '../../parser/test/helpers/fixtures.js';

function report(files: readonly string[], lazy: boolean): string {
  const a = new TraceSetAnalyzer();
  for (const f of files) {
    const name = basename(f);
    a.beginInput(name, pidFromFileName(name));
    a.push(parseChunksSync([traceBytes(f)], name, { lazy }));
    a.endInput();
  }
  return JSON.stringify(buildGapReport(buildInputReport([], 20), a.finish()));
}

describe.each(fixtureSets())('$name', ({ files }) => {
  it('lazy calls: the report of the plain events', () => {
    expect(report(files, true)).toBe(report(files, false));
  });
});
