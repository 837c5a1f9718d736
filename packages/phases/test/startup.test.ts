/**
 * Ready, the critical path and the causes, on real captures of slow starts (each fixture's README.md
 * says how each was made and what its lines show) and on small traces written here for the edges.
 * The facts checked come from the captures' lines, not from the code's own output: the DNS
 * fixture's four 1 s polls, the sleep's `{tv_sec=2}`, the lock call's `-T`.
 */
import { describe, expect, it } from 'vitest';
import { parseChunksSync, pidFromFileName } from '@strace-gaps/parser';
import { analyzeInputs, type Analysis } from '@strace-gaps/phases';
import type { PathSegment } from '../src/critical-path.js';
import { PathLedger } from '../src/causes/ledger.js';
import { envVars } from '../src/call-facts.js';
import { fixtureSets, traceBytes, type FixtureSet } from '../../parser/test/helpers/fixtures.js';

const SETS = new Map(fixtureSets().map((s) => [s.name, s]));

function set(name: string): FixtureSet {
  const s = SETS.get(name);
  if (s === undefined) throw new Error(`no fixture set ${name}`);
  return s;
}

function analyze(files: readonly { file: string; bytes: Buffer }[], options: Parameters<typeof analyzeInputs>[1] = {}): Analysis {
  return analyzeInputs(
    files.map((f) => ({ file: f.file, pid: pidFromFileName(f.file), lines: [parseChunksSync([f.bytes], f.file)] })),
    options,
  );
}

function analyzeSet(name: string, options: Parameters<typeof analyzeInputs>[1] = {}): Analysis {
  return analyze(
    set(name).files.map((file) => ({ file, bytes: traceBytes(file) })),
    options,
  );
}

function text(name: string, lines: string): { file: string; bytes: Buffer } {
  return { file: name, bytes: Buffer.from(lines) };
}

/** The path's steps are contiguous, from the start to ready, and add up to the time to ready. */
function expectWhole(a: Analysis): void {
  const s = a.startup!;
  const path = s.criticalPath;
  // A start that took no time (a -r trace in whole seconds) has no steps.
  if (s.seconds === 0) return expect(path).toEqual([]);
  expect(path.length).toBeGreaterThan(0);
  expect(path[0]!.start).toBeCloseTo(s.start, 9);
  expect(path[path.length - 1]!.end).toBeCloseTo(s.ready.t, 9);
  for (let i = 1; i < path.length; i++) expect(path[i]!.start).toBeCloseTo(path[i - 1]!.end, 9);
  const sum = path.reduce((x, p) => x + (p.end - p.start), 0);
  expect(sum).toBeCloseTo(s.seconds, 9);
  // Causes claim disjoint stretches of it: together never more than the start.
  const claimed = a.diagnoses.reduce((x, d) => x + (d.share === null ? 0 : (d.seconds ?? 0)), 0);
  expect(claimed).toBeLessThanOrEqual(s.seconds + 1e-9);
}

describe('every capture with a common clock: a whole critical path', () => {
  for (const s of fixtureSets()) {
    // A directory of one-file captures is not one set; each file is its own.
    const groups = s.files.every((f) => pidFromFileName(f) !== null) ? [s.files] : s.files.map((f) => [f]);
    for (const files of groups) {
      it(`${s.name}${groups.length > 1 ? `/${files[0]!.split('/').pop()}` : ''}`, () => {
        const a = analyze(files.map((file) => ({ file, bytes: traceBytes(file) })));
        if (a.startup === null) {
          expect(a.clock.aligned === false || a.span === null).toBe(true);
          return;
        }
        expectWhole(a);
      });
    }
  }
});

describe('a whole critical path where the clock puts a child before its parent', () => {
  it('never walks forward in time (fuzz: a child printed before its parent\'s clone began)', () => {
    // The clone's entry is its end less -T (10:00:00.000002), after the child's first line.
    const a = analyze([
      text('t.log', [
        '[pid     1] 10:00:00.010002 <... clone resumed>) = 12 <0.01>',
        '2 10:00:00.000000 execve("/bin/sh", ["sh"], 0x7ff /* 3 vars */) = 0 <0.001>',
        '12 10:00:00.000001 read(3, "x") = 0 <2.500000>',
      ].join('\n')),
    ]);
    expectWhole(a);
    expect(a.startup!.criticalPath.map((p) => p.pid)).toEqual([2, 12]);
  });
});

