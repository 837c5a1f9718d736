/**
 * What the per-detector tests share: run real strace lines through the public API, read a set in
 * parts (as the CLI's threads do), and cite a line as `file:line`.
 */
import { join } from 'node:path';
import { parseText } from '@strace-gaps/parser';
import {
  TraceSetAnalyzer,
  analyzeInputs,
  isPhase,
  type Analysis,
  type AnalysisOptions,
  type KnownPhase,
  type LineRef,
  type PhaseKind,
} from '@strace-gaps/phases';
import { FIXTURES, traceBytes } from '../../../parser/test/helpers/fixtures.js';

/** One input: `[file, pid from the -ff name (or null for a -f log), text]`. */
export type Input = readonly [file: string, pid: number | null, text: string];

/** Analyses inputs given as `[file, pid, text]`, in that order. */
export function run(inputs: readonly Input[], options: AnalysisOptions = {}): Analysis {
  return analyzeInputs(
    inputs.map(([file, pid, text]) => ({ file, pid, lines: [parseText(text, file)] })),
    options,
  );
}

/** The phases of one kind, narrowed so that their facts are typed. */
export function phasesOf<K extends PhaseKind>(a: Analysis, kind: K): KnownPhase<K>[] {
  return a.phases.filter((p): p is KnownPhase<K> => isPhase(p, kind));
}

/** The only phase of a kind; fails when there is none or more than one. */
export function onlyPhase<K extends PhaseKind>(a: Analysis, kind: K): KnownPhase<K> {
  const all = phasesOf(a, kind);
  if (all.length !== 1) throw new Error(`expected one ${kind} phase, found ${all.length}`);
  return all[0] as KnownPhase<K>;
}

/** `file:line` of a cited line. */
export function at(r: LineRef): string {
  return `${r.file}:${r.line}`;
}

/** A fixture file's whole text (gunzipped), by its path under fixtures/. */
export function fixture(path: string): string {
  return traceBytes(join(FIXTURES, path)).toString('utf8');
}

/** Lines `from`..`to` (1-based, inclusive) of a fixture file, exactly as strace wrote them. */
export function fixtureLines(path: string, from: number, to: number): string {
  return `${fixture(path).split('\n').slice(from - 1, to).join('\n')}\n`;
}

function read(a: TraceSetAnalyzer, inputs: readonly Input[]): TraceSetAnalyzer {
  for (const [file, pid, text] of inputs) {
    a.beginInput(file, pid);
    a.push(parseText(text, file));
    a.endInput();
  }
  return a;
}

/**
 * The set read in parts, split before each index in `cuts` (one analyzer per part, on the clock
 * base a whole read settles on), each part carried over as a structured clone and absorbed in
 * order: what the CLI does with `--jobs` on a set of -ff files.
 */
export function inParts(inputs: readonly Input[], cuts: readonly number[], options: AnalysisOptions = {}): Analysis {
  const clockStart = read(new TraceSetAnalyzer(options), inputs).clockStart;
  const main = new TraceSetAnalyzer({ ...options, clockStart });
  let from = 0;
  for (const cut of [...cuts, inputs.length]) {
    const part = read(new TraceSetAnalyzer({ ...options, clockStart }), inputs.slice(from, cut)).partial();
    main.absorb(structuredClone(part));
    from = cut;
  }
  return main.finish();
}
