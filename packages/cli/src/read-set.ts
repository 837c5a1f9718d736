/**
 * Reading a set of inputs into one analysis: files (plain, read synchronously; gzip, streamed),
 * stdin, progress, and the input errors a user can act on (permission, a vanished file, corrupt
 * gzip, a tar archive, mixed clocks, nothing that is strace output).
 */
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import {
  isParserError,
  SummaryBuilder,
  parseChunks,
  parseTraceFileBatches,
  pidFromFileName,
  type InputSummary,
  type ParsedLine,
} from '@strace-gaps/parser';
import {
  countChunks,
} from '@strace-gaps/parser/internal';
import {
  AnalysisError,
  TraceSetAnalyzer,
  buildGapReport,
  buildInputReport,
  formatCount,
  type Analysis,
  type CaptureManifest,
  type GapReport,
  type TraceListener,
} from '@strace-gaps/phases';
import type { CliOptions } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Input } from './inputs.js';
import type { CliIo } from './io.js';
import { jobsFor, probeClockStart, readParallel } from './parallel.js';
import { Progress } from './progress.js';
import { safeText } from './render/safe.js';

/** Reads one input into its summary and the analysis. */
export async function readInput(
  input: Input,
  io: Pick<CliIo, 'cwd' | 'stdin'>,
  keepIssues: number,
  analyzer: TraceSetAnalyzer,
  progress: Pick<Progress, 'read' | 'fileDone'> | null,
  /** Between batches: a promise to wait for (the output a listener writes is backed up), or null. */
  pause: () => Promise<void> | null = () => null,
): Promise<InputSummary> {
  const summary = new SummaryBuilder(input.path, keepIssues);
  let first = true;
  const take = (batch: ParsedLine[]) => {
    if (first && batch.length > 0) {
      first = false;
      const head = batch[0] as ParsedLine;
      if (head.line === 1 && isTarHeader(head.text)) {
        throw new CliError('not-a-trace', 'is a tar archive, not a trace file', input.path, `unpack it first (tar -xf ${input.path}) and pass the directory`);
      }
    }
    summary.add(batch);
    analyzer.push(batch);
  };
  const onRead = progress === null ? undefined : (bytes: number) => progress.read(bytes);
  analyzer.beginInput(input.path, input.kind === 'stdin' ? null : pidFromFileName(input.path));
  const stdin = input.kind === 'stdin' && input.replay === undefined;
  try {
    let batches: Iterable<ParsedLine[]> | AsyncIterable<ParsedLine[]>;
    if (stdin) batches = parseChunks(onRead === undefined ? io.stdin : countChunks(io.stdin, onRead), input.path);
    else {
      // stdin kept in a file for a second pass is read from there, still named `-`.
      const path = input.kind === 'stdin' && input.replay !== undefined ? input.replay : resolve(io.cwd, input.path);
      batches = parseTraceFileBatches(path, onRead === undefined ? {} : { onRead }, input.path);
    }
    try {
      for await (const batch of batches) {
        take(batch);
        const wait = pause();
        if (wait !== null) await wait;
      }
    } catch (err) {
      // A cut .gz: every line before the cut was read; the report says where it ends.
      if (!isParserError(err, 'cut-input')) throw err;
      analyzer.inputCut(input.path, err.line);
    }
    analyzer.endInput();
    progress?.fileDone();
    return summary.finish();
  } catch (err) {
    throw stdin ? err : readError(err, input.path);
  }
}

/**
 * A tar archive's first 512 bytes are a header with `ustar` at byte 257; its first "line" runs
 * into the first file's content. Traces sent as `trace.tar.gz` would otherwise be read as one
 * stream, the files run together.
 */
export function isTarHeader(firstLine: string): boolean {
  return firstLine.length >= 262 && firstLine.startsWith('ustar', 257);
}

/** A failure while reading `path`, as the one-line input error it is (other errors pass through). */
export function readError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new CliError('unreadable', 'permission denied', path, 'run as a user who can read it, or copy it', EXIT.usage, { cause: err });
  }
  if (code === 'ENOENT') {
    return new CliError('unreadable', 'the file disappeared before it could be read', path, 'check the path; was the capture moved or cleaned up?', EXIT.usage, { cause: err });
  }
  if (code === 'EISDIR') {
    return new CliError('unreadable', 'is a directory, not a trace file', path, 'pass the files inside it', EXIT.usage, { cause: err });
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new CliError('unreadable', 'the gzip data is corrupt or truncated', path, 'decompress it by hand to see how much survives', EXIT.usage, { cause: err });
  }
  return err;
}

function clockError(err: AnalysisError): CliError {
  const first = err.expected === 'none' ? 'no timestamps' : `${err.expected} timestamps`;
  const found = err.found === 'none' ? 'no timestamps' : `${err.found} timestamps`;
  return new CliError(
    'mixed-clocks',
    `the inputs mix clocks: this line has ${found}, the lines before had ${first}`,
    `${err.file}:${err.line}`,
    'a set must come from one capture with one timestamp option (-t/-tt, -ttt or -r); analyse the others separately',
    EXIT.usage,
    { cause: err },
  );
}

