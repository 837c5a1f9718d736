/**
 * The report as text for a terminal, cut to its width (80 columns when it is not a terminal): the
 * answer first (when the start was ready, the critical path to it as a waterfall, the causes with
 * their cost and fix), then the phases on the path, the process tree, the longest waits and silent
 * gaps with their lines, idle windows, warnings, and unparsed lines.
 */
import { formatCount as n, formatSeconds as secs, formatShare, type GapReport, type ReportGap, type ReportProcess } from '@strace-gaps/phases';
import { captureLines } from '@strace-gaps/phases/internal';
import { safeText } from './safe.js';
import { afterText, foldedText, offset, pathRows, readyLine, readyRuleText, stepText } from './path.js';
import { shownGaps, timelinePhases } from './select.js';
import { ANSI_STYLE, NO_STYLE, paintSpan, type Style } from './style.js';

/** Columns when the caller does not say (not a terminal). */
export const DEFAULT_WIDTH = 80;
const BAR = 24;
/** The phase rows' bars: narrower, so that a row fits 80 columns. */
const PHASE_BAR = 20;
const MAX_TREE_ROWS = 60;

export interface TextOptions {
  /** Gaps of each kind to show. */
  readonly top: number;
  /** ANSI colours and bold (for a terminal); off by default. */
  readonly color?: boolean;
  /** Columns; default {@link DEFAULT_WIDTH}. */
  readonly width?: number;
}

