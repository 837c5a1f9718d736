/**
 * `strace-gaps record`: check that a recording can be made (strace there, ptrace allowed, the
 * command or pid there, the directory new), record into it with a manifest, then report it as
 * `strace-gaps DIR` would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, hostname, release, type } from 'node:os';
import { join, resolve } from 'node:path';
import { type CaptureManifest } from '@strace-gaps/phases';
import { CAPTURE_FILE } from '@strace-gaps/phases/internal';
import { COMMAND, type CliOptions, type RecordOptions } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';
import { VERSION, parseArgv, reportOptionsOf, runReport, type ParsedArgs } from '../run.js';
import { TRACE_PREFIX, defaultCaptureName, findExecutable, parseStraceVersion, straceArgv, type StraceVersion } from './plan.js';
import { alive, procStat } from './procfs.js';
import { ptraceAdvice, readPtraceFacts } from './ptrace.js';
import { AttachRecording, CommandRecording, type Recording } from './recorder.js';

const INSTALL_HINT = 'install it (apt-get install strace, dnf install strace, apk add strace), or give its path with --strace PATH';

/** `record [options] -- COMMAND…` or `record [options] --pid PID`; resolves to the exit code. */
export async function runRecord(argv: readonly string[], io: CliIo): Promise<number> {
  const split = argv.indexOf('--');
  const parsed = await parseArgv(split < 0 ? argv : argv.slice(0, split), io, 'record');
  if (parsed === 'exit') return EXIT.ok;
  const command = split < 0 ? [] : argv.slice(split + 1);
  const record = recordOptionsOf(parsed, command);
  const report = reportOptionsOf(parsed, 'record');
  const strace = locateStrace(record.strace, io);
  const straceVersion = readStraceVersion(strace);
  if (record.stack && !straceVersion.stack) {
    throw new CliError('strace-unusable', `this strace cannot print stacks (-k): it was built without stack-trace support`, strace, 'drop --stack, or install a strace built with libunwind or libdw');
  }
  if (record.pid !== null && !alive(record.pid)) throw new CliError('no-process', `no process has pid ${record.pid}`, null, 'check the pid (ps -e), and that it still runs');
  let target: { command: string[] } | { pid: number };
  if (record.pid !== null) target = { pid: record.pid };
  else {
    const name = command[0] as string;
    if (findExecutable(name, io.env?.PATH, io.cwd) === null) {
      throw new CliError('no-command', `no such command: ${name}`, null, name.includes('/') ? 'check the path, and that the file is executable' : 'check its name, or give its path (it is not on PATH)');
    }
    checkPtrace(strace, io);
    target = { command: [...command] };
  }
  const dir = makeCaptureDir(record.out, io);
  const prefixPath = join(dir.absolute, TRACE_PREFIX);
  const args = straceArgv({ prefixPath, strings: record.strings, syscalls: record.syscalls, stack: record.stack, followThreads: record.followThreads, target });
  let manifest: CaptureManifest = {
    format: 'strace-gaps-capture',
    version: 1,
    recorder: `${COMMAND.name} ${VERSION}`,
    strace: { path: strace, version: straceVersion.version, argv: [strace, ...args] },
    traced: 'pid' in target ? { pid: target.pid, name: procStat(target.pid)?.comm ?? null } : { command: target.command },
    prefix: TRACE_PREFIX,
    host: hostname(),
    kernel: `${type()} ${release()}`,
    started: new Date().toISOString(),
    ended: null,
    endedClock: null,
    options: { strings: record.strings, syscalls: record.syscalls, stack: record.stack, followThreads: record.followThreads },
    end: null,
  };
  // Written first, so a recording cut short (strace-gaps killed) still says how it was made.
  writeManifest(dir.absolute, manifest);
  const note = (line: string) => {
    if (!report.quiet) io.stderr.write(`${COMMAND.name}: ${line}\n`);
  };
  // An attach may be refused: said once strace writes, so a refusal stays the one line of its error.
  if (!('pid' in target)) note(`recording into ${dir.shown}/ (Ctrl-C stops the recording)`);
  const attached = () => readdirSync(dir.absolute).some((f) => f !== CAPTURE_FILE);
  const recording = 'pid' in target ? new AttachRecording(strace, args, target.pid, note, attached) : new CommandRecording(strace, args, note);
  // For as long as strace-gaps runs: a second Ctrl-C during the report still kills the command.
  const off = io.onSignal?.((signal) => recording.signal(signal));
  try {
    let rec: Recording;
    try {
      rec = await recording.run();
    } catch (err) {
      throw new CliError('strace-unusable', `strace could not be started (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, strace, 'check that it is an executable strace', EXIT.usage, { cause: err });
    }
    return await finish(rec, recording, manifest, dir, { strace, pid: record.pid, report: record.report ? report : null, note }, io);
  } finally {
    off?.();
  }
}

/** Completes the manifest, checks that there is a trace, and reports it; resolves to the exit code. */
async function finish(
  rec: Recording,
  recording: CommandRecording | AttachRecording,
  started: CaptureManifest,
  dir: CaptureDir,
  how: { strace: string; pid: number | null; report: CliOptions | null; note: (line: string) => void },
  io: CliIo,
): Promise<number> {
  const manifest: CaptureManifest = { ...started, started: rec.started.toISOString(), ended: rec.ended.toISOString(), endedClock: timeOfDay(rec.ended), end: rec.end };
  writeManifest(dir.absolute, manifest);
  const traces = readdirSync(dir.absolute).filter((f) => f !== CAPTURE_FILE);
  if (traces.length === 0 || attachFailed(rec)) {
    // Nothing to read later: no capture directory left behind for a recording that did not happen.
    if (traces.length === 0) rmSync(dir.created ? dir.absolute : join(dir.absolute, CAPTURE_FILE), { recursive: true, force: true });
    throw recordingError(rec, how.strace, how.pid, dir.shown);
  }
  how.note(`recorded ${traces.length} trace ${traces.length === 1 ? 'file' : 'files'} in ${dir.shown}/` + (rec.stillRunning === null ? '' : `; pid ${rec.stillRunning} still runs, untraced`));
  const code = how.report !== null ? await runReport({ ...how.report, files: [dir.shown] }, io) : EXIT.ok;
  if (!(recording instanceof CommandRecording)) return code;
  let exit = rec.end.exit;
  if (rec.stillRunning !== null && rec.end.how === 'interrupted' && !recording.killed) {
    // Started in the foreground, it stays there: not left behind, writing to the terminal unseen.
    how.note(`the command (pid ${rec.stillRunning}) still runs, untraced — Ctrl-C again kills it`);
    exit = await recording.commandExit();
  } else if (rec.stillRunning !== null) recording.release();
  if (recording.killed) return EXIT_INTERRUPTED;
  return commandFailure(exit) ?? code;
}

/** What a shell reports for a command Ctrl-C ended: 128 + SIGINT. */
const EXIT_INTERRUPTED = 130;
/** The command's own status when it failed: its exit code, or 128 + the signal that killed it. */
function commandFailure(e: Recording['end']['exit']): number | null {
  if (e === null) return null;
  if (e.signal !== null) return 128 + (signalNumber(e.signal) ?? 0);
  return e.code !== null && e.code !== 0 ? e.code : null;
}

function signalNumber(name: string): number | null {
  return (constants.signals as Readonly<Record<string, number>>)[name] ?? null;
}

function recordOptionsOf(parsed: ParsedArgs, command: readonly string[]): RecordOptions {
  const a = parsed as unknown as {
    _: unknown[];
    out?: string;
    pid?: unknown;
    strace?: string;
    report: boolean;
    strings: number;
    syscalls?: string;
    stack: boolean;
    'follow-threads': boolean;
  };
  if (a._.length > 0) {
    throw new CliError('usage', `record takes its command after --, not ${JSON.stringify(String(a._[0]))}`, null, `e.g. ${COMMAND.name} record -- ${a._.map(String).join(' ')}`);
  }
  if (Array.isArray(a.pid)) throw new CliError('usage', 'record attaches to one --pid', null, 'give one pid (the parent of what you want to trace)');
  const pid = a.pid === undefined ? null : Number(a.pid);
  if (pid !== null && (!Number.isInteger(pid) || pid <= 0)) throw new CliError('usage', `--pid must be a process id, not ${String(a.pid)}`, null, 'e.g. --pid 1234');
  if (pid !== null && command.length > 0) throw new CliError('usage', 'record runs a command or attaches to a --pid, not both', null, 'drop the command after --, or --pid');
  if (pid === null && command.length === 0) {
    throw new CliError('usage', 'record needs a command after -- (or --pid PID)', null, `e.g. ${COMMAND.name} record -- ./start.sh, or ${COMMAND.name} record --pid 1234`);
  }
  if (!Number.isInteger(a.strings) || a.strings < 0) throw new CliError('usage', `--strings must be a whole number ≥ 0, not ${String(a.strings)}`, null, 'e.g. --strings 4096');
  if (a.syscalls !== undefined && a.syscalls.trim() === '') throw new CliError('usage', '--syscalls needs a set of calls', null, 'e.g. --syscalls %process,%net,openat');
  if (a.out !== undefined && a.out.trim() === '') throw new CliError('usage', '--out needs a directory', null, 'e.g. --out /tmp/capture');
  return {
    command,
    pid,
    out: a.out ?? null,
    strace: a.strace ?? null,
    report: a.report,
    strings: a.strings,
    syscalls: a.syscalls?.trim() ?? null,
    stack: a.stack,
    followThreads: a['follow-threads'],
  };
}

/** `--strace PATH`, else strace on PATH: an absolute path, or a one-line error saying how to install it. */
function locateStrace(given: string | null, io: Pick<CliIo, 'env' | 'cwd'>): string {
  if (given !== null) {
    const found = findExecutable(given.includes('/') ? given : `./${given}`, undefined, io.cwd);
    if (found === null) throw new CliError('strace-missing', 'no executable strace there', given, `check the path given to --strace, or ${INSTALL_HINT}`);
    return found;
  }
  const found = findExecutable('strace', io.env?.PATH, io.cwd);
  if (found === null) throw new CliError('strace-missing', 'strace is not installed (it is not on PATH)', null, INSTALL_HINT);
  return found;
}

function readStraceVersion(strace: string): StraceVersion {
  const r = spawnSync(strace, ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error !== undefined || r.status !== 0 || !/strace/i.test(r.stdout)) {
    throw new CliError('strace-unusable', 'this is not a strace that runs (strace -V failed)', strace, `give another with --strace PATH, or ${INSTALL_HINT}`);
  }
  return parseStraceVersion(r.stdout);
}

/**
 * A started command is traced only if ptrace is allowed: tried on `true` first, so a refusal is
 * one line that says why, not strace's message in the middle of the command's output.
 */
function checkPtrace(strace: string, io: Pick<CliIo, 'env' | 'cwd'>): void {
  const probe = findExecutable('true', io.env?.PATH, io.cwd) ?? findExecutable('/bin/true', undefined, io.cwd);
  if (probe === null) return;
  const r = spawnSync(strace, ['-D', '-qq', '-o', '/dev/null', '--', probe], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0 || r.error !== undefined) return;
  if (/operation not permitted|EPERM/i.test(r.stderr)) {
    const { why, fix } = ptraceAdvice(readPtraceFacts(null));
    throw new CliError('ptrace-denied', `ptrace is not permitted: ${why}`, null, fix);
  }
  throw new CliError('strace-unusable', `strace cannot trace here: ${firstLine(r.stderr)}`, strace, 'run strace -f true by hand to see why');
}

/** strace -p exits 1 when it could not attach (no trace file, or an empty one). */
function attachFailed(rec: Recording): boolean {
  return rec.straceExit !== null && rec.straceExit.code === 1 && /attach|ptrace/i.test(rec.straceStderr);
}

function recordingError(rec: Recording, strace: string, pid: number | null, dir: string): CliError {
  const said = firstLine(rec.straceStderr);
  if (pid !== null && /operation not permitted|EPERM/i.test(rec.straceStderr)) {
    const { why, fix } = ptraceAdvice(readPtraceFacts(pid));
    return new CliError('ptrace-denied', `ptrace is not permitted on pid ${pid}: ${why}`, null, fix);
  }
  if (pid !== null && /no such process|ESRCH/i.test(rec.straceStderr)) return new CliError('no-process', `no process has pid ${pid}`, null, 'check the pid (ps -e), and that it still runs');
  return new CliError('no-trace', `strace wrote no trace${said === '' ? '' : `: ${said}`}`, dir, `run ${strace} -f by hand on the same command to see why`);
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').replace(/^strace: /, '').trim();
}

interface CaptureDir {
  readonly absolute: string;
  /** As the user gave it (or relative to the current directory). */
  readonly shown: string;
  /** Made by this recording (not an empty one given with --out). */
  readonly created: boolean;
}

/** `--out` (new, or an empty directory), else a new `strace-gaps-YYYYMMDD-HHMMSS` here. */
function makeCaptureDir(out: string | null, io: Pick<CliIo, 'cwd'>): CaptureDir {
  if (out !== null) {
    const absolute = resolve(io.cwd, out);
    const st = statOrNull(absolute);
    if (st !== null && !st.isDirectory()) throw new CliError('capture-dir', '--out is a file, not a directory', out, 'give a new or empty directory');
    if (st !== null && readdirSync(absolute).length > 0) throw new CliError('capture-dir', 'the output directory is not empty', out, 'give a new or empty directory, so a capture never mixes with another');
    mkdirOrFail(absolute, out);
    return { absolute, shown: out.replace(/\/+$/, '') || '/', created: st === null };
  }
  const name = defaultCaptureName(new Date());
  for (let i = 1; ; i++) {
    const shown = i === 1 ? name : `${name}-${i}`;
    const absolute = resolve(io.cwd, shown);
    if (statOrNull(absolute) !== null) continue;
    mkdirOrFail(absolute, shown);
    return { absolute, shown, created: true };
  }
}

function mkdirOrFail(absolute: string, shown: string): void {
  try {
    mkdirSync(absolute, { recursive: true });
  } catch (err) {
    throw new CliError('capture-dir', `cannot make the capture directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`, shown, 'check that its parent exists and is writable, or give --out', EXIT.usage, { cause: err });
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** A time as `strace -tt` prints it: local time of day, microseconds (strace's zone is ours: it inherits the environment). */
export function timeOfDay(d: Date): string {
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}000`;
}

function writeManifest(dir: string, m: CaptureManifest): void {
  writeFileSync(join(dir, CAPTURE_FILE), `${JSON.stringify(m, null, 2)}\n`);
}
