/**
 * `supervisor-start`: from the execve of s6's scanner (`s6-svscan`) to the first execve of a
 * supervisor (`s6-supervise`) at or after it, decided once the whole set is read (they are
 * different processes). `pid` is the scanner's.
 *
 * The lines are real: the s6 container start of fixtures/s6-no-r (strace 6.1 -ff -tt -T), its
 * -r-only twin fixtures/s6-r-only, the incident capture fixtures/s6-slow (-tt -r), and the -f log
 * fixtures/s6-f-single. Line numbers in `file:line` count within each excerpt.
 */
import { describe, expect, it } from 'vitest';
import { at, inParts, onlyPhase, phasesOf, run, type Input } from './helpers.js';

/** /init exec-ing s6-svscan (s6-no-r/s6.out.15775.gz lines 3075-3077). */
const SCANNER: Input = [
  's6.out.15775',
  15775,
  String.raw`07:42:03.302961 close(3)                = 0 <0.000021>
07:42:03.303062 execve("/usr/bin/s6-svscan", ["s6-svscan", "-d4", "--", "/run/service"], 0x7ffcada01e38 /* 333 vars */) = 0 <0.000986>
07:42:03.304320 brk(NULL)               = 0x55b640537000 <0.000022>
`,
];

/** The three supervisors s6-svscan forks (s6-no-r/s6.out.15784, 15785, 15786, lines 1-4 each). */
const SUPERVISORS: Input[] = [
  [
    's6.out.15784',
    15784,
    String.raw`07:42:03.314377 set_robust_list(0x7f8971e6fa20, 24) = 0 <0.000164>
07:42:03.315170 close(7)                = 0 <0.000125>
07:42:03.315902 rt_sigprocmask(SIG_UNBLOCK, [HUP INT QUIT ABRT USR1 USR2 ALRM TERM CHLD WINCH PWR], NULL, 8) = 0 <0.000229>
07:42:03.317147 execve("/usr/bin/s6-supervise", ["s6-supervise", "s6-linux-init-shutdownd"], 0x7ffd9a3dd390 /* 333 vars */) = 0 <0.002640>
`,
  ],
  [
    's6.out.15785',
    15785,
    String.raw`07:42:03.316652 set_robust_list(0x7f8971e6fa20, 24) = 0 <0.000017>
07:42:03.317231 close(7)                = 0 <0.000035>
07:42:03.317473 rt_sigprocmask(SIG_UNBLOCK, [HUP INT QUIT ABRT USR1 USR2 ALRM TERM CHLD WINCH PWR], NULL, 8) = 0 <0.000064>
07:42:03.317804 execve("/usr/bin/s6-supervise", ["s6-supervise", "svc-chromium"], 0x7ffd9a3dd390 /* 333 vars */) = 0 <0.002132>
`,
  ],
  [
    's6.out.15786',
    15786,
    String.raw`07:42:03.321592 set_robust_list(0x7f8971e6fa20, 24) = 0 <0.000164>
07:42:03.323403 close(7)                = 0 <0.000071>
07:42:03.323927 rt_sigprocmask(SIG_UNBLOCK, [HUP INT QUIT ABRT USR1 USR2 ALRM TERM CHLD WINCH PWR], NULL, 8) = 0 <0.000114>
07:42:03.324361 execve("/usr/bin/s6-supervise", ["s6-supervise", "svc-cron"], 0x7ffd9a3dd390 /* 333 vars */) = 0 <0.002368>
`,
  ],
];

/** The incident capture's scanner and first supervisor, 54 s earlier (s6-slow: s6.out.14004.gz line 25190, s6.out.14103 lines 1-4). */
const SLOW_SCANNER: Input = [
  'slow/s6.out.14004',
  14004,
  String.raw`07:41:09.092538 (+     0.000037) execve("/usr/bin/s6-svscan", ["s6-svscan", "-d4", "--", "/run/service"], 0x7ffdc5273db8 /* 4013 vars */) = 0 <0.001697>
`,
];
const SLOW_SUPERVISOR: Input = [
  'slow/s6.out.14103',
  14103,
  String.raw`07:41:09.116082 (+     0.001791) set_robust_list(0x7f0ef7770a20, 24) = 0 <0.000277>
07:41:09.117116 (+     0.000049) close(7) = 0 <0.000136>
07:41:09.117502 (+     0.000139) rt_sigprocmask(SIG_UNBLOCK, [HUP INT QUIT ABRT USR1 USR2 ALRM TERM CHLD WINCH PWR], NULL, 8) = 0 <0.000154>
07:41:09.118510 (+     0.000213) execve("/usr/bin/s6-supervise", ["s6-supervise", "s6-linux-init-shutdownd"], 0x7ffd26a9cb40 /* 4013 vars */) = 0 <0.006300>
`,
];

