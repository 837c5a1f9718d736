/**
 * Running strace for a recording and stopping it cleanly. A started command runs under `strace -D`
 * in a session of its own: the terminal's Ctrl-C reaches only strace-gaps, which tells strace to
 * detach (SIGINT), so the program is never killed by the recording; a second Ctrl-C kills the
 * command's process group. `--pid` runs strace as a plain child, which detaches on SIGINT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { CaptureEnd } from '@strace-gaps/phases';
import { alive, groupMembers, liveProcesses, type ProcessTable } from './procfs.js';

export interface Recording {
  readonly started: Date;
  readonly ended: Date;
  readonly end: CaptureEnd;
  /** A started command that still runs (the recording was stopped): its pid, left running. */
  readonly stillRunning: number | null;
  /** What strace wrote on stderr (`--pid` only: a started command shares its stderr). */
  readonly straceStderr: string;
  /** strace's own exit status (`--pid` only). */
  readonly straceExit: { readonly code: number | null; readonly signal: string | null } | null;
}

/** How often the state of processes that are not our children is read from /proc. */
const POLL_MS = 20;
/** strace detaching thousands of tasks takes a while; past this, it is killed and the trace is what it is. */
const DETACH_GRACE_MS = 10_000;
/** A command that exits while processes it started still run: said once, after this long. */
const LINGER_NOTE_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the child's exit; rejects when it could not be started. */
function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * The tracer of a `strace -D` command: the process tracing it while it runs; once it has ended
 * (within one poll), a process with strace's own command line. While the command runs untraced it
 * has not been attached yet, and a process with that command line is no answer: `-D` forks twice,
 * and the middle process waits, with strace's command line, until the tracer has attached.
 */
export function findTracer(commandPid: number, argvKey: string, proc: ProcessTable = liveProcesses): number | null {
  const t = proc.tracerOf(commandPid);
  if (t !== null) return t;
  if (proc.alive(commandPid)) return null;
  for (const p of proc.list()) {
    if (p.pid !== commandPid && p.ppid !== commandPid && p.cmdline === argvKey && proc.alive(p.pid)) return p.pid;
  }
  return null;
}

/**
 * A recording of a command `record` starts. {@link signal} takes SIGINT and SIGTERM for as long as
 * strace-gaps runs (the report included): the first stops the recording, a second Ctrl-C kills
 * the command.
 */
export class CommandRecording {
  private child: ChildProcess | null = null;
  private exit: { code: number | null; signal: string | null } | null = null;
  private tracer: number | null = null;
  private stop: 'SIGINT' | 'SIGTERM' | null = null;
  private stopAt = 0;
  private killedIt = false;
  private done: Promise<{ code: number | null; signal: string | null }> | null = null;

  constructor(
    private readonly strace: string,
    private readonly argv: readonly string[],
    private readonly note: (line: string) => void,
  ) {}

  /** After a stop: the command's own end, untraced (a second Ctrl-C ends it sooner). */
  async commandExit(): Promise<{ code: number | null; signal: string | null } | null> {
    return this.done === null ? null : await this.done;
  }

  /** After a stop: strace-gaps may exit while the command goes on. */
  release(): void {
    this.child?.unref();
  }

  /** Whether a second Ctrl-C killed the command (during the recording or the report after it). */
  get killed(): boolean {
    return this.killedIt;
  }

  signal(signal: 'SIGINT' | 'SIGTERM'): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (this.stop === null) {
      this.stop = signal;
      this.stopAt = Date.now();
      this.note(`stopping the recording: strace detaches and the command (pid ${pid}) goes on untraced` + (signal === 'SIGINT' ? ' — Ctrl-C again kills it' : ''));
      if (this.tracer !== null) process.kill(this.tracer, 'SIGINT');
      return;
    }
    if (signal !== 'SIGINT' || this.killedIt || this.exit !== null || !alive(pid)) return;
    this.killedIt = true;
    this.note(`killing the command (process group ${pid})`);
    // Not the tracer: it is in the group too (-D forks it from the command), and may still be detaching.
    const spare = new Set([pid, ...(this.tracer === null ? [] : [this.tracer])]);
    for (const p of [pid, ...groupMembers(pid, spare)]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }

