/**
 * The incident, checked against the raw capture files rather than against the code's own output:
 * on every s6 capture the report must show runtime-init → env-dump → supervisor-start at the
 * timestamps of the lines that define them, count the variables as `grep -c` does, cite gap lines
 * that really are at those file:line positions, and give the service-link diagnosis only to the
 * slow capture.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChunksSync, pidFromFileName } from '@strace-gaps/parser';
import { analyzeInputs, isPhase, type Analysis, type KnownPhase, type LineRef, type PhaseKind } from '@strace-gaps/phases';
import { fixtureSets, traceBytes, type FixtureSet } from '../../parser/test/helpers/fixtures.js';

const S6 = fixtureSets().filter((s) => s.name.startsWith('s6-'));

function analyze(set: FixtureSet): Analysis {
  return analyzeInputs(
    set.files.map((f) => ({
      file: f,
      pid: pidFromFileName(f),
      lines: [parseChunksSync([traceBytes(f)], f)],
    })),
  );
}

/** Every line of every file, by path. */
function linesOf(set: FixtureSet): Map<string, string[]> {
  return new Map(set.files.map((f) => [f, traceBytes(f).toString('utf8').split('\n')]));
}

/** The timestamp a line starts with (after a `[pid N] ` or `N ` prefix), as printed. */
function printedTime(text: string): string | null {
  const m = /^(?:\[pid\s+\d+\] |\d+ +)?(\d\d:\d\d:\d\d(?:\.\d+)?|\d{9,}(?:\.\d+)?)\s/.exec(text);
  return m ? (m[1] as string) : null;
}

/** The first line (in file order) of any file that matches. */
function find(lines: Map<string, string[]>, re: RegExp): { file: string; line: number; text: string }[] {
  const out: { file: string; line: number; text: string }[] = [];
  for (const [file, ls] of lines) ls.forEach((text, k) => re.test(text) && out.push({ file, line: k + 1, text }));
  return out;
}

function expectCited(lines: Map<string, string[]>, ref: { file: string; line: number; text: string }): void {
  expect(lines.get(ref.file)?.[ref.line - 1]).toBe(ref.text);
}

