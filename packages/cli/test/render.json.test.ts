import { describe, expect, it } from 'vitest';
import type { GapReport } from '@strace-gaps/phases';
import { renderJson, renderJsonChunks } from '../src/render/json.js';
import { runCli } from './helpers.js';

/** Reports are plain data; these shapes cover what the chunked writer treats specially. */
const shapes: Record<string, unknown>[] = [
  {},
  { schemaVersion: 1, empty: [], none: null, nested: { a: [1, { b: 'x\ny' }] } },
  { list: [{ a: 1 }, [2, 3], 'four', null], skipped: undefined, after: 'end' },
  { holes: [undefined, () => 1, { deep: [[], {}] }] },
];

describe('the chunked JSON writer', () => {
  it.each(shapes.map((s, i) => [i, s] as const))('joins to JSON.stringify(…, null, 2) for shape %i', (_i, shape) => {
    expect(renderJson(shape as unknown as GapReport)).toBe(`${JSON.stringify(shape, null, 2)}\n`);
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
