/**
 * `exec` and `loader` (one detector, `execPhases`). `exec`: a successful execve, until the
 * process's next one or its end (its `+++ exited` line, else its last call). `loader`: the run of
 * loader calls right after an execve (`brk`, `mmap`, `openat`, …), up to the first other call;
 * only when it opened at least one shared library (`.so`, `ld.so.cache`, `ld.so.preload`).
 *
 * On real lines: captures/ (strace 6.1 -ff -tt -T, see captures/README.md: a small program
 * exec-ing /bin/true; env searching its PATH) and fixtures/s6-no-r (s6's supervisor, /init).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { at, fixture, inParts, onlyPhase, phasesOf, run, type Input } from './helpers.js';

const capture = (name: string) => readFileSync(new URL(`./captures/${name}`, import.meta.url), 'utf8');
const CHILD = capture('child.10997');
const child: Input = ['child.10997', 10997, CHILD];

describe('exec', () => {
  it('runs from each successful execve to the next one, then to the +++ exited line', () => {
    const [first, second, ...rest] = phasesOf(run([child]), 'exec');
    expect(rest).toEqual([]);
    // ./stages: 12:21:28.283958 (line 1) to the execve of /bin/true, 12:21:28.285448 (line 31).
    expect(first!.end - first!.start).toBeCloseTo(0.00149, 9);
    expect(first!.evidence.map(at)).toEqual(['child.10997:1', 'child.10997:31']);
    expect(first!.extra).toEqual({ path: './stages', argv: ['./stages', 'runc:[1:CHILD]'] });
    expect(first!.summary).toBe('./stages ran for 1.49 ms');
    // /bin/true: 12:21:28.285448 (line 31) to `+++ exited with 0 +++` at 12:21:28.286663 (line 61).
    expect(second!.end - second!.start).toBeCloseTo(0.001215, 9);
    expect(second!.startRef).toMatchObject({ line: 31, time: '12:21:28.285448' });
    expect(second!.endRef).toMatchObject({ line: 61, time: '12:21:28.286663', text: '12:21:28.286663 +++ exited with 0 +++' });
    expect(second!.extra).toEqual({ path: '/bin/true', argv: ['true'] });
    expect(second!.pid).toBe(10997);
  });

  it('without an exit line (the trace was cut) ends at the last call', () => {
    const cut = CHILD.split('\n').slice(0, 60).join('\n');
    const last = phasesOf(run([['child.10997', 10997, cut]]), 'exec')[1]!;
    // exit_group(0) at 12:21:28.286581, line 60.
    expect(last.endRef).toMatchObject({ line: 60, time: '12:21:28.286581' });
    expect(last.end - last.start).toBeCloseTo(0.001133, 9);
  });

  it('a failed execve starts nothing: env’s PATH search gives two phases, env and /usr/bin/true', () => {
    // envpath.30002 lines 107-108: execve("/nonexistent/bin/true") and ("/usr/local/bin/true") = -1 ENOENT.
    const all = phasesOf(run([['envpath.30002', 30002, capture('envpath.30002')]]), 'exec');
    expect(all.map((p) => p.extra.path)).toEqual(['/usr/bin/env', '/usr/bin/true']);
    expect(all.map((p) => p.evidence.map(at))).toEqual([
      ['envpath.30002:1', 'envpath.30002:109'],
      ['envpath.30002:109', 'envpath.30002:139'],
    ]);
    expect(all[0]!.extra.argv).toEqual(['env', 'PATH=/nonexistent/bin:/usr/local/bin:/usr/bin', 'true']);
  });

  it('read in parts: each process decides alone, so a split gives the same phases', () => {
    const inputs: Input[] = [child, ['envpath.30002', 30002, capture('envpath.30002')]];
    expect(phasesOf(inParts(inputs, [1]), 'exec')).toEqual(phasesOf(run(inputs), 'exec'));
    expect(phasesOf(inParts(inputs, [1]), 'loader')).toEqual(phasesOf(run(inputs), 'loader'));
  });
});

describe('loader', () => {
  it('runs from the first call after the execve to the last loader call, and counts the libraries opened', () => {
    const [first, second, ...rest] = phasesOf(run([child]), 'loader');
    expect(rest).toEqual([]);
    // ./stages: brk(NULL) at 12:21:28.284384 (line 2) to munmap at 12:21:28.285375 (line 29);
    // prctl (line 30) is no loader call. Opened: /etc/ld.so.cache and libc.so.6.
    expect(first!.evidence.map(at)).toEqual(['child.10997:2', 'child.10997:29']);
    expect(first!.end - first!.start).toBeCloseTo(0.000991, 9);
    expect(first!.extra).toEqual({ libraries: 2 });
    expect(first!.summary).toBe('the dynamic loader mapped 2 files in 991 µs');
    // /bin/true: brk at 12:21:28.285621 (line 32) to munmap at 12:21:28.286537 (line 59); exit_group ends it.
    expect(second!.evidence.map(at)).toEqual(['child.10997:32', 'child.10997:59']);
    expect(second!.end - second!.start).toBeCloseTo(0.000916, 9);
    expect(second!.extra).toEqual({ libraries: 2 });
  });

  it('counts only the libraries it opened: s6-supervise’s failed glibc-hwcaps probes are not libraries', () => {
    // fixtures/s6-no-r/s6.out.15784: ld.so.cache = -1 ENOENT (line 8), 12 failed libskarnet.so
    // probes, then libskarnet.so.2.13 (line 29) and libc.so.6 (line 38) open; brk (line 5) to
    // prlimit64 (line 58).
    const f = 'fixtures/s6-no-r/s6.out.15784';
    const p = onlyPhase(run([[f, 15784, fixture('s6-no-r/s6.out.15784')]]), 'loader');
    expect(p.extra).toEqual({ libraries: 2 });
    expect(p.evidence.map(at)).toEqual([`${f}:5`, `${f}:58`]);
    expect(p.end - p.start).toBeCloseTo(0.015628, 9);
  });

  it('does not fire without a shared library: s6-overlay’s static /init', () => {
    // fixtures/s6-no-r/s6.out.15775.gz lines 1053-1062: the execve of /init, then only loader-like calls.
    const init = String.raw`07:42:02.981822 execve("/init", ["/init"], 0xc0001c0000 /* 333 vars */) = 0 <0.003452>
07:42:02.985404 --- SIGURG {si_signo=SIGURG, si_code=SI_USER, si_pid=0, si_uid=0} ---
07:42:02.986327 brk(NULL)               = 0x389bf000 <0.000026>
07:42:02.986391 brk(0x389bfd00)         = 0x389bfd00 <0.000031>
07:42:02.986570 arch_prctl(ARCH_SET_FS, 0x389bf380) = 0 <0.000030>
07:42:02.986636 set_tid_address(0x389bf650) = 1 <0.000022>
07:42:02.986694 set_robust_list(0x389bf660, 24) = 0 <0.000021>
07:42:02.986751 rseq(0x389bfca0, 0x20, 0, 0x53053053) = 0 <0.000030>
07:42:02.986883 prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0 <0.000027>
07:42:02.986981 readlink("/proc/self/exe", "/init", 4096) = 5 <0.000228>
`;
    const a = run([['s6.out.15775', 15775, init]]);
    expect(phasesOf(a, 'loader')).toEqual([]);
    // The exec phase is there, to its last call.
    expect(onlyPhase(a, 'exec').evidence.map(at)).toEqual(['s6.out.15775:1', 's6.out.15775:10']);
  });
});
