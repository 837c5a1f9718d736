/**
 * docs/cli.md, made from the same definitions yargs reads (args.ts), so the page cannot drift from
 * the CLI: a test compares it with the file, and `pnpm docs:cli` rewrites it.
 */
import { COMMAND, EXIT_CODES, OPTIONS, RECORD_OPTIONS } from './args.js';

interface OptionSpec {
  readonly type: string;
  readonly describe: string;
  readonly default?: unknown;
  readonly choices?: readonly string[];
  readonly alias?: string;
  readonly array?: boolean;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** What a string option's value is, for the table (yargs' own help says only `[string]`). */
const VALUE_NAMES: Readonly<Record<string, string>> = { html: 'file', 'min-gap': 'duration', 'fail-on-gap': 'duration', out: 'dir', strace: 'path', syscalls: 'set' };
/** Booleans that are on by default: the table shows the `--no-` form that turns them off. */
const NEGATED = new Set(['color', 'report', 'follow-threads']);

function optionRow(name: string, spec: OptionSpec): string {
  const flags = [`--${name}`, ...(spec.alias === undefined ? [] : [`-${spec.alias}`])];
  if (spec.type === 'boolean' && NEGATED.has(name)) flags.push(`--no-${name}`);
  const value = spec.type === 'boolean' ? '' : spec.choices ? ` <${spec.choices.join('\\|')}>` : spec.type === 'number' ? ' <n>' : ` <${VALUE_NAMES[name] ?? 'value'}>`;
  const repeat = spec.array === true ? ' (repeatable)' : '';
  const def = spec.default === undefined || spec.default === false ? '' : ` Default: \`${String(spec.default)}\`.`;
  return `| ${flags.map((f) => `\`${f}${f.startsWith('--no-') ? '' : value}\``).join(', ')}${repeat} | ${cell(spec.describe)}.${def} |`;
}

export function renderCliDoc(): string {
  const name = COMMAND.name;
  const examples = COMMAND.examples.map(([cmd, what]) => [cmd.replace(/\$0/g, name), what] as const);
  return [
    `# \`${name}\` command line`,
    '',
    '<!-- Generated from packages/cli/src/args.ts by `pnpm docs:cli`; a test fails when it is stale. -->',
    '',
    '```',
    COMMAND.usage.replace(/\$0/g, name),
    '```',
    '',
    COMMAND.description,
    '',
    '## `diff`: a fast start against a slow one',
    '',
    '```',
    COMMAND.diffUsage.replace(/\$0/g, name),
    '```',
    '',
    `${COMMAND.diffDescription} It takes the same options; \`--top\` sets how many gap rows it shows. The JSON document is described in [diff-schema.md](diff-schema.md).`,
    '',
    '## `record`: capture a start, then report it',
    '',
    '```',
    COMMAND.recordUsage.replace(/\$0/g, name),
    '```',
    '',
    `${COMMAND.recordDescription} The report's options below apply as well, except \`--pid\`, which attaches here (narrow a report to one process afterwards with \`${name} --pid N DIR\`). How to capture without \`record\` is in [capture.md](capture.md); the manifest, \`capture.json\`, is described in [json-schema.md](json-schema.md#capture).`,
    '',
    '| Option | Meaning |',
    '|---|---|',
    ...Object.entries(RECORD_OPTIONS as Record<string, OptionSpec>).map(([k, v]) => optionRow(k, v)),
    '',
    '## Options',
    '',
    '| Option | Meaning |',
    '|---|---|',
    ...Object.entries(OPTIONS as Record<string, OptionSpec>).map(([k, v]) => optionRow(k, v)),
    '| `--help` | Show usage, options and examples. |',
    '| `--version` | Show the version. |',
    '',
    'Unknown options are errors (exit 2). Durations take a unit: `ns`, `us`/`µs`, `ms`, `s`, `m`/`min`; a bare number is seconds.',
    '',
    '## Examples',
    '',
    ...examples.flatMap(([cmd, what]) => [`${what}:`, '', '```sh', cmd, '```', '']),
    '## Exit codes',
    '',
    '| Code | Meaning |',
    '|---:|---|',
    ...EXIT_CODES.map(([code, what]) => `| ${code} | ${cell(what)} |`),
    '',
    'Errors are one line on stderr: `strace-gaps: <what> (<where>) — <what to do>`; `--debug` adds the stack.',
    '',
    '## Environment',
    '',
    '| Variable | Effect |',
    '|---|---|',
    '| `NO_COLOR` | Set to anything non-empty: no colour (unless `--color`). |',
    '| `FORCE_COLOR` | Set (not `0`): colour even when stdout is not a terminal (unless `--no-color`). |',
    '| `TERM=dumb` | No colour. |',
    '',
  ].join('\n');
}
