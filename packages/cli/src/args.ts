/**
 * The command line, defined once as data: yargs reads it, and so do the docs.
 */
export const COMMAND = {
  name: 'strace-gaps',
  usage: '$0 [options] <files...>\n$0 diff [options] <fast files...> -- <slow files...>\n$0 record [options] -- <command> [args...]',
  recordUsage: '$0 record [options] -- <command> [args...]\n$0 record [options] --pid <pid>',
  recordDescription:
    'Run a command under strace with the options strace-gaps reads best (-ff -tt -T -s 4096), or attach to a running process ' +
    'and what it starts, into a new capture directory with a manifest (capture.json); then print the report of it, as ' +
    '`strace-gaps DIR` would. The command keeps its stdin, stdout and stderr. Ctrl-C or SIGTERM stops the recording ' +
    '(strace detaches, the program goes on) and reports what was captured; a second Ctrl-C kills a command record started. ' +
    'Exit status: the command\'s own when it failed, else the report\'s; 2 when the recording could not be made.',
  diffUsage: '$0 diff [options] <fast files...> -- <slow files...>\n$0 diff [options] <fast dir or glob> <slow dir or glob>',
  diffDescription:
    'Compare a fast start with a slow one of the same program: phases aligned by kind, programs by path, processes by ' +
    'role (pids differ between captures), the gaps that grew, the diagnoses of one side, and in the first line what made ' +
    'the slow one slow.',
  description:
    'Read strace logs (-ff files, a directory of them, one -f file, .gz, or - for stdin) and report where the ' +
    'wall-clock time went: phases, the longest gaps with their lines, the process tree, and diagnoses.',
  examples: [
    ['$0 ./s6.out.*', 'every file of a `strace -ff -o s6.out` capture'],
    ["$0 'traces/s6.out.*'", 'a quoted glob, expanded by strace-gaps itself (any shell)'],
    ['$0 traces/', 'every file in a directory of -ff files'],
    ['strace -f -tt -T CMD 2>&1 >/dev/null | $0 -', 'straight from strace, through stdin'],
    ['$0 --top 5 --min-gap 100ms trace.log.gz', 'the 5 longest gaps of at least 100 ms, from a gzip log'],
    ['$0 --pid 1234 ./s6.out.*', 'gaps and phases of one process (and its threads)'],
    ['$0 --format markdown ./s6.out.* > report.md', 'a report to paste into an issue or a ticket'],
    ['$0 --json trace.log > report.json', 'one JSON document (docs/json-schema.md)'],
    ['$0 --html report.html ./s6.out.*', 'also write one HTML page with a zoomable timeline (opens offline)'],
    ['$0 --format trace-event ./s6.out.* > trace.json', 'every call on a timeline: open trace.json in ui.perfetto.dev'],
    ['$0 --fail-on-gap 2s ./s6.out.*', 'in CI: exit 1 when any gap is 2 s or longer'],
    ["$0 diff 'fast/s6.out.*' 'slow/s6.out.*'", 'what grew between a fast and a slow start (two globs or directories)'],
    ['$0 diff fast/s6.out.* -- slow/s6.out.*', 'the same with shell-expanded files: fast ones, --, slow ones'],
    ['$0 record -- ./start.sh --port 8080', 'record a start under strace into a new strace-gaps-DATE-TIME/ directory, then report it'],
    ['$0 record --out /tmp/shim --pid 4242', 'attach to a running process (a containerd shim) and what it starts, until it exits or Ctrl-C'],
  ],
} as const;

/** Exit codes; the CLI's contract with scripts (docs/cli.md lists them from here). */
export const EXIT_CODES = [
  [0, 'A report was produced.'],
  [1, 'A report was produced, and it holds what `--fail-on-gap` asked to fail on.'],
  [2, 'Usage or input error: a bad option, no matching file, an unreadable or corrupt file, mixed clocks. One line on stderr says what, where, and what to do.'],
  [70, 'Internal error (a bug): please report it with the command line; `--debug` prints the stack.'],
  [130, '`record` only: a second Ctrl-C killed the command it started. (When the recorded command fails by itself, `record` exits with its status: its exit code, or 128 + the signal that killed it.)'],
  [141, 'Output closed: the reader of stdout went away (`strace-gaps … | head`); nothing is printed, as with a program that SIGPIPE ends.'],
] as const;

export const FORMATS = ['text', 'json', 'markdown', 'trace-event'] as const;
export type Format = (typeof FORMATS)[number];

