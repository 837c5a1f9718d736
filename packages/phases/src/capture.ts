/**
 * The manifest `strace-gaps record` writes next to a capture (`capture.json`, docs/capture.md): how
 * the trace was made. A report that has it states the options instead of guessing them from the
 * lines (a `-e trace=` filter, strings cut by `-s`, threads and children not followed).
 */
import { formatCount } from './format.js';
import type { Warning } from './model.js';

/** What the traced side was: a command `record` started, or a process it attached to. */
export type CaptureTarget =
  | { readonly command: readonly string[] }
  | { readonly pid: number; readonly name: string | null };

/** How a recording ended. */
export interface CaptureEnd {
  /**
   * `exited`: every traced process ended (the command's status is in `exit`); `interrupted` or
   * `terminated`: SIGINT or SIGTERM stopped the recording and strace detached, the program went on;
   * `killed`: a second Ctrl-C killed the command `record` started; `target-exited`: the attached
   * process ended and strace detached from what it left running.
   */
  readonly how: 'exited' | 'interrupted' | 'terminated' | 'killed' | 'target-exited';
  /** The started command's own end; `null` when it was still running, or for `--pid`. */
  readonly exit: { readonly code: number | null; readonly signal: string | null } | null;
}

export interface CaptureManifest {
  readonly format: 'strace-gaps-capture';
  readonly version: 1;
  /** `strace-gaps 0.3.0`. */
  readonly recorder: string;
  readonly strace: {
    readonly path: string;
    /** As `strace -V` says it (`6.1`); `null` when it did not say. */
    readonly version: string | null;
    /** The exact command line, strace's path first. */
    readonly argv: readonly string[];
  };
  readonly traced: CaptureTarget;
  /** The trace files are `PREFIX.PID` in the manifest's directory (just `PREFIX` without -f). */
  readonly prefix: string;
  readonly host: string;
  /** `uname -sr`: `Linux 6.1.0-18-amd64`. */
  readonly kernel: string;
  /** ISO 8601, UTC. */
  readonly started: string;
  /** `null` while the recording runs (or when it was cut short). */
  readonly ended: string | null;
  /**
   * `ended` as strace's `-tt` prints it (local time of day, `07:02:36.551000`): calls still
   * waiting when the recording stopped waited until then, past the trace's last line.
   */
  readonly endedClock?: string | null;
  readonly options: {
    /** `-s`: strings longer than this many bytes are cut (`"…"...`). */
    readonly strings: number;
    /** `-e trace=`: only these calls were traced; `null` for all. */
    readonly syscalls: string | null;
    /** `-k`: a stack under each call. */
    readonly stack: boolean;
    /** `-f`: threads and children followed. */
    readonly followThreads: boolean;
  };
  readonly end: CaptureEnd | null;
}

/** The file name `record` gives the manifest. */
export const CAPTURE_FILE = 'capture.json';

/**
 * Reads a manifest; `problem` says what is wrong with one that is not (a hand-edited file, a newer
 * version), so the caller can say so and read the traces without it.
 */
