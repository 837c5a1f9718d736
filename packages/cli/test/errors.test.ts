/** The CLI's one error class: a code a caller of its API can branch on, besides the exit code. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CLI_ERROR_CODES, CliError, parseOptions, resolveInputs, type CliIo } from '../src/index.js';

const io: CliIo = {
  stdout: { write: () => true, isTTY: false },
  stderr: { write: () => true, isTTY: false },
  stdin: Readable.from([]),
  cwd: tmpdir(),
  env: {},
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return (err as CliError).code;
  }
  throw new Error('expected a CliError, and nothing was thrown');
}

describe('CliError', () => {
  it('says what went wrong by a code from CLI_ERROR_CODES', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-errors-'));
    writeFileSync(join(dir, 'trace.1'), '');
    expect(await codeOf(resolveInputs(['no-such-file'], dir))).toBe('no-input');
    expect(await codeOf(resolveInputs(['*.nothing'], dir))).toBe('no-input');
    expect(await codeOf(parseOptions(['--top', '-1', 'x'], io))).toBe('usage');
    expect(await codeOf(parseOptions(['--jobs', '0', 'x'], io))).toBe('usage');
    expect(CLI_ERROR_CODES).toContain('ptrace-denied');
  });

  it('keeps its one-line format', () => {
    const e = new CliError('no-input', 'no such file', 'x.log', 'check the path');
    expect(e.format()).toBe('strace-gaps: no such file (x.log) — check the path');
    expect(e.exitCode).toBe(2);
  });
});
