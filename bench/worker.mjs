// One measurement in a fresh process, so peak RSS belongs to it alone.
// Usage: node bench/worker.mjs MODE DIR   (MODE: count-sync | count-stream | parse | parse-join)
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkParser, Joiner, pidFromFileName } from '../packages/parser/dist/index.js';

const [mode, dir] = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => !f.endsWith('.tsv')).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort();
const CHUNK = 1024 * 1024;
const buf = Buffer.allocUnsafe(CHUNK);

function eachChunkSync(path, fn) {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
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
