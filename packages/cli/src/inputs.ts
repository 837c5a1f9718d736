/**
 * Command-line operands → the inputs to read: files as given, quoted globs expanded with
 * fast-glob, directories of `-ff` files, `-` for stdin. Sorted so `-ff` files come grouped by
 * prefix in pid order.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pidFromFileName } from '@strace-gaps/parser';
import { CliError } from './errors.js';

/** One input: a file path, or standard input. */
export type Input =
  | { readonly kind: 'file'; readonly path: string }
  /** `replay`: a file that holds what was read from stdin, for a second pass (`--format trace-event`). */
  | { readonly kind: 'stdin'; readonly path: '-'; readonly replay?: string };

const GLOB_CHARS = /[*?[\]{}]/;

/** Orders `s6.out.9` before `s6.out.10`: by the name without its pid, then by pid. */
export function compareTracePaths(a: string, b: string): number {
  const pa = pidFromFileName(a);
  const pb = pidFromFileName(b);
  const sa = pa === null ? a : a.replace(/\.\d+(\.gz)?$/, '');
  const sb = pb === null ? b : b.replace(/\.\d+(\.gz)?$/, '');
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (pa !== null && pb !== null && pa !== pb) return pa - pb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Resolves operands; throws a {@link CliError} for anything that cannot be read as a file. */
export async function resolveInputs(operands: readonly string[], cwd: string): Promise<Input[]> {
  const files = new Set<string>();
  let stdin = false;
  for (const op of operands) {
    if (op === '-') {
      stdin = true;
      continue;
    }
    const st = statOrNull(op, cwd);
    if (st === null && GLOB_CHARS.test(op)) {
      // Loaded only for a glob: it costs about 90 ms of start-up that shell-expanded files do not need.
      const { default: fg } = await import('fast-glob');
      const matches = fg.sync(op, { cwd, onlyFiles: true, dot: true, absolute: false });
      if (matches.length === 0) {
        throw new CliError('no-input', `no file matches ${JSON.stringify(op)}`, null, 'check the pattern and the directory you run from');
      }
      for (const m of matches) files.add(m);
      continue;
    }
    if (st === null) throw new CliError('no-input', 'no such file', op, 'check the path');
    if (st.isDirectory()) {
      for (const f of filesIn(op, cwd)) files.add(f);
      continue;
    }
    files.add(op);
  }
  const sorted = [...files].sort(compareTracePaths).map((path): Input => ({ kind: 'file', path }));
  return stdin ? [...sorted, { kind: 'stdin', path: '-' }] : sorted;
}

/**
 * The trace files of a directory: its `PREFIX.PID` (and `.gz`) files when it has any, which leaves
 * out a README or a script kept next to a capture; else all its visible files. Not recursive.
 */
function filesIn(dir: string, cwd: string): string[] {
  let names: string[];
  try {
    names = readdirSync(resolve(cwd, dir), { withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch (err) {
    throw new CliError('unreadable', 'cannot list the directory', dir, 'check its permissions', undefined, { cause: err });
  }
  const traces = names.filter((n) => pidFromFileName(n) !== null);
  const chosen = traces.length > 0 ? traces : names;
  if (chosen.length === 0) throw new CliError('no-input', 'the directory holds no files', dir, 'pass the directory strace -ff -o wrote into, or the files themselves');
  return chosen.map((n) => join(dir, n));
}

/** The file's stat, or `null` when it does not exist; a file that exists but cannot be seen is an error. */
function statOrNull(path: string, cwd: string) {
  try {
    return statSync(resolve(cwd, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new CliError('unreadable', 'permission denied', path, 'run as a user who can read it, or copy it', undefined, { cause: err });
    }
    return null;
  }
}
