/**
 * Reading a set of files on several threads, giving the single-threaded report byte for byte
 * (parallel.test.ts): this thread and worker threads (worker.ts) read contiguous pieces of the
 * inputs, each into an analysis on the set's clock base, and the parts are absorbed in input
 * order. Only files (no stdin), only a set of more than one, and only analyses without a listener
 * (it is told of each call as it is read). The only module that knows about threads: the parser
 * and the detectors see one reader (a detector's facts across tasks travel with its part).
 *
 * One `-f` file is read on one thread. It was once read on several, each parsing its share of
 * the pids: on the 2-core machine the project is measured on, that ran 0.92–0.96× as fast as one
 * thread at 100 MB and 1.12× at 1 GB, in 25–45% more memory, and it made the grammar, the
 * analysis and every detector know about shares (docs/performance.md).
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseTraceFileBatches, pidFromFileName, type InputSummary } from '@strace-gaps/parser';
import { AnalysisError, TraceSetAnalyzer, type ClockStart, type PartialAnalysis, type SetClockKind } from '@strace-gaps/phases';
import type { CliOptions } from './args.js';
import { CliError, type CliErrorCode } from './errors.js';
import type { Input } from './inputs.js';
import type { CliIo } from './io.js';
import type { Progress } from './progress.js';
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

/** A piece of the set for a worker to read (a message; pieces are contiguous runs of inputs). */
export interface WorkerPiece {
  readonly piece: number;
  readonly inputs: readonly Input[];
}

/** What a worker says: progress, a piece's part, or the error that stopped the piece. */
export type WorkerReply =
  | { readonly kind: 'read' | 'file'; readonly bytes: number }
  | { readonly kind: 'done'; readonly piece: number; readonly summaries: InputSummary[]; readonly partial: PartialAnalysis }
  | {
      readonly kind: 'error';
      readonly piece: number;
      readonly error:
        | { type: 'clock'; file: string; line: number; expected: SetClockKind; found: SetClockKind }
        | { type: 'cli'; code: CliErrorCode; message: string; where: string | null; hint: string; exitCode: number }
        | { type: 'other'; message: string; stack: string };
    };

/** How every thread of a read analyses: the same options and the set's clock. */
function setupOf(options: CliOptions, top: number, io: Pick<CliIo, 'cwd'>, clockStart: ClockStart): WorkerSetup {
  return { cwd: io.cwd, top, minGap: options.minGap, pids: options.pids, maxIssues: options.maxIssues, clockStart, ready: options.ready, from: options.from, until: options.until };
}

/** An analyzer for one thread's part. */
export function analyzerFor(setup: WorkerSetup): TraceSetAnalyzer {
  return new TraceSetAnalyzer({ top: setup.top, minGap: setup.minGap, pids: setup.pids, clockStart: setup.clockStart, ready: setup.ready, from: setup.from, until: setup.until });
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

/**
 * How many threads to read these inputs on: `--jobs`, else one per core for a large set; never
 * more than there are files (one file is read on one thread).
 */
export function jobsFor(
  inputs: readonly Input[],
  options: Pick<CliOptions, 'jobs'>,
  cwd: string,
  analyzer: Pick<TraceSetAnalyzer, 'splittable'> = { splittable: true },
): number {
  if (inputs.length < 2 || inputs.some((i) => i.kind === 'stdin') || !analyzer.splittable || !existsSync(fileURLToPath(WORKER))) return 1;
  if (options.jobs !== null) return Math.min(options.jobs, inputs.length);
  try {
    let bytes = 0;
    for (const i of inputs) bytes += statSync(resolve(cwd, i.path)).size;
    return bytes < PARALLEL_MIN_BYTES ? 1 : Math.min(availableParallelism(), MAX_AUTO_JOBS, inputs.length);
  } catch {
    // An input that cannot be read is reported by the read, with its path and what to do.
    return 1;
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

/** The error a worker reported, as the main thread would have raised it. */
function revive(e: Extract<WorkerReply, { kind: 'error' }>['error']): Error {
  if (e.type === 'clock') return new AnalysisError('clock-mismatch', e.file, e.line, e.expected, e.found);
  if (e.type === 'cli') return new CliError(e.code, e.message, e.where, e.hint, e.exitCode);
  const err = new Error(e.message);
  err.stack = e.stack;
  return err;
}
