/**
 * A worker thread of a set read on several threads (see parallel.ts): it reads each piece of
 * inputs it is sent, in order, into an analysis of its own on the set's clock base, and hands back
 * the pieces' accounting and analysis as data. Errors go back as data too, so the main thread can
 * raise the same error a single pass would have.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisError } from '@strace-gaps/phases';
import { CliError } from './errors.js';
import { analyzerFor, type WorkerPiece, type WorkerReply, type WorkerSetup } from './parallel.js';
import { readInput } from './read-set.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (port === null) throw new Error('worker.js runs as a worker thread of strace-gaps');

/** Progress in pieces of at least a few MB: a message per 64 KiB batch would cost more than it tells. */
const REPORT_BYTES = 4 * 1024 * 1024;
let unreported = 0;
const progress = {
  read(bytes: number) {
    unreported += bytes;
    if (unreported >= REPORT_BYTES) {
      port.postMessage({ kind: 'read', bytes: unreported } satisfies WorkerReply);
      unreported = 0;
    }
  },
  fileDone() {
    port.postMessage({ kind: 'file', bytes: unreported } satisfies WorkerReply);
    unreported = 0;
  },
};
const io = { cwd: setup.cwd, stdin: (async function* () {})() };

/** Pieces are read one at a time, in the order they came. */
let queue = Promise.resolve();
port.on('message', (m: WorkerPiece) => {
  queue = queue.then(() => read(m));
});

async function read({ piece, inputs }: WorkerPiece): Promise<void> {
  try {
    const analyzer = analyzerFor(setup);
    const summaries = [];
    for (const input of inputs) summaries.push(await readInput(input, io, setup.maxIssues, analyzer, progress));
    port!.postMessage({ kind: 'done', piece, summaries, partial: analyzer.partial() } satisfies WorkerReply);
  } catch (err) {
    let error: Extract<WorkerReply, { kind: 'error' }>['error'];
    if (err instanceof AnalysisError) error = { type: 'clock', file: err.file, line: err.line, expected: err.expected, found: err.found };
    else if (err instanceof CliError) error = { type: 'cli', code: err.code, message: err.message, where: err.where, hint: err.hint, exitCode: err.exitCode };
    else error = { type: 'other', message: (err as Error).message, stack: (err as Error).stack ?? '' };
    port!.postMessage({ kind: 'error', piece, error } satisfies WorkerReply);
  }
}
