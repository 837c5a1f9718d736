/**
 * The CLI's wiring: parse options, resolve inputs, read them (read-set.ts), render, compare two
 * sets for `diff`, and map failures to exit codes. `run` never calls `process.exit`, so tests call
 * it in-process.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { buildDiff, reportProcesses, type Analysis, type CaptureManifest, type GapReport } from '@strace-gaps/phases';
import { buildLanes, captureUntil } from '@strace-gaps/phases/internal';
import { COMMAND, EXIT_CODES, OPTIONS, RECORD_OPTIONS, parseDuration, type CliOptions, type Format } from './args.js';
import { CliError, EXIT } from './errors.js';
import { findCapture } from './capture-file.js';
import { resolveInputs, type Input } from './inputs.js';
import { runRecord } from './record/command.js';
import type { CliIo } from './io.js';
import type { Progress } from './progress.js';
import { analyse, analyseSet, progressFor } from './read-set.js';
import { renderDiffMarkdown } from './render/diff-markdown.js';
import { renderDiffText } from './render/diff-text.js';
import { renderJsonChunks } from './render/json.js';
import { renderMarkdown } from './render/markdown.js';
import { renderHtml } from './render/html.js';
import { renderText } from './render/text.js';
import { TraceEventWriter } from './render/trace-event.js';

export type { CliIo } from './io.js';
export { processIo } from './io.js';
export { readError } from './read-set.js';

// Both src/ and the bundled dist/ sit one level below the package root.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
/** This CLI's version (package.json's). */
export const VERSION: string = version;

/** Which command line is parsed: the report's, `diff`'s or `record`'s. */
export type Mode = 'report' | 'diff' | 'record';

/** Parses argv (without `node` and the script); throws {@link CliError} on misuse. */
export async function parseOptions(argv: readonly string[], io: CliIo, mode: Mode = 'report'): Promise<CliOptions | 'exit'> {
  const args = await parseArgv(argv, io, mode);
  return args === 'exit' ? 'exit' : reportOptionsOf(args, mode);
}

const USAGE: Readonly<Record<Mode, string>> = {
  report: `${COMMAND.usage}\n\n${COMMAND.description}`,
  diff: `${COMMAND.diffUsage}\n\n${COMMAND.diffDescription}`,
  record: `${COMMAND.recordUsage}\n\n${COMMAND.recordDescription}`,
};

/** The options as yargs gives them (`'exit'` after --help or --version). */
export type ParsedArgs = Record<string, unknown> & { readonly _: readonly (string | number)[] };

/** argv → yargs' options, or `'exit'` after --help or --version. */
export async function parseArgv(argv: readonly string[], io: CliIo, mode: Mode): Promise<ParsedArgs | 'exit'> {
  let helpText: string | null = null;
  const parser = yargs([...argv])
    .scriptName(COMMAND.name)
    // Our own messages are English; yargs' must not switch to the user's locale mid-sentence (and
    // the bundled yargs carries no locale files).
    .locale('en')
    .usage(USAGE[mode])
    .options(mode === 'record' ? { ...OPTIONS, ...RECORD_OPTIONS } : OPTIONS)
    .example(COMMAND.examples.map(([cmd, what]) => [cmd, what] as [string, string]))
    .epilog(`Exit codes: ${EXIT_CODES.map(([code, what]) => `${code} ${what.split(/[.:]/)[0]?.toLowerCase()}`).join('; ')}.`)
    .strictOptions()
    .help()
    .version(version)
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg: string | null, err: Error | undefined) => {
      throw new CliError('usage', msg ?? err?.message ?? 'bad arguments', null, `see '${COMMAND.name}${mode === 'report' ? '' : ` ${mode}`} --help'`, EXIT.usage, { cause: err });
    });
  const args = await parser.parseAsync([...argv], {}, (_err: unknown, _argv: unknown, output: string) => {
    if (output) helpText = output;
  });
  if (helpText !== null) {
    io.stdout.write(`${helpText}\n`);
    return 'exit';
  }
  return args as unknown as ParsedArgs;
}