/** Cuts a name to `width` characters. */
export function short(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

/** Cuts a line to the width, marking the cut. */
export function fit(s: string, width = DEFAULT_WIDTH): string {
  const safe = safeText(s);
  return safe.length <= width ? safe : `${safe.slice(0, width - 1)}…`;
}

/**
 * Cuts a log line in its middle so that the call's name and first arguments and its result
 * (`= 0 (Timeout) <2.002088>`) stay visible: `… poll([{fd=3, …}], 1, 1000) = 0 (Timeout) <1.001130>`.
 */
export function fitMiddle(s: string, width = DEFAULT_WIDTH): string {
  let safe = safeText(s);
  if (safe.length <= width) return safe;
  // A -r delta says least of a cited line: it goes first.
  safe = safe.replace(/\(\+\s*[\d.]+\) /, '');
  if (safe.length <= width) return safe;
  const eq = safe.lastIndexOf(' = ');
  let tail = eq >= 0 ? safe.slice(eq) : '';
  if (tail.length > Math.floor(width * 0.4)) tail = `${tail.slice(0, Math.floor(width * 0.4) - 1)}…`;
  const head = width - tail.length - 1;
  // A head that reaches the result already shows it: cut at the end instead.
  if (head < 12 || eq < 0 || head >= eq) return fit(safe, width);
  return `${safe.slice(0, head)}…${tail}`;
}

export function clockLabel(r: GapReport): string {
  const c = r.clock;
  const unit = ({ 0: 's', 3: 'ms', 6: 'µs', 9: 'ns' } as Record<number, string>)[c.digits] ?? '';
  switch (c.kind) {
    case 'time-of-day':
      return `time of day (${unit})${c.rolledOver ? ', crosses midnight' : ''}`;
    case 'epoch':
      return `epoch (${unit})`;
    case 'relative':
      return c.aligned ? 'relative (-r only)' : 'relative (-r only; files not aligned)';
    default:
      return 'none (no timestamps)';
  }
}

function header(r: GapReport, w: number): string[] {
  const out = [fit(`strace-gaps: ${inputCounts(r)}`, w), fit(`clock: ${clockLabel(r)}`, w)];
  if (r.span !== null) out.push(fit(`span:  ${r.span.startText ?? '?'} → ${r.span.endText ?? '?'}  (${secs(r.span.seconds)})`, w));
  if (r.capture !== undefined) for (const l of captureLines(r.capture)) out.push(...wrap(l, '', '    ', w));
  return out;
}

/** When the start was over, why, and what came after. */
function ready(r: GapReport, st: Style, w: number): string[] {
  const s = r.startup;
  const line = readyLine(r);
  if (s === null || line === null) return [];
  const out = [st.strong(fit(line, w))];
  out.push(...wrap(`ready: ${readyRuleText(s)}`, '  ', '    ', w));
  if (s.readyBy.file !== null && s.readyBy.line !== null) out.push(...cited(s.readyBy.file, s.readyBy.line, s.readyBy.text ?? '', 4, w));
  const after = afterText(s);
  if (after !== '') out.push(...wrap(after, '  ', '    ', w));
  return out;
}

/** The critical path as a waterfall: offset, bar over the time to ready, seconds, share, pid and what. */
function path(r: GapReport, st: Style, w: number): string[] {
  const s = r.startup;
  if (s === null || s.criticalPath.length === 0) return [];
  const out = [fit(`Critical path to ready (${secs(s.seconds)}, ${n(s.criticalPath.length)} ${s.criticalPath.length === 1 ? 'step' : 'steps'}; offsets from the start)`, w)];
  for (const row of pathRows(s)) {
    if (!('step' in row)) {
      out.push(st.dim(fit(`  ${' '.repeat(9)}  ${foldedText(row)}`, w)));
      continue;
    }
    const p = row.step;
    const head = `  ${offset(s, p.start).padStart(9)} |${bar(p.start, p.end, s.start, s.seconds)}| ${secs(p.seconds).padStart(8)} ${formatShare(p.seconds, s.seconds).padStart(4)}  pid ${p.pid} ${p.state}`;
    out.push(paintSpan(fit(head, w), 13, BAR, p.state === 'running' ? st.accent : p.state === 'blocked' ? st.warning : st.dim));
    const cause = p.cause === undefined ? '' : ` [${p.cause}]`;
    out.push(...wrap(`${short(p.name, 40)}: ${stepText(p)}${cause}`, ' '.repeat(13), ' '.repeat(15), w));
    const e = p.evidence[0];
    if (e !== undefined && p.share >= 0.05) out.push(st.dim(fit(`${' '.repeat(15)}${e.file}:${e.line}`, w)));
  }
  return out;
}

/** A cited line: `file:line  text`, or the text on a line of its own when the place takes most of the width. */
function cited(file: string, line: number, text: string, indent: number, w: number): string[] {
  const where = `${' '.repeat(indent)}${file}:${line}`;
  if (text === '') return [fit(where, w)];
  if (where.length + 2 + Math.min(text.length, 60) <= w) return [fitMiddle(`${where}  ${text}`, w)];
  return [fit(where, w), fitMiddle(`${' '.repeat(indent + 2)}${text}`, w)];
}

function diagnoses(r: GapReport, st: Style, w: number): string[] {
  if (r.diagnoses.length === 0) return ['Diagnoses: none (no cause stood out)'];
  const out = ['Diagnoses'];
  for (const d of r.diagnoses) {
    const lines = wrap(`[${d.severity}] ${d.id}: ${d.summary}`, '  ', '    ', w);
    const tag = `[${d.severity}]`;
    const paint = d.severity === 'critical' ? st.critical : d.severity === 'warning' ? st.warning : st.strong;
    lines[0] = paintSpan(lines[0] as string, 2, tag.length, paint);
    out.push(...lines);
    if (d.seconds !== null && d.share !== null) {
      const parts = d.parts.filter((p) => p.seconds > 0).slice(0, 4).map((p) => `${secs(p.seconds)} ${p.what}${p.pid === null ? '' : ` (pid ${p.pid})`}`);
      const total = d.totalSeconds !== null && d.totalSeconds > d.seconds + 0.0005 ? `; ${secs(d.totalSeconds)} of work in all` : '';
      out.push(...wrap(`cost: ${secs(d.seconds)} on the path (${formatShare(d.seconds, d.seconds / d.share)} of the start)${total}${parts.length > 1 ? `: ${parts.join(', ')}` : ''}`, '    ', '          ', w));
    }
    out.push(...wrap(`fix: ${d.fix}`, '    ', '         ', w));
    for (const e of d.evidence.slice(0, 4)) out.push(...cited(e.file, e.line, e.text, 4, w));
  }
  return out;
}

/** Word-wraps a paragraph to the width. */
export function wrap(text: string, first: string, rest: string, width = DEFAULT_WIDTH): string[] {
  const words: string[] = [];
  // A number and its unit stay on one line: `5.78 s`, not `5.78` / `s`.
  for (const w of safeText(text).split(' ')) {
    const prev = words[words.length - 1];
    if (prev !== undefined && /\d$/.test(prev) && /^(s|ms|µs|ns|min|[kMG]?B)\b/.test(w)) words[words.length - 1] = `${prev} ${w}`;
    else words.push(w);
  }
  const out: string[] = [];
  let cur = first;
  for (const w of words) {
    const prefix = out.length === 0 ? first : rest;
    if (cur.length > prefix.length && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = rest + w;
    } else cur = cur.length === prefix.length ? cur + w : `${cur} ${w}`;
  }
  out.push(cur);
  return out.map((l) => fit(l, width));
}

export function bar(start: number, end: number, from: number, span: number, width = BAR): string {
  if (span <= 0) return ' '.repeat(width);
  const a = Math.max(0, Math.min(width - 1, Math.floor(((start - from) / span) * width)));
  const b = Math.max(a + 1, Math.min(width, Math.ceil(((end - from) / span) * width)));
  return `${' '.repeat(a)}${'█'.repeat(b - a)}${' '.repeat(width - b)}`;
}

function timeline(r: GapReport, st: Style, w: number): string[] {
  if (r.span === null) return [];
  const span = r.span;
  const { shown, qualified } = timelinePhases(r);
  if (qualified === 0) return ['Phases: none found'];
  const out = [fit(`Phases (${secs(span.seconds)} across ${PHASE_BAR} columns)`, w)];
  for (const p of shown) {
    const head = `  ${phaseTime(r, p.start, p.startText).padEnd(15)} |${bar(p.start, p.end, span.start, span.seconds, PHASE_BAR)}| ${secs(p.seconds).padStart(8)}  ${p.kind.padEnd(16)} pid ${p.pid}`;
    out.push(paintSpan(fit(head, w), 19, PHASE_BAR, st.accent));
    out.push(fit(`${' '.repeat(20)}${p.summary}`, w));
  }
  if (qualified > shown.length) out.push(`  … ${n(qualified - shown.length)} other phases in --json`);
  return out;
}

/** A time of day as printed; an epoch time (`-ttt`, ns) as an offset from the start, which people can read. */
function phaseTime(r: GapReport, abs: number, printed: string | null): string {
  if (r.clock.kind !== 'epoch' || r.span === null) return printed ?? '';
  const d = abs - (r.startup?.start ?? r.span.start);
  return `+${d.toFixed(Math.max(0, Math.min(6, r.clock.digits)))} s`;
}

function exitText(p: ReportProcess): string {
  if (p.exit === null) return 'no exit seen';
  if (p.exit.signal !== null) return `killed by ${p.exit.signal}${p.exit.coreDumped ? ' (core dumped)' : ''}`;
  return `exit ${p.exit.code}`;
}

/** The process tree as text lines (the Markdown report shows the same in a code block). */
export function tree(r: GapReport, w = DEFAULT_WIDTH): string[] {
  const procs = r.processes.filter((p) => !p.thread);
  const threads = new Map<number, number>();
  for (const p of r.processes) if (p.thread) threads.set(p.tgid, (threads.get(p.tgid) ?? 0) + 1);
  const children = new Map<number | null, ReportProcess[]>();
  const pids = new Set(procs.map((p) => p.pid));
  // A process forked by a thread hangs under the thread's process.
  const tgidOf = new Map(r.processes.map((p) => [p.pid, p.tgid]));
  for (const p of procs) {
    const up = p.ppid === null ? null : (tgidOf.get(p.ppid) ?? p.ppid);
    const parent = up !== null && pids.has(up) && up !== p.pid ? up : null;
    const list = children.get(parent) ?? [];
    list.push(p);
    children.set(parent, list);
  }
  const out = [fit('Processes (pid, name, start, duration, syscalls, end; threads folded in)', w)];
  let rows = 0;
  const walk = (p: ReportProcess, indent: string, last: boolean, root: boolean) => {
    if (rows++ >= MAX_TREE_ROWS) return;
    const branch = root ? '' : last ? '└─ ' : '├─ ';
    const names = p.names.map((x) => short(x.name, 40)).filter((x, k, all) => all.indexOf(x) === k);
    const shownNames = names.length > 3 ? [names[0], '…', ...names.slice(-2)] : names;
    const th = threads.get(p.pid);
    const start = p.start === null || r.clock.kind === 'none' ? '' : `${startText(r, p.start)}, `;
    out.push(
      fit(
        `  ${indent}${branch}${p.pid}${p.ppidGuessed ? '?' : ''} ${shownNames.join(' → ')}  ` +
          `[${start}${p.seconds === null ? '' : `${secs(p.seconds)}, `}${n(p.syscalls)} ${p.syscalls === 1 ? 'call' : 'calls'}${th ? `, +${th} ${th === 1 ? 'thread' : 'threads'}` : ''}, ${exitText(p)}]`,
        w,
      ),
    );
    const kids = children.get(p.pid) ?? [];
    kids.forEach((k, i) => walk(k, root ? indent : indent + (last ? '   ' : '│  '), i === kids.length - 1, false));
  };
  const roots = children.get(null) ?? [];
  roots.forEach((p) => walk(p, '', true, true));
  if (rows > MAX_TREE_ROWS) out.push(`  … ${n(rows - MAX_TREE_ROWS)} more in --json`);
  if (r.processes.some((p) => p.ppidGuessed)) out.push('  (? parent matched by time: the clone was made inside a pid namespace)');
  return out;
}

function startText(r: GapReport, abs: number): string {
  if (r.span === null) return '';
  return `+${secs(abs - r.span.start)}`;
}

function gapBlock(g: ReportGap, k: number, st: Style, w: number, more: number): string[] {
  const what = g.kind === 'waiting' ? `waited in ${g.syscall ?? '?'}` : 'made no syscall';
  const lead = `  ${k}. ${secs(g.seconds)}`;
  const others = more > 0 ? ` (+${n(more)} alike)` : '';
  const out = [paintSpan(fit(`${lead}  pid ${g.pid} (${short(g.name, 40)}) ${what}${others}, from ${g.startText ?? '?'}`, w), 0, lead.length, st.strong)];
  for (const [label, ref] of [['before', g.before], ['after ', g.after]] as const) {
    const cite = safeText(`${label} ${ref.file}:${ref.line}`);
    const lines = cited(`${label} ${ref.file}`, ref.line, ref.text, 5, w);
    lines[0] = paintSpan(lines[0] as string, 5, cite.length, st.dim);
    out.push(...lines);
  }
  for (const b of g.blame.slice(0, 2)) {
    const top = b.top.map((t) => `${n(t.count)}× ${t.what}`).join(', ');
    out.push(fit(`     meanwhile pid ${b.pid} (${short(b.name, 30)}) was busy ${secs(b.busySeconds)}, ${n(b.calls)} ${b.calls === 1 ? 'call' : 'calls'}${top ? `: ${top}` : ''}`, w));
  }
  return out;
}

function gaps(r: GapReport, top: number, st: Style, w: number): string[] {
  const out: string[] = [];
  for (const [kind, title] of [
    ['waiting', 'Longest waits inside a syscall'],
    ['userspace', 'Longest silent gaps between syscalls (user code, CPU wait, or untraced calls)'],
  ] as const) {
    const list = shownGaps(r, kind).slice(0, top);
    if (list.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(st.heading(fit(title, w)));
    list.forEach((g, k) => out.push(...gapBlock(g.gap, k + 1, st, w, g.more)));
  }
  return out;
}

function idle(r: GapReport, w: number): string[] {
  if (r.idle.length === 0) return [];
  const shown = r.idle.slice(0, 5).map((x) => `${x.startText ?? '?'} (${secs(x.seconds)})`);
  return wrap(`Idle windows (no traced task made a syscall): ${shown.join(', ')}`, '', '  ', w);
}

function warnings(r: GapReport, w: number): string[] {
  if (r.warnings.length === 0) return [];
  const out = ['Warnings'];
  for (const x of r.warnings) {
    const where = x.file === null ? '' : ` (${x.file}${x.line === null ? '' : `:${x.line}`})`;
    out.push(...wrap(`${x.code}: ${x.message}${where}`, '  ', '    ', w));
  }
  return out;
}

function pendingCalls(r: GapReport, w: number): string[] {
  if (r.pending.length === 0) return [];
  const out = [fit(`Calls still waiting when the trace ended (${n(r.pending.length)})`, w)];
  for (const p of r.pending.slice(0, 10)) {
    out.push(fit(`  pid ${p.pid}: ${p.what}, since ${p.sinceText ?? '?'} (at least ${secs(p.seconds)})`, w));
    out.push(...cited(p.file, p.line, p.text, 4, w));
  }
  if (r.pending.length > 10) out.push(`  … ${n(r.pending.length - 10)} more in --json`);
  return out;
}

function unparsed(r: GapReport, w: number): string[] {
  const i = r.input;
  if (i.issues.length === 0) return [];
  const out = [fit(`Unparsed lines (first ${i.issues.length} of ${n(i.unparsed)})`, w)];
  for (const x of i.issues) out.push(...wrap(`${x.file}:${x.line}: ${x.reason}`, '  ', '    ', w), fit(`    ${x.text}`, w));
  return out;
}

/** The report as text for a terminal: plain, or with ANSI styles when `options.color`. */
export function renderText(report: GapReport, options: TextOptions): string {
  const st = options.color === true ? ANSI_STYLE : NO_STYLE;
  const w = Math.max(40, options.width ?? DEFAULT_WIDTH);
  const sections = [
    header(report, w),
    ready(report, st, w),
    path(report, st, w),
    diagnoses(report, st, w),
    pendingCalls(report, w),
    timeline(report, st, w),
    tree(report, w),
    gaps(report, options.top, st, w),
    idle(report, w),
    warnings(report, w),
    unparsed(report, w),
  ].filter((s) => s.length > 0);
  // Each section's first line is its title (the header's is the summary line).
  for (const s of sections) if (s[0] !== undefined && !/^[ \u001b]/.test(s[0])) s[0] = titled(s[0], st);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** Bolds a section title: up to its first colon or parenthesis. */
function titled(line: string, st: Style): string {
  const end = line.search(/ ?[:(]/);
  return end < 0 ? st.heading(line) : paintSpan(line, 0, end, st.heading);
}

/** `2 inputs, 1,024 lines (0 unparsed, 4 of program output), 7 tasks`: the header's counts. */
export function inputCounts(r: GapReport): string {
  const i = r.input;
  const output = i.programOutput === undefined ? '' : `, ${n(i.programOutput)} of program output`;
  return (
    `${n(i.files.length)} ${i.files.length === 1 ? 'input' : 'inputs'}, ${n(i.lines)} ${i.lines === 1 ? 'line' : 'lines'} ` +
    `(${n(i.unparsed)} unparsed${output}), ${n(r.processes.length)} ${r.processes.length === 1 ? 'task' : 'tasks'}`
  );
}