describe.each(S6)('$name', (set) => {
  const a = analyze(set);
  const lines = linesOf(set);
  const absolute = a.clock.kind !== 'relative';
  const one = <K extends PhaseKind>(kind: K) => {
    const found = a.phases.filter((p): p is KnownPhase<K> => isPhase(p, kind));
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };

  it.runIf(a.clock.aligned)('shows runtime-init → env-dump → supervisor-start in that order', () => {
    const init = one('runtime-init');
    const dump = one('env-dump');
    const sup = one('supervisor-start');
    expect(init.end).toBeLessThanOrEqual(dump.start);
    expect(dump.end).toBeLessThanOrEqual(sup.start);
    expect(init.extra.handoffPath).toBe('/init');
    expect(dump.extra.dir).toBe('/run/s6/container_environment');
    expect(sup.extra.supervisors).toBe(3);
  });

  it.runIf(!a.clock.aligned)('with -r only and several files, warns and times no phase across processes', () => {
    expect(a.warnings.map((w) => w.code)).toContain('relative-only');
    expect(a.phases.filter((p) => p.kind === 'supervisor-start')).toEqual([]);
    const init = one('runtime-init');
    const dump = one('env-dump');
    expect(init.end).toBeLessThanOrEqual(dump.start);
    expect(a.diagnoses.filter((d) => d.id.startsWith('dominant-'))).toEqual([]);
  });

  it.runIf(absolute)('cites the defining lines with their exact printed timestamps', () => {
    const init = one('runtime-init');
    const dump = one('env-dump');
    const sup = one('supervisor-start');
    const handoff = find(lines, /execve\("\/init"/)[0]!;
    const firstVar = find(lines, /openat\(3(<[^>]*>)?, "[^"]*", O_WRONLY\|O_CREAT/)[0]!;
    const rename = find(lines, /rename\("[^"]*:envdump:/)[0]!;
    const svscan = find(lines, /execve\("[^"]*\/s6-svscan"/)[0]!;
    const supervise = find(lines, /execve\("[^"]*\/s6-supervise"/)
      .map((x) => ({ ...x, t: printedTime(x.text)! }))
      .sort((x, y) => (x.t < y.t ? -1 : 1))[0]!;
    const at = (ref: LineRef, expected: { file: string; line: number; text: string }) => {
      expect({ file: ref.file, line: ref.line }).toEqual({ file: expected.file, line: expected.line });
      expect(ref.time).toBe(printedTime(expected.text));
      expectCited(lines, ref);
    };
    at(init.endRef, handoff);
    at(dump.startRef, firstVar);
    at(dump.endRef, rename);
    at(sup.startRef, svscan);
    expect(sup.endRef.time).toBe(supervise.t);
    // runtime-init starts at the first line of the process that names itself runc:[2:INIT]: line 1
    // of its own -ff file, or its pid's first line in a -f file.
    const named = find(lines, /prctl\(PR_SET_NAME, "runc:\[2:INIT\]"/)[0]!;
    const filePid = pidFromFileName(named.file);
    const pidOf = (text: string) => Number(/^(?:\[pid\s+(\d+)\] |(\d+) +)/.exec(text)?.slice(1).find(Boolean) ?? NaN);
    const first = filePid !== null ? 1 : lines.get(named.file)!.findIndex((t) => pidOf(t) === pidOf(named.text)) + 1;
    expect({ file: init.startRef.file, line: init.startRef.line }).toEqual({ file: named.file, line: first });
  });

  it('counts the variables as grep -c counts the variable openat lines', () => {
    const n = find(lines, /openat\(3(<[^>]*>)?, "[^"]*", O_WRONLY\|O_CREAT/).length;
    expect(one('env-dump').extra.vars).toBe(n);
    expect(n).toBeGreaterThan(50);
  });

  it('gives the service-link diagnosis to the slow captures only (4,013 variables)', () => {
    const ids = a.diagnoses.map((d) => d.id);
    if (set.name === 's6-slow' || set.name === 's6-envdir') {
      const d = a.diagnoses.find((x) => x.id === 'k8s-service-links')!;
      expect(d.fix).toContain('enableServiceLinks: false');
      expect(d.summary).toContain('4,013');
      expect(d.severity).toBe('critical');
      expect(a.diagnoses[0]?.id).toBe('k8s-service-links');
      for (const e of d.evidence) expectCited(lines, e);
    } else {
      expect(ids).not.toContain('k8s-service-links');
    }
  });

  it('cites each gap by the file:line where its lines really are', () => {
    expect(a.gaps.length).toBeGreaterThan(0);
    for (const g of a.gaps) {
      expectCited(lines, g.before);
      if (!g.after.text.startsWith('+++') || lines.get(g.after.file)?.[g.after.line - 1] !== undefined) expectCited(lines, g.after);
      expect(g.seconds).toBeCloseTo(g.end - g.start, 9);
    }
    const sorted = [...a.gaps].map((g) => g.seconds);
    expect(sorted).toEqual([...sorted].sort((x, y) => y - x));
  });

  it.runIf(a.clock.aligned)('says who was busy during the longest wait', () => {
    const wait = a.gaps.find((g) => g.kind === 'waiting')!;
    expect(wait.blame.length).toBeGreaterThan(0);
    const pid1 = one('env-dump').pid;
    // The container's pid 1 writing the dump is what the runtime waited for.
    expect(wait.blame.map((b) => b.pid)).toContain(pid1);
  });
});

describe('the slow capture in words', () => {
  const slow = S6.find((s) => s.name === 's6-slow')!;
  const a = analyze(slow);

  it("still says who was busy during runc's long futex wait, which is not on the path and no diagnosis", () => {
    const wait = a.gaps.find((g) => g.kind === 'waiting')!;
    expect(wait.pid).toBe(13988);
    expect(wait.blame[0]).toMatchObject({ pid: 14004, name: '/init' });
    expect(wait.blame[0]?.top.map((x) => x.what).join(' ')).toMatch(/under \/run\/s6\/container_environment:envdump:/);
    expect(a.diagnoses.map((d) => d.id)).not.toContain('dominant-wait');
    expect(a.startup?.criticalPath.some((p) => p.pid === 13988 && p.end - p.start > 1)).toBe(false);
  });

  it('walks the path through /init writing the dump, to the last supervised service exec', () => {
    const s = a.startup!;
    expect(s.ready.rule).toBe('last-exec');
    expect(s.ready.task?.pid).toBe(14109);
    const dump = s.criticalPath.filter((p) => p.pid === 14004 && p.name === '/init');
    expect(dump.reduce((x, p) => x + p.end - p.start, 0)).toBeGreaterThan(5.7);
    expect(dump[0]?.what).toMatch(/openat\+…\+close under \/run\/s6\/container_environment:envdump:/);
  });

  it('collapses the per-variable files into one repeat phase', () => {
    const r = a.phases.find((p) => p.kind === 'repeat' && p.pid === 14004)!;
    expect(r.extra).toMatchObject({ files: 4013, pattern: 'openat+fcntl+fcntl+write+fsync+close' });
    expect(basename(r.startRef.file)).toBe('s6.out.14004.gz');
  });
});