/** The report's options from parsed argv; in `record` mode `--pid` is record's, and there are no files. */
export function reportOptionsOf(parsed: ParsedArgs, mode: Mode): CliOptions {
  const args = parsed as unknown as {
    _: (string | number)[];
    'max-issues': number;
    top: number;
    'min-gap': string;
    'fail-on-gap'?: string;
    json: boolean;
    format: string;
    html?: string;
    jobs?: number;
    width?: number;
    from?: string;
    ready?: string;
    pid?: unknown;
    color?: boolean;
    quiet: boolean;
    debug: boolean;
  };
  const files = args._.map(String);
  if (files.length === 0 && mode === 'report') {
    throw new CliError('usage', 'no trace files given', null, `pass strace output files or - for stdin; see '${COMMAND.name} --help'`);
  }
  const maxIssues = args['max-issues'];
  if (!Number.isInteger(maxIssues) || maxIssues < 0) {
    throw new CliError('usage', `--max-issues must be a whole number ≥ 0, not ${String(maxIssues)}`, null, 'e.g. --max-issues 50');
  }
  const top = args.top;
  if (!Number.isInteger(top) || top < 0) {
    throw new CliError('usage', `--top must be a whole number ≥ 0, not ${String(top)}`, null, 'e.g. --top 5');
  }
  const minGap = parseDuration(args['min-gap']);
  if (minGap === null) {
    throw new CliError('usage', `--min-gap must be a duration, not ${JSON.stringify(args['min-gap'])}`, null, 'e.g. --min-gap 100ms, --min-gap 2s or --min-gap 0.5');
  }
  let failOnGap: number | null = null;
  if (args['fail-on-gap'] !== undefined) {
    failOnGap = parseDuration(args['fail-on-gap']);
    if (failOnGap === null) {
      throw new CliError('usage', `--fail-on-gap must be a duration, not ${JSON.stringify(args['fail-on-gap'])}`, null, 'e.g. --fail-on-gap 2s or --fail-on-gap 500ms');
    }
  }
  if (args.json && args.format !== 'text' && args.format !== 'json') {
    throw new CliError('usage', `--json and --format ${args.format} ask for two formats`, null, 'give one of them');
  }
  if (args.html !== undefined && args.html.trim() === '') {
    throw new CliError('usage', '--html needs a file name', null, 'e.g. --html report.html');
  }
  if (mode === 'diff' && (args.format === 'trace-event' || args.html !== undefined)) {
    throw new CliError('usage', 'diff writes text, json or markdown', null, `for a timeline, run ${COMMAND.name} --html or --format trace-event on each capture`);
  }
  const jobs = args.jobs ?? null;
  if (jobs !== null && (!Number.isInteger(jobs) || jobs < 1)) {
    throw new CliError('usage', `--jobs must be a whole number ≥ 1, not ${String(jobs)}`, null, 'e.g. --jobs 2, or --jobs 1 for one thread');
  }
  const width = args.width ?? null;
  if (width !== null && (!Number.isInteger(width) || width < 40)) {
    throw new CliError('usage', `--width must be a whole number ≥ 40, not ${String(width)}`, null, 'e.g. --width 120');
  }
  const from = args.from ?? null;
  if (from !== null && !TIME_OPTION.test(from.trim())) {
    throw new CliError('usage', `--from must be a time as the trace prints it, not ${JSON.stringify(from)}`, null, 'e.g. --from 11:01:35.040000 (-tt) or --from 1700000000.123456 (-ttt)');
  }
  const ready = args.ready ?? null;
  if (ready !== null && ready.trim() === '') {
    throw new CliError('usage', '--ready needs a program, listen, or a time', null, 'e.g. --ready s6-svscan, --ready listen or --ready 11:01:42.297482');
  }
  const pids = mode === 'record' ? [] : ([] as unknown[]).concat(args.pid ?? []).map(Number);
  const bad = pids.find((p) => !Number.isInteger(p) || p <= 0);
  if (bad !== undefined) {
    throw new CliError('usage', `--pid must be a process id, not ${String(bad)}`, null, 'e.g. --pid 1234 (repeat for more)');
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
    html: args.html ?? null,
    jobs,
    ready,
    from,
    width,
    until: null,
  };
}

/** A time as strace prints it: `11:01:35.04`, `11:01:35`, `1700000000.123456`. */
const TIME_OPTION = /^(?:\d{1,2}:\d{2}:\d{2}(?:\.\d+)?|\d{6,}(?:\.\d+)?)$/;

/** Colour: `--color`/`--no-color` first, then NO_COLOR (any value) and FORCE_COLOR, then whether stdout is a terminal. */
export function useColor(options: Pick<CliOptions, 'color' | 'format'>, io: Pick<CliIo, 'stdout' | 'env'>): boolean {
  if (options.format !== 'text') return false;
  if (options.color !== null) return options.color;
  const env = io.env ?? {};
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true && env.TERM !== 'dumb';
}

