/**
 * The CLI's wiring: parse options, resolve inputs, read them, render, and map failures to exit
 * codes. `run` never calls `process.exit`, so tests call it in-process.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { resolve } from 'node:path';
import yargs from 'yargs';
import { parseChunks, openTraceFile, summarize, type InputSummary } from '@strace-gaps/parser';
import { buildInputReport } from '@strace-gaps/phases';
import { COMMAND, OPTIONS, type CliOptions } from './args.js';
import { CliError, EXIT } from './errors.js';
import { resolveInputs, type Input } from './inputs.js';
import { renderJson } from './render/json.js';
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
  return { files, json: args.json, maxIssues, debug: args.debug };
}

async function readInput(input: Input, io: CliIo, keepIssues: number): Promise<InputSummary> {
  if (input.kind === 'stdin') return summarize('-', parseChunks(io.stdin, '-'), keepIssues);
  const path = resolve(io.cwd, input.path);
  try {
    return await summarize(input.path, parseChunks(openTraceFile(path), input.path), keepIssues);
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

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const options = await parseOptions(argv, io);
    if (options === 'exit') return EXIT.ok;
    debug = options.debug;
    const inputs = resolveInputs(options.files, io.cwd);
    const summaries: InputSummary[] = [];
    for (const input of inputs) summaries.push(await readInput(input, io, options.maxIssues));
    const report = buildInputReport(summaries, options.maxIssues);
    io.stdout.write(options.json ? renderJson(report) : renderText(report));
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