/** Each capture of a known cause: what marks ready, the cause first, and what it cost. */
const CASES: { name: string; rule: string; first: string; seconds: [number, number]; note: string }[] = [
  { name: 's6-envdir', rule: 'last-exec', first: 'k8s-service-links', seconds: [5.2, 5.5], note: 'dump 3.89 s + s6-envdir re-read 1.46 s on the path' },
  { name: 'dns-timeout', rule: 'exit', first: 'dns-timeout', seconds: [4.0, 4.02], note: '4× poll(…, 1000) = 0 (Timeout) <1.00…>' },
  { name: 'dns-timeout-no-T', rule: 'exit', first: 'dns-timeout', seconds: [4.0, 4.02], note: 'the same without -T: the timeouts are in the arguments' },
  { name: 'init-sleep', rule: 'listen', first: 'sleep', seconds: [2.0, 2.01], note: 'clock_nanosleep({tv_sec=2}) <2.000140> in the sleep child' },
  { name: 'init-sleep-bash', rule: 'exit', first: 'sleep', seconds: [1.0, 1.02], note: 'bash -c "sleep 1; …", one -f file' },
  { name: 'connect-retry', rule: 'listen', first: 'retry-loop', seconds: [3.0, 3.06], note: '6 refused connects in a child each, 0.5 s sleeps' },
  { name: 'connect-retry-nonblock', rule: 'listen', first: 'retry-loop', seconds: [3.0, 3.01], note: 'EINPROGRESS + poll + SO_ERROR in one process' },
  { name: 'lock-wait', rule: 'exit', first: 'lock-wait', seconds: [2.97, 2.98], note: 'flock(3, LOCK_EX) = 0 <2.971772>, holder untraced' },
  { name: 'lock-wait/fcntl', rule: 'exit', first: 'lock-wait', seconds: [2.94, 2.96], note: 'fcntl(3, F_SETLKW, …) <2.948066>' },
  { name: 'lock-wait-traced-holder', rule: 'exit', first: 'lock-wait', seconds: [2.99, 3.0], note: 'flock <2.997491>, holder traced' },
  { name: 'lock-wait-traced-holder/fcntl', rule: 'exit', first: 'lock-wait', seconds: [2.96, 2.97], note: 'F_SETLKW <2.966047>, released by close' },
  { name: 'chown-tree', rule: 'last-exec', first: 'file-tree-walk', seconds: [0.98, 1.0], note: '26,041 fchownat' },
  { name: 'shim-chain', rule: 'exit', first: 'exec-chain', seconds: [0.2, 0.21], note: '38 short processes, 0.207 s before the python3 exec' },
  { name: 'hung-start/ff-ctrl-c', rule: 'trace-end', first: 'pending-at-end', seconds: [2.98, 3.0], note: 'Ctrl-C while sh waited on sleep 30' },
];

describe.each(CASES)('$name: $first', (c) => {
  const a = analyzeSet(c.name);

  it(`ready by ${c.rule}, ${c.first} first, costing ${c.seconds.join('–')} s on the path (${c.note})`, () => {
    expect(a.startup?.ready.rule).toBe(c.rule);
    const d = a.diagnoses[0]!;
    expect(d.id).toBe(c.first);
    expect(d.seconds).toBeGreaterThanOrEqual(c.seconds[0]);
    expect(d.seconds).toBeLessThanOrEqual(c.seconds[1]);
    expect(d.share).toBeCloseTo((d.seconds ?? 0) / a.startup!.seconds, 9);
    expect(d.parts.length).toBeGreaterThan(0);
    expect(d.evidence.length).toBeGreaterThan(0);
    expectWhole(a);
  });
});

