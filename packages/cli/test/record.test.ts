/**
 * `strace-gaps record` for real: the built bin runs strace on small commands, as a user runs it.
 * strace is a Debian package (.ci/run installs it); without it these tests are skipped and say so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const STRACE = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).stdout.trim();
const CAN = existsSync(BIN) && STRACE !== '' && spawnSync(STRACE, ['-f', '-o', '/dev/null', 'true']).status === 0;
if (!CAN) console.warn('record tests skipped: they need the built bin (pnpm build) and a strace that may trace here');

const work = mkdtempSync(join(tmpdir(), 'sg-record-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.pid !== undefined && c.exitCode === null) killGroup(c.pid);
  rmSync(work, { recursive: true, force: true });
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone.
  }
}

function alive(pid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/\) [ZX] /.test(st);
  } catch {
    return false;
  }
}

let n = 0;
/** A fresh directory to run in: the capture lands inside it. */
function cwd(): string {
  const d = join(work, `run${++n}`);
  mkdirSync(d);
  return d;
}

function record(args: string[], dir: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [BIN, 'record', ...args], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
}

/** Starts the bin; resolves `output()` to what it printed, `exit` to its code. */
function start(args: string[], dir: string) {
  const child = spawn(process.execPath, [BIN, 'record', ...args], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'exit', not 'close': a command left running keeps the pipes it inherited open.
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => setTimeout(() => resolve(code), 100)));
  const until = async (what: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out; stdout: ${stdout}\nstderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exit, until, out: () => stdout, err: () => stderr };
}

function manifestOf(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'capture.json'), 'utf8'));
}

/** The pid in a "the command (pid N) still runs" note. */
function runningPid(stderr: string): number {
  const m = /the command \(pid (\d+)\)/.exec(stderr);
  if (m === null) throw new Error(`no pid in: ${stderr}`);
  return Number(m[1]);
}

