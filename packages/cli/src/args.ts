/**
 * The command line, defined once as data: yargs reads it, and so do the docs.
 */
export const COMMAND = {
  name: 'strace-gaps',
  usage: '$0 [options] <files...>',
  description:
    'Read strace logs (-ff files, one -f file, .gz, or - for stdin) and report what they hold.',
  examples: [
    ['$0 ./s6.out.*', 'every file of a `strace -ff -o s6.out` capture'],
    ["$0 'traces/s6.out.*'", 'a quoted glob, expanded by strace-gaps itself'],
    ['$0 --json trace.log > summary.json', 'one JSON document'],
  ],
} as const;

export const OPTIONS = {
  json: {
    type: 'boolean',
    default: false,
    describe: 'Print one JSON document instead of text',
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
  readonly maxIssues: number;
  readonly debug: boolean;
}
