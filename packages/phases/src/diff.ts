/**
 * Two gap reports compared: a fast start and a slow one of the same program. Pids differ between
 * captures, so nothing is matched by pid: phases are aligned by what they are (their kind, the
 * program an exec ran, the directory a repeat wrote into) and processes by their role (their
 * name, with run-specific parts such as temp-dir suffixes masked). The document is
 * `schemaVersion` 1, documented in docs/diff-schema.md.
 */
import { formatCount, formatSeconds, round9 } from './format.js';
import { factsOf } from './phase-facts.js';
import type { GapReport, ReportGap, ReportPhase, ReportProcess } from './report.js';

/** A diagnosis as the report holds it. */
export type ReportDiagnosis = GapReport['diagnoses'][number];

export type Side = 'fast' | 'slow';

/** How much of something one side had. */
export interface Amount {
  /** Phases (or processes) of this key on the side. */
  readonly count: number;
  /** Their seconds, summed. */
  readonly seconds: number;
}

/** A number that explains a row, on both sides (`null` where that side has none). */
export interface Measure {
  readonly name: string;
  /** `seconds` values are durations; `count` values are counts. */
  readonly unit: 'count' | 'seconds';
  readonly fast: number | null;
  readonly slow: number | null;
}

export interface DiffRow {
  /** What the two sides are aligned on: `env-dump`, `exec /usr/bin/s6-svscan`, a process role. */
  readonly key: string;
  /** The phase kind (`process` for process rows). */
  readonly kind: string;
  readonly fast: Amount | null;
  readonly slow: Amount | null;
  /** slow − fast seconds (a missing side counts as 0). */
  readonly delta: number;
  /** slow / fast seconds, when both are above zero. */
  readonly ratio: number | null;
  readonly measures: readonly Measure[];
}

/**
 * Gaps of one kind in one role, e.g. `/usr/sbin/runc … waited in futex`: the longest on each side
 * (`null` where that side has none among its longest gaps), and one of them to show.
 */
export interface GapRow {
  readonly role: string;
  readonly kind: ReportGap['kind'];
  readonly syscall: string | null;
  readonly fast: number | null;
  readonly slow: number | null;
  /** slow − fast seconds (a missing side counts as 0). */
  readonly delta: number;
  /** The slow side's gap when it has one, else the fast side's: its lines and blame. */
  readonly example: ReportGap;
  readonly exampleSide: Side;
}

export interface DiffSideInfo {
  readonly inputs: readonly string[];
  readonly lines: number;
  readonly unparsed: number;
  readonly processes: number;
  readonly clock: string;
  /** The span of the trace, in seconds; `null` without timestamps. */
  readonly seconds: number | null;
}

export interface DiffReport {
  readonly schemaVersion: 1;
  readonly kind: 'strace-gaps-diff';
  /** What made the slow one slow, in words. */
  readonly headline: string;
  readonly fast: DiffSideInfo;
  readonly slow: DiffSideInfo;
  /** The spans: slow − fast, and slow / fast. */
  readonly total: { readonly delta: number | null; readonly ratio: number | null };
  /**
   * Phases aligned by kind, by absolute growth: the named start-up phases (runtime-init, env-dump,
   * supervisor-start, and any custom detector's) first, then the generic `repeat` and `loader`.
   */
  readonly phases: readonly DiffRow[];
  /** `exec` phases by program path, by absolute growth. */
  readonly programs: readonly DiffRow[];
  /** Processes (not threads) by role, by absolute growth of their summed lifetimes. */
  readonly processes: readonly DiffRow[];
  /** Gaps that appear on one side only, or grew or shrank by a twentieth of the slow span; by absolute change. */
  readonly gaps: readonly GapRow[];
  readonly diagnoses: { readonly fastOnly: readonly ReportDiagnosis[]; readonly slowOnly: readonly ReportDiagnosis[]; readonly both: readonly string[] };
  /** The two starts (time to ready) and their change by cause; `null` when either side has no start. */
  readonly startup: StartupDiff | null;
}

/**
 * The change of the time to ready, by cause: each cause's cost on its side's critical path (0
 * where it did not fire), slow − fast. Causes never share path time within a side, so the rows
 * and `other` (what no cause explains) add up to `delta`.
 */
export interface StartupDiff {
  readonly fast: number;
  readonly slow: number;
  readonly delta: number;
  readonly causes: readonly { readonly id: string; readonly fast: number; readonly slow: number; readonly delta: number }[];
  readonly other: number;
}

export interface DiffOptions {
  /** Rows of each table, and gap rows (default 15 and 10). */
  readonly rows?: number;
  readonly gaps?: number;
}

