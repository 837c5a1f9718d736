/**
 * `--jobs`: a set of files read on several threads gives the single-threaded report byte for
 * byte, on every multi-file capture, and the same errors; one file is read on one thread. Workers
 * run the built worker (dist/worker.js; the test script builds first).
 */
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TraceSetAnalyzer } from '@strace-gaps/phases';
import { jobsFor, shares } from '../src/parallel.js';
import { ROOT, captures, runCli } from './helpers.js';

const BUILT = existsSync(join(ROOT, 'packages/cli/dist/worker.js'));
if (!BUILT) console.warn('parallel.test.ts: skipped: packages/cli/dist/worker.js is not built (run pnpm build)');

const multi = captures().filter((c) => c.files.length >= 2);

describe.skipIf(!BUILT)('the same report on several threads', () => {
  it.each(multi.map((c) => [c.name, c.files] as const))('%s', async (_name, files) => {
    for (const format of ['json', 'text']) {
      const one = await runCli(['--format', format, '--jobs', '1', ...files]);
      expect(one.code).toBe(0);
      for (const jobs of ['2', '3']) {
        const many = await runCli(['--format', format, '--jobs', jobs, ...files]);
        expect(many.stderr).toBe(one.stderr);
        expect(many.code).toBe(0);
        expect(many.stdout, `${format}, --jobs ${jobs}`).toBe(one.stdout);
      }
    }
  });

  it('with --html and --pid too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-jobs-'));
    const args = ['-q', '--pid', '14004', 'fixtures/s6-slow/s6.out.*'];
    const one = await runCli(['--html', join(dir, '1.html'), '--jobs', '1', ...args]);
    const two = await runCli(['--html', join(dir, '2.html'), '--jobs', '2', ...args]);
    expect(two.stdout).toBe(one.stdout);
  });

  it('a worker meets the error the main thread would: a corrupt .gz, mixed clocks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-jobs-'));
    writeFileSync(join(dir, 't.1'), '10:00:00.000001 close(3) = 0 <0.000010>\n');
    writeFileSync(join(dir, 't.2'), '10:00:00.000002 close(3) = 0 <0.000010>\n');
    const corrupt = Buffer.from(gzipSync('10:00:00.000003 close(3) = 0\n'));
    corrupt[corrupt.length - 6] = (corrupt[corrupt.length - 6] as number) ^ 0xff;
    writeFileSync(join(dir, 't.3.gz'), corrupt);
    writeFileSync(join(dir, 't.4'), '1700000000.000001 close(3) = 0\n');
    for (const files of [['t.1', 't.2', 't.3.gz'], ['t.1', 't.2', 't.4']]) {
      const one = await runCli(['--jobs', '1', ...files], { cwd: dir });
      const three = await runCli(['--jobs', '3', ...files], { cwd: dir });
      expect(one.code).toBe(2);
      expect(three.stderr).toBe(one.stderr);
      expect(three.code).toBe(2);
    }
  });

  it('a worker reads a cut .gz as the main thread would: what survived, and the input-cut warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-jobs-'));
    writeFileSync(join(dir, 't.1'), '10:00:00.000001 close(3) = 0 <0.000010>\n');
    writeFileSync(join(dir, 't.2'), '10:00:00.000002 close(3) = 0 <0.000010>\n');
    const whole = gzipSync('10:00:00.000003 close(3) = 0 <0.000010>\n'.repeat(5000));
    writeFileSync(join(dir, 't.3.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    const one = await runCli(['--json', '--jobs', '1', 't.1', 't.2', 't.3.gz'], { cwd: dir });
    const three = await runCli(['--json', '--jobs', '3', 't.1', 't.2', 't.3.gz'], { cwd: dir });
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).warnings.map((w: { code: string }) => w.code)).toContain('input-cut');
    expect(three.stdout).toBe(one.stdout);
  });
});