export function parseCaptureManifest(text: string): { readonly manifest: CaptureManifest } | { readonly problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON (${(err as Error).message})` };
  }
  if (!isObject(data) || data.format !== 'strace-gaps-capture') return { problem: 'not a strace-gaps capture manifest (no "format": "strace-gaps-capture")' };
  if (data.version !== 1) return { problem: `manifest version ${JSON.stringify(data.version)}, this strace-gaps reads version 1` };
  const strace = data.strace;
  const options = data.options;
  const traced = data.traced;
  if (!isObject(strace) || typeof strace.path !== 'string' || !Array.isArray(strace.argv) || !strace.argv.every((a) => typeof a === 'string')) {
    return { problem: '"strace" must hold its path and argv' };
  }
  if (
    !isObject(options) ||
    typeof options.strings !== 'number' ||
    !(options.syscalls === null || typeof options.syscalls === 'string') ||
    typeof options.stack !== 'boolean' ||
    typeof options.followThreads !== 'boolean'
  ) {
    return { problem: '"options" must hold strings, syscalls, stack and followThreads' };
  }
  const command = isObject(traced) && Array.isArray(traced.command) && traced.command.every((a) => typeof a === 'string');
  const pid = isObject(traced) && typeof traced.pid === 'number';
  if (!command && !pid) return { problem: '"traced" must hold a command or a pid' };
  for (const key of ['recorder', 'prefix', 'host', 'kernel', 'started'] as const) {
    if (typeof data[key] !== 'string') return { problem: `"${key}" must be a string` };
  }
  return { manifest: data as unknown as CaptureManifest };
}

/**
 * What the options a manifest records mean for the report. A `-e trace=` filter is certain here,
 * so its warning replaces the guess the analysis makes from which calls a trace lacks.
 */
export function captureWarnings(m: CaptureManifest, guessed: readonly Warning[]): Warning[] {
  const o = m.options;
  // What the manifest says for certain replaces what the analysis guessed from the lines.
  const out = guessed.filter((w) => !(w.code === 'filtered-trace' && o.syscalls !== null) && !(w.code === 'children-not-followed' && !o.followThreads));
  if (o.syscalls !== null) {
    out.push({
      code: 'filtered-trace',
      message:
        `recorded with --syscalls ${o.syscalls} (strace -e trace=${o.syscalls}): only those calls are in the trace, so a silent gap may be ` +
        'time in calls that were filtered out, not time without calls. Record again without --syscalls to tell them apart',
      file: null,
      line: null,
    });
  }
  if (!o.followThreads) {
    out.push({
      code: 'children-not-followed',
      message:
        'recorded with --no-follow-threads (strace without -f): only the first thread of the command was traced, so the time of its threads and ' +
        'children shows as its own waits. Record again with --follow-threads to see them',
      file: null,
      line: null,
    });
  }
  if (m.end !== null && (m.end.how === 'interrupted' || m.end.how === 'terminated')) {
    out.push({
      code: 'recording-stopped',
      message:
        `the recording was stopped by ${m.end.how === 'interrupted' ? 'Ctrl-C (SIGINT)' : 'SIGTERM'} and strace detached: the calls still waiting then are ` +
        'listed as pending, and what came after is not in the trace',
      file: null,
      line: null,
    });
  }
  return dedupe(out);
}

/** The header's lines for a recorded capture: what was traced where and when, how, and how it ended. */
export function captureLines(m: CaptureManifest): string[] {
  const out = [`recorded: ${captureTargetText(m.traced)} on ${m.host} (${m.kernel}), ${m.started.replace(/\.\d+Z$/, 'Z')}`, `with: ${captureSummary(m)}`];
  const end = captureEndText(m);
  out.push(`ended: ${end ?? 'not recorded (the recording was cut short)'}`);
  return out;
}

/**
 * When the capture ended, as the trace prints a time, for calls still waiting then: only for a
 * recording that was stopped (strace detached) — one that ran to its end ends at its last line.
 */
export function captureUntil(m: CaptureManifest): string | null {
  return m.end === null || m.end.how === 'exited' ? null : (m.endedClock ?? null);
}

/** One line for a report's header: the strace, the options that change what the trace can show. */
export function captureSummary(m: CaptureManifest): string {
  const o = m.options;
  const parts = [
    `strace ${m.strace.version ?? '(version unknown)'}`,
    `strings cut at ${formatCount(o.strings)} bytes`,
    o.syscalls === null ? 'all calls' : `only ${o.syscalls}`,
    o.followThreads ? 'threads and children followed' : 'first thread only',
  ];
  if (o.stack) parts.push('stacks');
  return parts.join(', ');
}

/** How the recording ended, for a header; `null` when the manifest does not say (a cut recording). */
export function captureEndText(m: CaptureManifest): string | null {
  const e = m.end;
  if (e === null) return null;
  const status = e.exit === null ? '' : e.exit.signal !== null ? `, the command was killed by ${e.exit.signal}` : e.exit.code !== null ? `, the command exited with ${e.exit.code}` : '';
  switch (e.how) {
    case 'exited':
      return `every traced process ended${status}`;
    case 'interrupted':
      return 'stopped by Ctrl-C: strace detached, the traced program went on';
    case 'terminated':
      return 'stopped by SIGTERM: strace detached, the traced program went on';
    case 'killed':
      return 'stopped by Ctrl-C twice: the command was killed';
    case 'target-exited':
      return 'the attached process ended; strace detached from what it left running';
  }
}

/** The traced side, for a header: the command as a shell would show it, or the pid. */
export function captureTargetText(t: CaptureTarget): string {
  if ('command' in t) return t.command.map(shellWord).join(' ');
  return `pid ${t.pid}${t.name === null ? '' : ` (${t.name})`} and what it started`;
}

/** A word as a POSIX shell would need it: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function dedupe(ws: Warning[]): Warning[] {
  const seen = new Set<string>();
  return ws.filter((w) => {
    const key = `${w.code}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