/** Kinds that only contain or follow from others: listed apart from the start-up phases. */
const CONTAINERS = new Set(['exec', 'wait']);
/** Kinds any trace gets: after the named start-up phases, which say more about the same time. */
const GENERIC = new Set(['repeat', 'loader']);
/** Differences below this are noise between two runs, not growth. */
const NOISE_SECONDS = 0.005;

/**
 * A name with what differs between two runs of the same thing masked: `mktemp` suffixes
 * (`s6-capture.kc5aHF`, `:envdump:TPAdK6`) and long numbers (pids, ports, addresses).
 */
export function roleOf(name: string): string {
  return name
    .replace(/([.:_-])([A-Za-z0-9]{6})(?![A-Za-z0-9])/g, (all, sep: string, s: string) =>
      /\d/.test(s) && /[A-Za-z]/.test(s) || (/[a-z]/.test(s) && /[A-Z]/.test(s)) ? `${sep}XXXXXX` : all,
    )
    .replace(/\d{3,}/g, 'N');
}

function phaseKey(p: ReportPhase): string {
  const exec = factsOf(p, 'exec');
  if (exec !== null) return `exec ${typeof exec.path === 'string' && exec.path !== '' ? roleOf(exec.path) : '?'}`;
  const repeat = factsOf(p, 'repeat');
  if (repeat !== null) return `repeat ${String(repeat.pattern)} under ${roleOf(String(repeat.dir))}`;
  const wait = factsOf(p, 'wait');
  if (wait !== null) return `wait ${String(wait.syscall)}`;
  return p.kind;
}

/** The numbers that explain a phase's time, by kind (a report read back may lack any of them). */
function measuresOf(p: ReportPhase): Record<string, { unit: Measure['unit']; value: number }> {
  const out: Record<string, { unit: Measure['unit']; value: number }> = {};
  const add = (name: string, unit: Measure['unit'], v: unknown) => {
    if (typeof v === 'number') out[name] = { unit, value: v };
  };
  const dump = factsOf(p, 'env-dump');
  if (dump !== null) {
    add('variables', 'count', dump.vars);
    add('service-link variables', 'count', dump.serviceLinkVars);
    add('per variable', 'seconds', dump.perVarSeconds);
  }
  const repeat = factsOf(p, 'repeat');
  if (repeat !== null) {
    add('files', 'count', repeat.files);
    add('per file', 'seconds', repeat.perFileSeconds);
  }
  add('supervisors', 'count', factsOf(p, 'supervisor-start')?.supervisors);
  add('libraries', 'count', factsOf(p, 'loader')?.libraries);
  return out;
}

interface Group {
  kind: string;
  count: number;
  seconds: number;
  measures: Record<string, { unit: Measure['unit']; value: number }>;
}

function groupPhases(phases: readonly ReportPhase[], containers: boolean): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const p of phases) {
    if (CONTAINERS.has(p.kind) !== containers || p.kind === 'wait') continue;
    const key = phaseKey(p);
    const g = out.get(key) ?? { kind: p.kind, count: 0, seconds: 0, measures: {} };
    g.count++;
    g.seconds += p.seconds;
    // Counts add up over phases of one key (two dumps write both their variables); rates are the first phase's.
    for (const [name, m] of Object.entries(measuresOf(p))) {
      const had = g.measures[name];
      g.measures[name] = had === undefined || m.unit === 'seconds' ? (had ?? m) : { unit: m.unit, value: had.value + m.value };
    }
    out.set(key, g);
  }
  return out;
}

function groupProcesses(processes: readonly ReportProcess[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const p of processes) {
    if (p.thread) continue;
    const last = p.names[p.names.length - 1];
    const key = roleOf(last?.name ?? '?');
    const g = out.get(key) ?? { kind: 'process', count: 0, seconds: 0, measures: {} };
    g.count++;
    g.seconds += p.seconds ?? 0;
    const calls = g.measures.syscalls;
    g.measures.syscalls = { unit: 'count', value: (calls?.value ?? 0) + p.syscalls };
    out.set(key, g);
  }
  return out;
}

