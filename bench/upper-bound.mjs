// An upper bound, not a parser: how fast can Node turn a trace into per-process syscall
// aggregates and the largest gaps when it makes no object and no string per line?
//
// Usage: node bench/upper-bound.mjs FILE...   (a -f file, or the files of a -ff set); `pnpm bench`
// runs it as its `upper-bound` mode.
//
// It reads only the line shape of the bench's traces (`-tt -T`, with or without a pid and `-r`),
// finds each field in place in the bytes, names syscalls by small numbers, and keeps per process
// the count, errors, seconds and maximum of each syscall plus the ten largest gaps of the set.
// Lines of any other shape are counted as skipped. Its totals can be checked against the report:
// the `calls` it prints equals the sum of `syscalls` over the report's processes on the bench sets.
// docs/performance.md ("An upper bound") says what it showed and what it leaves out.
import { closeSync, openSync, readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CHUNK = 1 << 20;

const NL = 10, SPACE = 32, COLON = 58, DOT = 46, LT = 60, GT = 62, OPEN = 40, CLOSE = 41, PLUS = 43, MINUS = 45, EQ = 61;

class Aggregate {
  constructor() {
    this.count = new Int32Array(32);
    this.errors = new Int32Array(32);
    this.seconds = new Float64Array(32);
    this.max = new Float64Array(32);
    this.prevEnd = -1;
    this.calls = 0;
  }

  fit(id) {
    if (id < this.count.length) return;
    const n = Math.max(id + 1, 2 * this.count.length);
    const grow = (a, T) => { const x = new T(n); x.set(a); return x; };
    this.count = grow(this.count, Int32Array);
    this.errors = grow(this.errors, Int32Array);
    this.seconds = grow(this.seconds, Float64Array);
    this.max = grow(this.max, Float64Array);
  }
}

function digits(b, s, e) {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (b[i] - 48);
  return v;
}

/** Reads the files and returns what it found and how long it took. */
export function upperBound(files) {
  /** Syscall names as small numbers, found by a hash of their bytes: no string per line. */
  const byHash = new Map();
  let nameCount = 0;
  function nameId(b, s, e) {
    let h = e - s;
    for (let i = s; i < e; i++) h = (Math.imul(h, 31) + b[i]) | 0;
    let bucket = byHash.get(h);
    if (bucket === undefined) byHash.set(h, (bucket = []));
    search: for (const [bytes, id] of bucket) {
      if (bytes.length !== e - s) continue;
      for (let k = 0; k < bytes.length; k++) if (bytes[k] !== b[s + k]) continue search;
      return id;
    }
    bucket.push([Buffer.from(b.subarray(s, e)), nameCount]);
    return nameCount++;
  }

  const processes = new Map();
  const TOP = 10;
  const topGap = new Float64Array(TOP);
  let lines = 0, skipped = 0, bytes = 0, filePid = 0;

  function readLine(b, s, e) {
    lines++;
    let i = s;
    let pid = 0;
    while (i < e && b[i] >= 48 && b[i] <= 57) pid = pid * 10 + (b[i++] - 48);
    if (b[i] === COLON) {
      // A -ff line: no pid, the time comes first.
      pid = filePid;
      i = s;
    }
    while (b[i] === SPACE) i++;
    if (i + 15 >= e || b[i + 2] !== COLON || b[i + 8] !== DOT) return void skipped++;
    const t = digits(b, i, i + 2) * 3600 + digits(b, i + 3, i + 5) * 60 + digits(b, i + 6, i + 8) + digits(b, i + 9, i + 15) / 1e6;
    i += 16;
    if (b[i] === OPEN && b[i + 1] === PLUS) {
      while (i < e && b[i] !== CLOSE) i++;
      i += 2;
    }
    // `NAME(` or `<... NAME resumed>`; exits, signals and the like are skipped.
    let nameStart = i, nameEnd, resumed = false;
    if (b[i] === LT) {
      if (b[i + 1] !== DOT) return void skipped++;
      nameStart = i + 5;
      nameEnd = nameStart;
      while (nameEnd < e && b[nameEnd] !== SPACE) nameEnd++;
      resumed = true;
    } else {
      nameEnd = i;
      while (nameEnd < e && b[nameEnd] !== OPEN && b[nameEnd] !== SPACE) nameEnd++;
      if (b[nameEnd] !== OPEN) return void skipped++;
    }
    // From the end: `<0.000012>`, then the last ` = `. An `<unfinished ...>` half counts at its resumption.
    let k = e - 1, seconds = 0;
    if (b[k] === GT) {
      let j = k - 1;
      while (j > nameEnd && b[j] !== LT) j--;
      if (b[j + 1] < 48 || b[j + 1] > 57) return; // <unfinished ...>, <detached ...>: the other half counts
      let whole = 0, scale = 1, dot = false;
      for (let q = j + 1; q < k; q++) {
        if (b[q] === DOT) dot = true;
        else {
          whole = whole * 10 + (b[q] - 48);
          if (dot) scale *= 10;
        }
      }
      seconds = whole / scale;
      k = j - 1;
    }
    let eq = k;
    while (eq > nameEnd && !(b[eq] === EQ && b[eq - 1] === SPACE && b[eq + 1] === SPACE)) eq--;
    if (eq <= nameEnd) return void skipped++;
    let p = processes.get(pid);
    if (p === undefined) processes.set(pid, (p = new Aggregate()));
    const id = nameId(b, nameStart, nameEnd);
    p.fit(id);
    if (b[eq + 2] === MINUS) p.errors[id]++;
    p.count[id]++;
    p.seconds[id] += seconds;
    if (seconds > p.max[id]) p.max[id] = seconds;
    p.calls++;
    const start = resumed ? t - seconds : t;
    if (p.prevEnd >= 0) {
      const gap = start - p.prevEnd;
      if (gap > topGap[TOP - 1]) {
        let at = TOP - 1;
        while (at > 0 && topGap[at - 1] < gap) topGap[at] = topGap[--at];
        topGap[at] = gap;
      }
    }
    p.prevEnd = start + seconds;
  }

  let buf = Buffer.allocUnsafe(2 * CHUNK);
  const t0 = performance.now();
  for (const f of files) {
    filePid = Number(/\.(\d+)$/.exec(f)?.[1] ?? 0);
    const fd = openSync(f, 'r');
    let have = 0;
    for (;;) {
      if (buf.length - have < CHUNK) buf = Buffer.concat([buf.subarray(0, have), Buffer.allocUnsafe(CHUNK)]);
      const n = readSync(fd, buf, have, CHUNK, null);
      if (n === 0) break;
      bytes += n;
      const end = have + n;
      let s = 0;
      for (let nl = buf.indexOf(NL, 0); nl >= 0 && nl < end; nl = buf.indexOf(NL, s)) {
        readLine(buf, s, nl);
        s = nl + 1;
      }
      buf.copy(buf, 0, s, end);
      have = end - s;
    }
    if (have > 0) readLine(buf, 0, have);
    closeSync(fd);
  }
  const seconds = (performance.now() - t0) / 1000;
  let calls = 0;
  for (const p of processes.values()) calls += p.calls;
  return { bytes, seconds, lines, skipped, processes: processes.size, calls, syscallNames: nameCount, largestGap: topGap[0] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node bench/upper-bound.mjs FILE...');
    process.exit(2);
  }
  const r = upperBound(files);
  console.log(JSON.stringify({
    MB: Math.round(r.bytes / 1e6),
    s: +r.seconds.toFixed(2),
    'MB/s': Math.round(r.bytes / 1e6 / r.seconds),
    lines: r.lines,
    skipped: r.skipped,
    processes: r.processes,
    calls: r.calls,
    syscallNames: r.syscallNames,
    largestGap: +r.largestGap.toFixed(6),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}
