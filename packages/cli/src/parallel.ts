/**
 * Reading on several threads, two ways, each giving the single-threaded report byte for byte
 * (parallel.test.ts). Only files (no stdin) and only analyses whose detectors can merge.
 *
 * - A set of files: this thread and worker threads (worker.ts) read contiguous pieces of the
 *   inputs, each into an analysis on the set's clock base, and the parts are absorbed in input
 *   order.
 * - One large `-f` file: every thread reads all of it but parses only its share of the pids (the
 *   parser skips other lines by their bytes), and the parts are interleaved back in line order.
 *   A trace that cannot be split by pid is read again on one thread.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  isParserError,
  unpartitionable,
  mergeSummaries,
  parseTraceFileBatches,
  pidFromFileName,
  type InputSummary,
  type PartialSummary,
  type PidPartition,
} from '@strace-gaps/parser';
import {
  isGzipFile,
} from '@strace-gaps/parser/internal';
import { AnalysisError, TraceSetAnalyzer, type ClockStart, type PartialAnalysis, type SetClockKind } from '@strace-gaps/phases';
import type { CliOptions } from './args.js';
import { CliError, type CliErrorCode } from './errors.js';
import type { Input } from './inputs.js';
import type { CliIo } from './io.js';
import type { Progress } from './progress.js';
import { readInput } from './read-set.js';
import { workerResourceLimits } from './young-generation.js';

/**
 * Below this many bytes a set is read on one thread: threads cost about 0.9 s of CPU to start and
 * to hand their parts over, which a 100 MB set (about 2 s on one thread) does not win back.
 */
export const PARALLEL_MIN_BYTES = 256 * 1024 * 1024;
/**
 * Threads by default at most, whatever the machine: each has a heap of its own (tens of MB on a
 * large set), and past a few the merge on this thread and the disk are the limit. `--jobs` may ask
 * for more.
 */
const MAX_AUTO_JOBS = 4;
/**
 * Threads a file split by pid needs before it is split by default. Every thread reads and scans
 * all of the file, so two threads do more than half of the work each, and on the 2-core machine
 * the project is measured on two busy threads each run 1.3–1.5 times slower than one alone.
 * `f-1g` once ran 0.88–1.20 times as fast on two threads as on one; since the parser's fast lane
 * and the workers' smaller young generation (docs/performance.md), 1.24–1.39 times, in 5 runs.
 */
const MIN_AUTO_PID_JOBS = 2;

/** How every worker reads (its `workerData`). */
export interface WorkerSetup {
  readonly cwd: string;
  readonly top: number;
  readonly minGap: number;
  readonly pids: readonly number[];
  readonly maxIssues: number;
  readonly clockStart: ClockStart;
  readonly ready: string | null;
  readonly from: string | null;
  readonly until: string | null;
}

/**
 * A piece of the set for a worker to read (a message; pieces are contiguous runs of inputs), or,
 * with `partition`, its share of the pids of the one input.
 */
export interface WorkerPiece {
  readonly piece: number;
  readonly inputs: readonly Input[];
  readonly partition?: PidPartition;
  /** With `partition`: a flag any share sets to stop the others (`Int32Array` over shared memory). */
  readonly stop?: SharedArrayBuffer;
}

/** What a worker says: progress, a piece's part, or the error that stopped the piece. */
export type WorkerReply =
  | { readonly kind: 'read' | 'file'; readonly bytes: number }
  | { readonly kind: 'done'; readonly piece: number; readonly summaries: PartialSummary[]; readonly partial: PartialAnalysis }
  | {
      readonly kind: 'error';
      readonly piece: number;
      readonly error:
        | { type: 'clock'; file: string; line: number; expected: SetClockKind; found: SetClockKind }
        | { type: 'partition'; file: string; line: number; reason: string }
        | { type: 'cli'; code: CliErrorCode; message: string; where: string | null; hint: string; exitCode: number }
        | { type: 'other'; message: string; stack: string };
    };

