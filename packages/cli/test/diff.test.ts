/**
 * `strace-gaps diff`: the incident's fast and slow captures, the same capture on both sides, and a
 * pair where start-up phases exist on one side only; golden files in every format (written by
 * `pnpm test:update`, reviewed in the diff) and the facts the issue asks for checked directly.
 */
import { describe, expect, it } from 'vitest';
import { type DiffReport } from '@strace-gaps/phases';
import { roleOf } from '@strace-gaps/phases/internal';
import { runCli } from './helpers.js';

const FAST = 'fixtures/s6-fast/s6.out.*';
const SLOW = 'fixtures/s6-slow/s6.out.*';

const cases = [
  { name: 's6-fast-vs-slow', argv: [FAST, SLOW] },
  { name: 's6-slow-vs-itself', argv: [SLOW, SLOW] },
  { name: 'multiproc-vs-s6-fast', argv: ['fixtures/multiproc/ff/', FAST] },
];

async function diff(argv: string[]): Promise<DiffReport> {
  const r = await runCli(['diff', '--json', ...argv]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as DiffReport;
}

describe.each(cases)('diff $name', (c) => {
  it.each([
    ['text', [], 'txt'],
    ['markdown', ['--format', 'markdown'], 'md'],
    ['JSON', ['--json'], 'json'],
  ] as const)('%s golden', async (_label, flags, ext) => {
    const r = await runCli(['diff', ...flags, ...c.argv]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(`../../../fixtures/diffs/${c.name}.golden.${ext}`);
  });
});

describe('the incident: fast vs slow', () => {
  it('names the env dump as the top growth, with both counts and durations, in every format', async () => {
    const d = await diff([FAST, SLOW]);
    const top = d.phases[0]!;
    expect(top.key).toBe('env-dump');
    expect(top.fast!.seconds).toBeCloseTo(0.03917, 5);
    expect(top.slow!.seconds).toBeCloseTo(5.777764, 5);
    expect(top.measures.find((m) => m.name === 'variables')).toMatchObject({ fast: 61, slow: 4013 });
    expect(d.diagnoses.slowOnly.map((x) => x.id)).toContain('k8s-service-links');
    expect(d.diagnoses.fastOnly).toEqual([]);
    const words = /^The slow start got ready 5\.83 s later \(502 ms → 6\.34 s\): k8s-service-links \+5\.80 s, other \+37\.1 ms\. The slow trace is slower by 5\.91 s \(1\.61 s → 7\.52 s\)\. The environment dump grew most, 39\.2 ms → 5\.78 s \(\+5\.74 s\): variables 61 → 4,013/;
    expect(d.headline).toMatch(words);
    const text = (await runCli(['diff', FAST, SLOW])).stdout;
    expect(text.replace(/\n/g, ' ')).toMatch(words);
    const md = (await runCli(['diff', '--format', 'markdown', FAST, SLOW])).stdout;
    expect(md).toContain('The environment dump grew most, 39.2 ms → 5.78 s (+5.74 s): variables 61 → 4,013');
    expect(md).toMatch(/\| `env-dump` \| 39\.2 ms \| 5\.78 s \| \+5\.74 s \|/);
  });

  it('aligns processes by role, not pid, and finds the wait that grew', async () => {
    const d = await diff([FAST, SLOW]);
    const runc = d.processes.find((p) => p.key.startsWith('/usr/sbin/runc --root /tmp/s6-capture.XXXXXX/'))!;
    expect(runc.fast).not.toBeNull();
    expect(runc.slow).not.toBeNull();
    expect(d.gaps[0]).toMatchObject({ kind: 'waiting', syscall: 'futex', exampleSide: 'slow' });
    expect(d.gaps[0]!.delta).toBeGreaterThan(5);
  });

  it('accepts FAST... -- SLOW... as well as two operands', async () => {
    const a = await diff([FAST, SLOW]);
    const b = await runCli(['diff', '--json', 'fixtures/s6-fast/', '--', 'fixtures/s6-slow/']);
    expect(JSON.parse(b.stdout).headline).toBe(a.headline);
  });
});

describe('sensible edges', () => {
  it('the change of the time to ready, by cause, adds up to the whole change', async () => {
    const d = await diff([FAST, SLOW]);
    const u = d.startup!;
    expect(u.causes[0]).toMatchObject({ id: 'k8s-service-links', fast: 0 });
    expect(u.causes[0]!.delta).toBeGreaterThan(5.7);
    expect(u.causes.reduce((x, c) => x + c.delta, 0) + u.other).toBeCloseTo(u.delta, 6);
    expect(u.delta).toBeCloseTo(u.slow - u.fast, 6);
    expect((await diff([SLOW, SLOW])).startup).toMatchObject({ delta: 0, other: 0 });
  });

  it('the same capture on both sides: no growth anywhere', async () => {
    const d = await diff([SLOW, SLOW]);
    expect(d.headline).toBe('No growth: the two traces take about as long (7.52 s → 7.52 s), and no phase grew.');
    expect([...d.phases, ...d.programs, ...d.processes].every((r) => r.delta === 0)).toBe(true);
    expect(d.gaps).toEqual([]);
    expect(d.diagnoses.both).toContain('k8s-service-links');
  });

  it('phases on one side only have a null side and count in full', async () => {
    const d = await diff(['fixtures/multiproc/ff/', FAST]);
    const init = d.phases.find((r) => r.key === 'runtime-init')!;
    expect(init.fast).toBeNull();
    expect(init.ratio).toBeNull();
    expect(init.delta).toBe(init.slow!.seconds);
    expect(d.headline).toContain("The container runtime's init stage appears only in the slow trace");
  });

  it('usage errors: one line, exit 2', async () => {
    const three = await runCli(['diff', FAST, SLOW, FAST]);
    expect(three.code).toBe(2);
    expect(three.stderr).toBe(
      "strace-gaps: diff compares two sets, and 3 operands without -- do not say which is which — give the fast files, --, then the slow files (or one directory or quoted glob each); see 'strace-gaps diff --help'\n",
    );
    const empty = await runCli(['diff', FAST, '--']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('strace-gaps: the slow side has no files — give the fast files, --, then the slow files\n');
    const help = await runCli(['diff', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('strace-gaps diff [options] <fast files...> -- <slow files...>');
  });

  it('masks what differs between two runs of the same thing', () => {
    expect(roleOf('/usr/sbin/runc --root /tmp/s6-capture.kc5aHF/runc-state run')).toBe('/usr/sbin/runc --root /tmp/s6-capture.XXXXXX/runc-state run');
    expect(roleOf('/run/s6/container_environment:envdump:TPAdK6')).toBe('/run/s6/container_environment:envdump:XXXXXX');
    expect(roleOf('runc.RRPXuh')).toBe('runc.XXXXXX');
    expect(roleOf('sleep 12345')).toBe('sleep N');
    // Words stay: a lowercase six-letter name is not a temp suffix.
    expect(roleOf('/usr/bin/python3 -m select.parser')).toBe('/usr/bin/python3 -m select.parser');
  });
});
