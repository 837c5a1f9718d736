/**
 * `--format trace-event`: on every bundled capture the document keeps the Trace Event Format's
 * rules (trace-event-rules.ts), has one slice per call the report counts, cites real lines, and
 * is read by a real consumer (Chrome DevTools' trace engine, the Performance panel's model).
 * Two goldens pin the whole output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TRACE_PID } from '../src/render/trace-event.js';
import { ROOT, captures, runCli, runIntoSlowPipe } from './helpers.js';
import { traceEventProblems, type TraceDocument, type TraceEvent } from './trace-event-rules.js';

async function traceEvents(args: string[], stdin?: string | Buffer): Promise<{ doc: TraceDocument; raw: string }> {
  const r = await runCli(['--format', 'trace-event', ...args], stdin === undefined ? {} : { stdin });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { doc: JSON.parse(r.stdout) as TraceDocument, raw: r.stdout };
}

const fileLines = new Map<string, string[]>();
function lineOf(ref: string): string {
  const at = ref.lastIndexOf(':');
  const file = ref.slice(0, at);
  let lines = fileLines.get(file);
  if (lines === undefined) {
    const bytes = readFileSync(join(ROOT, file));
    lines = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n');
    fileLines.set(file, lines);
  }
  return lines[Number(ref.slice(at + 1)) - 1] ?? '';
}

describe.each(captures())('$name', (c) => {
  it('is a valid trace-event document with a slice per call, cited at its line', async () => {
    const json = await runCli(['--json', ...c.files]);
    const report = JSON.parse(json.stdout);
    if (report.clock.kind === 'none') {
      const r = await runCli(['--format', 'trace-event', ...c.files]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no timestamps');
      return;
    }
    const { doc } = await traceEvents([...c.files]);
    expect(traceEventProblems(doc)).toEqual([]);
    const events = doc.traceEvents;
    const calls = events.filter((e) => e.ph === 'X' && e.cat === 'syscall');
    const counted = report.processes.reduce((n: number, p: { syscalls: number }) => n + p.syscalls, 0);
    expect(calls.length).toBe(counted);
    for (const e of calls.filter((_, i) => i % 97 === 0)) {
      const text = lineOf(e.args?.line as string);
      expect(text, `${e.args?.line}`).toMatch(new RegExp(`(^|[ \\]])(${e.name}\\(|<\\.\\.\\. ${e.name} resumed>)`));
    }
    expect(events.filter((e) => e.ph === 'X' && e.cat === 'phase')).toHaveLength(report.phases.length);
    expect(events.filter((e) => e.ph === 'X' && e.cat === 'gap')).toHaveLength(report.gaps.length);
    expect(events.filter((e) => e.ph === 'i' && e.cat === 'gap')).toHaveLength(report.gaps.length);
    // Every process of the report has its track, named by program and pid.
    const names = new Map(events.filter((e) => e.name === 'process_name').map((e) => [e.pid, e.args?.name as string]));
    for (const p of report.processes.filter((p: { thread: boolean }) => !p.thread)) expect(names.get(p.pid)).toMatch(new RegExp(`\\(pid ${p.pid}\\)$`));
    expect(names.get(TRACE_PID)).toBe('strace-gaps: phases and gaps');
  });
});

describe('what the timeline carries', () => {
  it('threads nest under their process, signals and exits are instants', async () => {
    const { doc } = await traceEvents(['fixtures/multiproc/ff/trace.*']);
    const ev = doc.traceEvents;
    const threadSlice = ev.find((e) => e.ph === 'X' && e.cat === 'syscall' && e.pid !== e.tid);
    expect(threadSlice).toBeDefined();
    expect(ev.some((e) => e.name === 'process_name' && e.pid === threadSlice?.pid)).toBe(true);
    expect(ev.filter((e) => e.ph === 'i' && e.cat === 'signal').map((e) => e.name)).toContain('SIGCHLD');
    const exits = ev.filter((e) => e.ph === 'i' && e.cat === 'exit').map((e) => e.name);
    expect(exits).toContain('exited with 0');
    expect(exits).toContain('killed by SIGKILL');
    expect(exits.some((n) => n.includes('(core dumped)'))).toBe(true);
  });

  it('keeps nanoseconds where strace printed them', async () => {
    const { raw, doc } = await traceEvents(['fixtures/multiproc/ttt-ns/trace.log.gz']);
    expect(doc.displayTimeUnit).toBe('ns');
    expect(raw).toMatch(/"ts":\d{16}\.\d{3}[,}]/);
    // Epoch microseconds of 2026 are 16 digits: the whole part is exact, the ns are text.
    const first = doc.traceEvents.find((e) => e.ph === 'X' && e.cat === 'syscall') as TraceEvent;
    const line = lineOf(first.args?.line as string);
    const printed = /(\d{10})\.(\d{9})/.exec(line);
    expect(printed).not.toBeNull();
    const m = new RegExp(`"ts":(\\d+)\\.?(\\d*)[^\\n]*${JSON.stringify(first.args?.line).slice(1, -1)}`).exec(raw);
    expect(`${m?.[1]}${(m?.[2] ?? '').padEnd(3, '0')}`).toBe(`${printed?.[1]}${printed?.[2]}`);
  });

  it('marks the slices a -T time pushes past the next call, and keeps the printed time', async () => {
    const { doc } = await traceEvents(['fixtures/s6-slow/s6.out.*']);
    const calls = doc.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'syscall');
    for (const e of calls.slice(0, 2000)) {
      if (typeof e.args?.seconds === 'number') expect(e.dur).toBeLessThanOrEqual(Math.round((e.args.seconds as number) * 1e6) + 1);
    }
    const futex = calls.find((e) => e.name === 'futex' && (e.args?.seconds as number) > 7);
    expect(futex?.dur).toBeGreaterThan(7e6);
  });

  it('reads stdin twice through a temporary copy, naming it -', async () => {
    const file = 'fixtures/s6-f-single/trace.log.gz';
    const fromFile = (await traceEvents([file])).raw;
    const fromStdin = (await traceEvents(['-'], readFileSync(join(ROOT, file)))).raw;
    expect(fromStdin).toBe(fromFile.replaceAll(JSON.stringify(file), '"-"').replaceAll(`"${file}:`, '"-:'));
  });

  it('--pid keeps one process and its threads', async () => {
    const { doc } = await traceEvents(['--pid', '14004', 'fixtures/s6-slow/s6.out.*']);
    expect(traceEventProblems(doc)).toEqual([]);
    const pids = new Set(doc.traceEvents.filter((e) => e.cat === 'syscall').map((e) => e.pid));
    expect([...pids]).toEqual([14004]);
  });

  it('waits while the output is backed up instead of queueing the document in memory', async () => {
    const expected = (await traceEvents(['fixtures/s6-slow/s6.out.*'])).raw;
    const r = await runIntoSlowPipe(['--format', 'trace-event', 'fixtures/s6-slow/s6.out.*']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(expected.length).toBeGreaterThan(6_000_000);
    expect(r.mostQueued).toBeLessThan(500_000);
  });

  it('refuses a trace without timestamps', async () => {
    const r = await runCli(['--format', 'trace-event', '-'], { stdin: 'close(3) = 0\nclose(4) = 0\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('strace-gaps: the trace has no timestamps, so there is no timeline to export (-) — re-capture with -tt -T (or -ttt)\n');
  });

  it.each([
    ['multiproc/ff', 'fixtures/multiproc/ff/trace.*'],
    ['multiproc/ttt-ns', 'fixtures/multiproc/ttt-ns/trace.log.gz'],
  ])('golden: %s', async (name, glob) => {
    const { raw } = await traceEvents([glob]);
    await expect(raw.replace(/"generator":"[^"]*"/, '"generator":"strace-gaps"')).toMatchFileSnapshot(join(ROOT, 'fixtures', name, 'trace-event.golden.json'));
  });
});

/**
 * A real consumer: Chrome DevTools' trace engine (`@paulirish/trace_engine`, the Performance
 * panel's model, run in Node). No npm or Debian package ships Perfetto's trace processor, and
 * Chromium's chrome://tracing is disabled in the Debian build. The engine ignores `i` instants
 * (it keeps only the deprecated `I`), so those are checked by the rules above alone.
 */
