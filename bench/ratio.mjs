// The one-engine targets' measure: the whole CLI's wall time against a newline count's, each in a
// process of its own (Node's start-up included in both), interleaved, on the same files.
// Usage: node bench/ratio.mjs [SET ...]   (sets under $BENCH_TRACES or $TMPDIR/strace-gaps-bench-traces;
//        default f-100m ff-100m one-100m; RATIO_RUNS runs each, default 5; made by `pnpm bench`)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const traces = process.env.BENCH_TRACES ?? join(tmpdir(), 'strace-gaps-bench-traces');
const runs = Math.max(1, Number(process.env.RATIO_RUNS ?? 5) || 5);
const sets = process.argv.length > 2 ? process.argv.slice(2) : ['f-100m', 'ff-100m', 'one-100m'];
const cli = join(root, 'packages/cli/bin/strace-gaps.js');
if (!existsSync(join(root, 'packages/cli/dist/index.js'))) throw new Error('build first: pnpm build');

/** Wall time of a command, in seconds, its output dropped. */
function timed(argv) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return seconds;
}

const rows = [];
for (const set of sets) {
  const dir = join(traces, set);
  if (!existsSync(dir)) {
    console.error(`${set}: not in ${traces} (pnpm bench makes the 100 MB sets)`);
    continue;
  }
  const files = readdirSync(dir).filter((f) => !f.endsWith('.tsv')).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort();
  const count = [];
  const report = [];
  for (let k = 0; k < runs; k++) {
    count.push(timed([process.execPath, join(root, 'bench/worker.mjs'), 'count-sync', dir]));
    report.push(timed([process.execPath, cli, '--json', '--jobs', '1', '-q', ...files]));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  rows.push({ set, count: Math.min(...count), report: Math.min(...report), reportMedian: median(report) });
}
const f = (x, d = 2) => x.toFixed(d);
console.log(`| set | newline count, own process (s) | report, one thread (s, min / median of ${runs}) | ratio (min) |`);
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.set} | ${f(r.count)} | ${f(r.report)} / ${f(r.reportMedian)} | ${f(r.report / r.count, 1)}× |`);