describe('what the causes say', () => {
  it('dns-timeout: the names the search list tried, the resolver, and the fix for both', () => {
    const d = analyzeSet('dns-timeout').diagnoses.find((x) => x.id === 'dns-timeout')!;
    expect(d.summary).toContain('4 timeouts for 2 names (db.svc.cluster.local, db)');
    expect(d.summary).toContain('127.0.0.53:53');
    expect(d.fix).toMatch(/ndots/);
    expect(d.fix).toMatch(/trailing dot/);
    const path = analyzeSet('dns-timeout').startup!.criticalPath;
    expect(path.some((p) => p.what === '4× poll on UDP 127.0.0.53:53, timed out' && p.cause === 'dns-timeout')).toBe(true);
  });

  it('no -T: the waits are known by their timeouts, and a warning says what is missing', () => {
    const a = analyzeSet('dns-timeout-no-T');
    expect(a.warnings.map((w) => w.code)).toContain('no-durations');
    expect(analyzeSet('dns-timeout').warnings.map((w) => w.code)).not.toContain('no-durations');
  });

  it('sleep: names the script that ran it, and follows the wait into the traced child', () => {
    const a = analyzeSet('init-sleep-bash');
    const d = a.diagnoses[0]!;
    expect(d.summary).toContain('bash -c sleep 1; echo done');
    const step = a.startup!.criticalPath.find((p) => p.state === 'blocked' && p.syscall === 'clock_nanosleep')!;
    expect(step.what).toBe('clock_nanosleep 1 s');
    expect(step.name).toBe('sleep 1');
  });

  it('lock-wait: names the traced holder from its lock to its release', () => {
    const d = analyzeSet('lock-wait-traced-holder/fcntl').diagnoses[0]!;
    expect(d.summary).toMatch(/held by pid 28209 \(.*\) from its lock to its release/);
    expect(analyzeSet('lock-wait').diagnoses[0]!.summary).toContain('held by a process the trace does not show');
  });

  it('retry-loop: counts the tries and names the target', () => {
    expect(analyzeSet('connect-retry').diagnoses[0]!.summary).toMatch(/127\.0\.0\.1:5432 6 times \(ECONNREFUSED.*a new process per try \(6\)/);
    expect(analyzeSet('connect-retry-nonblock').diagnoses[0]!.summary).toMatch(/127\.0\.0\.1:5432 6 times .*in pid 24605/);
  });

  it('retry-loop stays silent on processes that each try a socket once and go on (nscd)', () => {
    expect(analyzeSet('shim-chain').diagnoses.map((d) => d.id)).not.toContain('retry-loop');
  });

  it('a hung start interrupted mid-call: the calls still pending are the answer', () => {
    for (const name of ['hung-start/ff-int', 'hung-start/f-int']) {
      const a = analyzeSet(name);
      expect(a.startup?.ready.rule).toBe('trace-end');
      const d = a.diagnoses[0]!;
      expect(d.id).toBe('pending-at-end');
      expect(d.summary).toMatch(/\(sleep 30\) was still in clock_nanosleep 30 s/);
      expect(d.summary).toMatch(/\(sh -c echo starting; sleep 30; echo ne.*\) in wait4 waited for it/);
      expect(a.pending.map((p) => p.syscall).sort()).toEqual(['clock_nanosleep', 'wait4']);
    }
  });

  it('a healthy fast start gets no diagnosis', () => {
    const a = analyzeSet('healthy-start');
    expect(a.diagnoses).toEqual([]);
    expect(a.startup?.ready.rule).toBe('listen');
    expect(a.startup!.seconds).toBeLessThan(0.2);
  });
});

describe('how long strace ran does not change a diagnosis', () => {
  // A process that starts during the capture and lives 60 s past its end: a capture left running.
  const appended = (start: string, end: string) =>
    text('s6.out.99999', `${start} read(0, "x", 1) = 1 <0.000010>\n${start.slice(0, 3)}${end} read(0, "x", 1) = 1 <0.000010>\n`);

  for (const [name, start, end] of [
    ['s6-slow', '07:41:09.500000', '42:10.000000'],
    ['s6-envdir', '04:31:53.000000', '32:55.000000'],
  ] as const) {
    it(`${name}: the same k8s-service-links with a process living 60 s longer`, () => {
      const files = set(name).files.map((file) => ({ file, bytes: traceBytes(file) }));
      const before = analyze(files);
      const after = analyze([...files, appended(start, end)]);
      expect(after.span!.seconds).toBeGreaterThan(before.span!.seconds + 55);
      const pick = (a: Analysis) => a.diagnoses.find((d) => d.id === 'k8s-service-links')!;
      expect(pick(after)).toEqual(pick(before));
      expect(after.startup!.seconds).toBe(before.startup!.seconds);
      expect(after.startup!.afterReadySeconds).toBeGreaterThan(before.startup!.afterReadySeconds + 55);
    });
  }
});

describe('ready: the rule and --ready', () => {
  const trace =
    '100 10:00:00.000000 execve("/bin/sh", ["sh", "start"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
    '100 10:00:00.010000 clone(child_stack=NULL, flags=SIGCHLD) = 101 <0.000100>\n' +
    '101 10:00:00.010200 execve("/usr/bin/sleep", ["sleep", "1"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
    '101 10:00:00.011000 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0}, NULL) = 0 <1.000000>\n' +
    '101 10:00:01.011100 exit_group(0) = ?\n' +
    '101 10:00:01.011200 +++ exited with 0 +++\n' +
    '100 10:00:00.010300 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101 <1.001000>\n' +
    '100 10:00:01.012000 execve("/usr/bin/server", ["server"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
    '100 10:00:01.500000 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3 <0.000010>\n' +
    '100 10:00:01.600000 listen(3, 128) = 0 <0.000010>\n' +
    '100 10:00:01.600100 accept(3, NULL, NULL) = 4 <5.000000>\n' +
    '100 10:00:06.600200 close(4) = 0 <0.000010>\n';
  const run = (options: Parameters<typeof analyzeInputs>[1] = {}) => analyze([text('t.log', trace)], options);

  it('by default: the listen after the last exec of the process still running', () => {
    const a = run();
    expect(a.startup?.ready.rule).toBe('listen');
    expect(a.startup!.seconds).toBeCloseTo(1.6, 6);
    expect(a.startup!.afterReadySeconds).toBeCloseTo(5.00021, 6);
    expect(a.diagnoses.map((d) => d.id)).toEqual(['sleep']);
    expectWhole(a);
  });

  it('--ready PROGRAM, --ready TIME, and a --ready the trace does not have', () => {
    expect(run({ ready: 'server' }).startup).toMatchObject({ ready: { rule: 'exec-option', line: 8 } });
    expect(run({ ready: 'server' }).startup!.seconds).toBeCloseTo(1.012, 6);
    expect(run({ ready: '/usr/bin/sleep' }).startup!.seconds).toBeCloseTo(0.0102, 6);
    const at = run({ ready: '10:00:00.500000' });
    expect(at.startup!.ready.rule).toBe('time-option');
    expect(at.startup!.seconds).toBeCloseTo(0.5, 6);
    expectWhole(at);
    const none = run({ ready: 'nginx' });
    expect(none.startup!.ready.rule).toBe('listen');
    expect(none.warnings.map((w) => w.code)).toContain('ready-not-found');
  });

  it('--ready NAME skips the traced command exec\'d at the first line (a shim named like the program)', () => {
    for (const ready of ['python3', '/usr/bin/python3']) {
      const a = analyzeSet('shim-chain', { ready });
      expect(a.startup!.ready).toMatchObject({ rule: 'exec-option', line: 1146 });
      expect(a.startup!.seconds).toBeCloseTo(0.206933, 6);
      expectWhole(a);
    }
  });

  it('--from moves the start; the path begins there', () => {
    const a = run({ from: '10:00:00.500000' });
    expect(a.startup!.seconds).toBeCloseTo(1.1, 6);
    expectWhole(a);
  });

  it('-r alone over several files: no start, and a warning that says why', () => {
    const a = analyzeSet('s6-r-only');
    expect(a.startup).toBeNull();
    expect(a.warnings.map((w) => w.code)).toContain('no-common-clock');
  });

  it('a child that strace did not follow is named in a warning', () => {
    const a = analyze([
      text(
        'one.log',
        '10:00:00.000000 execve("/bin/sh", ["sh"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
          '10:00:00.001000 clone(child_stack=NULL, flags=SIGCHLD) = 4242 <0.000100>\n' +
          '10:00:00.001200 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 4242 <2.000000>\n' +
          '10:00:02.002000 exit_group(0) = ?\n',
      ),
    ]);
    const w = a.warnings.find((x) => x.code === 'children-not-followed')!;
    expect(w.message).toMatch(/^1 process that traced ones started is not in the trace \(pid 4242 first\)/);
    expect(w.line).toBe(2);
    // The wait for it is on the path, and the diagnosis asks for -f rather than guessing.
    const d = a.diagnoses.find((x) => x.id === 'dominant-wait')!;
    expect(d.summary).toContain('its child pid 4242 ran all that time, and the trace has no line of it');
    expect(d.fix).toMatch(/^capture again with -f/);
  });
});

describe('an exec environment\'s size, from strace\'s comment', () => {
  it('reads /* N vars */ at the end of the line, and nothing else', () => {
    expect(envVars('execve("/init", ["/init"], 0x7ffe17c54320 /* 4029 vars */) = 0 <0.000820>')).toBe(4029);
    expect(envVars('execve("/bin/true", ["true"], 0x7ffd /* 1 var */) = 0')).toBe(1);
    expect(envVars('execve("/bin/true", ["true"], ["A=1"]) = 0')).toBeNull();
    expect(envVars('write(1, "5 vars */", 9) = 9')).toBeNull();
  });
});

describe('the ledger: causes never share path time', () => {
  it('a second claim on the same stretch gets only what is left', () => {
    const task = {} as never;
    const seg = (start: number, end: number): PathSegment => ({
      pid: 1, name: '', start, end, state: 'running', what: '', syscall: null, wake: null, inferred: false, untraced: false, cause: null, evidence: [], marks: [], task,
    });
    const path = [seg(0, 1), seg(1, 3)].map((s) => ({ ...s }));
    const l = new PathLedger(path);
    expect(l.take('a', 1, 0.5, 2)).toBeCloseTo(1.5, 9);
    expect(l.take('b', 1, 0, 3)).toBeCloseTo(1.5, 9);
    expect(l.take('c', 1, 0, 3)).toBe(0);
    expect(l.claimed()).toBeCloseTo(3, 9);
    // A step is the cause's that holds at least half of it.
    expect(path.map((p) => p.cause)).toEqual(['a', 'a']);
    const other = [seg(0, 1)].map((s) => ({ ...s }));
    const l2 = new PathLedger(other);
    l2.take('a', null, 0, 0.4);
    l2.take('b', null, 0, 1);
    expect(other[0]!.cause).toBe('b');
  });
});
