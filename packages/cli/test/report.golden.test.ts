/**
 * Golden reports: the text, JSON and Markdown report of every bundled capture, written by the code and
 * reviewed in the diff (`pnpm test:update` writes them; CI never does). The built bin must print
 * exactly what the in-process run prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, captures, runCli } from './helpers.js';

const BIN = join(ROOT, 'packages/cli/bin/strace-gaps.js');
const BUILT = existsSync(join(ROOT, 'packages/cli/dist/bin.js'));

describe.each(captures())('$name', (c) => {
  it('text report', async () => {
    const r = await runCli([...c.files]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(`${c.golden}.txt`);
  });

  it('JSON report', async () => {
    const r = await runCli(['--json', ...c.files]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    await expect(r.stdout).toMatchFileSnapshot(`${c.golden}.json`);
  });

  it('Markdown report', async () => {
    const r = await runCli(['--format', 'markdown', ...c.files]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(`${c.golden}.md`);
  });

  it.skipIf(!BUILT)('the built bin prints the same text and JSON', async () => {
    for (const extra of [[], ['--json']]) {
      const mine = await runCli([...extra, ...c.files]);
      const bin = spawnSync(process.execPath, [BIN, ...extra, ...c.files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
      expect(bin.status).toBe(0);
      expect(bin.stdout).toBe(mine.stdout);
    }
  });
});