/** Progress goes to stderr only when a person watches it. */
export function progressFor(options: CliOptions, io: CliIo, inputs: readonly Input[]): Progress | null {
  if (options.quiet || io.stderr.isTTY !== true) return null;
  let total: number | null = 0;
  for (const input of inputs) {
    if (input.kind === 'stdin') total = null;
    else if (total !== null) total += statSync(resolve(io.cwd, input.path)).size;
  }
  return new Progress(io.stderr, inputs.length, total, io.now ?? Date.now);
}

/** Reads a set of inputs and builds its report. */
export async function analyse(
  inputs: readonly Input[],
  options: CliOptions,
  io: CliIo,
  progress: Progress | null,
  top = options.top,
  capture: CaptureManifest | null = null,
): Promise<GapReport> {
  return (await analyseSet(inputs, options, io, progress, { top, capture })).report;
}

/**
 * Reads a set of inputs into its analysis and its report; a `listener` sees every call as it
 * passes. `processes: false` leaves the report's process list to be taken from the analysis while
 * it is written (see `reportProcesses`).
 */
export async function analyseSet(
  inputs: readonly Input[],
  options: CliOptions,
  io: CliIo,
  progress: Progress | null,
  extra: { top?: number; listener?: TraceListener; pause?: () => Promise<void> | null; processes?: boolean; capture?: CaptureManifest | null } = {},
): Promise<{ report: GapReport; analysis: Analysis }> {
  const top = extra.top ?? options.top;
  let analyzer = new TraceSetAnalyzer({
    top,
    minGap: options.minGap,
    pids: options.pids,
    ready: options.ready,
    from: options.from,
    until: options.until,
    ...(extra.listener === undefined ? {} : { listener: extra.listener }),
  });
  let summaries: InputSummary[] = [];
  const readAll = async (share: readonly Input[], into: TraceSetAnalyzer) => {
    const out: InputSummary[] = [];
    for (const input of share) out.push(await readInput(input, io, options.maxIssues, into, progress, extra.pause));
    return out;
  };
  try {
    const jobs = jobsFor(inputs, options, io.cwd, analyzer);
    const clockStart = jobs > 1 ? await probeClockStart(inputs, io.cwd) : null;
    // --debug says how the set was read: threads are chosen by size and by how many files there are.
    const note = (text: string) => {
      if (options.debug) io.stderr.write(`strace-gaps: ${text}\n`);
    };
    if (clockStart !== null) {
      ({ summaries, analyzer } = await readParallel(inputs, jobs, clockStart, options, top, io, progress, readAll));
      note(`read on ${jobs} threads, the files shared out in pieces`);
    } else {
      if (jobs > 1) note('not split: the first inputs give no clock to share; read on one thread');
      else if ((options.jobs ?? 1) > 1) note('read on one thread (--jobs shares out the files of a set, at most one thread a file)');
      summaries = await readAll(inputs, analyzer);
    }
  } catch (err) {
    if (err instanceof AnalysisError) throw clockError(err);
    throw err;
  }
  checkReadable(summaries);
  const analysis = analyzer.finish();
  return { report: buildGapReport(buildInputReport(summaries, options.maxIssues), analysis, { pids: options.pids, processes: extra.processes ?? true, capture: extra.capture ?? null }), analysis };
}

/**
 * Refuses a set with nothing in it to analyse, rather than printing an empty report: every input
 * empty, or not one line of strace output among them (a wrong file, a binary, an archive).
 */
function checkReadable(summaries: readonly InputSummary[]): void {
  const lines = summaries.reduce((n, s) => n + s.lines, 0);
  const events = summaries.reduce((n, s) => n + s.events, 0);
  const first = summaries[0];
  if (first === undefined || events > 0) return;
  const which = summaries.length === 1 ? 'the input' : `all ${summaries.length} inputs`;
  if (lines === 0) {
    throw new CliError('empty-input', `${which} ${summaries.length === 1 ? 'is' : 'are'} empty`, first.path, 'check that strace wrote there (-o FILE) and that the capture ran');
  }
  const issue = summaries.flatMap((s) => s.issues)[0];
  const head = issue === undefined ? '' : safeText(issue.text.slice(0, 40));
  throw new CliError(
    'not-a-trace',
    `${lines === 1 ? `the one line of ${which} is not` : `none of the ${formatCount(lines)} lines of ${which} is`} strace output` +
      (head === '' ? '' : ` (the first reads: ${head}${issue!.text.length > 40 ? '…' : ''})`),
    issue === undefined ? first.path : `${issue.file}:${issue.line}`,
    'check that it is the file strace -o wrote (plain or .gz); an archive must be unpacked first',
  );
}

