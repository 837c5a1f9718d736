/**
 * Golden reports: the text, JSON and Markdown report of every bundled capture, written by the code and
 * reviewed in the diff (`pnpm test:update` writes them; CI never does). The built bin must print
 * exactly what the in-process run prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidFromFileName } from '@strace-gaps/parser';
import { fixtureSets } from '../../parser/test/helpers/fixtures.js';
import { ROOT, runCli } from './helpers.js';

const BIN = join(ROOT, 'packages/cli/bin/strace-gaps.js');
const BUILT = existsSync(join(ROOT, 'packages/cli/dist/bin.js'));

/** One capture: a `-ff` set (every file named PREFIX.PID) is one; otherwise each file is its own. */
interface Capture {
  readonly name: string;
  /** Paths relative to the repository root, as a user would type them. */
  readonly files: readonly string[];
  /** Golden file path without extension. */
  readonly golden: string;
}

function captures(): Capture[] {
  const out: Capture[] = [];
  for (const set of fixtureSets()) {
    const files = set.files.map((f) => relative(ROOT, f));
    if (files.every((f) => pidFromFileName(f) !== null)) {
      out.push({ name: set.name, files, golden: join(set.dir, 'report.golden') });
    } else {
      for (const f of files) out.push({ name: `${set.name}/${basename(f)}`, files: [f], golden: join(set.dir, `report.${basename(f)}.golden`) });
    }
  }
  return out;
}

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