/** How every thread of a read analyses: the same options and the set's clock. */
function setupOf(options: CliOptions, top: number, io: Pick<CliIo, 'cwd'>, clockStart: ClockStart): WorkerSetup {
  return { cwd: io.cwd, top, minGap: options.minGap, pids: options.pids, maxIssues: options.maxIssues, clockStart, ready: options.ready, from: options.from, until: options.until };
}

/** An analyzer for one thread's part (its share of the pids, with `partition`). */
export function analyzerFor(setup: WorkerSetup, partition: PidPartition | null = null): TraceSetAnalyzer {
  return new TraceSetAnalyzer({ top: setup.top, minGap: setup.minGap, pids: setup.pids, clockStart: setup.clockStart, partition, ready: setup.ready, from: setup.from, until: setup.until });
}

/**
 * The pause hook of a share's read: throws once any share has raised the flag in `stop`, so the
 * others stop at their next batch.
 */
export function stopWhenFlagged(stop: SharedArrayBuffer, path: string): () => null {
  const flag = new Int32Array(stop);
  return () => {
    if (Atomics.load(flag, 0) !== 0) throw unpartitionable(path, 0, 'another share stopped');
    return null;
  };
}

/** Raises the flag that stops the other shares. */
export function raiseFlag(stop: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(stop), 0, 1);
}

/**
 * Starts a worker thread: its replies go to `reply`; an error, or an exit before it finished, to
 * `lost` (after the last part that changes nothing; the delay lets a message in flight arrive first).
 */
function startWorker(setup: WorkerSetup, reply: (m: WorkerReply) => void, lost: (err: Error) => void): Worker {
  const resourceLimits = workerResourceLimits();
  const w = new Worker(WORKER, { workerData: setup, ...(resourceLimits === undefined ? {} : { resourceLimits }) });
  w.on('message', reply);
  w.on('error', lost);
  w.on('exit', (code) => setImmediate(() => lost(new Error(`a worker thread stopped (exit code ${code}) before it finished`))));
  return w;
}

/** The worker script, built beside this module's bundle (src/ and dist/ are siblings). */
const WORKER = new URL('../dist/worker.js', import.meta.url);

/** How a set is read on several threads: pieces of its files, or one file's pids in shares. */
export type SplitBy = 'file' | 'pid';

/**
 * How many threads to read these inputs on, and how: `--jobs`, else one per core for a large set.
 * A set of files is split by file; one plain file (a `-f` capture) by pid.
 */
