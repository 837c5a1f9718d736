/**
 * The rules of Chrome's Trace Event Format (the "JSON Object Format" as documented in its
 * specification, and as Perfetto's JSON importer reads it), for the events strace-gaps writes:
 * complete slices (`X`), instants (`i`) and metadata (`M`). Returns what breaks them.
 */

const PHASES = new Set(['X', 'i', 'M']);
const SCOPES = new Set(['g', 'p', 't']);
/** Metadata events and the argument each must carry. */
const METADATA: Readonly<Record<string, [string, 'string' | 'number']>> = {
  process_name: ['name', 'string'],
  process_labels: ['labels', 'string'],
  process_sort_index: ['sort_index', 'number'],
  thread_name: ['name', 'string'],
  thread_sort_index: ['sort_index', 'number'],
};

export interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}

export interface TraceDocument {
  displayTimeUnit?: string;
  otherData?: Record<string, unknown>;
  traceEvents: TraceEvent[];
}

const isId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** Everything in the document that breaks the format's rules; empty when it is valid. */
export function traceEventProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (i: number, what: string) => {
    if (problems.length < 20) problems.push(`traceEvents[${i}]: ${what}`);
  };
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as TraceDocument).traceEvents)) return ['not an object with a traceEvents array'];
  const d = doc as TraceDocument;
  if (d.displayTimeUnit !== undefined && d.displayTimeUnit !== 'ms' && d.displayTimeUnit !== 'ns') problems.push(`displayTimeUnit is ${d.displayTimeUnit}, not ms or ns`);
  const slices = new Map<string, { ts: number; end: number; i: number }[]>();
  const processNames = new Set<number>();
  const threadNames = new Set<string>();
  d.traceEvents.forEach((e, i) => {
    if (typeof e !== 'object' || e === null) return fail(i, 'not an object');
    if (!PHASES.has(e.ph)) return fail(i, `ph ${JSON.stringify(e.ph)} is not one strace-gaps writes`);
    if (typeof e.name !== 'string' || e.name === '') fail(i, 'no name');
    if (!isId(e.pid) || !isId(e.tid)) fail(i, `pid/tid ${e.pid}/${e.tid} are not unsigned 32-bit integers`);
    if (e.cat !== undefined && typeof e.cat !== 'string') fail(i, 'cat is not a string');
    if (e.args !== undefined && (typeof e.args !== 'object' || e.args === null || Array.isArray(e.args))) fail(i, 'args is not an object');
    if (e.ph === 'M') {
      const rule = METADATA[e.name];
      if (rule === undefined) return fail(i, `unknown metadata event ${e.name}`);
      if (typeof e.args?.[rule[0]] !== rule[1]) fail(i, `${e.name} without a ${rule[1]} args.${rule[0]}`);
      if (e.name === 'process_name') processNames.add(e.pid);
      if (e.name === 'thread_name') threadNames.add(`${e.pid}/${e.tid}`);
      return;
    }
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) return fail(i, 'ts is not a finite number of µs');
    if (e.ph === 'i') {
      if (e.s !== undefined && !SCOPES.has(e.s)) fail(i, `instant scope ${e.s} is not g, p or t`);
      return;
    }
    if (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0) return fail(i, 'a complete event (X) needs a dur ≥ 0');
    const key = `${e.pid}/${e.tid}`;
    const list = slices.get(key) ?? [];
    slices.set(key, list);
    list.push({ ts: e.ts, end: e.ts + e.dur, i });
  });
  // Slices of one thread must nest: two of them are disjoint or one holds the other.
  for (const [key, list] of slices) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const open: { ts: number; end: number; i: number }[] = [];
    for (const s of list) {
      while (open.length > 0 && (open[open.length - 1] as { end: number }).end <= s.ts) open.pop();
      const parent = open[open.length - 1];
      // Within what a double can tell apart at this magnitude: epoch µs with ns decimals (16 + 3
      // digits) are exact in the text, but a reader parsing them as doubles sees ~0.25 µs steps.
      if (parent !== undefined && s.end > parent.end + Math.max(1e-6, Math.abs(parent.end) * 2 ** -50)) fail(s.i, `slice on ${key} overlaps traceEvents[${parent.i}] without nesting in it`);
      open.push(s);
    }
    const [pid] = key.split('/');
    if (!processNames.has(Number(pid))) problems.push(`pid ${pid} has slices but no process_name`);
    if (!threadNames.has(key)) problems.push(`thread ${key} has slices but no thread_name`);
  }
  return problems;
}
