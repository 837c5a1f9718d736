/**
 * The CLI's wiring: parse options, resolve inputs, read them, render, and map failures to exit
 * codes. `run` never calls `process.exit`, so tests call it in-process.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import yargs from 'yargs';
import {
  SummaryBuilder,
  isGzipFile,
  openTraceFile,
  parseChunks,
  parseFileBatchesSync,
  pidFromFileName,
  type InputSummary,
  type ParsedLine,
} from '@strace-gaps/parser';
import { ClockMismatchError, TraceSetAnalyzer, buildDiff, buildGapReport, buildInputReport, formatCount, type GapReport } from '@strace-gaps/phases';
import { safeText } from './render/safe.js';
import { COMMAND, EXIT_CODES, OPTIONS, parseDuration, type CliOptions, type Format } from './args.js';
import { CliError, EXIT } from './errors.js';
import { resolveInputs, type Input } from './inputs.js';
import { renderJsonChunks } from './render/json.js';
import { renderDiffMarkdown } from './render/diff-markdown.js';
import { renderDiffText } from './render/diff-text.js';
import { renderMarkdown } from './render/markdown.js';
import { Progress } from './progress.js';
import { renderText } from './render/text.js';

// Both src/ and the bundled dist/ sit one level below the package root.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Where the CLI reads and writes; `process` in the bin, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stdin: AsyncIterable<Uint8Array>;
  readonly cwd: string;
  /** The environment (`NO_COLOR`, `FORCE_COLOR`); none when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock for progress rates, in milliseconds; `Date.now` when absent. */
  readonly now?: () => number;
}

/** Parses argv (without `node` and the script); throws {@link CliError} on misuse. */
export async function parseOptions(argv: readonly string[], io: CliIo, mode: 'report' | 'diff' = 'report'): Promise<CliOptions | 'exit'> {
  let helpText: string | null = null;
  const parser = yargs([...argv])
    .scriptName(COMMAND.name)
    .usage(mode === 'diff' ? `${COMMAND.diffUsage}\n\n${COMMAND.diffDescription}` : `${COMMAND.usage}\n\n${COMMAND.description}`)
    .options(OPTIONS)
    .example(COMMAND.examples.map(([cmd, what]) => [cmd, what] as [string, string]))
    .epilog(`Exit codes: ${EXIT_CODES.map(([code, what]) => `${code} ${what.split(/[.:]/)[0]?.toLowerCase()}`).join('; ')}.`)
    .strictOptions()
    .help()
    .version(version)
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg: string | null, err: Error | undefined) => {
      throw new CliError(msg ?? err?.message ?? 'bad arguments', null, `see '${COMMAND.name} --help'`, EXIT.usage, { cause: err });
    });
  const args = await parser.parseAsync([...argv], {}, (_err: unknown, _argv: unknown, output: string) => {
    if (output) helpText = output;
  });
  if (helpText !== null) {
    io.stdout.write(`${helpText}\n`);
    return 'exit';
  }
  const files = args._.map(String);
  if (files.length === 0 && mode === 'report') {
    throw new CliError('no trace files given', null, `pass strace output files or - for stdin; see '${COMMAND.name} --help'`);
  }
  const maxIssues = args['max-issues'];
  if (!Number.isInteger(maxIssues) || maxIssues < 0) {
    throw new CliError(`--max-issues must be a whole number ≥ 0, not ${String(maxIssues)}`, null, 'e.g. --max-issues 50');
  }
  const top = args.top;
  if (!Number.isInteger(top) || top < 0) {
    throw new CliError(`--top must be a whole number ≥ 0, not ${String(top)}`, null, 'e.g. --top 5');
  }
  const minGap = parseDuration(args['min-gap']);
  if (minGap === null) {
    throw new CliError(`--min-gap must be a duration, not ${JSON.stringify(args['min-gap'])}`, null, 'e.g. --min-gap 100ms, --min-gap 2s or --min-gap 0.5');
  }
  let failOnGap: number | null = null;
  if (args['fail-on-gap'] !== undefined) {
    failOnGap = parseDuration(args['fail-on-gap']);
    if (failOnGap === null) {
      throw new CliError(`--fail-on-gap must be a duration, not ${JSON.stringify(args['fail-on-gap'])}`, null, 'e.g. --fail-on-gap 2s or --fail-on-gap 500ms');
    }
  }
  if (args.json && args.format !== 'text' && args.format !== 'json') {
    throw new CliError(`--json and --format ${args.format} ask for two formats`, null, 'give one of them');
  }
  const pids = (args.pid ?? []).map(Number);
  const bad = pids.find((p) => !Number.isInteger(p) || p <= 0);
  if (bad !== undefined) {
    throw new CliError(`--pid must be a process id, not ${String(bad)}`, null, 'e.g. --pid 1234 (repeat for more)');
  }
  return {
    files,
    format: args.json ? 'json' : (args.format as Format),
    top,
    minGap,
    pids,
    failOnGap,
    maxIssues,
    color: args.color ?? null,
    quiet: args.quiet,
    debug: args.debug,
  };
}