describe.skipIf(!BUILT)('one file', () => {
  it('is read on one thread whatever --jobs asks, and --debug says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-one-'));
    const lines = [];
    for (let i = 0; i < 400; i++) lines.push(`${100 + (i % 7)} 10:00:00.${String(100000 + i).slice(1)}0 close(3) = 0 <0.000010>`);
    writeFileSync(join(dir, 'one.log'), `${lines.join('\n')}\n`);
    const one = await runCli(['--json', '--jobs', '1', 'one.log'], { cwd: dir });
    const two = await runCli(['--json', '--debug', '--jobs', '2', 'one.log'], { cwd: dir });
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe('strace-gaps: read on one thread (--jobs shares out the files of a set, at most one thread a file)\n');
  });
});

describe('how a set is shared', () => {
  const inputs = ['a.1', 'a.2', 'a.3', 'a.4', 'a.5'].map((path) => ({ kind: 'file' as const, path }));
  it('in contiguous shares of about equal bytes, every share non-empty', () => {
    expect(shares(inputs, [10, 10, 10, 10, 10], 2).map((s) => s.map((i) => i.path))).toEqual([['a.1', 'a.2', 'a.3'], ['a.4', 'a.5']]);
    expect(shares(inputs, [100, 1, 1, 1, 1], 2).map((s) => s.length)).toEqual([1, 4]);
    expect(shares(inputs, [1, 1, 1, 1, 100], 3).map((s) => s.length)).toEqual([3, 1, 1]);
    expect(shares(inputs.slice(0, 2), [1, 1], 4).map((s) => s.length)).toEqual([1, 1]);
  });

  it('on one thread for stdin, a .gz file alone or a small set; --jobs decides when given', () => {
    const cwd = join(ROOT, 'fixtures/s6-slow');
    const files = captures().find((c) => c.name === 's6-slow')!.files.map((f) => ({ kind: 'file' as const, path: join(ROOT, f) }));
    expect(jobsFor(files, { jobs: null }, cwd)).toBe(1);
    expect(jobsFor([...files, { kind: 'stdin', path: '-' }], { jobs: 4 }, cwd)).toBe(1);
    const gz = { kind: 'file' as const, path: join(ROOT, 'fixtures/s6-f-single/trace.log.gz') };
    expect(jobsFor([gz], { jobs: 4 }, cwd)).toBe(1);
  });

  // Threads need the built worker; without it every choice is one thread.
  it.skipIf(!BUILT)('on --jobs threads for a set, at most one a file, unless a listener sees each call', () => {
    const cwd = join(ROOT, 'fixtures/s6-slow');
    const files = captures().find((c) => c.name === 's6-slow')!.files.map((f) => ({ kind: 'file' as const, path: join(ROOT, f) }));
    expect(jobsFor(files, { jobs: 3 }, cwd)).toBe(3);
    expect(jobsFor(files.slice(0, 2), { jobs: 3 }, cwd)).toBe(2);
    expect(jobsFor(files.slice(0, 1), { jobs: 3 }, cwd)).toBe(1);
    const custom = new TraceSetAnalyzer({ detectors: [{ id: 'x', watch: () => null }] });
    expect(jobsFor(files, { jobs: 3 }, cwd, custom)).toBe(3);
    const listened = new TraceSetAnalyzer({ listener: { call() {}, event() {} } });
    expect(jobsFor(files, { jobs: 3 }, cwd, listened)).toBe(1);
  });

  it.skipIf(!BUILT)('one per core (at most 4) by default for a set of 256 MB or more; one file on one', () => {
    // Sparse files: the choice reads only their sizes and first bytes.
    const dir = mkdtempSync(join(tmpdir(), 'strace-gaps-jobs-'));
    const big = (name: string) => {
      const path = join(dir, name);
      writeFileSync(path, '');
      truncateSync(path, 300 * 1024 * 1024);
      return { kind: 'file' as const, path };
    };
    try {
      const cores = Math.min(availableParallelism(), 4);
      expect(jobsFor([big('one.log')], { jobs: null }, dir)).toBe(1);
      expect(jobsFor([big('s.out.1'), big('s.out.2'), big('s.out.3'), big('s.out.4')], { jobs: null }, dir)).toBe(cores);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--jobs must be a whole number ≥ 1', async () => {
    const r = await runCli(['--jobs', '0', 'x']);
    expect(r.stderr).toBe('strace-gaps: --jobs must be a whole number ≥ 1, not 0 — e.g. --jobs 2, or --jobs 1 for one thread\n');
    expect(r.code).toBe(2);
  });
});