describe('Chrome DevTools trace engine', () => {
  it.each([['fixtures/s6-slow/s6.out.*'], ['fixtures/multiproc/ff/trace.*']])('loads %s: named tracks, every slice nested', async (glob) => {
    const { doc } = await traceEvents([glob]);
    const Trace = await import('@paulirish/trace_engine');
    const model = Trace.TraceModel.Model.createWithAllHandlers();
    await model.parse(doc.traceEvents as never);
    const data = model.parsedTrace()?.data as unknown as {
      Meta: { processNames: Map<number, { args: { name: string } }>; traceIsGeneric: boolean };
      Renderer: { processes: Map<number, { threads: Map<number, { entries: { name: string }[]; tree?: { roots: Set<{ children: Set<unknown> }> } }> }> };
    };
    expect(data.Meta.traceIsGeneric).toBe(true);
    const ours = new Map(doc.traceEvents.filter((e) => e.name === 'process_name').map((e) => [e.pid, e.args?.name]));
    for (const [pid, name] of ours) expect(data.Meta.processNames.get(pid)?.args.name).toBe(name);
    let threads = 0;
    for (const [pid, proc] of data.Renderer.processes) {
      for (const [tid, thread] of proc.threads) {
        const expected = doc.traceEvents.filter((e) => e.ph === 'X' && e.pid === pid && e.tid === tid).length;
        expect(thread.entries.length, `${pid}/${tid}`).toBe(expected);
        // A slice that overlaps a sibling without nesting stays out of the tree.
        let inTree = 0;
        const walk = (nodes: Iterable<{ children: Set<unknown> }>) => {
          for (const n of nodes) {
            inTree++;
            walk(n.children as Set<{ children: Set<unknown> }>);
          }
        };
        walk(thread.tree?.roots ?? []);
        expect(inTree, `${pid}/${tid}`).toBe(expected);
        threads++;
      }
    }
    const withSlices = new Set(doc.traceEvents.filter((e) => e.ph === 'X').map((e) => `${e.pid}/${e.tid}`));
    expect(threads).toBe(withSlices.size);
  });
});
