/**
 * `repeat`: one task opening at least 16 files in a row in one directory, with only calls on the
 * open file in between, collapsed into one phase (the 50 longest of the set are kept).
 *
 * On real lines: s6-overlay's environment dump in fixtures/s6-no-r (s6.out.15775.gz, -ff -tt -T),
 * six calls per variable: openat(3, "NAME", …) = 4, fcntl, fcntl, write, fsync, close(4). The
 * excerpts are read from the fixture by line number (`fixtureLines`); `file:line` counts within
 * the excerpt, except where the whole file is read.
 */
import { describe, expect, it } from 'vitest';
import { at, fixture, fixtureLines, inParts, onlyPhase, phasesOf, run, type Input } from './helpers.js';

const F = 's6-no-r/s6.out.15775.gz';
/** Lines 1070-1071 (mkdir of the dump directory, its openat as fd 3), then `files` variables of six lines each. */
const dump = (files: number) => fixtureLines(F, 1070, 1071 + 6 * files);

describe('repeat', () => {
  it('fires at 16 files in a row, with the most common calls per file as its pattern', () => {
    const p = onlyPhase(run([['s6.out.15775', 15775, dump(16)]]), 'repeat');
    expect(p.pid).toBe(15775);
    expect(p.extra).toMatchObject({ dir: '/run/s6/container_environment:envdump:ifBydA', files: 16, pattern: 'openat+fcntl+fcntl+write+fsync+close' });
    // openat of PATH at 07:42:02.988289 (excerpt line 3) to the 16th file's close(4) at
    // 07:42:03.004105 (line 98, fixture line 1167).
    expect(p.startRef).toMatchObject({ line: 3, time: '07:42:02.988289' });
    expect(p.endRef).toMatchObject({ line: 98, time: '07:42:03.004105' });
    expect(p.evidence.map(at)).toEqual(['s6.out.15775:3', 's6.out.15775:98']);
    expect(p.end - p.start).toBeCloseTo(0.015816, 9);
    expect(p.extra.perFileSeconds).toBeCloseTo(0.015816 / 16, 9);
    expect(p.summary).toBe('16× openat+fcntl+fcntl+write+fsync+close under /run/s6/container_environment:envdump:ifBydA in 15.8 ms');
  });

  it('names the most common pattern when files differ: a trace cut inside the 17th file', () => {
    // Excerpt lines 99-101 (fixture 1168-1170): openat of MY_SERVICE_16_PORT_80_TCP_PROTO, then two
    // fcntl, and the trace ends before its write.
    const cut = fixtureLines(F, 1070, 1071 + 6 * 16 + 3);
    const p = onlyPhase(run([['s6.out.15775', 15775, cut]]), 'repeat');
    expect(p.extra).toMatchObject({ files: 17, pattern: 'openat+fcntl+fcntl+write+fsync+close' });
    // It ends at the last call seen, the second fcntl at 07:42:03.004371.
    expect(p.endRef).toMatchObject({ line: 101, time: '07:42:03.004371' });
    expect(p.end - p.start).toBeCloseTo(0.016082, 9);
  });

  it('does not fire below its threshold: 15 files in a row', () => {
    expect(phasesOf(run([['s6.out.15775', 15775, dump(15)]]), 'repeat')).toEqual([]);
  });

  it('ends at the first call on another fd: the whole dump stops at the last close(4), not at close(3)', () => {
    // Lines 1072-3069 are the 333 variables; line 3070 is close(3), the directory's fd.
    const f = 'fixtures/s6-no-r/s6.out.15775.gz';
    const all = phasesOf(run([[f, 15775, fixture(F)]]), 'repeat');
    expect(all).toHaveLength(1);
    const p = all[0]!;
    expect(p.extra).toMatchObject({ files: 333, pattern: 'openat+fcntl+fcntl+write+fsync+close' });
    expect(p.evidence.map(at)).toEqual([`${f}:1072`, `${f}:3069`]);
    // 07:42:03.302381 − 07:42:02.988289.
    expect(p.end - p.start).toBeCloseTo(0.314092, 9);
    expect(p.extra.perFileSeconds).toBeCloseTo(0.314092 / 333, 9);
  });

  describe('merged from parts', () => {
    it('a set read in parts keeps the phases of every part', () => {
      // The same dump captured with -yy (fixtures/s6-yy/s6.out.15173.gz lines 1090-1193: 17
      // variables, every fd printed with its path: `close(4</run/s6/…/MY_SERVICE_16_PORT_80_TCP_PROTO>)`).
      const yy = fixtureLines('s6-yy/s6.out.15173.gz', 1090, 1193);
      const inputs: Input[] = [
        ['s6.out.15775', 15775, dump(16)],
        ['s6.out.15173', 15173, yy],
      ];
      const whole = phasesOf(run(inputs), 'repeat');
      expect(whole.map((p) => [p.pid, p.extra.files, p.extra.pattern])).toEqual([
        [15173, 17, 'openat+fcntl+fcntl+write+fsync+close'],
        [15775, 16, 'openat+fcntl+fcntl+write+fsync+close'],
      ]);
      // 07:41:33.457209 (line 104) − 07:41:33.419911 (line 3).
      expect(whole[0]!.evidence.map(at)).toEqual(['s6.out.15173:3', 's6.out.15173:104']);
      expect(whole[0]!.end - whole[0]!.start).toBeCloseTo(0.037298, 9);
      expect(phasesOf(inParts(inputs, [1]), 'repeat')).toEqual(whole);
      // Read the other way round (the set's clock starts at the first file read): the same again.
      const reversed = [...inputs].reverse();
      expect(phasesOf(inParts(reversed, [1]), 'repeat')).toEqual(phasesOf(run(reversed), 'repeat'));
    });

    it('keeps the 50 longest of the set, the same whole or in parts, and counts the rest', () => {
      // 53 processes each write the 16-variable dump, one 0.1 ms longer than the one before (the
      // last line's time shifted): the longest 50 are the last 50, longest first.
      const inputs: Input[] = Array.from({ length: 53 }, (_, k) => {
        const pid = 20000 + k;
        const lines = dump(16).replace(/^07:42:03\.004105/m, `07:42:03.${String(4105 + 100 * k).padStart(6, '0')}`);
        return [`s6.out.${pid}`, pid, lines] as const;
      });
      const whole = run(inputs);
      const kept = phasesOf(whole, 'repeat');
      expect(kept).toHaveLength(50);
      expect(new Set(kept.map((p) => p.pid))).toEqual(new Set(inputs.slice(3).map(([, pid]) => pid)));
      expect(whole.warnings.filter((w) => w.code === 'phases-capped').map((w) => w.message)).toEqual([
        '53 repeat phases: the longest 50 are listed, the other 3 are only counted here',
      ]);
      for (const cuts of [[1], [26], [52], [10, 40]]) {
        const parts = inParts(inputs, cuts);
        expect(phasesOf(parts, 'repeat'), `cut at ${cuts}`).toEqual(kept);
        expect(parts.warnings).toEqual(whole.warnings);
      }
    });

    it('in a -f log, among other pids\' lines', () => {
      const log = fixtureLines('s6-f-single/trace.log.gz', 5708, 5811);
      const whole = onlyPhase(run([['trace.log', null, log]]), 'repeat');
      // 17 files, 07:41:19.285235 (line 3) to the 17th close(4) at 07:41:19.305355 (line 104).
      expect(whole.extra.files).toBe(17);
      expect(whole.evidence.map(at)).toEqual(['trace.log:3', 'trace.log:104']);
      expect(whole.end - whole.start).toBeCloseTo(0.02012, 9);
    });
  });

  it('collapses files written one after another in any directory (hand-written, moved from engine.test.ts)', () => {
    let text = '10:00:00.000000 mkdir("/run/s6/container_environment:envdump:AbCdEf", 0700) = 0\n';
    text += '10:00:00.000100 openat(AT_FDCWD, "/run/s6/container_environment:envdump:AbCdEf", O_RDONLY|O_DIRECTORY) = 3\n';
    let t = 0.001;
    for (let k = 0; k < 30; k++) {
      const ts = `10:00:${String(Math.floor(t)).padStart(2, '0')}.${String(Math.round((t % 1) * 1e6)).padStart(6, '0')}`;
      text += `${ts} openat(3, "SVC_${k}_SERVICE_HOST", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4\n${ts} write(4, "10.0.0.1", 8) = 8\n${ts} close(4) = 0\n`;
      t += 0.001;
    }
    const a = run([['s.1', 1, text]]);
    expect(a.phases.find((x) => x.kind === 'repeat')!.extra).toMatchObject({ files: 30, pattern: 'openat+write+close' });
  });
});
