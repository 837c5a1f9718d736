/**
 * A worker thread's share of a set (see parallel.ts): it reads its inputs, in order, into an
 * analysis on the set's clock base and hands back the inputs' accounting and the analysis as
 * data. Errors go back as data too, so the main thread can raise the same error it would have.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ClockMismatchError, TraceSetAnalyzer } from '@strace-gaps/phases';
import { CliError } from './errors.js';
import type { WorkerReply, WorkerTask } from './parallel.js';
import { readInput } from './read-set.js';

const task = workerData as WorkerTask;
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

try {
  const analyzer = new TraceSetAnalyzer({ top: task.top, minGap: task.minGap, pids: task.pids, clockBase: task.clockBase });
  const io = { cwd: task.cwd, stdin: (async function* () {})(), stdout: { write: () => true }, stderr: { write: () => true } };
  const summaries = [];
  for (const input of task.inputs) summaries.push(await readInput(input, io, task.maxIssues, analyzer, progress));
  port.postMessage({ kind: 'done', summaries, partial: analyzer.partial() } satisfies WorkerReply);
} catch (err) {
  let error: Extract<WorkerReply, { kind: 'error' }>['error'];
  if (err instanceof ClockMismatchError) error = { type: 'clock', file: err.file, line: err.line, expected: err.expected, found: err.found };
  else if (err instanceof CliError) error = { type: 'cli', message: err.message, where: err.where, hint: err.hint, exitCode: err.exitCode };
  else error = { type: 'other', message: (err as Error).message, stack: (err as Error).stack ?? '' };
  port.postMessage({ kind: 'error', error } satisfies WorkerReply);
}