export const OPTIONS = {
  format: {
    type: 'string',
    choices: FORMATS,
    default: 'text',
    describe:
      'Output: text for a terminal, one JSON document, Markdown for an issue or a ticket, or trace-event: a timeline of every call for ui.perfetto.dev or chrome://tracing (Chrome Trace Event JSON)',
  },
  html: {
    type: 'string',
    describe: 'Also write the report as one self-contained HTML page to this file: a zoomable timeline of phases, processes and gaps, the diagnoses and the tables (no network needed)',
  },
  json: {
    type: 'boolean',
    default: false,
    describe: 'Same as --format json',
  },
  top: {
    type: 'number',
    default: 10,
    describe: 'How many gaps of each kind (waits, silent gaps) to show',
  },
  'min-gap': {
    type: 'string',
    default: '1ms',
    describe: 'Ignore gaps shorter than this (e.g. 500us, 100ms, 2s; a bare number is seconds)',
  },
  pid: {
    // Not `array: true`: that would take the file names after `--pid 1234` as more pids. A
    // repeated option becomes an array by itself.
    type: 'number',
    requiresArg: true,
    describe: 'Only this process (and its threads); repeat for more',
  },
  ready: {
    type: 'string',
    requiresArg: true,
    describe:
      'What marks the start as over: a program name or path (its first exec), listen (the first listen()), or a time as the trace prints it (e.g. 11:01:42.297482). Default: the last exec of a process still running at the end (or at the stop), its listen() if it then listens; or, when every process ended, the first process\'s exit',
  },
  from: {
    type: 'string',
    requiresArg: true,
    describe: 'Where the start begins, as a time the trace prints (e.g. 11:01:35.040000); default its first line',
  },
  width: {
    type: 'number',
    requiresArg: true,
    describe: 'Columns of the text report (default: the terminal\'s width, or 80 when it is not a terminal)',
  },
  'fail-on-gap': {
    type: 'string',
    describe: 'Exit 1 (after printing the report) when a gap is at least this long, e.g. 2s',
  },
  jobs: {
    alias: 'j',
    type: 'number',
    requiresArg: true,
    describe: 'Threads to read a set of files on (default: one per core, at most 4, when the files add up to 256 MB or more; 1 reads on one thread). The files are shared out in pieces, at most one thread a file: one -f file is read on one thread. The report is the same either way',
  },
  'max-issues': {
    type: 'number',
    default: 20,
    describe: 'How many unparsed lines to show (with file:line)',
  },
  color: {
    type: 'boolean',
    describe: 'Colour the text report (default: only when stdout is a terminal and NO_COLOR is not set); --no-color turns it off',
  },
  quiet: {
    alias: 'q',
    type: 'boolean',
    default: false,
    describe: 'No progress on stderr (it shows only when stderr is a terminal)',
  },
  debug: {
    type: 'boolean',
    default: false,
    describe: 'Show stack traces of errors, and how the input was read (threads, and why a file was not split)',
  },
} as const;

/**
 * `record`'s own options; the report's apply too, except that `--pid` attaches (narrow the report
 * to one process afterwards with `strace-gaps --pid N DIR`).
 */
export const RECORD_OPTIONS = {
  out: {
    type: 'string',
    requiresArg: true,
    describe: 'The capture directory to write: new, or empty (default: a new strace-gaps-YYYYMMDD-HHMMSS in the current directory)',
  },
  pid: {
    type: 'number',
    requiresArg: true,
    describe: 'Attach to this running process (all its threads) and everything it starts afterwards, until it exits or Ctrl-C, instead of running a command',
  },
  strace: {
    type: 'string',
    requiresArg: true,
    describe: 'The strace to run (default: strace on PATH)',
  },
  report: {
    type: 'boolean',
    default: true,
    describe: 'Print the report when the recording ends; --no-report only records (read it later with strace-gaps DIR)',
  },
  strings: {
    type: 'number',
    default: 4096,
    requiresArg: true,
    describe: 'How many bytes of each string argument strace prints (-s); longer ones are cut',
  },
  syscalls: {
    type: 'string',
    requiresArg: true,
    describe: 'Trace only these calls (strace -e trace=SET, e.g. %process,%net,openat): less overhead, but the report then warns that a silent gap may be filtered calls',
  },
  stack: {
    type: 'boolean',
    default: false,
    describe: 'A stack trace under each call (strace -k), when this strace was built with it; slow',
  },
  'follow-threads': {
    type: 'boolean',
    default: true,
    describe:
      'Follow threads and children (strace -f). strace cannot follow children without threads, so --no-follow-threads traces the first thread of the command only: for a program whose threads make tracing too slow',
  },
} as const;

/** What `record` does, after parsing. */
export interface RecordOptions {
  /** The command and its arguments (after `--`); empty with `--pid`. */
  readonly command: readonly string[];
  /** `--pid`: attach instead of running a command. */
  readonly pid: number | null;
  /** `--out`; `null`: a new `strace-gaps-YYYYMMDD-HHMMSS` in the current directory. */
  readonly out: string | null;
  /** `--strace`; `null`: strace on PATH. */
  readonly strace: string | null;
  readonly report: boolean;
  readonly strings: number;
  readonly syscalls: string | null;
  readonly stack: boolean;
  readonly followThreads: boolean;
}

/** The options after parsing. */
export interface CliOptions {
  readonly files: readonly string[];
  readonly format: Format;
  readonly top: number;
  /** Seconds. */
  readonly minGap: number;
  readonly pids: readonly number[];
  /** Seconds; `null` without `--fail-on-gap`. */
  readonly failOnGap: number | null;
  readonly maxIssues: number;
  /** `null`: decide from the terminal and the environment. */
  readonly color: boolean | null;
  readonly quiet: boolean;
  readonly debug: boolean;
  /** `--jobs N`; `null`: decide from the input's size and the cores. */
  readonly jobs: number | null;
  /** `--html FILE`: where to write the HTML report; `null` without it. */
  readonly html: string | null;
  /** `--ready`: program, `listen` or a time; `null`: the default rule. */
  readonly ready: string | null;
  /** `--from`: a time as the trace prints it; `null`: the first line. */
  readonly from: string | null;
  /** `--width`; `null`: the terminal's, or 80. */
  readonly width: number | null;
  /** Not a flag: when a recorded capture ended (its manifest's `endedClock`), for calls still waiting then. */
  readonly until: string | null;
}

const UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, min: 60 };

/** `2s`, `500ms`, `250us`, `1.5` (seconds) → seconds; `null` if it is none of these. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zµ]*)\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const scale = unit === '' ? 1 : UNITS[unit];
  return scale === undefined ? null : Number(m[1]) * scale;
}
