/**
 * `--html FILE` without a browser: what the page embeds and how, and the option's errors. The page
 * in a real browser is html.browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptJson } from '../src/render/html.js';
import { runCli } from './helpers.js';

function page(html: string): { data: Record<string, unknown>; scripts: string[]; csp: string } {
  const data = /<script type="application\/json" id="data">([^<]*)<\/script>/.exec(html);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
  return { data: JSON.parse(data?.[1] ?? 'null'), scripts, csp: csp?.[1] ?? '' };
}

async function htmlOf(args: string[], stdin?: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-html-'));
  const file = join(dir, 'report.html');
  const r = await runCli(['--html', file, ...args], stdin === undefined ? {} : { stdin });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe(`strace-gaps: wrote ${file}\n`);
  return readFileSync(file, 'utf8');
}

describe('--html', () => {
  it('embeds the data as JSON no trace text can break out of', () => {
    const hostile = '</script><script>alert(1)</script> & <!-- \u2028\u2029';
    const text = scriptJson({ hostile });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ hostile });
  });

  it('writes the same page next to --format trace-event (whose passes skip the process list without --html)', async () => {
    const alone = await htmlOf(['fixtures/s6-slow/s6.out.*']);
    const withExport = await htmlOf(['--format', 'trace-event', 'fixtures/s6-slow/s6.out.*']);
    expect((page(alone).data as { processes: unknown[] }).processes.length).toBeGreaterThan(0);
    expect(withExport).toBe(alone);
  });

  it('writes one self-contained page: one script, allowed by its hash, and nothing to fetch', async () => {
    const html = await htmlOf(['fixtures/s6-slow/s6.out.*']);
    const { scripts, csp } = page(html);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0] as string).digest('base64');
    expect(csp).toBe(`default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:`);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('shows the incident: phases in order, the diagnosis, a lane per process', async () => {
    const html = await htmlOf(['fixtures/s6-slow/s6.out.*']);
    const { data } = page(html);
    const json = JSON.parse((await runCli(['--json', 'fixtures/s6-slow/s6.out.*'])).stdout);
    const kinds = (data.phases as { kind: string }[]).map((p) => p.kind);
    expect(kinds.filter((k) => ['runtime-init', 'env-dump', 'supervisor-start'].includes(k))).toEqual(['runtime-init', 'env-dump', 'supervisor-start']);
    expect((data.diagnoses as { id: string }[]).map((d) => d.id)).toEqual(json.diagnoses.map((d: { id: string }) => d.id));
    expect(data.lanes as unknown[]).toHaveLength(json.processes.length);
    // The env dump's lane holds the busy segments of the 4,013 variables.
    const lane = (data.lanes as { pid: number; busy: number[] }[]).find((l) => l.pid === 14004);
    let calls = 0;
    for (let k = 2; k < (lane?.busy.length ?? 0); k += 3) calls += lane?.busy[k] as number;
    expect(calls).toBe(json.processes.find((p: { pid: number }) => p.pid === 14004).syscalls);
  });

  it('goes along with any format on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-html-'));
    const r = await runCli(['--json', '-q', '--html', join(dir, 'r.html'), 'fixtures/s6-fast/s6.out.*']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it.each([
    [['--html', '', 'x'], "strace-gaps: --html needs a file name — e.g. --html report.html\n"],
    [['--html', '/nonexistent-dir/r.html', 'fixtures/s6-fast/s6.out.*'], 'strace-gaps: cannot write the HTML report (ENOENT) (/nonexistent-dir/r.html) — check that its directory exists and is writable\n'],
    [['diff', '--html', 'r.html', 'a', 'b'], 'strace-gaps: diff writes text, json or markdown — for a timeline, run strace-gaps --html or --format trace-event on each capture\n'],
  ])('%j fails with one line and exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
  });
});
