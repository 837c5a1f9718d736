/**
 * `wait` (the `waits` detector, read once the set is read): every blocking call of at least 0.1 s
 * among the reported `waiting` gaps (`SetView.waits`, the `top` longest) becomes one, from the call's entry to its
 * return (`-T`, else the task's next line); threads of one process waiting through the same
 * window give one phase.
 *
 * On real lines from the fixtures (strace 6.1 -ff -tt -T unless said): init-sleep's `sleep 2`,
 * multiproc's 100 ms nanosleep, s6-envdir's 99 ms epoll_pwait, runc's Go threads in s6-no-r,
 * and dns-timeout-no-T (no -T). Line numbers in `file:line` count within each excerpt.
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors, waits } from '@strace-gaps/phases';
import { at, inParts, onlyPhase, phasesOf, run, type Input } from './helpers.js';

/** `sleep 2` (fixtures/init-sleep/trace.17098 lines 107-112). */
const SLEEP: Input = [
  'trace.17098',
  17098,
  String.raw`04:32:05.042773 close(3)                = 0 <0.000006>
04:32:05.042809 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=0}, 0x7ffe5e5a21a0) = 0 <2.000140>
04:32:07.043037 close(1)                = 0 <0.000009>
04:32:07.043081 close(2)                = 0 <0.000006>
04:32:07.043105 exit_group(0)           = ?
04:32:07.043310 +++ exited with 0 +++
`,
];

/** multiproc's child sleeping 100 ms (fixtures/multiproc/ff/trace.6882, whole; -tt -r). */
const NAP_100MS: Input = ['trace.6882', 6882, String.raw`07:36:19.262467 (+     0.000386) set_robust_list(0x7fdff7541a20, 24) = 0 <0.000033>
07:36:19.263669 (+     0.001141) clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=100000000}, NULL) = 0 <0.100353>
07:36:19.364412 (+     0.055085) exit_group(0) = ?
07:36:19.364993 (+     0.000606) +++ exited with 0 +++
`];

/** A Go runtime's netpoller waiting 99 ms (fixtures/s6-envdir/s6.out.11285 lines 24-27). */
const POLL_99MS: Input = ['s6.out.11285', 11285, String.raw`04:31:47.387496 futex(0xc00027c148, FUTEX_WAIT_PRIVATE, 0, NULL) = 0 <0.000520>
04:31:47.388061 nanosleep({tv_sec=0, tv_nsec=3000}, NULL) = 0 <0.000082>
04:31:47.388216 epoll_pwait(4, [], 128, 99, NULL, 0) = 0 <0.099198>
04:31:47.487455 epoll_pwait(4, [], 128, 0, NULL, 0) = 0 <0.000025>
`];

