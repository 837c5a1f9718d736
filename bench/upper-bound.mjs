// An upper bound, not a parser: how fast can Node turn a trace into per-process syscall
// aggregates and the largest gaps when it makes no object and no string per line?
//
// Usage: node bench/upper-bound.mjs [--more] FILE...   (a -f file, or the files of a -ff set);
// `pnpm bench` runs it as its `upper-bound` mode.
//
// It reads only the line shape of the bench's traces (`-tt -T`, with or without a pid and `-r`),
// finds each field in place in the bytes, names syscalls by small numbers, and keeps per process
// the count, errors, seconds and maximum of each syscall plus the ten largest gaps of the set.
// Lines of any other shape are counted as skipped. Its totals can be checked against the report:
// the `calls` it prints equals the sum of `syscalls` over the report's processes on the bench sets.
//
// `--more` adds, in the same style, an estimate of the rest of a report's per-line work: an fd
// table with the directory of each opened path (a string only on open lines), busy segments with
// what their calls did, each process's first line as text and the argv of its execs. It is a cost
// estimate: the paths are not unescaped, the argv is split crudely, and nothing is checked against
// the report. docs/performance.md ("An upper bound") says what both showed.
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
    /** With --more: a {@link More}. */
    this.more = null;
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

/** What --more keeps per process: fd -> directory id; busy segments (flat start, end, calls) and their actions. */
class More {
  constructor(firstLine) {
    this.firstLine = firstLine;
    this.fds = null;
    this.segments = [];
    this.segmentActions = [];
    this.segmentStart = -1;
    this.segmentEnd = -1;
    this.segmentCalls = 0;
    this.actions = [];
    this.actionCounts = [];
    this.argv = null;
  }
}

function digits(b, s, e) {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (b[i] - 48);
  return v;
}

function endOfDigits(b, s) {
  let i = s;
  while (b[i] >= 48 && b[i] <= 57) i++;
  return i;
}

/** Reads the files and returns what it found and how long it took. */
export function upperBound(files, { more = false } = {}) {
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
    // The names --more looks for get their numbers when first seen (-1: not seen yet).
    switch (b.latin1Slice(s, e)) {
      case 'openat': OPENAT = nameCount; break;
      case 'open': OPENFILE = nameCount; break;
      case 'close': CLOSEFD = nameCount; break;
      case 'execve': EXECVE = nameCount; break;
    }
    return nameCount++;
  }
  let OPENAT = -1, OPENFILE = -1, CLOSEFD = -1, EXECVE = -1;

  const dirs = new Map();
  const DQUOTE = 34, BACKSLASH = 92;

  /** What else a report does with a call, done only on the lines that need it (see --more above). */
  function moreWork(agg, b, s, e, id, nameEnd, eq, start, seconds) {
    const p = (agg.more ??= new More(b.latin1Slice(s, e)));
    let action = id;
    if (id === OPENAT || id === OPENFILE) {
      let q = nameEnd + 1;
      while (q < eq && b[q] !== DQUOTE) q++;
      let r = q + 1;
      while (r < eq && !(b[r] === DQUOTE && b[r - 1] !== BACKSLASH)) r++;
      const path = b.latin1Slice(q + 1, r);
      const slash = path.lastIndexOf('/');
      const dir = slash <= 0 ? '/' : path.slice(0, slash);
      let dirId = dirs.get(dir);
      if (dirId === undefined) dirs.set(dir, (dirId = dirs.size));
      action = (id + 1) * 1_000_000 + dirId;
      if (b[eq + 2] !== MINUS) (p.fds ??= new Map()).set(digits(b, eq + 2, endOfDigits(b, eq + 2)), dirId);
    } else if (p.fds !== null && b[nameEnd + 1] >= 48 && b[nameEnd + 1] <= 57) {
      const fd = digits(b, nameEnd + 1, endOfDigits(b, nameEnd + 1));
      const dirId = p.fds.get(fd);
      if (dirId !== undefined) {
        action = (id + 1) * 1_000_000 + dirId;
        if (id === CLOSEFD) p.fds.delete(fd);
      }
    }
    if (id === EXECVE && b[eq + 2] === 48) p.argv = b.latin1Slice(nameEnd + 1, eq).split('", "');
    if (p.segmentStart < 0 || start - p.segmentEnd > 0.01) {
      if (p.segmentStart >= 0) {
        p.segments.push(p.segmentStart, p.segmentEnd, p.segmentCalls);
        p.segmentActions.push(p.actions.slice(), p.actionCounts.slice());
      }
      p.segmentStart = start;
      p.segmentEnd = start;
      p.segmentCalls = 0;
      p.actions.length = 0;
      p.actionCounts.length = 0;
    }
    if (start + seconds > p.segmentEnd) p.segmentEnd = start + seconds;
    p.segmentCalls++;
    const at = p.actions.indexOf(action);
    if (at >= 0) p.actionCounts[at]++;
    else if (p.actions.length < 64) {
      p.actions.push(action);
      p.actionCounts.push(1);
    }
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
    if (more) moreWork(p, b, s, e, id, nameEnd, eq, start, seconds);
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
  const more = process.argv[2] === '--more';
  const files = process.argv.slice(more ? 3 : 2);
  if (files.length === 0) {
    console.error('usage: node bench/upper-bound.mjs [--more] FILE...');
    process.exit(2);
  }
  const r = upperBound(files, { more });
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