/** Reads one input into its summary and the analysis. */
async function readInput(
  input: Input,
  io: CliIo,
  keepIssues: number,
  analyzer: TraceSetAnalyzer,
  progress: Progress | null,
): Promise<InputSummary> {
  const summary = new SummaryBuilder(input.path, keepIssues);
  let first = true;
  const take = (batch: ParsedLine[]) => {
    if (first && batch.length > 0) {
      first = false;
      if (isTarHeader((batch[0] as ParsedLine).text)) {
        throw new CliError('is a tar archive, not a trace file', input.path, `unpack it first (tar -xf ${input.path}) and pass the directory`);
      }
    }
    summary.add(batch);
    analyzer.push(batch);
  };
  const onRead = progress === null ? undefined : (bytes: number) => progress.read(bytes);
  analyzer.beginInput(input.path, input.kind === 'stdin' ? null : pidFromFileName(input.path));
  if (input.kind === 'stdin') {
    const source = onRead === undefined ? io.stdin : countBytes(io.stdin, onRead);
    for await (const batch of parseChunks(source, input.path)) take(batch);
    analyzer.endInput();
    progress?.fileDone();
    return summary.finish();
  }
  const path = resolve(io.cwd, input.path);
  try {
    // Plain files are read synchronously (see readChunksSync); gzip goes through zlib's stream.
    if (isGzipFile(path)) for await (const batch of parseChunks(openTraceFile(path, onRead), input.path)) take(batch);
    else for (const batch of parseFileBatchesSync(path, onRead === undefined ? {} : { onRead }, input.path)) take(batch);
    analyzer.endInput();
    progress?.fileDone();
    return summary.finish();
  } catch (err) {
    throw readError(err, input.path);
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
    return new CliError('permission denied', path, 'run as a user who can read it, or copy it', EXIT.usage, { cause: err });
  }
  if (code === 'ENOENT') {
    return new CliError('the file disappeared before it could be read', path, 'check the path; was the capture moved or cleaned up?', EXIT.usage, { cause: err });
  }
  if (code === 'EISDIR') {
    return new CliError('is a directory, not a trace file', path, 'pass the files inside it', EXIT.usage, { cause: err });
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new CliError('the gzip data is corrupt or truncated', path, 'decompress it by hand to see how much survives', EXIT.usage, { cause: err });
  }
  return err;
}

function clockError(err: ClockMismatchError): CliError {
  const first = err.expected === 'none' ? 'no timestamps' : `${err.expected} timestamps`;
  const found = err.found === 'none' ? 'no timestamps' : `${err.found} timestamps`;
  return new CliError(
    `the inputs mix clocks: this line has ${found}, the lines before had ${first}`,
    `${err.file}:${err.line}`,
    'a set must come from one capture with one timestamp option (-t/-tt, -ttt or -r); analyse the others separately',
    EXIT.usage,
    { cause: err },
  );
}

async function* countBytes(source: AsyncIterable<Uint8Array>, onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onRead(chunk.length);
    yield chunk;
  }
}

/** Colour: `--color`/`--no-color` first, then NO_COLOR (any value) and FORCE_COLOR, then whether stdout is a terminal. */
export function useColor(options: Pick<CliOptions, 'color' | 'format'>, io: Pick<CliIo, 'stdout' | 'env'>): boolean {
  if (options.format !== 'text') return false;
  if (options.color !== null) return options.color;
  const env = io.env ?? {};
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true && env.TERM !== 'dumb';
}

/** Progress goes to stderr only when a person watches it. */
function progressFor(options: CliOptions, io: CliIo, inputs: readonly Input[]): Progress | null {
  if (options.quiet || io.stderr.isTTY !== true) return null;
  let total: number | null = 0;
  for (const input of inputs) {
    if (input.kind === 'stdin') total = null;
    else if (total !== null) total += statSync(resolve(io.cwd, input.path)).size;
  }
  return new Progress(io.stderr, inputs.length, total, io.now ?? Date.now);
}

function render(report: GapReport, options: CliOptions, io: CliIo): void {
  if (options.format === 'json') {
    for (const chunk of renderJsonChunks(report)) io.stdout.write(chunk);
  } else if (options.format === 'markdown') {
    io.stdout.write(renderMarkdown(report, { top: options.top }));
  } else {
    io.stdout.write(renderText(report, { top: options.top, color: useColor(options, io) }));
  }
}