describe('wait', () => {
  it('a blocking call of 0.1 s or more is a phase, from its entry to its return', () => {
    const p = onlyPhase(run([SLEEP]), 'wait');
    expect(p.pid).toBe(17098);
    expect(p.extra).toEqual({ syscall: 'clock_nanosleep' });
    // 04:32:05.042809 + <2.000140>.
    expect(p.end - p.start).toBeCloseTo(2.00014, 9);
    // The return is only a -T duration: the end is computed, and cited by the next line.
    expect(p.endComputed).toBe(true);
    expect(p.startRef).toMatchObject({ line: 2, time: '04:32:05.042809' });
    expect(p.endRef).toMatchObject({ line: 3, time: '04:32:07.043037' });
    expect(p.evidence.map(at)).toEqual(['trace.17098:2', 'trace.17098:3']);
  });

  it('names the task and the call in its summary', () => {
    // With its execve line the task has a name (init-sleep/trace.17098 line 2).
    const named: Input = [
      'trace.17098',
      17098,
      String.raw`04:32:05.040001 execve("/usr/bin/sleep", ["sleep", "2"], 0x5646631a68a8 /* 4 vars */) = 0 <0.000112>
` + SLEEP[2],
    ];
    expect(onlyPhase(run([named]), 'wait').summary).toBe('sleep 2 waited 2.00 s in clock_nanosleep');
  });

  it('0.1 s is the minimum: 100.353 ms is a phase, 99.198 ms is not', () => {
    const nap = onlyPhase(run([NAP_100MS]), 'wait');
    expect(nap.extra.syscall).toBe('clock_nanosleep');
    expect(nap.end - nap.start).toBeCloseTo(0.100353, 9);
    expect(nap.evidence.map(at)).toEqual(['trace.6882:2', 'trace.6882:3']);
    const a = run([POLL_99MS]);
    expect(phasesOf(a, 'wait')).toEqual([]);
    // It is still a waiting gap: only the phase has a minimum of its own.
    expect(a.gaps.some((g) => g.kind === 'waiting' && Math.abs(g.seconds - 0.099198) < 1e-9)).toBe(true);
  });

  describe('without -T', () => {
    // fixtures/dns-timeout-no-T/trace.17727 lines 150-154: getent's resolver polls 1 s for an answer
    // and times out; no line carries a duration.
    const noT: Input = ['trace.17727', 17727, String.raw`04:32:14.486560 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0
04:32:14.486639 poll([{fd=3, events=POLLOUT}], 1, 0) = 1 ([{fd=3, revents=POLLOUT}])
04:32:14.486665 sendmmsg(3, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\346\356\1\0\0\1\0\0\0\0\0\0\2db\3svc\7cluster\5local\0\0\1\0\1", iov_len=38}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=38}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\254\351\1\0\0\1\0\0\0\0\0\0\2db\3svc\7cluster\5local\0\0\34\0\1", iov_len=38}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=38}], 2, MSG_NOSIGNAL) = 2
04:32:14.486878 poll([{fd=3, events=POLLIN}], 1, 1000) = 0 (Timeout)
04:32:15.489170 poll([{fd=3, events=POLLOUT}], 1, 0) = 1 ([{fd=3, revents=POLLOUT}])
`];

    it('a call with a result has no known return: the time after it is silent, unless its timeout ran out', () => {
      const a = run([noT], { minGap: 0.0001 });
      // 04:32:14.486878 (line 4) − 04:32:14.486665 (line 3): sendmmsg returned at some point in it.
      const silent = a.gaps.find((x) => x.kind === 'userspace' && x.before.line === 3)!;
      expect(silent.seconds).toBeCloseTo(0.000213, 9);
      expect(at(silent.after)).toBe('trace.17727:4');
      // The poll of line 4 timed out: its 1.002292 s are a wait, not also a silent gap.
      const g = a.gaps.filter((x) => x.seconds > 1);
      expect(g.map((x) => x.kind)).toEqual(['waiting']);
      expect(g[0]!.seconds).toBeCloseTo(1.002292, 9);
      expect([at(g[0]!.before), at(g[0]!.after)]).toEqual(['trace.17727:4', 'trace.17727:5']);
    });

    // The no-durations warning says a wait is taken to last until the next call, "certain for a
    // call whose timeout ran out": the poll here returned `0 (Timeout)` after its 1000 ms. (This was
    // a userspace gap, and no wait phase, until the gap tracker read timeouts without -T.)
    it('a poll that timed out is a wait phase even without -T (as the no-durations warning says)', () => {
      const p = onlyPhase(run([noT]), 'wait');
      expect(p.extra).toEqual({ syscall: 'poll' });
      expect(p.end - p.start).toBeCloseTo(1.002292, 9);
    });
  });

  it('threads of one process waiting through the same window give one phase: the longest wait', () => {
    // runc (s6-no-r): its main thread's clone3 lines (s6.out.15763.gz lines 191, 198, 214) and three
    // of its threads, each blocked until runc's child is done (s6.out.15764 lines 320-321,
    // s6.out.15765 lines 60-61, s6.out.15767 lines 27-28).
    const runc: Input[] = [
      ['s6.out.15763', 15763, String.raw`07:42:02.725650 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fc626fee990, parent_tid=0x7fc626fee990, exit_signal=0, stack=0x7fc6267ee000, stack_size=0x7fff80, tls=0x7fc626fee6c0} => {parent_tid=[15764]}, 88) = 15764 <0.000221>
07:42:02.726606 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fc61e5ff990, parent_tid=0x7fc61e5ff990, exit_signal=0, stack=0x7fc61ddff000, stack_size=0x7fff80, tls=0x7fc61e5ff6c0} => {parent_tid=[15765]}, 88) = 15765 <0.000289>
07:42:02.729770 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fc625fec990, parent_tid=0x7fc625fec990, exit_signal=0, stack=0x7fc6257ec000, stack_size=0x7fff80, tls=0x7fc625fec6c0} => {parent_tid=[15767]}, 88) = 15767 <0.000401>
`],
      ['s6.out.15764', 15764, String.raw`07:42:03.080390 futex(0xc5dd38, FUTEX_WAIT_PRIVATE, 0, {tv_sec=60, tv_nsec=0}) = 0 <1.444078>
07:42:04.524523 sched_yield()           = 0 <0.000103>
`],
      ['s6.out.15765', 15765, String.raw`07:42:02.773237 read(9, "", 32768)      = 0 <1.750984>
07:42:04.524366 futex(0xc5dd38, FUTEX_WAKE_PRIVATE, 1) = 1 <0.000073>
`],
      ['s6.out.15767', 15767, String.raw`07:42:02.959579 futex(0xc8c660, FUTEX_WAIT_PRIVATE, 0, NULL) = 0 <1.564767>
07:42:04.524431 sched_yield()           = 0 <0.000070>
`],
    ];
    const a = run(runc);
    expect(a.tasks.filter((t) => t.thread).map((t) => t.pid)).toEqual([15764, 15765, 15767]);
    const p = onlyPhase(a, 'wait');
    // 15765's read: 1.750984 s; 15767's futex (1.564767 s) and 15764's (1.444078 s) overlap it all.
    expect(p.pid).toBe(15765);
    expect(p.extra).toEqual({ syscall: 'read' });
    expect(p.end - p.start).toBeCloseTo(1.750984, 9);
    expect(p.evidence.map(at)).toEqual(['s6.out.15765:1', 's6.out.15765:2']);
    // Without the clone3 lines nothing says they are threads of one process: three phases.
    expect(phasesOf(run(runc.slice(1)), 'wait').map((w) => w.pid)).toEqual([15765, 15767, 15764]);
  });

  it('two processes waiting through the same window each get a phase', () => {
    // s6-no-r: the supervisors of svc-cron and svc-chromium in ppoll (s6.out.15786 and 15785, lines 117-118).
    const cron: Input = ['s6.out.15786', 15786, String.raw`07:42:03.358046 ppoll([{fd=6, events=POLLIN|POLLHUP}, {fd=4, events=POLLIN|POLLHUP}], 2, {tv_sec=2305843009213693952, tv_nsec=0}, NULL, 8) = 1 ([{fd=6, revents=POLLIN}], left {tv_sec=2305843009213693950, tv_nsec=859462470}) <1.140614>
07:42:04.498908 read(6, "\17\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 128) = 128 <0.000168>
`];
    const chromium: Input = ['s6.out.15785', 15785, String.raw`07:42:03.370709 ppoll([{fd=6, events=POLLIN|POLLHUP}, {fd=4, events=POLLIN|POLLHUP}], 2, {tv_sec=2305843009213693952, tv_nsec=0}, NULL, 8) = 1 ([{fd=6, revents=POLLIN}], left {tv_sec=2305843009213693950, tv_nsec=872592654}) <1.127432>
07:42:04.498310 read(6, "\17\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 128) = 128 <0.000102>
`];
    const all = phasesOf(run([cron, chromium]), 'wait');
    expect(all.map((w) => [w.pid, w.extra.syscall])).toEqual([
      [15786, 'ppoll'],
      [15785, 'ppoll'],
    ]);
    expect(all[0]!.end - all[0]!.start).toBeCloseTo(1.140614, 9);
    expect(all[1]!.end - all[1]!.start).toBeCloseTo(1.127432, 9);
  });

  it('only the `top` longest waits become phases', () => {
    const set = [SLEEP, NAP_100MS];
    // By start: init-sleep (04:32) before multiproc (07:36).
    expect(phasesOf(run(set), 'wait').map((w) => w.pid)).toEqual([17098, 6882]);
    expect(phasesOf(run(set, { top: 1 }), 'wait').map((w) => w.pid)).toEqual([17098]);
  });

  it('read in parts: the same phases', () => {
    const set = [SLEEP, NAP_100MS, POLL_99MS];
    const whole = phasesOf(run(set), 'wait');
    expect(whole).toHaveLength(2);
    for (const cuts of [[1], [2], [1, 2]]) expect(phasesOf(inParts(set, cuts), 'wait'), `cut at ${cuts}`).toEqual(whole);
  });

  it('is a detector like the others: left out of the list, no wait phases', () => {
    const others = builtinDetectors().filter((d) => d.id !== 'wait');
    expect(others).toHaveLength(builtinDetectors().length - 1);
    expect(phasesOf(run([SLEEP], { detectors: others }), 'wait')).toEqual([]);
    expect(phasesOf(run([SLEEP], { detectors: [waits()] }), 'wait')).toEqual(phasesOf(run([SLEEP]), 'wait'));
    expect(phasesOf(run([SLEEP]), 'wait')).toHaveLength(1);
  });
});