export function jobsFor(
  inputs: readonly Input[],
  options: Pick<CliOptions, 'jobs'>,
  cwd: string,
  analyzer: Pick<TraceSetAnalyzer, 'splittable' | 'partitionable'> = { splittable: true, partitionable: true },
): { jobs: number; by: SplitBy } {
  const one = { jobs: 1, by: 'file' as SplitBy };
  if (inputs.length === 0 || inputs.some((i) => i.kind === 'stdin') || !existsSync(fileURLToPath(WORKER))) return one;
  try {
    let by: SplitBy = 'file';
    if (inputs.length === 1) {
      // A gzip file would be decompressed by every thread: the work that repeats would be most of it.
      if (!analyzer.partitionable || isGzipFile(resolve(cwd, (inputs[0] as Input).path))) return one;
      by = 'pid';
    } else if (!analyzer.splittable) return one;
    const most = by === 'pid' ? Infinity : inputs.length;
    if (options.jobs !== null) return { jobs: Math.min(options.jobs, most), by };
    let bytes = 0;
    for (const i of inputs) bytes += statSync(resolve(cwd, i.path)).size;
    const jobs = Math.min(availableParallelism(), MAX_AUTO_JOBS, most);
    if (bytes < PARALLEL_MIN_BYTES || (by === 'pid' && jobs < MIN_AUTO_PID_JOBS)) return one;
    return { jobs, by };
  } catch {
    // An input that cannot be read is reported by the read, with its path and what to do.
    return one;
  }
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
 * The clock and base second the whole set will use: the analysis of the first inputs, read until
 * its clock has them. `null` when the first two inputs give none (no timestamps) or refuse (mixed
 * clocks): such a set is read on one thread, which reports it.
 */
export async function probeClockStart(inputs: readonly Input[], cwd: string): Promise<ClockStart | null> {
  const probe = new TraceSetAnalyzer({ detectors: [] });
  for (const input of inputs.slice(0, 2)) {
    const path = resolve(cwd, input.path);
    probe.beginInput(input.path, pidFromFileName(input.path));
    try {
      for await (const batch of parseTraceFileBatches(path, {}, input.path)) {
        probe.push(batch);
        if (probe.clockStart !== null) return probe.clockStart;
      }
      probe.endInput();
      if (probe.clockStart !== null) return probe.clockStart;
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
 * Pieces per thread: files differ in cost per byte (many small files cost more than one large
 * one), so equal shares by size do not finish together; threads take small contiguous pieces
 * as they free up instead.
 */
const PIECES_PER_JOB = 6;

/**
 * Reads `inputs` on `jobs` threads: this one and `jobs - 1` workers. The set is cut into
 * contiguous pieces; a thread reads a piece into an analysis of its own and takes the next;
 * the parts are absorbed in input order as they arrive. This thread reads its pieces with
 * `readPiece` (its parts need no copying between threads) and hands out the next piece between
 * two of its own, so each worker is sent two pieces ahead and never waits for it.
 */
export async function readParallel(
  inputs: readonly Input[],
  jobs: number,
  clockStart: ClockStart,
  options: CliOptions,
  top: number,
  io: CliIo,
  progress: Progress | null,
  readPiece: (piece: readonly Input[], analyzer: TraceSetAnalyzer) => Promise<InputSummary[]>,
): Promise<ParallelRead> {
  const sizes = inputs.map((i) => statSync(resolve(io.cwd, i.path)).size);
  const pieces = shares(inputs, sizes, jobs * PIECES_PER_JOB);
  const setup = setupOf(options, top, io, clockStart);
  const analyzer = analyzerFor(setup);
  const summaries: InputSummary[] = [];
  /** Parts that arrived before an earlier one, by piece; an error in a piece is its part. */
  const arrived = new Map<number, { summaries: InputSummary[]; partial: PartialAnalysis } | Error>();
  let nextPiece = 0;
  let absorbed = 0;
  let wake: (() => void) | null = null;
  const give = (w: Worker) => {
    if (nextPiece >= pieces.length) return;
    w.postMessage({ piece: nextPiece, inputs: pieces[nextPiece] as Input[] } satisfies WorkerPiece);
    nextPiece++;
  };
  const arrive = (piece: number, part: { summaries: InputSummary[]; partial: PartialAnalysis } | Error) => {
    arrived.set(piece, part);
    wake?.();
  };
  const workers: Worker[] = [];
  try {
    for (let k = 1; k < jobs; k++) {
      const w: Worker = startWorker(
        setup,
        (m) => {
          if (m.kind === 'read') progress?.read(m.bytes);
          else if (m.kind === 'file') {
            progress?.read(m.bytes);
            progress?.fileDone();
          } else if (m.kind === 'done' || m.kind === 'error') {
            give(w);
            arrive(m.piece, m.kind === 'done' ? m : revive(m.error));
          }
        },
        (err) => arrive(-1, err),
      );
      workers.push(w);
      give(w);
      give(w);
    }
    while (absorbed < pieces.length) {
      const lost = arrived.get(-1);
      if (lost instanceof Error && absorbed < pieces.length) throw lost;
      const part = arrived.get(absorbed);
      if (part !== undefined) {
        arrived.delete(absorbed);
        // The first failing piece in input order is the error a single pass would have met.
        if (part instanceof Error) throw part;
        summaries.push(...part.summaries);
        analyzer.absorb(part.partial);
        absorbed++;
      } else if (nextPiece < pieces.length) {
        const piece = nextPiece++;
        const own = analyzerFor(setup);
        try {
          const read = await readPiece(pieces[piece] as Input[], own);
          arrived.set(piece, { summaries: read, partial: own.partial() });
        } catch (err) {
          arrived.set(piece, err as Error);
        }
        // Let the workers' messages in (their next pieces go out from there).
        await new Promise((r) => setImmediate(r));
      } else {
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = null;
      }
    }
    return { summaries, analyzer };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/**
 * Reads one file on `jobs` threads, each parsing its share of the pids (see the parser's
 * partition.ts): this thread share 0, worker threads the others. Returns why not when the file
 * cannot be read so, or a share failed: the caller reads it on one thread, which gives the
 * report, or the error, of a single pass. A share that stops raises a flag in shared memory and
 * the others stop at their next batch.
 */
export async function readByPid(
  input: Input,
  jobs: number,
  clockStart: ClockStart,
  options: CliOptions,
  top: number,
  io: CliIo,
  progress: Progress | null,
): Promise<{ summaries: InputSummary[]; analyzer: TraceSetAnalyzer } | { refused: string }> {
  // -r deltas add up across every line of the file: no share can sum them alone.
  if (clockStart.kind !== 'time-of-day' && clockStart.kind !== 'epoch') return { refused: `its times are ${clockStart.kind} (-r deltas add up across all lines)` };
  const stop = new SharedArrayBuffer(4);
  const setup = setupOf(options, top, io, clockStart);
  const parts: ({ summaries: PartialSummary[]; partial: PartialAnalysis } | Error | undefined)[] = new Array(jobs);
  const workers: Worker[] = [];
  let left = jobs - 1;
  let wake: (() => void) | null = null;
  const settle = (k: number, part: { summaries: PartialSummary[]; partial: PartialAnalysis } | Error) => {
    if (parts[k] !== undefined) return;
    parts[k] = part;
    if (part instanceof Error) raiseFlag(stop);
    left--;
    wake?.();
  };
  try {
    for (let k = 1; k < jobs; k++) {
      const w = startWorker(
        setup,
        (m) => {
          if (m.kind === 'done') settle(k, m);
          else if (m.kind === 'error') settle(k, revive(m.error));
        },
        (err) => settle(k, err),
      );
      workers.push(w);
      w.postMessage({ piece: k, inputs: [input], partition: { index: k, count: jobs }, stop } satisfies WorkerPiece);
    }
    const partition = { index: 0, count: jobs };
    const own = analyzerFor(setup, partition);
    try {
      const summary = await readInput(input, io, options.maxIssues, own, progress, stopWhenFlagged(stop, input.path), partition);
      parts[0] = { summaries: [summary], partial: own.partial() };
    } catch (err) {
      parts[0] = err as Error;
      raiseFlag(stop);
    }
    while (left > 0) {
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = null;
    }
  } finally {
    for (const w of workers) void w.terminate();
  }
  const done = parts.filter((p): p is { summaries: PartialSummary[]; partial: PartialAnalysis } => p !== undefined && !(p instanceof Error));
  const analyzer = analyzerFor(setup);
  try {
    if (done.length !== jobs) {
      // The first refusal in share order; a share stopped by another's flag says only that.
      const failed = parts.filter((p): p is Error => p instanceof Error);
      throw failed.find((e) => isParserError(e, 'unpartitionable') && e.line > 0) ?? failed[0] ?? unpartitionable(input.path, 0, 'a share did not finish');
    }
    analyzer.interleave(done.map((p) => p.partial));
  } catch (err) {
    progress?.restart();
    return { refused: isParserError(err, 'unpartitionable') ? err.message : `a share failed: ${(err as Error).message}` };
  }
  return { summaries: [mergeSummaries(done.map((p) => p.summaries[0] as PartialSummary), options.maxIssues)], analyzer };
}

/** The error a worker reported, as the main thread would have raised it. */
function revive(e: Extract<WorkerReply, { kind: 'error' }>['error']): Error {
  if (e.type === 'clock') return new AnalysisError('clock-mismatch', e.file, e.line, e.expected, e.found);
  if (e.type === 'partition') return unpartitionable(e.file, e.line, e.reason);
  if (e.type === 'cli') return new CliError(e.code, e.message, e.where, e.hint, e.exitCode);
  const err = new Error(e.message);
  err.stack = e.stack;
  return err;
}
