/** A worker thread's young generation (src/young-generation.ts). */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WORKER_YOUNG_GENERATION_MB, workerResourceLimits } from '../src/young-generation.js';

describe('workerResourceLimits', () => {
  it.each([
    [['--max-semi-space-size=64'], '', true],
    [[], '--max-old-space-size=4096 --max_semi_space_size=32', true],
    [[], '--min-semi-space-size=16', true],
    [['--semi-space-growth-factor=4'], '', true],
    [['--max-old-space-size=4096', '--enable-source-maps'], '--inspect', false],
    [[], '', false],
  ])('%j with NODE_OPTIONS %j: sized by the user: %s', (execArgv, nodeOptions, sized) => {
    expect(workerResourceLimits(execArgv, nodeOptions)).toStrictEqual(sized ? undefined : { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB });
  });

  it("hold a worker's new space to two 8 MB semi-spaces where it would grow to more", async () => {
    // Allocation with a share that survives, which makes V8 grow the new space to its limit.
    const code = `
      const { getHeapSpaceStatistics } = require('node:v8');
      const kept = [];
      for (let i = 0; i < 2e7; i++) { const o = { n: i, a: [i] }; if (i % 20 === 0) kept.push(o); if (kept.length > 5e5) kept.length = 0; }
      require('node:worker_threads').parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`;
    const newSpace = (resourceLimits?: { maxYoungGenerationSizeMb: number }) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(code, { eval: true, ...(resourceLimits === undefined ? {} : { resourceLimits }) });
        w.once('message', (bytes: number) => void w.terminate().then(() => resolve(bytes)));
        w.once('error', reject);
      });
    const MB = 1024 * 1024;
    expect(await newSpace()).toBeGreaterThan(17 * MB);
    // V8 reports the space a little over its nominal size: 16.8 MB for two 8 MiB semi-spaces.
    expect(await newSpace(workerResourceLimits([], ''))).toBeLessThanOrEqual(17 * MB);
  });
});
