/**
 * `runtime-init`: the container runtime's init stage, from the first line of the process that
 * names itself `runc:[2:INIT]` to its first successful execve (the handoff to the entrypoint);
 * every `NAME:[N:LABEL]` stage of the set is listed in the phase.
 *
 * The lines are real: runc 1.1.5 starting the s6 container of fixtures/s6-no-r (-ff -tt -T), and
 * the same start in one -f log (fixtures/s6-f-single). Line numbers in `file:line` count within
 * each excerpt below, except where a whole fixture file is read.
 */
import { describe, expect, it } from 'vitest';
import { at, fixture, inParts, onlyPhase, phasesOf, run, type Input } from './helpers.js';

/** runc:[0:PARENT] (fixtures/s6-no-r/s6.out.15770, lines 172-176). */
const PARENT = String.raw`07:42:02.816470 socketpair(AF_UNIX, SOCK_STREAM, 0, [6, 7]) = 0 <0.000036>
07:42:02.816545 socketpair(AF_UNIX, SOCK_STREAM, 0, [8, 9]) = 0 <0.000055>
07:42:02.816677 prctl(PR_SET_NAME, "runc:[0:PARENT]"...) = 0 <0.000029>
07:42:02.816793 clone(child_stack=0x7ffe44391720, flags=CLONE_PARENT|SIGCHLD) = 15774 <0.001108>
07:42:02.818881 close(6)                = 0 <0.000086>
`;

/** runc:[1:CHILD] (fixtures/s6-no-r/s6.out.15774, the whole file). */
const CHILD = String.raw`07:42:02.818804 close(7)                = 0 <0.000134>
07:42:02.819220 prctl(PR_SET_NAME, "runc:[1:CHILD]") = 0 <0.000073>
07:42:02.819472 unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET) = 0 <0.000644>
07:42:02.820158 clone(child_stack=0x7ffe44391720, flags=CLONE_PARENT|SIGCHLD) = 15775 <0.000866>
07:42:02.821300 write(6, "B\0\0\0", 4)  = 4 <0.000181>
07:42:02.821626 write(6, "\237=\0\0", 4) = 4 <0.000036>
07:42:02.821734 read(6, "C\0\0\0", 4)   = 4 <0.000153>
07:42:02.821965 write(6, "E\0\0\0", 4)  = 4 <0.000033>
07:42:02.823102 exit_group(0)           = ?
07:42:02.823974 +++ exited with 0 +++
`;

/** The container's pid 1 (fixtures/s6-no-r/s6.out.15775.gz): its first lines, … */
const INIT_HEAD = String.raw`07:42:02.822430 close(9)                = 0 <0.000596>
07:42:02.823200 close(6)                = 0 <0.000154>
07:42:02.823420 prctl(PR_SET_NAME, "runc:[2:INIT]") = 0 <0.000082>
07:42:02.823604 read(8, "D\0\0\0", 4)   = 4 <0.001551>
07:42:02.955688 prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0 <0.000075>
`;
/** … its handoff to s6-overlay's /init (lines 1051-1053) … */
const INIT_HANDOFF = String.raw`07:42:02.981077 futex(0xc5c728, FUTEX_WAIT_PRIVATE, 0, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000057>
07:42:02.981348 close(4)                = 0 <0.000039>
07:42:02.981822 execve("/init", ["/init"], 0xc0001c0000 /* 333 vars */) = 0 <0.003452>
`;
/** … and /init's own exec of s6-svscan (line 3076). */
const SVSCAN = String.raw`07:42:03.303062 execve("/usr/bin/s6-svscan", ["s6-svscan", "-d4", "--", "/run/service"], 0x7ffcada01e38 /* 333 vars */) = 0 <0.000986>
`;

const runc = (init: string): Input[] => [
  ['s6.out.15770', 15770, PARENT],
  ['s6.out.15774', 15774, CHILD],
  ['s6.out.15775', 15775, init],
];