/** Resolves when stdout has drained after a write that returned `false`. */
function drained(io: CliIo): Promise<void> {
  return new Promise((resolve) => io.stdout.once?.('drain', () => resolve()));
}

/**
 * Pieces are joined up to this many characters before each write: into a file every write is a
 * system call, and one per piece was a quarter of the time of a report of 100,000 processes.
 */
const WRITE_CHARS = 16 * 1024;

/**
 * Writes a document in pieces, waiting whenever the output is backed up: into a pipe whose
 * reader is slower (`strace-gaps --json … | jq`), Node queues what it cannot write yet, and a
 * 150 MB report queued whole took 1.4 GB where a file took 330 MB.
 */
async function writeAll(io: CliIo, pieces: Iterable<string>): Promise<void> {
  let joined = '';
  const flush = async () => {
    const more = io.stdout.write(joined);
    joined = '';
    if (more === false && io.stdout.once !== undefined) await drained(io);
  };
  for (const piece of pieces) {
    joined += piece;
    if (joined.length >= WRITE_CHARS) await flush();
  }
  if (joined !== '') await flush();
}

/**
 * Whether the report's processes are made one at a time while the JSON is written instead of
 * all before it: a capture of thousands of processes then never holds them all as report objects.
 * The other formats and the HTML page read the whole list.
 */
function streamsProcesses(options: CliOptions): boolean {
  return options.format === 'json' && options.html === null;
}

/** JSON alone takes the process list from the analysis as it writes (see `streamsProcesses`). */
async function render(report: GapReport, analysis: Analysis, options: CliOptions, io: CliIo): Promise<void> {
  if (options.format === 'json') {
    const lists = streamsProcesses(options) ? { processes: reportProcesses(analysis, { pids: options.pids }) } : {};
    await writeAll(io, renderJsonChunks(report, lists));
  } else if (options.format === 'markdown') {
    io.stdout.write(renderMarkdown(report, { top: options.top }));
  } else {
    io.stdout.write(renderText(report, { top: options.top, color: useColor(options, io), width: widthOf(options, io) }));
  }
}

/** `--width`, else the terminal's columns, else 80. */
export function widthOf(options: Pick<CliOptions, 'width'>, io: Pick<CliIo, 'stdout'>): number {
  if (options.width !== null) return options.width;
  const cols = io.stdout.isTTY === true ? io.stdout.columns : undefined;
  return cols !== undefined && cols >= 40 ? cols : 80;
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
      'usage',
      `diff compares two sets, and ${options.files.length} operands without -- do not say which is which`,
      null,
      `give the fast files, --, then the slow files (or one directory or quoted glob each); see '${COMMAND.name} diff --help'`,
    );
  }
  if (fast.length === 0 || slow.length === 0) {
    throw new CliError('usage', `the ${fast.length === 0 ? 'fast' : 'slow'} side has no files`, null, `give the fast files, --, then the slow files`);
  }
  const fastSide = findCapture(await resolveInputs(fast, io.cwd), io.cwd);
  const slowSide = findCapture(await resolveInputs(slow, io.cwd), io.cwd);
  const fastInputs = fastSide.inputs;
  const slowInputs = slowSide.inputs;
  const progress = progressFor(options, io, [...fastInputs, ...slowInputs]);
  const top = Math.max(options.top, DIFF_TOP);
  let fastReport: GapReport;
  let slowReport: GapReport;
  try {
    fastReport = await analyse(fastInputs, options, io, progress, top, fastSide.manifest);
    slowReport = await analyse(slowInputs, options, io, progress, top, slowSide.manifest);
  } finally {
    progress?.done();
  }
  const diff = buildDiff(fastReport, slowReport, { gaps: options.top });
  if (options.format === 'json') await writeAll(io, renderJsonChunks(diff));
  else if (options.format === 'markdown') io.stdout.write(renderDiffMarkdown(diff));
  else io.stdout.write(renderDiffText(diff, { color: useColor(options, io) }));
  return { code: EXIT.ok, progress };
}

function failsOn(report: GapReport, options: CliOptions): number {
  const limit = options.failOnGap;
  return limit !== null && report.gaps.some((g) => g.seconds >= limit) ? EXIT.findings : EXIT.ok;
}

