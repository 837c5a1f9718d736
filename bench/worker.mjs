// One measurement in a fresh process, so peak RSS belongs to it alone.
// Usage: node bench/worker.mjs MODE DIR [MAX_BYTES]
//   MODE: count-sync | count-stream | parse | parse-join | report (the full --json report)
//   MAX_BYTES: read only about this many bytes (to compare peak RSS across input sizes)
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkParser, Joiner, SummaryBuilder, pidFromFileName } from '../packages/parser/dist/index.js';
import { TraceSetAnalyzer, buildGapReport, buildInputReport } from '../packages/phases/dist/index.js';

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

let bytes = 0;
let lines = 0;
let events = 0;
const t0 = process.hrtime.bigint();
if (mode === 'count-sync') {
  for (const f of files) eachChunkSync(f, (b) => { bytes += b.length; lines += countNewlines(b); });
} else if (mode === 'count-stream') {
  for (const f of files) {
    for await (const b of createReadStream(f, { highWaterMark: CHUNK })) { bytes += b.length; lines += countNewlines(b); }
  }
} else if (mode === 'report') {
  const analyzer = new TraceSetAnalyzer();
  const summaries = [];
  for (const f of files) {
    if (bytes >= maxBytes) break;
    const p = new ChunkParser(f);
    const s = new SummaryBuilder(f, 20);
    analyzer.beginInput(f, pidFromFileName(f));
    const drain = () => {
      const batch = p.take();
      lines += batch.length;
      s.add(batch);
      analyzer.push(batch);
    };
    eachChunkSync(f, (b) => { bytes += b.length; p.push(b); drain(); });
    p.end();
    drain();
    analyzer.endInput();
    summaries.push(s.finish());
  }
  const report = buildGapReport(buildInputReport(summaries, 20), analyzer.finish());
  events = JSON.stringify(report).length;
} else {
  for (const f of files) {
    const p = new ChunkParser(f);
    const j = mode === 'parse-join' ? new Joiner(pidFromFileName(f)) : null;
    const drain = () => {
      for (const r of p.take()) {
        lines++;
        if (j) events += j.push(r).length;
      }
    };
    eachChunkSync(f, (b) => { bytes += b.length; p.push(b); drain(); });
    p.end();
    drain();
    if (j) events += j.end().length;
  }
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ mode, files: files.length, bytes, lines, events, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
