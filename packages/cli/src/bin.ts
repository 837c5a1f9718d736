#!/usr/bin/env node
import { EXIT } from './errors.js';
import { processIo, run } from './run.js';

// The reader of the output went away (`strace-gaps … | head`): stop quietly with the status of a
// program that SIGPIPE ends, as `cat` would, not Node's stack for an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.outputClosed);
  throw err;
});

process.exitCode = await run(process.argv.slice(2), processIo());
