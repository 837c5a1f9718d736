/**
 * The command line, defined once as data: yargs reads it, and so do the docs.
 */
export const COMMAND = {
  name: 'strace-gaps',
  usage: '$0 [options] <files...>',
  description:
    'Read strace logs (-ff files, one -f file, .gz, or - for stdin) and report where the wall-clock time went: ' +
    'phases, the longest gaps with their lines, the process tree, and diagnoses.',
  examples: [
    ['$0 ./s6.out.*', 'every file of a `strace -ff -o s6.out` capture'],
    ["$0 'traces/s6.out.*'", 'a quoted glob, expanded by strace-gaps itself'],
    ['$0 --top 5 --min-gap 100ms trace.log', 'the 5 longest gaps of at least 100 ms'],
    ['$0 --pid 1234 ./s6.out.*', 'gaps and phases of one process (and its threads)'],
    ['$0 --json trace.log > report.json', 'one JSON document (docs/json-schema.md)'],
  ],
} as const;

export const OPTIONS = {
  json: {
    type: 'boolean',
    default: false,
    describe: 'Print one JSON document instead of text',
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
    type: 'number',
    array: true,
    describe: 'Only this process (and its threads); repeat for more',
  },
  'max-issues': {
    type: 'number',
    default: 20,
    describe: 'How many unparsed lines to show (with file:line)',
  },
  debug: {
    type: 'boolean',
    default: false,
    describe: 'Show stack traces of internal errors',
  },
} as const;

/** The options after parsing. */
export interface CliOptions {
  readonly files: readonly string[];
  readonly json: boolean;
  readonly top: number;
  /** Seconds. */
  readonly minGap: number;
  readonly pids: readonly number[];
  readonly maxIssues: number;
  readonly debug: boolean;
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
