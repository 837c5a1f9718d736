/** The built bin, run as a user runs it (needs `pnpm build` first; the test script builds). */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const BIN = join(ROOT, 'node_modules/.bin/strace-gaps');

describe.skipIf(!existsSync(join(ROOT, 'packages/cli/dist/bin.js')))('the built bin', () => {
  it('runs through node_modules/.bin on a bundled capture', () => {
    const out = execFileSync(BIN, ['fixtures/s6-slow/s6.out.*'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^strace-gaps: 29 inputs, [\d,]+ lines \(0 unparsed\), 29 tasks\n/);
    expect(out).toContain('k8s-service-links');
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

  // `… | head`: the reader goes away after the first chunk, or before the bin writes anything.
  // After the first chunk, the output must be far more than the reader can drain before its end
  // closes: a 190 KB JSON report sometimes all went through on a loaded machine (exit 0), so that
  // case reads trace events (6.7 MB).
  it.each([
    ['after the first chunk', ['--format', 'trace-event'], 'data'],
    ['before it writes', ['--json'], 'spawn'],
  ] as const)('stops quietly with 141 when the reader of its output goes away %s (… | head)', async (_, format, when) => {
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/strace-gaps.js'), ...format, 'fixtures/s6-slow/s6.out.*'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (when === 'data') child.stdout.once('data', () => child.stdout.destroy());
    else child.once('spawn', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});

/**
 * As root every file is readable, so the EACCES test runs the bin as `nobody` — possible only where
 * `nobody` can read this checkout (not, say, under a 0700 home directory).
 */
function canTestEacces(): boolean {
  if (!existsSync(join(ROOT, 'packages/cli/dist/bin.js'))) return false;
  if (process.getuid?.() !== 0) return true;
  const probe = `require('fs').accessSync(${JSON.stringify(join(ROOT, 'packages/cli/node_modules/yargs/package.json'))}, 4);` +
    `require('fs').accessSync(${JSON.stringify(join(ROOT, 'packages/cli/dist/bin.js'))}, 4)`;
  return spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', probe]).status === 0;
}

describe.skipIf(!canTestEacces())('an unreadable file (EACCES)', () => {
  it('is one line on stderr and exit code 2, for plain and gzip files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-eacces-'));
    chmodSync(dir, 0o755);
    for (const name of ['locked.log', 'locked.log.gz']) {
      const f = join(dir, name);
      writeFileSync(f, name.endsWith('.gz') ? gzipSync('1 getpid() = 1\n') : '1 getpid() = 1\n');
      chmodSync(f, 0o600);
      // As root every file is readable, so run the bin as an unprivileged user.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) chownSync(f, 0, 0);
      const r = asRoot
        ? spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, join(ROOT, 'packages/cli/bin/strace-gaps.js'), f], { encoding: 'utf8' })
        : (chmodSync(f, 0), spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/strace-gaps.js'), f], { encoding: 'utf8' }));
      expect(r.stderr).toBe(`strace-gaps: permission denied (${f}) — run as a user who can read it, or copy it\n`);
      expect(r.status).toBe(2);
    }
  });
});
