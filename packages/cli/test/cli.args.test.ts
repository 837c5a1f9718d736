import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTracePaths } from '../src/inputs.js';
import { parseDuration } from '../src/args.js';
import { runCli } from './helpers.js';

describe('usage and input errors: one line on stderr, exit code 2', () => {
  it.each([
    [['--bogus', 'x'], /^strace-gaps: Unknown argument: bogus — see 'strace-gaps --help'\n$/],
    [[], /^strace-gaps: no trace files given — pass strace output files or - for stdin; see 'strace-gaps --help'\n$/],
    [['no-such-file.log'], /^strace-gaps: no such file \(no-such-file\.log\) — check the path\n$/],
    [['fixtures/none-*.log'], /^strace-gaps: no file matches "fixtures\/none-\*\.log" — check the pattern and the directory you run from\n$/],
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

  it('reports corrupt .gz data as an input error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-'));
    const f = join(dir, 'bad.log.gz');
    const { gzipSync } = await import('node:zlib');
    const gz = Buffer.from(gzipSync(Buffer.from('1 getpid() = 1\n'.repeat(1000))));
    gz[gz.length - 6] = (gz[gz.length - 6] as number) ^ 0xff;
    writeFileSync(f, gz);
    const r = await runCli([f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^strace-gaps: the gzip data is corrupt or truncated \(.*bad\.log\.gz\) — /);
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

describe('report options', () => {
  const trace = '10:00:00.000000 getpid() = 7 <0.000010>\n10:00:00.500000 getppid() = 1 <0.000010>\n10:00:00.500100 ppoll(NULL, 0, NULL, NULL, 8) = 0 <2.000000>\n10:00:02.600000 close(3) = 0\n';

  it('--min-gap takes durations with units, --top limits each kind, --pid filters', async () => {
    const all = JSON.parse((await runCli(['--json', '-'], { stdin: trace })).stdout);
    expect(all.gaps.map((g: { kind: string }) => g.kind).sort()).toEqual(['userspace', 'userspace', 'waiting']);
    const big = JSON.parse((await runCli(['--json', '--min-gap', '1s', '-'], { stdin: trace })).stdout);
    expect(big.gaps.map((g: { kind: string }) => g.kind)).toEqual(['waiting']);
    const ms = JSON.parse((await runCli(['--json', '--min-gap', '200ms', '--top', '1', '-'], { stdin: trace })).stdout);
    expect(ms.gaps.map((g: { seconds: number }) => g.seconds)).toEqual([2, 0.49999]);
    const other = JSON.parse((await runCli(['--json', '--pid', '5', '-'], { stdin: trace })).stdout);
    expect(other.gaps).toEqual([]);
    expect(other.processes).toEqual([]);
  });

  it('--pid before the files takes one value each time (the files stay files)', async () => {
    const one = await runCli(['--json', '--pid', '14004', 'fixtures/s6-slow/s6.out.*']);
    expect(one.stderr).toBe('');
    expect(new Set(JSON.parse(one.stdout).processes.map((p: { tgid: number }) => p.tgid))).toEqual(new Set([14004]));
    const two = await runCli(['--json', '--pid', '14004', '--pid', '13988', 'fixtures/s6-slow/s6.out.*']);
    expect(new Set(JSON.parse(two.stdout).processes.map((p: { tgid: number }) => p.tgid))).toEqual(new Set([14004, 13988]));
  });

  it('parses durations', () => {
    expect(['2s', '500ms', '250us', '1.5', '3m', '10µs'].map((d) => Number(parseDuration(d)!.toPrecision(12)))).toEqual([2, 0.5, 0.00025, 1.5, 180, 0.00001]);
    expect(['', 'x', '1h', '-1s'].map(parseDuration)).toEqual([null, null, null, null]);
  });

  it('rejects a bad --min-gap, --top or --pid with exit 2 and an example', async () => {
    for (const [args, msg] of [
      [['--min-gap', 'soon'], /^strace-gaps: --min-gap must be a duration, not "soon" — e\.g\. --min-gap 100ms/],
      [['--top', '-1'], /^strace-gaps: --top must be a whole number ≥ 0, not -1 — e\.g\. --top 5/],
      [['--pid', '0'], /^strace-gaps: --pid must be a process id, not 0 — /],
    ] as const) {
      const r = await runCli([...args, '-'], { stdin: trace });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('refuses inputs with different clocks, naming file:line, with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-'));
    writeFileSync(join(dir, 'a.1'), '10:00:00.000001 close(3) = 0\n');
    writeFileSync(join(dir, 'b.2'), 'close(3) = 0\n1700000000.000001 close(4) = 0\n');
    const r = await runCli([join(dir, 'a.1'), join(dir, 'b.2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^strace-gaps: the inputs mix clocks: this line has no timestamps, the lines before had time-of-day timestamps \(.*b\.2:1\) — a set must come from one capture/);
  });
});