function rows(fast: Map<string, Group>, slow: Map<string, Group>, limit: number, later: ReadonlySet<string> = new Set()): DiffRow[] {
  const out: DiffRow[] = [];
  for (const key of new Set([...fast.keys(), ...slow.keys()])) {
    const f = fast.get(key);
    const s = slow.get(key);
    const fs = f?.seconds ?? 0;
    const ss = s?.seconds ?? 0;
    const names = new Set([...Object.keys(f?.measures ?? {}), ...Object.keys(s?.measures ?? {})]);
    out.push({
      key,
      kind: (s ?? f)?.kind ?? '?',
      fast: f === undefined ? null : { count: f.count, seconds: round9(f.seconds) },
      slow: s === undefined ? null : { count: s.count, seconds: round9(s.seconds) },
      delta: round9(ss - fs),
      ratio: fs > 0 && ss > 0 ? round9(ss / fs) : null,
      measures: [...names].map((name) => ({
        name,
        unit: (s?.measures[name] ?? f?.measures[name])?.unit ?? 'count',
        fast: f?.measures[name]?.value ?? null,
        slow: s?.measures[name]?.value ?? null,
      })),
    });
  }
  const rank = (r: DiffRow) => (later.has(r.kind) ? 1 : 0);
  out.sort((a, b) => rank(a) - rank(b) || Math.abs(b.delta) - Math.abs(a.delta) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.slice(0, limit);
}

function gapKey(g: ReportGap): string {
  return `${g.kind}\u0000${roleOf(g.name)}\u0000${g.syscall ?? ''}`;
}

/** The longest gap per key (gaps come longest first). */
function longestByKey(r: GapReport): Map<string, ReportGap> {
  const out = new Map<string, ReportGap>();
  for (const g of r.gaps) if (!out.has(gapKey(g))) out.set(gapKey(g), g);
  return out;
}

function gapRows(fast: GapReport, slow: GapReport, limit: number): GapRow[] {
  const f = longestByKey(fast);
  const s = longestByKey(slow);
  const matters = Math.max(NOISE_SECONDS, 0.05 * (slow.span?.seconds ?? 0));
  const out: GapRow[] = [];
  for (const key of new Set([...s.keys(), ...f.keys()])) {
    const a = f.get(key);
    const b = s.get(key);
    const delta = round9((b?.seconds ?? 0) - (a?.seconds ?? 0));
    if (Math.abs(delta) < matters) continue;
    const example = (b ?? a) as ReportGap;
    out.push({
      role: roleOf(example.name),
      kind: example.kind,
      syscall: example.syscall,
      fast: a?.seconds ?? null,
      slow: b?.seconds ?? null,
      delta,
      example,
      exampleSide: b !== undefined ? 'slow' : 'fast',
    });
  }
  out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
  return out.slice(0, limit);
}

function sideInfo(r: GapReport): DiffSideInfo {
  return {
    inputs: r.input.files.map((f) => f.path),
    lines: r.input.lines,
    unparsed: r.input.unparsed,
    processes: r.processes.filter((p) => !p.thread).length,
    clock: r.clock.kind,
    seconds: r.span?.seconds ?? null,
  };
}

/** `variables 61 → 4,013`: a measure on both sides, `–` where a side has none. */
export function measureText(m: Measure): string {
  const v = (x: number | null) => (x === null ? '–' : m.unit === 'seconds' ? formatSeconds(x) : formatCount(x));
  return `${m.name} ${v(m.fast)} → ${v(m.slow)}`;
}

/** The top line: what grew most, with the numbers that explain it, and the diagnoses of one side. */
function headline(d: Omit<DiffReport, 'headline' | 'schemaVersion' | 'kind' | 'startup'>): string {
  const total = d.total.delta;
  if (total === null) return 'The traces have no timestamps: only counts can be compared.';
  const spans = `${formatSeconds(d.fast.seconds ?? 0)} → ${formatSeconds(d.slow.seconds ?? 0)}`;
  const grown = [...d.phases, ...d.programs].filter((r) => r.delta >= NOISE_SECONDS);
  if (Math.abs(total) < Math.max(NOISE_SECONDS, 0.05 * (d.fast.seconds ?? 0)) && grown.every((r) => r.delta < 0.05 * (d.fast.seconds ?? 1))) {
    return `No growth: the two traces take about as long (${spans}), and no phase grew.`;
  }
  const direction = total >= 0 ? `slower by ${formatSeconds(total)}` : `faster by ${formatSeconds(-total)}`;
  // Start-up phases explain; an exec phase only contains them, so it speaks when none grew.
  // The first named phase that grew; a generic one, or a program, when none did.
  const grew = (r: DiffRow) => r.delta >= NOISE_SECONDS;
  const top = d.phases.find((r) => grew(r) && !GENERIC.has(r.kind)) ?? d.phases.find(grew) ?? d.programs.find(grew);
  let text = `The slow trace is ${direction} (${spans}).`;
  if (top !== undefined) {
    const what = top.fast === null ? `appears only in the slow trace (${formatSeconds(top.slow?.seconds ?? 0)})` : `grew most, ${formatSeconds(top.fast.seconds)} → ${formatSeconds(top.slow?.seconds ?? 0)} (+${formatSeconds(top.delta)})`;
    const why = top.measures.filter((m) => m.fast !== m.slow).slice(0, 3).map(measureText);
    text += ` ${describe(top.key)} ${what}${why.length > 0 ? `: ${why.join(', ')}` : ''}.`;
  }
  if (d.diagnoses.slowOnly.length > 0) text += ` Only the slow trace has ${d.diagnoses.slowOnly.map((x) => x.id).join(', ')}: ${d.diagnoses.slowOnly[0]?.fix ?? ''}`;
  return text.trim();
}

/** A row's key as words for the headline. */
export function describe(key: string): string {
  const words: Record<string, string> = {
    'env-dump': 'The environment dump',
    'runtime-init': "The container runtime's init stage",
    'supervisor-start': 'The supervisor start',
    loader: 'The dynamic loader',
  };
  if (words[key] !== undefined) return words[key] as string;
  if (key.startsWith('exec ')) return `The program ${key.slice(5)}`;
  if (key.startsWith('repeat ')) return `The repeated ${key.slice(7)}`;
  return `The ${key} phase`;
}

function startupDiff(fast: GapReport, slow: GapReport): StartupDiff | null {
  if (fast.startup === null || slow.startup === null) return null;
  const cost = (r: GapReport) => {
    const m = new Map<string, number>();
    for (const d of r.diagnoses) if (d.seconds !== null && d.share !== null) m.set(d.id, (m.get(d.id) ?? 0) + d.seconds);
    return m;
  };
  const f = cost(fast);
  const s = cost(slow);
  const ids = [...new Set([...s.keys(), ...f.keys()])];
  const causes = ids
    .map((id) => ({ id, fast: round9(f.get(id) ?? 0), slow: round9(s.get(id) ?? 0), delta: round9((s.get(id) ?? 0) - (f.get(id) ?? 0)) }))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
  const delta = slow.startup.seconds - fast.startup.seconds;
  const explained = causes.reduce((x, c) => x + c.delta, 0);
  return { fast: fast.startup.seconds, slow: slow.startup.seconds, delta: round9(delta), causes, other: round9(delta - explained) };
}

/** `+1.2 s`, `−300 ms`: a difference with its sign. */
export function signed(x: number): string {
  return x >= 0 ? `+${formatSeconds(x)}` : `−${formatSeconds(-x)}`;
}

/** `The slow start got ready 5.80 s later (0.71 s → 6.51 s): k8s-service-links +5.70 s, other +0.10 s.` */
function startupLine(u: StartupDiff): string {
  const parts = u.causes.filter((c) => Math.abs(c.delta) >= NOISE_SECONDS).map((c) => `${c.id} ${signed(c.delta)}`);
  if (parts.length > 0 && Math.abs(u.other) >= NOISE_SECONDS) parts.push(`other ${signed(u.other)}`);
  const when = u.delta >= 0 ? `${formatSeconds(u.delta)} later` : `${formatSeconds(-u.delta)} sooner`;
  return `The slow start got ready ${when} (${formatSeconds(u.fast)} → ${formatSeconds(u.slow)})${parts.length > 0 ? `: ${parts.join(', ')}` : ''}.`;
}

/** Compares a fast and a slow report. */
export function buildDiff(fast: GapReport, slow: GapReport, options: DiffOptions = {}): DiffReport {
  const limit = options.rows ?? 15;
  const f = sideInfo(fast);
  const s = sideInfo(slow);
  const idsFast = new Set(fast.diagnoses.map((x) => x.id));
  const idsSlow = new Set(slow.diagnoses.map((x) => x.id));
  const body = {
    fast: f,
    slow: s,
    total: {
      delta: f.seconds === null || s.seconds === null ? null : round9(s.seconds - f.seconds),
      ratio: f.seconds === null || s.seconds === null || f.seconds <= 0 ? null : round9(s.seconds / f.seconds),
    },
    phases: rows(groupPhases(fast.phases, false), groupPhases(slow.phases, false), limit, GENERIC),
    programs: rows(groupPhases(fast.phases, true), groupPhases(slow.phases, true), limit),
    processes: rows(groupProcesses(fast.processes), groupProcesses(slow.processes), limit),
    gaps: gapRows(fast, slow, options.gaps ?? 10),
    diagnoses: {
      fastOnly: fast.diagnoses.filter((x) => !idsSlow.has(x.id)),
      slowOnly: slow.diagnoses.filter((x) => !idsFast.has(x.id)),
      both: [...idsFast].filter((id) => idsSlow.has(id)),
    },
    startup: startupDiff(fast, slow),
  };
  const head = headline(body);
  // The starts lead when they differ; two starts as long as each other leave the words to the spans.
  const lead = body.startup !== null && Math.abs(body.startup.delta) >= Math.max(NOISE_SECONDS, 0.05 * body.startup.fast) ? `${startupLine(body.startup)} ` : '';
  return { schemaVersion: 1, kind: 'strace-gaps-diff', headline: `${lead}${head}`, ...body };
}
