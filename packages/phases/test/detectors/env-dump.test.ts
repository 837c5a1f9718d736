/**
 * `env-dump`: s6-overlay's /init writing each environment variable as one file into
 * `DIR:envdump:XXXXXX`, then renaming that directory to DIR. The phase runs from the first
 * variable's `openat` to the `rename` (without one: to the last variable's `openat`).
 *
 * The lines are real: the container's pid 1 in fixtures/s6-no-r (s6.out.15775.gz, strace 6.1
 * -ff -tt -T), whose dump of 333 variables is cut here to six of them. Line numbers in `file:line`
 * count within the excerpt, except where the whole fixture file is read.
 */
import { describe, expect, it } from 'vitest';
import { isServiceLink } from '@strace-gaps/phases/internal';
import { at, fixture, inParts, onlyPhase, phasesOf, run, type Input } from './helpers.js';

/**
 * s6.out.15775.gz lines 1070-1089 (mkdir, the directory's openat, PATH, HOSTNAME, the start of
 * HOME), 1102-1113 (two service links) and 3064-3072 (the last variable, then the rename).
 * Excerpt lines: 1 mkdir, 3 PATH, 9 HOSTNAME, 15 HOME, 21 MY_SERVICE_36_SERVICE_HOST,
 * 27 MY_SERVICE_35_PORT_80_TCP_PROTO, 33 MY_SERVICE_9_PORT_80_TCP_PORT, 41 rename.
 */
const DUMP = String.raw`07:42:02.988149 mkdir("/run/s6/container_environment:envdump:ifBydA", 0700) = 0 <0.000032>
07:42:02.988222 openat(AT_FDCWD, "/run/s6/container_environment:envdump:ifBydA", O_RDONLY|O_NONBLOCK) = 3 <0.000027>
07:42:02.988289 openat(3, "PATH", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_CLOEXEC, 0666) = 4 <0.000035>
07:42:02.988363 fcntl(4, F_GETFL)       = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000022>
07:42:02.988420 fcntl(4, F_SETFL, O_WRONLY|O_LARGEFILE) = 0 <0.000021>
07:42:02.988477 write(4, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 60) = 60 <0.000037>
07:42:02.988553 fsync(4)                = 0 <0.001645>
07:42:02.990431 close(4)                = 0 <0.000094>
07:42:02.990589 openat(3, "HOSTNAME", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_CLOEXEC, 0666) = 4 <0.000070>
07:42:02.990723 fcntl(4, F_GETFL)       = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000022>
07:42:02.990783 fcntl(4, F_SETFL, O_WRONLY|O_LARGEFILE) = 0 <0.000022>
07:42:02.990883 write(4, "s6-demo-7d4b9c8f6-x2x9q", 23) = 23 <0.000040>
07:42:02.990970 fsync(4)                = 0 <0.000611>
07:42:02.991625 close(4)                = 0 <0.000023>
07:42:02.991686 openat(3, "HOME", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_CLOEXEC, 0666) = 4 <0.000038>
07:42:02.991765 fcntl(4, F_GETFL)       = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000021>
07:42:02.991822 fcntl(4, F_SETFL, O_WRONLY|O_LARGEFILE) = 0 <0.000066>
07:42:02.991923 write(4, "/root", 5)    = 5 <0.000028>
07:42:02.991990 fsync(4)                = 0 <0.000430>
07:42:02.992456 close(4)                = 0 <0.000023>
07:42:02.994192 openat(3, "MY_SERVICE_36_SERVICE_HOST", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_CLOEXEC, 0666) = 4 <0.000095>
07:42:02.994329 fcntl(4, F_GETFL)       = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000024>
07:42:02.994394 fcntl(4, F_SETFL, O_WRONLY|O_LARGEFILE) = 0 <0.000022>
07:42:02.994453 write(4, "10.96.0.36", 10) = 10 <0.000026>
07:42:02.994518 fsync(4)                = 0 <0.000470>
07:42:02.995159 close(4)                = 0 <0.000023>
07:42:02.995227 openat(3, "MY_SERVICE_35_PORT_80_TCP_PROTO", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_CLOEXEC, 0666) = 4 <0.000097>
07:42:02.995370 fcntl(4, F_GETFL)       = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000022>
07:42:02.995432 fcntl(4, F_SETFL, O_WRONLY|O_LARGEFILE) = 0 <0.000024>
07:42:02.995496 write(4, "tcp", 3)      = 3 <0.000029>
07:42:02.995570 fsync(4)                = 0 <0.000465>
07:42:02.996071 close(4)                = 0 <0.000022>
07:42:03.301294 openat(3, "MY_SERVICE_9_PORT_80_TCP_PORT", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK|O_CLOEXEC, 0666) = 4 <0.000273>
07:42:03.301670 fcntl(4, F_GETFL)       = 0x8801 (flags O_WRONLY|O_NONBLOCK|O_LARGEFILE) <0.000021>
07:42:03.301726 fcntl(4, F_SETFL, O_WRONLY|O_LARGEFILE) = 0 <0.000021>
07:42:03.301781 write(4, "80", 2)       = 2 <0.000025>
07:42:03.301886 fsync(4)                = 0 <0.000398>
07:42:03.302381 close(4)                = 0 <0.000022>
07:42:03.302438 close(3)                = 0 <0.000025>
07:42:03.302498 chmod("/run/s6/container_environment:envdump:ifBydA", 0700) = 0 <0.000094>
07:42:03.302631 rename("/run/s6/container_environment:envdump:ifBydA", "/run/s6/container_environment") = 0 <0.000113>
`;