describe('runtime-init', () => {
  it('runs from the first line of the runc:[2:INIT] process to its execve of the entrypoint', () => {
    const a = run(runc(INIT_HEAD + INIT_HANDOFF + SVSCAN));
    const p = onlyPhase(a, 'runtime-init');
    expect(p.pid).toBe(15775);
    // 07:42:02.981822 − 07:42:02.822430 (close(9), the process's first line, not the prctl).
    expect(p.end - p.start).toBeCloseTo(0.159392, 9);
    expect(p.startRef).toMatchObject({ file: 's6.out.15775', line: 1, time: '07:42:02.822430' });
    expect(p.endRef).toMatchObject({ file: 's6.out.15775', line: 8, time: '07:42:02.981822' });
    expect(p.endRef.text).toContain('execve("/init"');
    expect(p.evidence.map(at)).toEqual(['s6.out.15775:1', 's6.out.15775:8']);
    expect(p.endComputed).toBeUndefined();
    expect(p.summary).toBe('runc:[2:INIT] set up the container in 159 ms and handed over to /init');
  });

  it('writes the runtime, the stage, the handoff and every stage of the set, in the order seen', () => {
    const p = onlyPhase(run(runc(INIT_HEAD + INIT_HANDOFF)), 'runtime-init');
    expect(p.extra).toEqual({
      runtime: 'runc',
      stage: 'runc:[2:INIT]',
      handoffPath: '/init',
      handoffArgv: ['/init'],
      // PARENT's name is 16 bytes with no NUL, so strace printed it with `...`: still the stage.
      stages: [
        { name: 'runc:[0:PARENT]', pid: 15770 },
        { name: 'runc:[1:CHILD]', pid: 15774 },
        { name: 'runc:[2:INIT]', pid: 15775 },
      ],
    });
  });

  it('ends at the first exec after the INIT stage only: /init exec-ing s6-svscan is not a second handoff', () => {
    const all = phasesOf(run(runc(INIT_HEAD + INIT_HANDOFF + SVSCAN)), 'runtime-init');
    expect(all.map((p) => p.extra.handoffPath)).toEqual(['/init']);
  });

  it('does not fire without the INIT stage: the same process unnamed, or only PARENT and CHILD', () => {
    // INIT_HEAD without its prctl(PR_SET_NAME, "runc:[2:INIT]") line: the execve is just an exec.
    const unnamed = INIT_HEAD.split('\n').filter((l) => !l.includes('runc:[2:INIT]')).join('\n') + INIT_HANDOFF;
    expect(phasesOf(run(runc(unnamed)), 'runtime-init')).toEqual([]);
    expect(phasesOf(run(runc(INIT_HEAD + INIT_HANDOFF).slice(0, 2)), 'runtime-init')).toEqual([]);
  });

  it('does not fire when the INIT stage never hands over, or its execve fails', () => {
    expect(phasesOf(run(runc(INIT_HEAD)), 'runtime-init')).toEqual([]);
    // s6.out.15775 line 3188: the same process (s6-svscan by then) failing to exec its finish script.
    const failed = `${INIT_HEAD}07:42:04.522504 execve(".s6-svscan/finish", [".s6-svscan/finish"], 0x7ffd9a3dd390 /* 333 vars */) = -1 ENOENT (No such file or directory) <0.000028>\n`;
    expect(phasesOf(run(runc(failed)), 'runtime-init')).toEqual([]);
  });

  it('takes the runtime from the stage name, and fires for the INIT stage only (captured with strace 6.1)', () => {
    // A two-line C program under -ff -tt -T: prctl(PR_SET_NAME, argv[1]) then execl("/bin/true").
    // Its first line here (munmap) stands for the process's first line.
    const youki = String.raw`12:21:28.297261 munmap(0x7f218ea96000, 39619) = 0 <0.000016>
12:21:28.297304 prctl(PR_SET_NAME, "youki:[2:INIT]") = 0 <0.000008>
12:21:28.297334 execve("/bin/true", ["true"], 0x7ffc94c58f70 /* 39 vars */) = 0 <0.000155>
12:21:28.297526 brk(NULL)               = 0x5597514d1000 <0.000006>
`;
    const p = onlyPhase(run([['youki.11001', 11001, youki]]), 'runtime-init');
    expect(p.extra).toEqual({
      runtime: 'youki',
      stage: 'youki:[2:INIT]',
      handoffPath: '/bin/true',
      handoffArgv: ['true'],
      stages: [{ name: 'youki:[2:INIT]', pid: 11001 }],
    });
    expect(p.end - p.start).toBeCloseTo(0.000073, 9);
    expect(p.evidence.map(at)).toEqual(['youki.11001:1', 'youki.11001:3']);
    // The same program naming itself runc:[1:CHILD]: a stage, but its exec is no handoff.
    const child = String.raw`12:21:28.285375 munmap(0x7fd6e36ba000, 39619) = 0 <0.000014>
12:21:28.285418 prctl(PR_SET_NAME, "runc:[1:CHILD]") = 0 <0.000009>
12:21:28.285448 execve("/bin/true", ["true"], 0x7ffe9a177f50 /* 39 vars */) = 0 <0.000138>
12:21:28.285621 brk(NULL)               = 0x559283fff000 <0.000006>
`;
    expect(phasesOf(run([['child.10997', 10997, child]]), 'runtime-init')).toEqual([]);
  });

  it('on the whole fixture file: from line 1 to the execve of /init on line 1053', () => {
    const a = run([['fixtures/s6-no-r/s6.out.15775.gz', 15775, fixture('s6-no-r/s6.out.15775.gz')]]);
    const p = onlyPhase(a, 'runtime-init');
    expect(p.evidence.map(at)).toEqual(['fixtures/s6-no-r/s6.out.15775.gz:1', 'fixtures/s6-no-r/s6.out.15775.gz:1053']);
    expect(p.extra.stages).toEqual([{ name: 'runc:[2:INIT]', pid: 15775 }]);
  });

  describe('merged from parts', () => {
    it('a set read in parts (-ff files, one part each) gives the phase and its stages in file order', () => {
      const inputs = runc(INIT_HEAD + INIT_HANDOFF);
      const whole = onlyPhase(run(inputs), 'runtime-init');
      for (const cuts of [[1], [2], [1, 2]]) {
        expect(onlyPhase(inParts(inputs, cuts), 'runtime-init'), `cut at ${cuts}`).toEqual(whole);
      }
      // The part holding the phase comes first; the stages of the later parts still join it.
      const [parent, child, init] = inputs as [Input, Input, Input];
      const p = onlyPhase(inParts([init, parent, child], [1]), 'runtime-init');
      expect(p.extra.stages?.map((s) => s.name)).toEqual(['runc:[2:INIT]', 'runc:[0:PARENT]', 'runc:[1:CHILD]']);
    });

    it('in a -f log, the stages in the order the log shows them', () => {
      // fixtures/s6-f-single/trace.log.gz lines 2401-2425, 5571 and 5691: the three stages
      // interleaved with runc's other threads, the INIT prctl and its execve each split in two.
      const log = String.raw`14566 07:41:19.038426 prctl(PR_SET_NAME, "runc:[0:PARENT]"... <unfinished ...>
14559 07:41:19.038451 futex(0xc5dd38, FUTEX_WAIT_PRIVATE, 0, {tv_sec=60, tv_nsec=0} <unfinished ...>
14566 07:41:19.038495 <... prctl resumed>) = 0 <0.000056>
14566 07:41:19.038541 clone(child_stack=0x7fff8fb9ec30, flags=CLONE_PARENT|SIGCHLD) = 14570 <0.000725>
14566 07:41:19.039570 close(6)          = 0 <0.000055>
14566 07:41:19.039696 read(7,  <unfinished ...>
14570 07:41:19.042891 close(7)          = 0 <0.000169>
14570 07:41:19.043245 prctl(PR_SET_NAME, "runc:[1:CHILD]") = 0 <0.000197>
14570 07:41:19.044359 unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET) = 0 <0.000677>
14570 07:41:19.045199 clone(child_stack=0x7fff8fb9ec30, flags=CLONE_PARENT|SIGCHLD) = 14571 <0.001944>
14571 07:41:19.047197 close(9)          = 0 <0.000096>
14570 07:41:19.047380 write(6, "B\0\0\0", 4 <unfinished ...>
14571 07:41:19.047519 close(6 <unfinished ...>
14570 07:41:19.047529 <... write resumed>) = 4 <0.000132>
14566 07:41:19.047590 <... read resumed>"B\0\0\0", 4) = 4 <0.007867>
14570 07:41:19.047639 write(6, "\3538\0\0", 4 <unfinished ...>
14571 07:41:19.047665 <... close resumed>) = 0 <0.000139>
14571 07:41:19.047744 prctl(PR_SET_NAME, "runc:[2:INIT]" <unfinished ...>
14570 07:41:19.047767 <... write resumed>) = 4 <0.000117>
14566 07:41:19.047804 read(7,  <unfinished ...>
14571 07:41:19.047879 <... prctl resumed>) = 0 <0.000114>
14570 07:41:19.047889 read(6,  <unfinished ...>
14566 07:41:19.047928 <... read resumed>"\3538\0\0", 4) = 4 <0.000116>
14566 07:41:19.048087 write(7, "C\0\0\0", 4 <unfinished ...>
14571 07:41:19.048155 read(8,  <unfinished ...>
14571 07:41:19.266806 execve("/init", ["/init"], 0xc0001c0000 /* 333 vars */ <unfinished ...>
14571 07:41:19.279190 <... execve resumed>) = 0 <0.012361>
`;
      const whole = onlyPhase(run([['trace.log', null, log]]), 'runtime-init');
      expect(whole.evidence.map(at)).toEqual(['trace.log:11', 'trace.log:26']);
      expect(whole.end - whole.start).toBeCloseTo(0.219609, 9);
      const stages = [
        { name: 'runc:[0:PARENT]', pid: 14566 },
        { name: 'runc:[1:CHILD]', pid: 14570 },
        { name: 'runc:[2:INIT]', pid: 14571 },
      ];
      expect(whole.extra.stages).toEqual(stages);
    });
  });
});