/** Reads a set of inputs and builds its report. */
async function analyse(inputs: readonly Input[], options: CliOptions, io: CliIo, progress: Progress | null, top = options.top): Promise<GapReport> {
  const analyzer = new TraceSetAnalyzer({ top, minGap: options.minGap, pids: options.pids });
  const summaries: InputSummary[] = [];
  try {
    for (const input of inputs) summaries.push(await readInput(input, io, options.maxIssues, analyzer, progress));
  } catch (err) {
    if (err instanceof ClockMismatchError) throw clockError(err);
    throw err;
  }
  checkReadable(summaries);
  return buildGapReport(buildInputReport(summaries, options.maxIssues), analyzer.finish(), { pids: options.pids });
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
    throw new CliError(`${which} ${summaries.length === 1 ? 'is' : 'are'} empty`, first.path, 'check that strace wrote there (-o FILE) and that the capture ran');
  }
  const issue = summaries.flatMap((s) => s.issues)[0];
  const head = issue === undefined ? '' : safeText(issue.text.slice(0, 40));
  throw new CliError(
    `${lines === 1 ? `the one line of ${which} is not` : `none of the ${formatCount(lines)} lines of ${which} is`} strace output` +
      (head === '' ? '' : ` (the first reads: ${head}${issue!.text.length > 40 ? '…' : ''})`),
    issue === undefined ? first.path : `${issue.file}:${issue.line}`,
    'check that it is the file strace -o wrote (plain or .gz); an archive must be unpacked first',
  );
}

/** Gaps per set a diff compares: more than a report shows, so one side's gap finds its match. */
const DIFF_TOP = 50;

/** `diff FAST... -- SLOW...`, or `diff FAST SLOW` with one directory or glob each. */
async function runDiff(argv: readonly string[], io: CliIo): Promise<{ code: number; progress: Progress | null }> {
  const split = argv.indexOf('--');
  const options = await parseOptions(split < 0 ? argv : argv.slice(0, split), io, 'diff');
  if (options === 'exit') return { code: EXIT.ok, progress: null };
  let fast: readonly string[];
  let slow: readonly string[];
  if (split >= 0) {
    fast = options.files;
    slow = argv.slice(split + 1);
  } else if (options.files.length === 2) {
    fast = [options.files[0] as string];
    slow = [options.files[1] as string];
  } else {
    throw new CliError(
      `diff compares two sets, and ${options.files.length} operands without -- do not say which is which`,
      null,
      `give the fast files, --, then the slow files (or one directory or quoted glob each); see '${COMMAND.name} diff --help'`,
    );
  }
  if (fast.length === 0 || slow.length === 0) {
    throw new CliError(`the ${fast.length === 0 ? 'fast' : 'slow'} side has no files`, null, `give the fast files, --, then the slow files`);
  }
  const fastInputs = await resolveInputs(fast, io.cwd);
  const slowInputs = await resolveInputs(slow, io.cwd);
  const progress = progressFor(options, io, [...fastInputs, ...slowInputs]);
  const top = Math.max(options.top, DIFF_TOP);
  let fastReport: GapReport;
  let slowReport: GapReport;
  try {
    fastReport = await analyse(fastInputs, options, io, progress, top);
    slowReport = await analyse(slowInputs, options, io, progress, top);
  } finally {
    progress?.done();
  }
  const diff = buildDiff(fastReport, slowReport, { gaps: options.top });
  if (options.format === 'json') for (const chunk of renderJsonChunks(diff)) io.stdout.write(chunk);
  else if (options.format === 'markdown') io.stdout.write(renderDiffMarkdown(diff));
  else io.stdout.write(renderDiffText(diff, { color: useColor(options, io) }));
  return { code: EXIT.ok, progress };
}

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = argv.includes('--debug');
  let progress: Progress | null = null;
  try {
    if (argv[0] === 'diff') return (await runDiff(argv.slice(1), io)).code;
    const options = await parseOptions(argv, io);
    if (options === 'exit') return EXIT.ok;
    debug = options.debug;
    const inputs = await resolveInputs(options.files, io.cwd);
    progress = progressFor(options, io, inputs);
    let report: GapReport;
    try {
      report = await analyse(inputs, options, io, progress);
    } finally {
      progress?.done();
    }
    render(report, options, io);
    const limit = options.failOnGap;
    if (limit !== null && report.gaps.some((g) => g.seconds >= limit)) return EXIT.findings;
    return EXIT.ok;
  } catch (err) {
    progress?.done();
    if (err instanceof CliError) {
      io.stderr.write(`${err.format()}\n`);
      if (debug && err.cause instanceof Error && err.cause.stack) io.stderr.write(`${err.cause.stack}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`strace-gaps: internal error: ${e.message} — please report it with the command line${debug ? '' : ' (add --debug for the stack)'}\n`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  }
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin as unknown as Readable,
    cwd: process.cwd(),
    env: process.env,
  };
}
