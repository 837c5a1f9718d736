/**
 * The packages as users get them: packed to tarballs (`pnpm pack` turns `workspace:*` into
 * versions), installed with npm into an empty directory, and run from there on Node 20. Also
 * checks their package.json with publint and their types with arethetypeswrong. Needs the npm
 * registry for the third-party dependencies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

const PACKAGES = ['parser', 'phases', 'cli'];
const TIMEOUT = 240_000;

/** pnpm as the test was started with it (`pnpm test`), else through npx as the README does. */
function pnpm(args: string[], cwd: string): string {
  const self = process.env.npm_execpath;
  const [cmd, argv] = self !== undefined && /pnpm/.test(self) ? [process.execPath, [self, ...args]] : ['npx', ['-y', 'pnpm@10', ...args]];
  return execFileSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('packed and installed with npm', () => {
  const work = mkdtempSync(join(tmpdir(), 'sg-pack-'));
  const packs = join(work, 'tarballs');
  const app = join(work, 'app');
  let tarballs: string[] = [];

  beforeAll(() => {
    for (const p of PACKAGES) pnpm(['pack', '--pack-destination', packs], join(ROOT, 'packages', p));
    tarballs = readdirSync(packs).map((f) => join(packs, f));
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: app, stdio: 'pipe' });
  }, TIMEOUT);

  it('has one tarball per package, without sources or tests', () => {
    expect(tarballs.map((t) => t.replace(/.*\//, '')).sort()).toEqual(['strace-gaps-0.1.0.tgz', 'strace-gaps-parser-0.1.0.tgz', 'strace-gaps-phases-0.1.0.tgz']);
    const listing = execFileSync('tar', ['-tzf', tarballs.find((t) => t.endsWith('/strace-gaps-0.1.0.tgz')) as string], { encoding: 'utf8' });
    expect(listing).toContain('package/bin/strace-gaps.js');
    expect(listing).toContain('package/dist/bin.js');
    expect(listing).not.toMatch(/package\/(src|test)\//);
  });

  it('the installed bin prints the report the repository prints', async () => {
    const bin = join(app, 'node_modules/.bin/strace-gaps');
    const got = spawnSync(bin, ['fixtures/s6-slow/s6.out.*'], { cwd: ROOT, encoding: 'utf8' });
    expect(got.stderr).toBe('');
    expect(got.status).toBe(0);
    expect(got.stdout).toBe((await runCli(['fixtures/s6-slow/s6.out.*'])).stdout);
    expect(got.stdout).toContain('k8s-service-links');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version);
  });

  it('the libraries import as ESM from the installed packages', () => {
    const script =
      "import { parseText } from '@strace-gaps/parser';" +
      "import { analyzeInputs, buildGapReport } from '@strace-gaps/phases';" +
      "const lines = parseText('10:00:00.000001 getpid() = 1 <0.000001>\\n10:00:01.000001 getppid() = 0 <0.000001>\\n', 't');" +
      "const a = analyzeInputs([{ file: 't', pid: 1, lines: [lines] }]);" +
      'console.log(lines[0].kind, a.gaps[0].kind, a.gaps[0].seconds);';
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
    expect(out.trim()).toBe('syscall userspace 0.999999');
  });

  it('publint finds nothing to fix, even at suggestion level', async () => {
    for (const t of tarballs) {
      const buf = readFileSync(t);
      const r = await publint({ pack: { tarball: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer }, level: 'suggestion', strict: true });
      expect(r.messages.map((m) => formatMessage(m, r.pkg)), t).toEqual([]);
    }
  });

  it('arethetypeswrong: types resolve for ESM consumers (node16 from ESM, bundler)', () => {
    // esm-only: the packages are ESM by design; CommonJS require() of them is not supported.
    const attw = join(ROOT, 'node_modules/.bin/attw');
    for (const t of tarballs) {
      const r = spawnSync(attw, [t, '--profile', 'esm-only', '--format', 'json'], { encoding: 'utf8' });
      expect(r.status, `${t}: ${r.stdout}${r.stderr}`).toBe(0);
      const problems = (JSON.parse(r.stdout) as { analysis: { problems: unknown[] } }).analysis.problems;
      expect(problems.filter((p) => !/node10|node16-cjs/.test(JSON.stringify(p)))).toEqual([]);
    }
  });
});
