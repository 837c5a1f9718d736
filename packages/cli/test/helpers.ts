import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pidFromFileName } from '@strace-gaps/parser';
import { fixtureSets } from '../../parser/test/helpers/fixtures.js';
import { run, type CliIo } from '../src/run.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: string[],
  options: {
    cwd?: string;
    stdin?: string | Buffer;
    env?: Record<string, string>;
    stdoutTTY?: boolean;
    stderrTTY?: boolean;
    now?: () => number;
  } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.stdoutTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.stderrTTY ?? false },
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/**
 * Runs the CLI in-process into a pipe whose reader is always behind: every write fills it, and a
 * drain comes a tick later. Reports how much was ever queued at once, the biggest write, and how
 * many writes there were.
 */
export async function runIntoSlowPipe(argv: string[]) {
  let stdout = '';
  let queued = 0;
  let mostQueued = 0;
  let biggestWrite = 0;
  let writes = 0;
  const io: CliIo = {
    stdout: {
      write: (s: string) => {
        writes++;
        stdout += s;
        queued += s.length;
        mostQueued = Math.max(mostQueued, queued);
        biggestWrite = Math.max(biggestWrite, s.length);
        return false;
      },
      once: (_event: 'drain', fn: () => void) =>
        setImmediate(() => {
          queued = 0;
          fn();
        }),
    },
    stderr: { write: () => true },
    stdin: Readable.from([]),
    cwd: ROOT,
  };
  const code = await run(argv, io);
  return { code, stdout, mostQueued, biggestWrite, writes };
}

/** Markdown with its fenced blocks and inline code spans removed: what a renderer shows as markup. */
export function outsideCode(md: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const m = /^\s*(`{3,})/.exec(line);
    if (fence === null && m) fence = m[1] as string;
    else if (fence !== null && m && (m[1] as string).length >= fence.length) fence = null;
    // Our own line breaks in table cells are the only markup we write.
    else if (fence === null) out.push(line.replace(/(`+)(?:(?!\1).)*?\1/g, '').replace(/<br>/g, ' '));
  }
  return out.join('\n');
}

/** One capture: a `-ff` set (every file named PREFIX.PID) is one; otherwise each file is its own. */
interface Capture {
  readonly name: string;
  /** Paths relative to the repository root, as a user would type them. */
  readonly files: readonly string[];
  /** Golden file path without extension. */
  readonly golden: string;
}

export function captures(): Capture[] {
  const out: Capture[] = [];
  for (const set of fixtureSets()) {
    const files = set.files.map((f) => relative(ROOT, f));
    if (files.every((f) => pidFromFileName(f) !== null)) {
      out.push({ name: set.name, files, golden: join(set.dir, 'report.golden') });
    } else {
      for (const f of files) out.push({ name: `${set.name}/${basename(f)}`, files: [f], golden: join(set.dir, `report.${basename(f)}.golden`) });
    }
  }
  return out;
}

