/**
 * Reading a set of files on several threads: the main thread reads the first share of the inputs
 * while worker threads (worker.ts) read the others, each into an analysis on the set's clock
 * base; the parts are absorbed in input order, so the report is the single-threaded one, byte
 * for byte (parallel.test.ts). Only files (no stdin) and only analyses whose detectors can merge.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isGzipFile, parseChunks, openTraceFile, parseFileBatchesSync, pidFromFileName, type InputSummary, type ParsedLine } from '@strace-gaps/parser';
import { ClockMismatchError, TraceSetAnalyzer, type PartialAnalysis, type SetClockKind } from '@strace-gaps/phases';
import type { CliOptions } from './args.js';
import { CliError } from './errors.js';
import type { Input } from './inputs.js';
import type { CliIo } from './io.js';
import type { Progress } from './progress.js';

/** Below this many bytes a set is read on one thread: starting workers would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Threads at most, whatever the machine: past a few the merge and the disk are the limit. */
const MAX_JOBS = 8;

/** What a worker is asked to do. */
export interface WorkerTask {
  readonly inputs: readonly Input[];
  readonly cwd: string;
  readonly top: number;
  readonly minGap: number;
  readonly pids: readonly number[];
  readonly maxIssues: number;
  readonly clockBase: number;
}

/** What a worker says: progress, its part, or the error that stopped it. */
export type WorkerReply =
  | { readonly kind: 'read' | 'file'; readonly bytes: number }
  | { readonly kind: 'done'; readonly summaries: InputSummary[]; readonly partial: PartialAnalysis }
  | {
      readonly kind: 'error';
      readonly error:
        | { type: 'clock'; file: string; line: number; expected: SetClockKind; found: SetClockKind }
        | { type: 'cli'; message: string; where: string | null; hint: string; exitCode: number }
        | { type: 'other'; message: string; stack: string };
    };

/** The worker script, built beside this module's bundle (src/ and dist/ are siblings). */
const WORKER = new URL('../dist/worker.js', import.meta.url);

/** How many threads to read these inputs on: `--jobs`, else one per core for a large set of files. */
export function jobsFor(inputs: readonly Input[], options: Pick<CliOptions, 'jobs'>, cwd: string): number {
  if (inputs.length < 2 || inputs.some((i) => i.kind === 'stdin') || !existsSync(fileURLToPath(WORKER))) return 1;
  if (options.jobs !== null) return Math.min(options.jobs, inputs.length);
  let bytes = 0;
  for (const i of inputs) bytes += statSync(resolve(cwd, i.path)).size;
  return bytes < PARALLEL_MIN_BYTES ? 1 : Math.min(availableParallelism(), MAX_JOBS, inputs.length);
}

/** Contiguous shares of about equal size, in input order. */
export function shares(inputs: readonly Input[], sizes: readonly number[], jobs: number): Input[][] {
  const n = Math.min(jobs, inputs.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const out: Input[][] = [];
  let current: Input[] = [];
  let acc = 0;
  inputs.forEach((input, i) => {
    current.push(input);
    acc += sizes[i] as number;
    const left = inputs.length - i - 1;
    const sharesLeft = n - out.length - 1;
    // Cut at the share's byte target, or when the inputs left are just enough for the shares left.
    if (sharesLeft > 0 && left >= sharesLeft && (acc >= (total * (out.length + 1)) / n || left === sharesLeft)) {
      out.push(current);
      current = [];
    }
  });
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The base second the whole set's clock will use: the analysis of the first inputs, read until
 * its clock has one. `null` when the first two inputs give none (no timestamps): such a set is
 * read on one thread.
 */
export async function probeClockBase(inputs: readonly Input[], cwd: string): Promise<number | null> {
  const probe = new TraceSetAnalyzer({ detectors: [] });
  for (const input of inputs.slice(0, 2)) {
    const path = resolve(cwd, input.path);
    probe.beginInput(input.path, pidFromFileName(input.path));
    const take = (batch: ParsedLine[]) => probe.push(batch);
    try {
      if (isGzipFile(path)) {
        for await (const batch of parseChunks(openTraceFile(path), input.path)) {
          take(batch);
          if (probe.clockBase !== null) return probe.clockBase;
        }
      } else {
        for (const batch of parseFileBatchesSync(path, {}, input.path)) {
          take(batch);
          if (probe.clockBase !== null) return probe.clockBase;
        }
      }
      probe.endInput();
      if (probe.clockBase !== null) return probe.clockBase;
    } catch {
      // The real read reports it, at the same line.
      return null;
    }
  }
  return null;
}

export interface ParallelRead {
  readonly summaries: InputSummary[];
  readonly analyzer: TraceSetAnalyzer;
}

/**
 * Reads `inputs` on `jobs` threads. `readShare` reads the main thread's share into the analyzer
 * it is given; workers read the rest. Resolves to the summaries and an analyzer holding every part.
 */
export async function readParallel(
  inputs: readonly Input[],
  jobs: number,
  clockBase: number,
  options: CliOptions,
  top: number,
  io: CliIo,
  progress: Progress | null,
  readShare: (share: readonly Input[], analyzer: TraceSetAnalyzer) => Promise<InputSummary[]>,
): Promise<ParallelRead> {
  const sizes = inputs.map((i) => statSync(resolve(io.cwd, i.path)).size);
  const [mine, ...theirs] = shares(inputs, sizes, jobs);
  const workers: Worker[] = [];
  const results = theirs.map((share) => {
    const task: WorkerTask = { inputs: share, cwd: io.cwd, top, minGap: options.minGap, pids: options.pids, maxIssues: options.maxIssues, clockBase };
    const worker = new Worker(WORKER, { workerData: task });
    workers.push(worker);
    return new Promise<Extract<WorkerReply, { kind: 'done' }>>((done, fail) => {
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'read') progress?.read(m.bytes);
        else if (m.kind === 'file') {
          progress?.read(m.bytes);
          progress?.fileDone();
        } else if (m.kind === 'done') done(m);
        else if (m.kind === 'error') fail(revive(m.error));
      });
      worker.on('error', fail);
      // After 'done' this changes nothing; the delay lets a last message in flight arrive first.
      worker.on('exit', (code) => setImmediate(() => fail(new Error(`a worker thread stopped (exit code ${code}) before it finished`))));
    });
  });
  // A share whose worker failed must not leave an unhandled rejection while an earlier one is awaited.
  for (const r of results) r.catch(() => {});
  try {
    const analyzer = new TraceSetAnalyzer({ top, minGap: options.minGap, pids: options.pids, clockBase });
    const own = new TraceSetAnalyzer({ top, minGap: options.minGap, pids: options.pids, clockBase });
    const summaries = await readShare(mine ?? [], own);
    analyzer.absorb(own.partial());
    for (const r of results) {
      const part = await r;
      summaries.push(...part.summaries);
      analyzer.absorb(part.partial);
    }
    return { summaries, analyzer };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/** The error a worker reported, as the main thread would have raised it. */
function revive(e: Extract<WorkerReply, { kind: 'error' }>['error']): Error {
  if (e.type === 'clock') return new ClockMismatchError(e.file, e.line, e.expected, e.found);
  if (e.type === 'cli') return new CliError(e.message, e.where, e.hint, e.exitCode);
  const err = new Error(e.message);
  err.stack = e.stack;
  return err;
}
