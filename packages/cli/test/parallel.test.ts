/**
 * `--jobs`: a set read on several threads gives the single-threaded report byte for byte, on every
 * multi-file capture and every single `-f` file (split by pid), and the same errors. Workers run
 * the built worker (dist/worker.js; the test script builds first).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TraceSetAnalyzer } from '@strace-gaps/phases';
import { parseOptions } from '../src/run.js';
import { jobsFor, probeClockStart, readByPid, shares } from '../src/parallel.js';
import { traceBytes } from '../../parser/test/helpers/fixtures.js';
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

/** Single-file captures, decompressed: a .gz file is read on one thread. */
const singles = captures()
  .filter((c) => c.files.length === 1)
  .map((c) => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-pid-'));
    const path = join(dir, basename(c.files[0] as string).replace(/\.gz$/, ''));
    writeFileSync(path, traceBytes(join(ROOT, c.files[0] as string)));
    return { name: c.name, path };
  });

describe.skipIf(!BUILT)('one file split by pid', () => {
  it.each(singles.map((c) => [c.name, c.path] as const))('%s: the same report', async (_name, path) => {
    for (const format of ['json', 'text']) {
      const one = await runCli(['--format', format, '--jobs', '1', path]);
      for (const jobs of ['2', '3']) {
        const many = await runCli(['--format', format, '--jobs', jobs, path]);
        expect(many.stderr).toBe(one.stderr);
        expect(many.code).toBe(one.code);
        expect(many.stdout, `${format}, --jobs ${jobs}`).toBe(one.stdout);
      }
    }
  });

  it('with --pid, --top and --html too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-pid-'));
    const path = (singles.find((s) => s.name === 's6-f-single/trace.log.gz') as (typeof singles)[number]).path;
    const one = await runCli(['--pid', '14571', '--top', '3', '--html', join(dir, '1.html'), '--jobs', '1', path]);
    const two = await runCli(['--pid', '14571', '--top', '3', '--html', join(dir, '2.html'), '--jobs', '2', path]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('14571');
    expect(two.stdout).toBe(one.stdout);
    expect(readFileSync(join(dir, '2.html'), 'utf8')).toBe(readFileSync(join(dir, '1.html'), 'utf8'));
  });

  it('--debug says how the file was read, and why it was not split', async () => {
    const path = (name: string) => (singles.find((s) => s.name === name) as (typeof singles)[number]).path;
    const split = await runCli(['-q', '--debug', '--jobs', '2', path('s6-f-single/trace.log.gz')]);
    expect(split.stderr).toBe('strace-gaps: read on 2 threads, the file split by pid\n');
    const refused = await runCli(['-q', '--debug', '--jobs', '2', path('multiproc/attach/trace.log.gz')]);
    expect(refused.stderr).toMatch(/^strace-gaps: not split: .*trace\.log:693: cannot be read split by pid: the execve of pid 7034, another thread's, continues here; read on one thread\n$/);
    expect(refused.code).toBe(0);
  });

  /** What `readByPid` gives: a joined analysis, or why it refused (the caller reads on one thread). */
  async function byPid(path: string, jobs: number) {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: (async function* () {})(), cwd: ROOT, env: {} };
    const options = await parseOptions([path], io);
    if (options === 'exit') throw new Error('bad test arguments');
    const input = { kind: 'file' as const, path };
    const clock = await probeClockStart([input], ROOT);
    if (clock === null) throw new Error(`${path}: no clock`);
    return readByPid(input, jobs, clock, options, options.top, io, null);
  }

  it('is taken where every line has its pid, and refused where a call moves to another share', async () => {
    const path = (name: string) => (singles.find((s) => s.name === name) as (typeof singles)[number]).path;
    for (const name of ['s6-f-single/trace.log.gz', 's6-f-ms/trace.log.gz', 's6-k/trace.log.gz', 'multiproc/f/trace.log.gz']) {
      const read = await byPid(path(name), 2);
      if ('refused' in read) throw new Error(`${name}: ${read.refused}`);
      expect(read.summaries[0]?.lines).toBeGreaterThan(100);
    }
    // `+++ superseded by execve in pid 7034 +++`: the execve of a thread in another share.
    expect(await byPid(path('multiproc/attach/trace.log.gz'), 2)).toEqual({ refused: expect.stringContaining('the execve of pid 7034') });
    // Lines without a pid prefix (a -f log on stderr before a second process appears).
    expect(await byPid(path('multiproc/f-stderr/trace.log.gz'), 2)).toEqual({ refused: expect.stringContaining('a process line without a pid prefix') });
  });

  it('an error in the middle of the file is the single pass\'s error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-pid-'));
    const lines = [];
    for (let i = 0; i < 400; i++) lines.push(`${100 + (i % 7)} 10:00:00.${String(100000 + i).slice(1)}0 close(3) = 0 <0.000010>`);
    lines.splice(300, 0, `103 1700000000.000001 close(3) = 0`);
    writeFileSync(join(dir, 'mixed.log'), `${lines.join('\n')}\n`);
    const one = await runCli(['--jobs', '1', 'mixed.log'], { cwd: dir });
    const two = await runCli(['--jobs', '2', 'mixed.log'], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('mixed.log:301');
    expect(two.stderr).toBe(one.stderr);
    expect(two.code).toBe(2);
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
    const one = { jobs: 1, by: 'file' };
    expect(jobsFor(files, { jobs: null }, cwd)).toEqual(one);
    expect(jobsFor([...files, { kind: 'stdin', path: '-' }], { jobs: 4 }, cwd)).toEqual(one);
    const gz = { kind: 'file' as const, path: join(ROOT, 'fixtures/s6-f-single/trace.log.gz') };
    expect(jobsFor([gz], { jobs: 4 }, cwd)).toEqual(one);
  });

  // Threads need the built worker; without it every choice is one thread.
  it.skipIf(!BUILT)('on --jobs threads for a set (by file) or one plain -f file (by pid), unless a custom detector cannot interleave', () => {
    const cwd = join(ROOT, 'fixtures/s6-slow');
    const files = captures().find((c) => c.name === 's6-slow')!.files.map((f) => ({ kind: 'file' as const, path: join(ROOT, f) }));
    const one = { jobs: 1, by: 'file' };
    expect(jobsFor(files, { jobs: 3 }, cwd)).toEqual({ jobs: 3, by: 'file' });
    expect(jobsFor(files.slice(0, 2), { jobs: 3 }, cwd)).toEqual({ jobs: 2, by: 'file' });
    const plain = { kind: 'file' as const, path: (singles[0] as (typeof singles)[number]).path };
    expect(jobsFor([plain], { jobs: 3 }, cwd)).toEqual({ jobs: 3, by: 'pid' });
    expect(jobsFor([plain], { jobs: null }, cwd)).toEqual(one);
    // A custom detector that cannot interleave its state keeps one file on one thread.
    const custom = new TraceSetAnalyzer({ detectors: [{ id: 'x', watch: () => null, state: () => null, merge() {} }] });
    expect(jobsFor([plain], { jobs: 3 }, cwd, custom)).toEqual(one);
    expect(jobsFor(files, { jobs: 3 }, cwd, custom)).toEqual({ jobs: 3, by: 'file' });
  });

  it.skipIf(!BUILT)('one per core (at most 4) by default for 256 MB or more, by file or, for one file, by pid', () => {
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
      const expected = (by: string) => (cores >= 2 ? { jobs: cores, by } : { jobs: 1, by: 'file' });
      expect(jobsFor([big('one.log')], { jobs: null }, dir)).toEqual(expected('pid'));
      expect(jobsFor([big('s.out.1'), big('s.out.2'), big('s.out.3'), big('s.out.4')], { jobs: null }, dir)).toEqual(expected('file'));
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
