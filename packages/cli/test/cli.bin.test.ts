/** The built bin, run as a user runs it (needs `pnpm build` first; the test script builds). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const BIN = join(ROOT, 'node_modules/.bin/strace-gaps');

describe.skipIf(!existsSync(join(ROOT, 'packages/cli/dist/bin.js')))('the built bin', () => {
  it('runs through node_modules/.bin on a bundled capture', () => {
    const out = execFileSync(BIN, ['fixtures/s6-slow/s6.out.*'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^29 inputs, [\d,]+ lines: [\d,]+ events, 0 unparsed\n/);
    expect(out).toContain('fixtures/s6-slow/s6.out.14004.gz');
  });

  it('exits 2 with one line on a usage error', () => {
    const r = spawnSync(BIN, ['--nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("strace-gaps: Unknown argument: nope — see 'strace-gaps --help'\n");
  });

  it('reads stdin', () => {
    const r = spawnSync(BIN, ['--json', '-'], { cwd: ROOT, encoding: 'utf8', input: '07:00:00.000001 close(3) = 0\n' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).input.events).toBe(1);
  });
});
