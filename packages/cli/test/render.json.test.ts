import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GapReport } from '@strace-gaps/phases';
import { renderJson, renderJsonChunks } from '../src/render/json.js';
import { runCli, runIntoSlowPipe } from './helpers.js';

/** Reports are plain data; these shapes cover what the chunked writer treats specially. */
const shapes: Record<string, unknown>[] = [
  {},
  { schemaVersion: 1, empty: [], none: null, nested: { a: [1, { b: 'x\ny' }] } },
  { list: [{ a: 1 }, [2, 3], 'four', null], skipped: undefined, after: 'end' },
  { holes: [undefined, () => 1, { deep: [[], {}] }] },
  { outer: { inner: { list: [1, { a: [2, [3]] }], empty: {} }, none: undefined }, after: [[]] },
  { own: { toJSON: () => 'x' }, gone: { toJSON: () => undefined }, list: [{ toJSON: () => undefined }, Symbol('s')], sym: Symbol('t') },
  { boxed: new Number(3), text: new String('s'), flag: new Boolean(false), date: new Date(0) },
];

describe('the chunked JSON writer', () => {
  it.each(shapes.map((s, i) => [i, s] as const))('joins to JSON.stringify(…, null, 2) for shape %i', (_i, shape) => {
    expect(renderJson(shape as unknown as GapReport)).toBe(`${JSON.stringify(shape, null, 2)}\n`);
  });

  it.each([
    ['a generator in place of a list', { a: 1, list: 'placeholder', z: [] }, { list: (function* () { yield { b: 2 }; yield [3]; yield undefined; })() }],
    ['an empty iterable', { list: [9], after: true }, { list: [] }],
    ['a key the report does not have, ignored', { a: [1] }, { other: [2] }],
  ] as const)('writes %s as that key’s array', (_what, shape, lists) => {
    const expected = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, Object.hasOwn(lists, k) ? [...(lists as Record<string, Iterable<unknown>>)[k] as Iterable<unknown>] : v]));
    // A generator is used up by the line above: make the same one again for the writer.
    const again = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, k === 'list' && !Array.isArray(v) ? [{ b: 2 }, [3], undefined] : v]));
    expect([...renderJsonChunks(shape, again)].join('')).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('streams the process list with --json; the document equals the one built whole (as with --html)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-json-'));
    try {
      for (const args of [['fixtures/s6-slow/s6.out.*'], ['--pid', '13990', 'fixtures/s6-slow/s6.out.*']]) {
        const streamed = await runCli(['--json', ...args]);
        const whole = await runCli(['--json', '--html', join(dir, 'page.html'), ...args]);
        expect(streamed.code).toBe(0);
        expect((JSON.parse(streamed.stdout) as GapReport).processes.length).toBeGreaterThan(0);
        expect(streamed.stdout).toBe(whole.stdout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits while the output is backed up: never more than one piece queued (a slow pipe)', async () => {
    const expected = (await runCli(['--json', 'fixtures/s6-slow/s6.out.*'])).stdout;
    const r = await runIntoSlowPipe(['--json', 'fixtures/s6-slow/s6.out.*']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.mostQueued).toBe(r.biggestWrite);
    expect(r.biggestWrite).toBeLessThan(expected.length / 4);
    // Pieces are joined into writes of 16 K characters or more (a system call each into a file).
    expect(r.writes).toBeGreaterThan(2);
    expect(r.writes).toBeLessThanOrEqual(Math.ceil(expected.length / (16 * 1024)));
  });

  it('writes an array inside an object (the critical path in startup) one element per piece too', async () => {
    const r = await runCli(['--json', 'fixtures/s6-slow/s6.out.*']);
    const report = JSON.parse(r.stdout) as GapReport;
    const steps = report.startup?.criticalPath ?? [];
    expect(steps.length).toBeGreaterThan(3);
    const pieces = [...renderJsonChunks(report)];
    expect(pieces.join('')).toBe(r.stdout);
    // Each step is a piece of its own: its text, indented three levels, after a comma and newline.
    const third = JSON.stringify(steps[2], null, 2).replaceAll('\n', '\n      ');
    expect(pieces).toContain(`,\n      ${third}`);
    const longest = Math.max(...[...report.processes, ...steps, ...report.phases, ...report.gaps].map((v) => JSON.stringify(v, null, 2).length * 2));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(longest);
  });

  it('writes a top-level array one element per piece, and the CLI output equals the whole document', async () => {
    const r = await runCli(['--json', 'fixtures/s6-slow/s6.out.*']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as GapReport;
    expect(r.stdout).toBe(`${JSON.stringify(report, null, 2)}\n`);
    const pieces = [...renderJsonChunks(report)];
    expect(pieces.length).toBeGreaterThan(report.processes.length);
    expect(pieces.join('')).toBe(r.stdout);
  });
});
