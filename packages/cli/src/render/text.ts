/**
 * The report as text for a terminal, readable at 100 columns: header, diagnoses, a phase timeline
 * with proportional bars, the process tree, the longest waits and silent gaps with their lines and
 * who was busy meanwhile, idle windows, warnings, and unparsed lines.
 */
import { formatCount as n, formatSeconds as secs, type GapReport, type ReportGap, type ReportProcess } from '@strace-gaps/phases';
import { safeText } from './safe.js';
import { timelinePhases } from './select.js';
import { ANSI_STYLE, NO_STYLE, paintSpan, type Style } from './style.js';

const WIDTH = 100;
const BAR = 24;
const MAX_TREE_ROWS = 60;

export interface TextOptions {
  /** Gaps of each kind to show. */
  readonly top: number;
  /** ANSI colours and bold (for a terminal); off by default. */
  readonly color?: boolean;
}

/** Cuts a name to `width` characters. */
export function short(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

/** Cuts a line to the width, marking the cut. */
export function fit(s: string, width = WIDTH): string {
  const safe = safeText(s);
  return safe.length <= width ? safe : `${safe.slice(0, width - 1)}…`;
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

function header(r: GapReport): string[] {
  const i = r.input;
  const out = [
    fit(
      `strace-gaps: ${n(i.files.length)} ${i.files.length === 1 ? 'input' : 'inputs'}, ${n(i.lines)} lines ` +
        `(${n(i.unparsed)} unparsed), ${n(r.processes.length)} tasks`,
    ),
    fit(`clock: ${clockLabel(r)}`),
  ];
  if (r.span !== null) out.push(fit(`span:  ${r.span.startText ?? '?'} → ${r.span.endText ?? '?'}  (${secs(r.span.seconds)})`));
  return out;
}

function diagnoses(r: GapReport, st: Style): string[] {
  if (r.diagnoses.length === 0) return ['Diagnoses: none (no cause stood out)'];
  const out = ['Diagnoses'];
  for (const d of r.diagnoses) {
    const lines = wrap(`[${d.severity}] ${d.id}: ${d.summary}`, '  ', '    ');
    const tag = `[${d.severity}]`;
    const paint = d.severity === 'critical' ? st.critical : d.severity === 'warning' ? st.warning : st.strong;
    lines[0] = paintSpan(lines[0] as string, 2, tag.length, paint);
    out.push(...lines);
    out.push(...wrap(`fix: ${d.fix}`, '    ', '         '));
    for (const e of d.evidence.slice(0, 4)) out.push(fit(`    ${e.file}:${e.line}  ${e.text}`));
  }
  return out;
}

/** Word-wraps a paragraph to the width. */
export function wrap(text: string, first: string, rest: string): string[] {
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
    if (cur.length > prefix.length && cur.length + 1 + w.length > WIDTH) {
      out.push(cur);
      cur = rest + w;
    } else cur = cur.length === prefix.length ? cur + w : `${cur} ${w}`;
  }
  out.push(cur);
  return out.map((l) => fit(l));
}

function bar(start: number, end: number, from: number, span: number): string {
  if (span <= 0) return ' '.repeat(BAR);
  const a = Math.max(0, Math.min(BAR - 1, Math.floor(((start - from) / span) * BAR)));
  const b = Math.max(a + 1, Math.min(BAR, Math.ceil(((end - from) / span) * BAR)));
  return `${' '.repeat(a)}${'█'.repeat(b - a)}${' '.repeat(BAR - b)}`;
}

function timeline(r: GapReport, st: Style): string[] {
  if (r.span === null) return [];
  const span = r.span;
  const { shown, qualified } = timelinePhases(r);
  if (qualified === 0) return ['Phases: none found'];
  const out = [`Phases (${secs(span.seconds)} across ${BAR} columns)`];
  for (const p of shown) {
    const head = `  ${(p.startText ?? '').padEnd(15)} |${bar(p.start, p.end, span.start, span.seconds)}| ${secs(p.seconds).padStart(8)}  ${p.kind.padEnd(16)} pid ${p.pid}`;
    out.push(paintSpan(fit(head), 19, BAR, st.accent));
    out.push(fit(`${' '.repeat(20)}${p.summary}`));
  }
  if (qualified > shown.length) out.push(`  … ${n(qualified - shown.length)} shorter phases in --json`);
  return out;
}

function exitText(p: ReportProcess): string {
  if (p.exit === null) return 'no exit seen';
  if (p.exit.signal !== null) return `killed by ${p.exit.signal}${p.exit.coreDumped ? ' (core dumped)' : ''}`;
  return `exit ${p.exit.code}`;
}

/** The process tree as text lines (the Markdown report shows the same in a code block). */
export function tree(r: GapReport): string[] {
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
  const out = ['Processes (pid, name, start, duration, syscalls, end; threads folded into their process)'];
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
          `[${start}${p.seconds === null ? '' : `${secs(p.seconds)}, `}${n(p.syscalls)} calls${th ? `, +${th} threads` : ''}, ${exitText(p)}]`,
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

function gapBlock(g: ReportGap, k: number, st: Style): string[] {
  const what = g.kind === 'waiting' ? `waited in ${g.syscall ?? '?'}` : 'made no syscall';
  const lead = `  ${k}. ${secs(g.seconds)}`;
  const out = [paintSpan(fit(`${lead}  pid ${g.pid} (${short(g.name, 40)}) ${what}, from ${g.startText ?? '?'}`), 0, lead.length, st.strong)];
  for (const [label, ref] of [['before', g.before], ['after ', g.after]] as const) {
    const cite = safeText(`${label} ${ref.file}:${ref.line}`);
    out.push(paintSpan(fit(`     ${label} ${ref.file}:${ref.line}  ${ref.text}`), 5, cite.length, st.dim));
  }
  for (const b of g.blame.slice(0, 2)) {
    const top = b.top.map((t) => `${n(t.count)}× ${t.what}`).join(', ');
    out.push(fit(`     meanwhile pid ${b.pid} (${short(b.name, 30)}) was busy ${secs(b.busySeconds)}, ${n(b.calls)} calls${top ? `: ${top}` : ''}`));
  }
  return out;
}

function gaps(r: GapReport, top: number, st: Style): string[] {
  const out: string[] = [];
  for (const [kind, title] of [
    ['waiting', 'Longest waits inside a syscall'],
    ['userspace', 'Longest silent gaps between syscalls (user code, CPU wait, or untraced calls)'],
  ] as const) {
    const list = r.gaps.filter((g) => g.kind === kind).slice(0, top);
    if (list.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(st.heading(title));
    list.forEach((g, k) => out.push(...gapBlock(g, k + 1, st)));
  }
  return out;
}

function idle(r: GapReport): string[] {
  if (r.idle.length === 0) return [];
  const shown = r.idle.slice(0, 5).map((w) => `${w.startText ?? '?'} (${secs(w.seconds)})`);
  return [fit(`Idle windows (no traced task made a syscall): ${shown.join(', ')}`)];
}

function warnings(r: GapReport): string[] {
  if (r.warnings.length === 0) return [];
  const out = ['Warnings'];
  for (const w of r.warnings) {
    const where = w.file === null ? '' : ` (${w.file}${w.line === null ? '' : `:${w.line}`})`;
    out.push(...wrap(`${w.code}: ${w.message}${where}`, '  ', '    '));
  }
  return out;
}

function unparsed(r: GapReport): string[] {
  const i = r.input;
  if (i.issues.length === 0) return [];
  const out = [`Unparsed lines (first ${i.issues.length} of ${n(i.unparsed)})`];
  for (const x of i.issues) out.push(fit(`  ${x.file}:${x.line}: ${x.reason}`), fit(`    ${x.text}`));
  return out;
}

/** The report as text for a terminal: plain, or with ANSI styles when `options.color`. */
export function renderText(report: GapReport, options: TextOptions): string {
  const st = options.color === true ? ANSI_STYLE : NO_STYLE;
  const sections = [
    header(report),
    diagnoses(report, st),
    timeline(report, st),
    tree(report),
    gaps(report, options.top, st),
    idle(report),
    warnings(report),
    unparsed(report),
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