describe('supervisor-start', () => {
  it('runs from the s6-svscan execve to the first s6-supervise execve, on the scanner’s pid', () => {
    // Read the supervisors last-first: the first is decided by time, not by the order read.
    const a = run([...SUPERVISORS].reverse().concat([SCANNER]));
    const p = onlyPhase(a, 'supervisor-start');
    expect(p.pid).toBe(15775);
    // 07:42:03.317147 − 07:42:03.303062.
    expect(p.end - p.start).toBeCloseTo(0.014085, 9);
    expect(p.startRef).toMatchObject({ file: 's6.out.15775', line: 2, time: '07:42:03.303062' });
    expect(p.endRef).toMatchObject({ file: 's6.out.15784', line: 4, time: '07:42:03.317147' });
    expect(p.evidence.map(at)).toEqual(['s6.out.15775:2', 's6.out.15784:4']);
    expect(p.summary).toBe("s6-svscan started its first supervisor (s6-linux-init-shutdownd) 14.1 ms after it was exec'd; 3 supervisors in all");
    expect(p.extra).toEqual({
      supervisors: 3,
      firstSupervisorPid: 15784,
      // argv[1] of each, by exec time: 03.317147, 03.317804, 03.324361.
      services: ['s6-linux-init-shutdownd', 'svc-chromium', 'svc-cron'],
    });
  });

  it('does not fire without s6-svscan, or without a supervisor', () => {
    expect(phasesOf(run(SUPERVISORS), 'supervisor-start')).toEqual([]);
    expect(phasesOf(run([SCANNER]), 'supervisor-start')).toEqual([]);
  });

  it('neither counts nor starts at a supervisor exec’d before the scanner', () => {
    // s6-slow's supervisor (07:41:09) is 54 s older than s6-no-r's scanner (07:42:03).
    expect(phasesOf(run([SLOW_SUPERVISOR, SCANNER]), 'supervisor-start')).toEqual([]);
    const p = onlyPhase(run([SLOW_SUPERVISOR, SCANNER, ...SUPERVISORS]), 'supervisor-start');
    expect(p.extra).toEqual({ supervisors: 3, firstSupervisorPid: 15784, services: ['s6-linux-init-shutdownd', 'svc-chromium', 'svc-cron'] });
  });

  it('takes the earliest s6-svscan exec of the set as the scanner, whatever the order read', () => {
    const p = onlyPhase(run([SCANNER, ...SUPERVISORS, SLOW_SCANNER, SLOW_SUPERVISOR]), 'supervisor-start');
    expect(p.pid).toBe(14004);
    // 07:41:09.118510 − 07:41:09.092538; every supervisor is after it: four in all.
    expect(p.end - p.start).toBeCloseTo(0.025972, 9);
    expect(p.evidence.map(at)).toEqual(['slow/s6.out.14004:1', 'slow/s6.out.14103:4']);
    expect(p.extra).toEqual({
      supervisors: 4,
      firstSupervisorPid: 14103,
      services: ['s6-linux-init-shutdownd', 's6-linux-init-shutdownd', 'svc-chromium', 'svc-cron'],
    });
  });

  it('does not fire when the files share no clock (-r only: each file starts at 0)', () => {
    // fixtures/s6-r-only: s6.out.16180.gz lines 3085-3087 and s6.out.16190 lines 1-4.
    const rOnly: Input[] = [
      [
        's6.out.16180',
        16180,
        String.raw`     0.000050 close(3)                  = 0 <0.000020>
     0.000050 execve("/usr/bin/s6-svscan", ["s6-svscan", "-d4", "--", "/run/service"], 0x7ffdfb86b068 /* 333 vars */) = 0 <0.000858>
     0.001287 brk(NULL)                 = 0x555fed42f000 <0.000081>
`,
      ],
      [
        's6.out.16190',
        16190,
        String.raw`     0.001150 set_robust_list(0x7f3972d66a20, 24) = 0 <0.000087>
     0.000539 close(7)                  = 0 <0.000117>
     0.000422 rt_sigprocmask(SIG_UNBLOCK, [HUP INT QUIT ABRT USR1 USR2 ALRM TERM CHLD WINCH PWR], NULL, 8) = 0 <0.000151>
     0.000476 execve("/usr/bin/s6-supervise", ["s6-supervise", "s6-linux-init-shutdownd"], 0x7ffd82961370 /* 333 vars */) = 0 <0.001129>
`,
      ],
    ];
    const a = run(rOnly);
    expect(a.clock.aligned).toBe(false);
    expect(phasesOf(a, 'supervisor-start')).toEqual([]);
  });

  // -ff files are read in file-name order, not time order (s6.out.9999 sorts after s6.out.10000;
  // pids wrap), and the detector keeps the details of 50 supervisors (MAX_SERVICES): the 50
  // earliest, so the phase still ends at the first. Here 50 files repeat s6.out.15785's real lines
  // (its exec at 07:42:03.317804) and s6.out.15784, exec'd earlier (07:42:03.317147), is read 51st.
  // (It failed while the first 50 read were kept.)
  it('ends at the earliest supervisor even when more than 50 were read before it', () => {
    const [first, second] = SUPERVISORS as [Input, Input];
    const many: Input[] = Array.from({ length: 50 }, (_, k) => [`s6.out.${30000 + k}`, 30000 + k, second[2]]);
    const p = onlyPhase(run([SCANNER, ...many, first]), 'supervisor-start');
    expect(p.extra.supervisors).toBe(51);
    expect(p.extra.firstSupervisorPid).toBe(15784);
    expect(p.end - p.start).toBeCloseTo(0.014085, 9);
  });

  describe('merged from parts', () => {
    it('a set read in parts: the scanner in one part, supervisors in others, gives the same phase', () => {
      const inputs = [SLOW_SUPERVISOR, ...SUPERVISORS, SCANNER];
      const whole = onlyPhase(run(inputs), 'supervisor-start');
      for (const cuts of [[1], [2], [4], [1, 3], [1, 2, 3, 4]]) {
        expect(onlyPhase(inParts(inputs, cuts), 'supervisor-start'), `cut at ${cuts}`).toEqual(whole);
      }
      // Two scanners in two parts: the earlier one wins, though its part comes later.
      const two = [SCANNER, ...SUPERVISORS, SLOW_SCANNER, SLOW_SUPERVISOR];
      expect(onlyPhase(inParts(two, [4]), 'supervisor-start')).toEqual(onlyPhase(run(two), 'supervisor-start'));
      expect(onlyPhase(inParts(two, [4]), 'supervisor-start').pid).toBe(14004);
    });

    it('in a -f log, an execve split in two starts at its first half', () => {
      // fixtures/s6-f-single/trace.log.gz lines 7734, 7829, 7835, 7849, 7908, 7924 and 7941.
      const log = String.raw`14571 07:41:19.686292 execve("/usr/bin/s6-svscan", ["s6-svscan", "-d4", "--", "/run/service"], 0x7fff7bcff9d8 /* 333 vars */) = 0 <0.001484>
14589 07:41:19.701063 execve("/usr/bin/s6-supervise", ["s6-supervise", "s6-linux-init-shutdownd"], 0x7ffda3093160 /* 333 vars */ <unfinished ...>
14589 07:41:19.703430 <... execve resumed>) = 0 <0.002307>
14590 07:41:19.705846 execve("/usr/bin/s6-supervise", ["s6-supervise", "svc-chromium"], 0x7ffda3093160 /* 333 vars */ <unfinished ...>
14592 07:41:19.711075 execve("/usr/bin/s6-supervise", ["s6-supervise", "svc-cron"], 0x7ffda3093160 /* 333 vars */ <unfinished ...>
14592 07:41:19.716619 <... execve resumed>) = 0 <0.005483>
14590 07:41:19.723454 <... execve resumed>) = 0 <0.017564>
`;
      const whole = onlyPhase(run([['trace.log', null, log]]), 'supervisor-start');
      // The split execve starts at its first half's time: 07:41:19.701063 − 07:41:19.686292.
      expect(whole.end - whole.start).toBeCloseTo(0.014771, 9);
      expect(whole.evidence.map(at)).toEqual(['trace.log:1', 'trace.log:2']);
      expect(whole.extra).toEqual({ supervisors: 3, firstSupervisorPid: 14589, services: ['s6-linux-init-shutdownd', 'svc-chromium', 'svc-cron'] });
    });
  });
});