describe.skipIf(!CAN)('strace-gaps record', () => {
  it('records a shell that sleeps and execs a child, writes a manifest, and reports it with the command output first', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--', 'sh', '-c', 'echo from-the-command; sleep 0.6; exec sleep 0.1'], dir);
    // strace's own messages never mix into the command's output: stderr is only strace-gaps' notes.
    expect(r.stderr.trimEnd().split('\n').every((l) => l.startsWith('strace-gaps: '))).toBe(true);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('from-the-command\nstrace-gaps: ')).toBe(true);
    const files = readdirSync(join(dir, 'cap')).sort();
    expect(files).toContain('capture.json');
    expect(files.filter((f) => /^trace\.\d+$/.test(f)).length).toBe(2);
    const m = manifestOf(join(dir, 'cap'));
    expect(m).toMatchObject({
      format: 'strace-gaps-capture',
      version: 1,
      traced: { command: ['sh', '-c', 'echo from-the-command; sleep 0.6; exec sleep 0.1'] },
      prefix: 'trace',
      options: { strings: 4096, syscalls: null, stack: false, followThreads: true },
      end: { how: 'exited', exit: { code: 0, signal: null } },
    });
    expect(m.strace.version).toMatch(/^\d+\.\d+/);
    expect(m.strace.argv.slice(1)).toEqual(expect.arrayContaining(['-ff', '-tt', '-T', '-s', '4096', '--', 'sh']));
    expect(m.strace.argv[m.strace.argv.indexOf('-o') + 1]).toBe(join(dir, 'cap', 'trace'));
    expect(Date.parse(m.ended)).toBeGreaterThanOrEqual(Date.parse(m.started));
    expect(m.kernel).toMatch(/^Linux /);
    // The report, as `strace-gaps cap` prints it, knows how it was recorded.
    expect(r.stdout).toMatch(/^recorded: sh -c 'echo from-the-command; sleep 0\.6; exec sleep 0\.1' on /m);
    expect(r.stdout).toContain('with: strace ');
    expect(r.stdout).toContain('ended: every traced process ended, the command exited with 0');
    expect(r.stdout).toMatch(/\[critical\] sleep: /);
    const again = spawnSync(process.execPath, [BIN, 'cap'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout.slice('from-the-command\n'.length)).toBe(again.stdout);
  });

  it('passes a pipeline\'s stdout through and traces every process of it', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--', 'sh', '-c', 'seq 1 300 | sort -rn | head -n 1'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('300\nstrace-gaps: ')).toBe(true);
    for (const name of ['seq 1 300', 'sort -rn', 'head -n 1']) expect(r.stdout).toMatch(new RegExp(`^[ │]*[├└]─ \\d+ (.*→ )?${name} `, 'm'));
    // --json goes to the same stdout: the command's output is kept out of it by sending it elsewhere.
    const json = record(['--out', 'cap2', '--json', '--', 'sh', '-c', 'seq 1 300 | sort -rn | head -n 1 >&2'], dir);
    expect(json.stderr).toMatch(/^300$/m);
    expect(JSON.parse(json.stdout).capture.traced.command[0]).toBe('sh');
  });

  it('exits with the command\'s own status when it fails, after the report', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--', 'sh', '-c', 'echo failing >&2; exit 3'], dir);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^failing$/m);
    expect(r.stdout).toContain('the command exited with 3');
    expect(manifestOf(join(dir, 'cap')).end.exit).toEqual({ code: 3, signal: null });
  });

  it('passes stdin through to the command', () => {
    const dir = cwd();
    const r = spawnSync(process.execPath, [BIN, 'record', '--out', 'cap', '--no-report', '--', 'sh', '-c', 'read x; echo "got $x"'], {
      cwd: dir,
      encoding: 'utf8',
      input: 'hello\n',
    });
    expect([r.status, r.stdout]).toEqual([0, 'got hello\n']);
  });

  it('exits 128 + the signal when a signal killed the command', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--', 'sh', '-c', 'kill -TERM $$'], dir);
    expect(r.status).toBe(143);
    expect(r.stdout).toContain('the command was killed by SIGTERM');
  });

  it('with --no-report only records, into a new strace-gaps-DATE-TIME directory', () => {
    const dir = cwd();
    const r = record(['--no-report', '--', 'true'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const made = readdirSync(dir);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/^strace-gaps-\d{8}-\d{6}$/);
    expect(r.stderr).toContain(`recorded 1 trace file in ${made[0]}/`);
  });

  it('attaches with --pid to a running loop and what it starts, and ends when the loop does', async () => {
    const dir = cwd();
    const loop = spawn('sh', ['-c', 'sleep 0.3; for i in 1 2 3 4; do sleep 0.2; done'], { detached: true, stdio: 'ignore' });
    started.push(loop);
    const r = start(['--out', 'cap', '--json', '--pid', String(loop.pid)], dir);
    expect(await r.exit).toBe(0);
    const report = JSON.parse(r.out());
    const sleeps = report.processes.filter((p: { names: { name: string }[] }) => p.names.some((x) => x.name === 'sleep 0.2'));
    expect(sleeps.length).toBeGreaterThanOrEqual(3);
    expect(report.capture.traced).toEqual({ pid: loop.pid, name: 'sh' });
    // strace ends with the last traced process; when the loop is not last, record detaches from the rest.
    expect(['exited', 'target-exited']).toContain(report.capture.end.how);
  });

  it('stops an attach on Ctrl-C without touching the process', async () => {
    const dir = cwd();
    const loop = spawn('sh', ['-c', 'while :; do sleep 0.1; done'], { detached: true, stdio: 'ignore' });
    started.push(loop);
    const r = start(['--out', 'cap', '--pid', String(loop.pid)], dir);
    await r.until(() => existsSync(join(dir, 'cap')) && readdirSync(join(dir, 'cap')).length >= 3);
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
    expect(r.err()).toContain(`strace detaches; pid ${loop.pid} is not touched`);
    expect(alive(loop.pid as number)).toBe(true);
    expect(readFileSync(`/proc/${loop.pid}/status`, 'latin1')).toMatch(/^TracerPid:\s+0$/m);
    expect(manifestOf(join(dir, 'cap')).end.how).toBe('interrupted');
    expect(r.out()).toContain('ended: stopped by Ctrl-C');
  });

  it('on Ctrl-C detaches, reports the pending call, leaves the command running; a second Ctrl-C kills it', async () => {
    const dir = cwd();
    const r = start(['--out', 'cap', '--', 'sh', '-c', 'echo started; sleep 30; echo never'], dir);
    await r.until(() => r.out().includes('started\n'));
    await new Promise((res) => setTimeout(res, 300));
    r.child.kill('SIGINT');
    await r.until(() => r.err().includes('still runs, untraced — Ctrl-C again kills it'));
    const report = r.out();
    expect(report).toMatch(/Calls still waiting when the trace ended \(2\)\n {2}pid \d+: wait4,/);
    // It waited until the Ctrl-C (300 ms and more), not just until the trace's last line.
    const waited = /pid \d+: clock_nanosleep 30 s, since [\d:.]+ \(at least ([\d.]+) (ms|s)\)/.exec(report);
    expect(waited).not.toBeNull();
    expect(Number(waited![1]) * (waited![2] === 'ms' ? 1e-3 : 1)).toBeGreaterThanOrEqual(0.25);
    expect(report).toContain('[critical] pending-at-end');
    expect(report).toContain('recording-stopped: the recording was stopped by Ctrl-C');
    const sh = runningPid(r.err());
    expect(alive(sh)).toBe(true);
    expect(readFileSync(`/proc/${sh}/status`, 'latin1')).toMatch(/^TracerPid:\s+0$/m);
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(130);
    expect(r.out()).not.toMatch(/^never$/m);
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(sh)).toBe(false);
  });

  it('on SIGTERM detaches, reports, and exits leaving the command running', async () => {
    const dir = cwd();
    const r = start(['--out', 'cap', '--', 'sh', '-c', 'echo started; exec sleep 30'], dir);
    await r.until(() => r.out().includes('started\n'));
    await new Promise((res) => setTimeout(res, 200));
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    const m = /pid (\d+) still runs, untraced/.exec(r.err());
    expect(m).not.toBeNull();
    const pid = Number(m![1]);
    expect(alive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    expect(manifestOf(join(dir, 'cap')).end).toEqual({ how: 'terminated', exit: null });
  });

  it('says that gaps may be filtered calls when --syscalls filtered them; the same files without the manifest read as before', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--width', '400', '--syscalls', 'execve,clone,clone3,wait4,exit_group', '--', 'sh', '-c', 'sleep 0.2; exec true'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/filtered-trace: recorded with --syscalls execve,clone,clone3,wait4,exit_group \(strace -e trace=execve,clone,clone3,wait4,exit_group\)/);
    expect(r.stdout).toContain('with: strace');
    expect(r.stdout).toContain('only execve,clone,clone3,wait4,exit_group');
    cpSync(join(dir, 'cap'), join(dir, 'bare'), { recursive: true });
    rmSync(join(dir, 'bare', 'capture.json'));
    const bare = spawnSync(process.execPath, [BIN, 'bare', '--json'], { cwd: dir, encoding: 'utf8' });
    const withIt = spawnSync(process.execPath, [BIN, 'cap', '--json'], { cwd: dir, encoding: 'utf8' });
    const b = JSON.parse(bare.stdout);
    const w = JSON.parse(withIt.stdout);
    expect(b.capture).toBeUndefined();
    expect(w.capture.options.syscalls).toBe('execve,clone,clone3,wait4,exit_group');
    // Only what the manifest says differs: its own field and the certain warning in place of a guess.
    const strip = (x: Record<string, unknown>) => JSON.stringify({ ...x, input: null, capture: undefined, warnings: undefined });
    expect(strip(w)).toBe(strip(b).replaceAll('bare/', 'cap/'));
    expect(b.warnings.some((x: { message: string }) => x.message.includes('--syscalls'))).toBe(false);
  });

  it('with --no-follow-threads traces the first thread only, into one file, and says so for certain', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--width', '400', '--no-follow-threads', '--', 'sh', '-c', 'sleep 0.1; exec true'], dir);
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'cap')).sort()).toEqual(['capture.json', 'trace']);
    expect(manifestOf(join(dir, 'cap')).strace.argv).not.toContain('-ff');
    expect(r.stdout).toContain('children-not-followed: recorded with --no-follow-threads (strace without -f)');
    expect(r.stdout).toContain('with: strace');
    expect(r.stdout).toContain('first thread only');
  });

  const stack = CAN && /stack-trace=/.test(spawnSync(STRACE, ['-V'], { encoding: 'utf8' }).stdout);
  it.skipIf(!stack)('with --stack records a stack under each call, and the report reads every line', () => {
    const dir = cwd();
    const r = record(['--out', 'cap', '--json', '--stack', '--', 'true'], dir);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.capture.strace.argv).toContain('-k');
    expect(readFileSync(join(dir, 'cap', readdirSync(join(dir, 'cap')).find((f) => f.startsWith('trace.'))!), 'utf8')).toMatch(/^ > /m);
    expect(report.input.unparsed).toBe(0);
  });

  it('a glob over the capture directory does not read the manifest as a trace', () => {
    const dir = cwd();
    expect(record(['--out', 'cap', '--no-report', '--', 'true'], dir).status).toBe(0);
    const r = spawnSync(process.execPath, [BIN, 'cap/*'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^strace-gaps: 1 input, [\d,]+ lines \(0 unparsed\)/);
    expect(r.stdout).toContain('recorded: true on ');
  });

  it('is one line and exit 2 when strace is not on PATH', () => {
    const dir = cwd();
    const r = record(['--', 'true'], dir, { PATH: join(dir, 'no-such-dir') });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'strace-gaps: strace is not installed (it is not on PATH) — install it (apt-get install strace, dnf install strace, apk add strace), or give its path with --strace PATH\n',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is one line and exit 2 for an output directory that is not empty, a pid that does not exist, a command that does not', () => {
    const dir = cwd();
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'x'), '');
    const full = record(['--out', 'full', '--', 'true'], dir);
    expect([full.status, full.stderr]).toEqual([2, 'strace-gaps: the output directory is not empty (full) — give a new or empty directory, so a capture never mixes with another\n']);
    const pid = record(['--pid', '999999999'], dir);
    expect([pid.status, pid.stderr]).toEqual([2, 'strace-gaps: no process has pid 999999999 — check the pid (ps -e), and that it still runs\n']);
    const cmd = record(['--', 'no-such-command-here'], dir);
    expect([cmd.status, cmd.stderr]).toEqual([2, 'strace-gaps: no such command: no-such-command-here — check its name, or give its path (it is not on PATH)\n']);
    const both = record(['--pid', '1', '--', 'true'], dir);
    expect(both.status).toBe(2);
    expect(readdirSync(dir)).toEqual(['full']);
  });

  // Root without CAP_SYS_PTRACE may not trace another user's process: a real refusal by the kernel.
  const canDropCap = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!canDropCap)('says why ptrace was refused: root without CAP_SYS_PTRACE, attaching to another user\'s process', async () => {
    const dir = cwd();
    const target = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sleep', '20'], { detached: true, stdio: 'ignore' });
    started.push(target);
    await new Promise((res) => setTimeout(res, 200));
    const r = spawnSync('setpriv', ['--bounding-set=-sys_ptrace', '--', process.execPath, BIN, 'record', '--out', 'cap', '--pid', String(target.pid)], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      `strace-gaps: ptrace is not permitted on pid ${target.pid}: this runs as root but without CAP_SYS_PTRACE (containers drop it by default) — ` +
        'add the capability: docker run --cap-add=SYS_PTRACE, or securityContext.capabilities.add: ["SYS_PTRACE"] in Kubernetes',
    );
    expect(existsSync(join(dir, 'cap'))).toBe(false);
  });
});
