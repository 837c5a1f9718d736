// One measurement in a fresh process, so peak RSS belongs to it alone.
// Usage: node bench/worker.mjs MODE DIR [MAX_BYTES]
//   MODE: count-sync | count-stream | parse | parse-join | upper-bound (bench/upper-bound.mjs) |
//   report (the CLI's full --json report, one thread) | report-jobs (the same on one thread per
//   core: --jobs N)
//   MAX_BYTES: read only about this many bytes (to compare peak RSS across input sizes)
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ChunkParser, Joiner, SummaryBuilder, pidFromFileName } from '../packages/parser/dist/index.js';

const [mode, dir, maxArg] = process.argv.slice(2);
const maxBytes = maxArg ? Number(maxArg) : Infinity;
const files = readdirSync(dir).filter((f) => !f.endsWith('.tsv')).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort();
const CHUNK = 1024 * 1024;
const buf = Buffer.allocUnsafe(CHUNK);

function eachChunkSync(path, fn) {
  const fd = openSync(path, 'r');
  try {
    while (bytes < maxBytes) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      fn(n === CHUNK ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

function countNewlines(b) {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** The report's inputs: whole files up to MAX_BYTES; one file larger than that is cut (at a line end) into a copy. */
function budgetInputs() {
  if (maxBytes === Infinity) return files;
  const out = [];
  let total = 0;
  for (const f of files) {
    if (total >= maxBytes) break;
    const size = statSync(f).size;
    if (total + size <= maxBytes || out.length > 0) {
      out.push(f);
      total += size;
      continue;
    }
    const head = Buffer.alloc(maxBytes);
    const fd = openSync(f, 'r');
    const n = readSync(fd, head, 0, maxBytes, 0);
    closeSync(fd);
    const cut = join(mkdtempSync(join(tmpdir(), 'sg-bench-')), basename(f));
    writeFileSync(cut, head.subarray(0, head.lastIndexOf(10, n - 1) + 1));
    out.push(cut);
    total += statSync(cut).size;
  }
  return out;
}
const inputs = mode.startsWith('report') ? budgetInputs() : files;

let bytes = 0;
let lines = 0;
let reportMs = null;
let events = 0;
const t0 = process.hrtime.bigint();
if (mode === 'count-sync') {
  for (const f of files) eachChunkSync(f, (b) => { bytes += b.length; lines += countNewlines(b); });
} else if (mode === 'count-stream') {
  for (const f of files) {
    for await (const b of createReadStream(f, { highWaterMark: CHUNK })) { bytes += b.length; lines += countNewlines(b); }
  }
} else if (mode === 'upper-bound') {
  // No object per line: what a report could cost at best (bench/upper-bound.mjs).
  const { upperBound } = await import('./upper-bound.mjs');
  const r = upperBound(files);
  bytes = r.bytes;
  lines = r.lines;
  events = r.calls;
  reportMs = r.seconds * 1000;
} else if (mode === 'report' || mode === 'report-jobs') {
  // Exactly the CLI: `strace-gaps --json --jobs N FILES`, its output counted and dropped.
  const { run } = await import('../packages/cli/dist/index.js');
  let out = 0;
  // A digest of the output, so the bench can show that the threaded report is the same document.
  const digest = (await import('node:crypto')).createHash('sha256');
  // With threads, --debug's note says how the set was read (in pieces, or on one thread).
  let how = '';
  const stderr = { write: (s) => { if (s.startsWith('strace-gaps: ')) how += s.slice(13).trim(); else process.stderr.write(s); return true; } };
  const io = { stdout: { write: (s) => { out += s.length; digest.update(s); } }, stderr, stdin: process.stdin, cwd: process.cwd() };
  const jobs = mode === 'report' ? 1 : (await import('node:os')).availableParallelism();
  const code = await run(['--json', '--jobs', String(jobs), ...(jobs > 1 ? ['--debug'] : []), ...inputs], io);
  globalThis.how = how || null;
  if (code !== 0) throw new Error(`strace-gaps exited ${code}`);
  reportMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // Counted after the clock stopped: the report's own line count is inside its JSON.
  for (const f of inputs) eachChunkSync(f, (b) => { lines += countNewlines(b); });
  for (const f of inputs) bytes += statSync(f).size;
  events = out;
  globalThis.outputDigest = digest.digest('hex');
} else {
  for (const f of files) {
    const p = new ChunkParser(f);
    const j = mode === 'parse-join' ? new Joiner(pidFromFileName(f)) : null;
    const drain = (batch) => {
      for (const r of batch) {
        lines++;
        if (j) events += j.push(r).length;
      }
    };
    // In batches of 64 KiB, as the CLI feeds its analysis (parseFileBatchesSync): the results of a
    // whole 1 MiB chunk at once outlive young-generation collections, which then copy them.
    eachChunkSync(f, (b) => {
      bytes += b.length;
      for (const batch of p.batches(b)) drain(batch);
    });
    p.end();
    drain(p.take());
    if (j) events += j.end().length;
  }
}
const ms = reportMs ?? Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ mode, files: files.length, bytes, lines, events, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, digest: globalThis.outputDigest ?? null, how: globalThis.how ?? null }));
