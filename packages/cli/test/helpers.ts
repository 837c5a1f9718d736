import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { run, type CliIo } from '../src/run.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the CLI in-process with captured output. */
export async function runCli(argv: string[], options: { cwd?: string; stdin?: string | Buffer } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    cwd: options.cwd ?? ROOT,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