const lines = DUMP.split('\n');
/** The excerpt up to line `n`, inclusive. */
const upTo = (n: number) => `${lines.slice(0, n).join('\n')}\n`;
/** The excerpt from line `n` on. */
const from = (n: number) => lines.slice(n - 1).join('\n');

describe('env-dump', () => {
  it('runs from the first variable’s openat to the rename, citing mkdir, first, last and rename', () => {
    const p = onlyPhase(run([['s6.out.15775', 15775, DUMP]]), 'env-dump');
    expect(p.pid).toBe(15775);
    // 07:42:03.302631 (rename) − 07:42:02.988289 (openat of PATH).
    expect(p.end - p.start).toBeCloseTo(0.314342, 9);
    expect(p.startRef).toMatchObject({ file: 's6.out.15775', line: 3, time: '07:42:02.988289' });
    expect(p.endRef).toMatchObject({ file: 's6.out.15775', line: 41, time: '07:42:03.302631' });
    expect(p.evidence.map(at)).toEqual(['s6.out.15775:1', 's6.out.15775:3', 's6.out.15775:33', 's6.out.15775:41']);
    expect(p.summary).toBe(
      '6 environment variables written one file each into /run/s6/container_environment in 314 ms (52.4 ms per variable; 3 look like Kubernetes service links)',
    );
  });

  it('writes every fact, worked out from the lines', () => {
    const p = onlyPhase(run([['s6.out.15775', 15775, DUMP]]), 'env-dump');
    const { firstToLastVarSeconds, perVarSeconds, ...rest } = p.extra;
    expect(rest).toEqual({
      dir: '/run/s6/container_environment',
      tempDir: '/run/s6/container_environment:envdump:ifBydA',
      renamed: true,
      vars: 6,
      // …_SERVICE_HOST, …_PORT_80_TCP_PROTO, …_PORT_80_TCP_PORT; one _SERVICE_HOST, so one Service.
      serviceLinkVars: 3,
      services: 1,
      // The first five names, in the order written.
      sampleVars: ['PATH', 'HOSTNAME', 'HOME', 'MY_SERVICE_36_SERVICE_HOST', 'MY_SERVICE_35_PORT_80_TCP_PROTO'],
      sampleServiceLinkVars: ['MY_SERVICE_36_SERVICE_HOST', 'MY_SERVICE_35_PORT_80_TCP_PROTO', 'MY_SERVICE_9_PORT_80_TCP_PORT'],
    });
    // PATH's openat (02.988289) to the return of the last variable's close(4): 03.302381 + 0.000022.
    expect(firstToLastVarSeconds).toBeCloseTo(0.314114, 9);
    expect(perVarSeconds).toBeCloseTo(0.314342 / 6, 9);
  });

  it('without a rename (the trace ends first): ends at the last variable’s openat, in the temporary directory', () => {
    // Lines 1-38: the dump up to the last variable's close(4).
    const p = onlyPhase(run([['s6.out.15775', 15775, upTo(38)]]), 'env-dump');
    expect(p.extra).toMatchObject({ dir: '/run/s6/container_environment:envdump:ifBydA', renamed: false, vars: 6 });
    // 07:42:03.301294 − 07:42:02.988289; the last call on the file still ends at 03.302403.
    expect(p.end - p.start).toBeCloseTo(0.313005, 9);
    expect(p.extra.firstToLastVarSeconds).toBeCloseTo(0.314114, 9);
    expect(p.endRef).toMatchObject({ line: 33, time: '07:42:03.301294' });
    expect(p.evidence.map(at)).toEqual(['s6.out.15775:1', 's6.out.15775:3', 's6.out.15775:33']);
  });

  it('attached after the mkdir (strace -p): fd 3 is unknown, and only the rename makes it a dump', () => {
    // From line 3 on: no mkdir, no openat of the directory, so `openat(3, "PATH", O_CREAT…)` names no directory.
    const late = from(3);
    const p = onlyPhase(run([['s6.out.15775', 15775, late]]), 'env-dump');
    expect(p.extra).toMatchObject({ tempDir: '/run/s6/container_environment:envdump:ifBydA', dir: '/run/s6/container_environment', renamed: true, vars: 6 });
    expect(p.evidence.map(at)).toEqual(['s6.out.15775:1', 's6.out.15775:31', 's6.out.15775:39']);
    // The same lines cut before the chmod and rename: files written through an unknown fd are no dump.
    expect(phasesOf(run([['s6.out.15775', 15775, late.split('\n').slice(0, 36).join('\n')]]), 'env-dump')).toEqual([]);
  });

  it('does not fire for files created in a directory that is not a dump', () => {
    // s6.out.15775.gz lines 3137-3139: s6-svscan makes .s6-svscan and creates its lock file in it.
    const svscan = String.raw`07:42:03.310395 mkdir(".s6-svscan", 0700) = 0 <0.000492>
07:42:03.310931 openat(AT_FDCWD, ".s6-svscan/lock", O_WRONLY|O_CREAT|O_NONBLOCK|O_CLOEXEC, 0600) = 3 <0.000334>
07:42:03.311308 fcntl(3, F_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0 <0.000025>
`;
    expect(phasesOf(run([['s6.out.15775', 15775, svscan]]), 'env-dump')).toEqual([]);
  });

  it('on the whole fixture file: 333 variables, 328 service links from 41 Services', () => {
    // Counted with grep: 333 `openat(3, "NAME", …O_CREAT…)`, 328 of the names match the service-link
    // pattern, 41 end in _SERVICE_HOST.
    const f = 'fixtures/s6-no-r/s6.out.15775.gz';
    const p = onlyPhase(run([[f, 15775, fixture('s6-no-r/s6.out.15775.gz')]]), 'env-dump');
    expect(p.extra).toMatchObject({ vars: 333, serviceLinkVars: 328, services: 41, renamed: true });
    expect(p.extra.sampleServiceLinkVars).toEqual([
      'MY_SERVICE_36_SERVICE_HOST',
      'MY_SERVICE_35_PORT_80_TCP_PROTO',
      'MY_SERVICE_26_PORT_80_TCP_PROTO',
      'MY_SERVICE_3_PORT_80_TCP_PORT',
      'MY_SERVICE_17_PORT_80_TCP_ADDR',
    ]);
    expect(p.evidence.map(at)).toEqual([`${f}:1070`, `${f}:1072`, `${f}:3064`, `${f}:3072`]);
    expect(p.end - p.start).toBeCloseTo(0.314342, 9);
  });

  it('read in parts: the dump’s process decides alone, so any split gives the same phase', () => {
    const inputs: Input[] = [
      ['s6.out.15774', 15774, '07:42:02.818804 close(7)                = 0 <0.000134>\n'],
      ['s6.out.15775', 15775, DUMP],
    ];
    const whole = onlyPhase(run(inputs), 'env-dump');
    expect(onlyPhase(inParts(inputs, [1]), 'env-dump')).toEqual(whole);
  });

  describe('hand-written dumps (moved from engine.test.ts)', () => {
    const dump = (n: number, step: number) => {
      let text = '10:00:00.000000 mkdir("/run/s6/container_environment:envdump:AbCdEf", 0700) = 0\n';
      text += '10:00:00.000100 openat(AT_FDCWD, "/run/s6/container_environment:envdump:AbCdEf", O_RDONLY|O_DIRECTORY) = 3\n';
      let t = 0.001;
      for (let k = 0; k < n; k++) {
        const ts = `10:00:${String(Math.floor(t)).padStart(2, '0')}.${String(Math.round((t % 1) * 1e6)).padStart(6, '0')}`;
        text += `${ts} openat(3, "SVC_${k}_SERVICE_HOST", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4\n${ts} write(4, "10.0.0.1", 8) = 8\n${ts} close(4) = 0\n`;
        t += step;
      }
      const end = `10:00:${String(Math.floor(t)).padStart(2, '0')}.${String(Math.round((t % 1) * 1e6)).padStart(6, '0')}`;
      return `${text}${end} rename("/run/s6/container_environment:envdump:AbCdEf", "/run/s6/container_environment") = 0\n`;
    };

    it('a long dump of service links gets the diagnosis, a short one does not', () => {
      const slow = run([['s.1', 1, dump(300, 0.01)]]);
      const p = onlyPhase(slow, 'env-dump');
      expect(p.extra).toMatchObject({ vars: 300, serviceLinkVars: 300, services: 300, dir: '/run/s6/container_environment', renamed: true });
      expect(slow.diagnoses.map((d) => d.id)).toContain('k8s-service-links');
      const fast = run([['s.1', 1, dump(300, 0.0001)]]);
      expect(fast.diagnoses.map((d) => d.id)).not.toContain('k8s-service-links');
      const few = run([['s.1', 1, dump(40, 0.05)]]);
      expect(onlyPhase(few, 'env-dump').extra.vars).toBe(40);
      expect(few.diagnoses.map((d) => d.id)).not.toContain('k8s-service-links');
    });
  });

  it('recognises Kubernetes service-link names (moved from engine.test.ts)', () => {
    for (const name of ['MY_SVC_SERVICE_HOST', 'MY_SVC_SERVICE_PORT', 'MY_SVC_SERVICE_PORT_HTTP', 'MY_SVC_PORT', 'MY_SVC_PORT_80_TCP', 'MY_SVC_PORT_53_UDP_ADDR']) {
      expect(isServiceLink(name), name).toBe(true);
    }
    for (const name of ['PATH', 'HOME', 'SERVICE', 'MY_PORTAL']) expect(isServiceLink(name), name).toBe(false);
  });
});