  /** Runs `strace -D … -- COMMAND` until every traced process ended, or a signal stopped it. */
  async run(): Promise<Recording> {
    const started = new Date();
    const child = spawn(this.strace, this.argv, { stdio: 'inherit', detached: true });
    const done = exited(child);
    this.done = done;
    done.then((e) => (this.exit = e)).catch(() => undefined);
    await once(child, 'spawn');
    this.child = child;
    const pid = child.pid as number;
    const argvKey = `${[this.strace, ...this.argv].join('\u0000')}\u0000`;
    let lingerNoted = false;
    for (;;) {
      if (this.tracer === null) {
        this.tracer = findTracer(pid, argvKey);
        if (this.tracer !== null && this.stop !== null) process.kill(this.tracer, 'SIGINT');
      }
      // Over when strace is: after the command (and all it left running) ended, or after a stop.
      // A tracer never seen by then came and went within one poll.
      if (this.tracer !== null ? !alive(this.tracer) : this.exit !== null) {
        // The command's 'exit' event may still be on its way: only a command that runs outlived strace.
        if (this.exit === null && this.stop === null && alive(pid)) this.note(`strace (pid ${this.tracer}) ended before the command: the rest of its run is not in the trace`);
        break;
      }
      if (this.exit !== null && !lingerNoted && this.stop === null && Date.now() - started.getTime() > LINGER_NOTE_MS) {
        lingerNoted = true;
        this.note('the command exited; still recording the processes it left running — Ctrl-C stops the recording');
      }
      if (this.stop !== null && this.tracer !== null && Date.now() - this.stopAt > DETACH_GRACE_MS) {
        this.note(`strace (pid ${this.tracer}) did not detach within ${DETACH_GRACE_MS / 1000} s: killing it; the trace ends where it stopped`);
        process.kill(this.tracer, 'SIGKILL');
        this.stopAt = Infinity;
      }
      await Promise.race([done.catch(() => undefined), sleep(POLL_MS)]);
    }
    // The command's 'exit' may come after its tracer's end: a command that ended (or was killed
    // just now) has its status read before the recording is said to be over.
    if (this.exit === null && (this.killedIt || !alive(pid))) await Promise.race([done.catch(() => undefined), sleep(2000)]);
    const running = this.exit === null && alive(pid);
    const how: CaptureEnd['how'] = this.killedIt ? 'killed' : this.stop === 'SIGINT' ? 'interrupted' : this.stop === 'SIGTERM' ? 'terminated' : 'exited';
    return { started, ended: new Date(), end: { how, exit: this.exit }, stillRunning: running ? pid : null, straceStderr: '', straceExit: null };
  }
}

/** A recording of a running process (`--pid`): strace is a plain child and detaches on SIGINT; the process is never signalled. */
export class AttachRecording {
  private child: ChildProcess | null = null;
  private exit: { code: number | null; signal: string | null } | null = null;
  private how: CaptureEnd['how'] = 'exited';
  private stopAt = Infinity;

  constructor(
    private readonly strace: string,
    private readonly argv: readonly string[],
    private readonly target: number,
    private readonly note: (line: string) => void,
    /** Whether strace has begun writing the trace: it is then attached, and the user is told so. */
    private readonly attached: () => boolean,
  ) {}

  signal(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.child === null || this.stopAt !== Infinity || this.exit !== null) return;
    this.note(`stopping the recording: strace detaches; pid ${this.target} is not touched`);
    this.detach(signal === 'SIGINT' ? 'interrupted' : 'terminated');
  }

  private detach(why: CaptureEnd['how']): void {
    if (this.child === null || this.stopAt !== Infinity || this.exit !== null) return;
    this.how = why;
    this.stopAt = Date.now();
    this.child.kill('SIGINT');
  }

  /** Runs `strace -p PID …` until the process ended (strace then detaches from what it left), or a signal stopped it. */
  async run(): Promise<Recording> {
    const started = new Date();
    // A session of its own: the terminal's Ctrl-C is ours to pass on, once.
    const child = spawn(this.strace, this.argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const done = exited(child);
    done.then((e) => (this.exit = e)).catch(() => undefined);
    await once(child, 'spawn');
    this.child = child;
    let told = false;
    while (this.exit === null) {
      if (!told && this.attached()) {
        told = true;
        this.note(`attached to pid ${this.target}: recording it and what it starts until it exits — Ctrl-C stops the recording`);
      }
      if (!alive(this.target)) this.detach('target-exited');
      if (Date.now() - this.stopAt > DETACH_GRACE_MS) {
        this.note(`strace did not detach within ${DETACH_GRACE_MS / 1000} s: killing it; the trace ends where it stopped`);
        child.kill('SIGKILL');
        this.stopAt = -Infinity;
      }
      await Promise.race([done, sleep(POLL_MS * 5)]);
    }
    return { started, ended: new Date(), end: { how: this.how, exit: null }, stillRunning: null, straceStderr: stderr, straceExit: this.exit };
  }
}