/** `--html FILE`: the page, written next to whatever goes to stdout. */
function writeHtml(file: string, report: GapReport, analysis: Analysis, options: CliOptions, io: CliIo): void {
  const page = renderHtml(report, buildLanes(analysis, { pids: options.pids }), { generator: `${COMMAND.name} ${version}` });
  const path = resolve(io.cwd, file);
  try {
    writeFileSync(path, page);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError('output', `cannot write the HTML report (${code})`, file, 'check that its directory exists and is writable', EXIT.usage, { cause: err });
  }
  if (!options.quiet) io.stderr.write(`${COMMAND.name}: wrote ${file}\n`);
}

/**
 * `--format trace-event` reads the set twice: once for what only the whole set tells (threads of
 * which process, names, phases, gaps), once to stream every call out. stdin is kept in a
 * temporary file for the second pass.
 */
async function writeTraceEvents(given: readonly Input[], options: CliOptions, io: CliIo, capture: CaptureManifest | null): Promise<GapReport> {
  let spool: string | null = null;
  try {
    const inputs: Input[] = [];
    for (const input of given) {
      if (input.kind !== 'stdin') {
        inputs.push(input);
        continue;
      }
      spool = mkdtempSync(join(tmpdir(), 'strace-gaps-'));
      const replay = join(spool, 'stdin');
      await spoolTo(io.stdin, replay);
      inputs.push({ kind: 'stdin', path: '-', replay });
    }
    let progress = progressFor(options, io, inputs);
    let first: { report: GapReport; analysis: Analysis };
    try {
      // The export needs the report's phases and gaps; its process list only for --html.
      first = await analyseSet(inputs, options, io, progress, { processes: options.html !== null, capture });
    } finally {
      progress?.done();
    }
    if (first.analysis.clock.kind === 'none') {
      throw new CliError('no-timestamps', 'the trace has no timestamps, so there is no timeline to export', first.report.input.files[0]?.path ?? null, 're-capture with -tt -T (or -ttt)');
    }
    if (options.html !== null) writeHtml(options.html, first.report, first.analysis, options, io);
    // Gigabytes of events into a slow pipe: the read waits while the output is backed up, instead
    // of queueing the whole document in memory.
    let blocked: Promise<void> | null = null;
    const out = (chunk: string) => {
      if (io.stdout.write(chunk) !== false || blocked !== null || io.stdout.once === undefined) return;
      blocked = drained(io).then(() => {
        blocked = null;
      });
    };
    const writer = new TraceEventWriter(out, first.analysis, first.report, {
      pids: options.pids,
      generator: `${COMMAND.name} ${version}`,
    });
    writer.begin();
    progress = progressFor(options, io, inputs);
    try {
      // This pass's own report is not used: no process list for it.
      await analyseSet(inputs, options, io, progress, { listener: writer, pause: () => blocked, processes: false });
    } finally {
      progress?.done();
    }
    writer.end();
    return first.report;
  } finally {
    if (spool !== null) rmSync(spool, { recursive: true, force: true });
  }
}

async function spoolTo(source: AsyncIterable<Uint8Array>, path: string): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    for await (const chunk of source) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Reads the inputs (and the manifest of a recorded capture), writes the report; resolves to the exit code. */
export async function runReport(given: CliOptions, io: CliIo): Promise<number> {
  let options = given;
  const found = findCapture(await resolveInputs(options.files, io.cwd), io.cwd);
  if (found.problem !== null) io.stderr.write(`${COMMAND.name}: ${found.problem.file} is not used: ${found.problem.why}\n`);
  const inputs = found.inputs;
  const capture = found.manifest;
  if (capture !== null) options = { ...options, until: captureUntil(capture) };
  if (options.format === 'trace-event') {
    const report = await writeTraceEvents(inputs, options, io, capture);
    return failsOn(report, options);
  }
  const progress = progressFor(options, io, inputs);
  let set: { report: GapReport; analysis: Analysis };
  try {
    set = await analyseSet(inputs, options, io, progress, { processes: !streamsProcesses(options), capture });
  } finally {
    progress?.done();
  }
  const report = set.report;
  if (options.html !== null) writeHtml(options.html, report, set.analysis, options, io);
  await render(report, set.analysis, options, io);
  return failsOn(report, options);
}

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    if (argv[0] === 'diff') return (await runDiff(argv.slice(1), io)).code;
    if (argv[0] === 'record') return await runRecord(argv.slice(1), io);
    const options = await parseOptions(argv, io);
    if (options === 'exit') return EXIT.ok;
    return await runReport(options, io);
  } catch (err) {
    return failed(err, debug, io);
  }
}

/** An error as the one line (and exit code) the user sees; a bug as an internal error. */
export function failed(err: unknown, debug: boolean, io: Pick<CliIo, 'stderr'>): number {
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
