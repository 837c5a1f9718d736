import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTracePaths } from '../src/inputs.js';
import { runCli } from './helpers.js';

describe('usage and input errors: one line on stderr, exit code 2', () => {
  it.each([
    [['--bogus', 'x'], /^strace-gaps: Unknown argument: bogus — see 'strace-gaps --help'\n$/],
    [[], /^strace-gaps: no trace files given — pass strace output files or - for stdin; see 'strace-gaps --help'\n$/],
    [['no-such-file.log'], /^strace-gaps: no such file \(no-such-file\.log\) — check the path\n$/],
    [['fixtures/none-*.log'], /^strace-gaps: no file matches "fixtures\/none-\*\.log" — check the pattern and the directory you run from\n$/],
    [['fixtures'], /^strace-gaps: is a directory, not a trace file \(fixtures\) — pass the files inside it, e\.g\. 'fixtures\/\*'\n$/],
    [['--max-issues', '-1', 'x'], /^strace-gaps: --max-issues must be a whole number ≥ 0, not -1 — e\.g\. --max-issues 50\n$/],
  ])('%j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('reports a missing absolute path as an input error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-'));
    const r = await runCli([join(dir, 'gone.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`strace-gaps: no such file (${join(dir, 'gone.log')}) — check the path\n`);
  });

  it('reports a truncated .gz as an input error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-'));
    const f = join(dir, 'cut.log.gz');
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(Buffer.from('1 getpid() = 1\n'.repeat(1000)));
    writeFileSync(f, gz.subarray(0, gz.length - 20));
    const r = await runCli([f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^strace-gaps: the gzip data is corrupt or truncated \(.*cut\.log\.gz\) — /);
  });

  it('--help shows usage, options and examples; --version the version', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('strace-gaps [options] <files...>');
    expect(h.stdout).toContain('--json');
    expect(h.stdout).toContain("strace-gaps 'traces/s6.out.*'");
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('input order', () => {
  it('sorts -ff files by prefix, then numerically by pid', () => {
    const names = ['s6.out.10', 'a/trace.log', 's6.out.9.gz', 's6.out.100', 's6.out.9'];
    expect([...names].sort(compareTracePaths)).toEqual(['a/trace.log', 's6.out.9', 's6.out.9.gz', 's6.out.10', 's6.out.100']);
  });
});
