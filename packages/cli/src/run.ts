/**
 * The CLI's wiring: parse options, resolve inputs, read them, render, and map failures to exit
 * codes. `run` never calls `process.exit`, so tests call it in-process.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
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
import { ClockMismatchError, TraceSetAnalyzer, buildGapReport, buildInputReport } from '@strace-gaps/phases';
import { COMMAND, OPTIONS, parseDuration, type CliOptions } from './args.js';
import { CliError, EXIT } from './errors.js';
import { resolveInputs, type Input } from './inputs.js';
import { renderJsonChunks } from './render/json.js';
import { renderText } from './render/text.js';

// Both src/ and the bundled dist/ sit one level below the package root.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Where the CLI reads and writes; `process` in the bin, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly stdin: AsyncIterable<Uint8Array>;
  readonly cwd: string;
}

/** Parses argv (without `node` and the script); throws {@link CliError} on misuse. */
export async function parseOptions(argv: readonly string[], io: CliIo): Promise<CliOptions | 'exit'> {
  let helpText: string | null = null;
  const parser = yargs([...argv])
    .scriptName(COMMAND.name)
    .usage(`${COMMAND.usage}\n\n${COMMAND.description}`)
    .options(OPTIONS)
    .example(COMMAND.examples.map(([cmd, what]) => [cmd, what] as [string, string]))
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
  if (files.length === 0) {
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
  const pids = (args.pid ?? []).map(Number);
  const bad = pids.find((p) => !Number.isInteger(p) || p <= 0);
  if (bad !== undefined) {
    throw new CliError(`--pid must be a process id, not ${String(bad)}`, null, 'e.g. --pid 1234 (repeat for more)');
  }
  return { files, json: args.json, top, minGap, pids, maxIssues, debug: args.debug };
}

/** Reads one input into its summary and the analysis. */
async function readInput(input: Input, io: CliIo, keepIssues: number, analyzer: TraceSetAnalyzer): Promise<InputSummary> {
  const summary = new SummaryBuilder(input.path, keepIssues);
  const take = (batch: ParsedLine[]) => {
    summary.add(batch);
    analyzer.push(batch);
  };
  analyzer.beginInput(input.path, input.kind === 'stdin' ? null : pidFromFileName(input.path));
  if (input.kind === 'stdin') {
    for await (const batch of parseChunks(io.stdin, input.path)) take(batch);
    analyzer.endInput();
    return summary.finish();
  }
  const path = resolve(io.cwd, input.path);
  try {
    // Plain files are read synchronously (see readChunksSync); gzip goes through zlib's stream.
    if (isGzipFile(path)) for await (const batch of parseChunks(openTraceFile(path), input.path)) take(batch);
    else for (const batch of parseFileBatchesSync(path, {}, input.path)) take(batch);
    analyzer.endInput();
    return summary.finish();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new CliError('permission denied', input.path, 'run as a user who can read it, or copy it', EXIT.usage, { cause: err });
    }
    if (code === 'ENOENT') {
      throw new CliError('the file disappeared before it could be read', input.path, 'check the path', EXIT.usage, { cause: err });
    }
    if (code === 'EISDIR') {
      throw new CliError('is a directory, not a trace file', input.path, 'pass the files inside it', EXIT.usage, { cause: err });
    }
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw new CliError('the gzip data is corrupt or truncated', input.path, 'decompress it by hand to see how much survives', EXIT.usage, { cause: err });
    }
    throw err;
  }
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

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const options = await parseOptions(argv, io);
    if (options === 'exit') return EXIT.ok;
    debug = options.debug;
    const inputs = resolveInputs(options.files, io.cwd);
    const analyzer = new TraceSetAnalyzer({ top: options.top, minGap: options.minGap, pids: options.pids });
    const summaries: InputSummary[] = [];
    try {
      for (const input of inputs) summaries.push(await readInput(input, io, options.maxIssues, analyzer));
    } catch (err) {
      if (err instanceof ClockMismatchError) throw clockError(err);
      throw err;
    }
    const report = buildGapReport(buildInputReport(summaries, options.maxIssues), analyzer.finish(), { pids: options.pids });
    if (options.json) for (const chunk of renderJsonChunks(report)) io.stdout.write(chunk);
    else io.stdout.write(renderText(report, { top: options.top }));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`${err.format()}\n`);
      if (debug && err.cause instanceof Error && err.cause.stack) io.stderr.write(`${err.cause.stack}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`strace-gaps: internal error: ${e.message} — please report it with the command line${debug ? '' : ' (add --debug for the stack)'}\n`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return 70;
  }
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin as unknown as Readable,
    cwd: process.cwd(),
  };
}
