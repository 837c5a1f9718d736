/**
 * The report as text for a terminal, readable at 100 columns: header, diagnoses, a phase timeline
 * with proportional bars, the process tree, the longest waits and silent gaps with their lines and
 * who was busy meanwhile, idle windows, warnings, and unparsed lines.
 */
import { formatCount as n, formatSeconds as secs, type GapReport, type ReportGap, type ReportProcess } from '@strace-gaps/phases';
import { safeText } from './safe.js';

const WIDTH = 100;
const BAR = 24;
/** Phases shown in the timeline; exec/loader phases only when they are a large part of the span. */
const MAX_PHASE_ROWS = 16;
const MAX_TREE_ROWS = 60;
const KEY_PHASES = new Set(['runtime-init', 'env-dump', 'supervisor-start', 'repeat']);

export interface TextOptions {
  /** Gaps of each kind to show. */
  readonly top: number;
}

/** Cuts a name to `width` characters. */
function short(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

/** Cuts a line to the width, marking the cut. */
function fit(s: string, width = WIDTH): string {
  const safe = safeText(s);
  return safe.length <= width ? safe : `${safe.slice(0, width - 1)}…`;
}

function clockLabel(r: GapReport): string {
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

function diagnoses(r: GapReport): string[] {
  if (r.diagnoses.length === 0) return ['Diagnoses: none (no cause stood out)'];
  const out = ['Diagnoses'];
  for (const d of r.diagnoses) {
    out.push(...wrap(`[${d.severity}] ${d.id}: ${d.summary}`, '  ', '    '));
    out.push(...wrap(`fix: ${d.fix}`, '    ', '         '));
    for (const e of d.evidence.slice(0, 4)) out.push(fit(`    ${e.file}:${e.line}  ${e.text}`));
  }
  return out;
}

/** Word-wraps a paragraph to the width. */
function wrap(text: string, first: string, rest: string): string[] {
  const words = safeText(text).split(' ');
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

function timeline(r: GapReport): string[] {
  if (r.span === null) return [];
  const span = r.span;
  const rows = r.phases.filter(
    (p) => KEY_PHASES.has(p.kind) || ((p.kind === 'exec' || p.kind === 'wait') && p.seconds >= 0.1 * span.seconds && p.seconds > 0),
  );
  if (rows.length === 0) return ['Phases: none found'];
  // The start-up phases always; the longest of the others fill the remaining rows.
  const key = rows.filter((p) => KEY_PHASES.has(p.kind));
  const rest = rows.filter((p) => !KEY_PHASES.has(p.kind)).sort((a, b) => b.seconds - a.seconds);
  const shown = [...key, ...rest.slice(0, Math.max(0, MAX_PHASE_ROWS - key.length))].sort((a, b) => a.start - b.start || a.end - b.end);
  const out = [`Phases (${secs(span.seconds)} across ${BAR} columns)`];
  for (const p of shown) {
    const head = `  ${(p.startText ?? '').padEnd(15)} |${bar(p.start, p.end, span.start, span.seconds)}| ${secs(p.seconds).padStart(8)}  ${p.kind.padEnd(16)} pid ${p.pid}`;
    out.push(fit(head));
    out.push(fit(`${' '.repeat(20)}${p.summary}`));
  }
  if (rows.length > shown.length) out.push(`  … ${n(rows.length - shown.length)} shorter phases in --json`);
  return out;
}

function exitText(p: ReportProcess): string {
  if (p.exit === null) return 'no exit seen';
  if (p.exit.signal !== null) return `killed by ${p.exit.signal}${p.exit.coreDumped ? ' (core dumped)' : ''}`;
  return `exit ${p.exit.code}`;
}

function tree(r: GapReport): string[] {
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

function gapBlock(g: ReportGap, k: number): string[] {
  const what = g.kind === 'waiting' ? `waited in ${g.syscall ?? '?'}` : 'made no syscall';
  const out = [fit(`  ${k}. ${secs(g.seconds)}  pid ${g.pid} (${short(g.name, 40)}) ${what}, from ${g.startText ?? '?'}`)];
  out.push(fit(`     before ${g.before.file}:${g.before.line}  ${g.before.text}`));
  out.push(fit(`     after  ${g.after.file}:${g.after.line}  ${g.after.text}`));
  for (const b of g.blame.slice(0, 2)) {
    const top = b.top.map((t) => `${n(t.count)}× ${t.what}`).join(', ');
    out.push(fit(`     meanwhile pid ${b.pid} (${short(b.name, 30)}) was busy ${secs(b.busySeconds)}, ${n(b.calls)} calls${top ? `: ${top}` : ''}`));
  }
  return out;
}

function gaps(r: GapReport, top: number): string[] {
  const out: string[] = [];
  for (const [kind, title] of [
    ['waiting', 'Longest waits inside a syscall'],
    ['userspace', 'Longest silent gaps between syscalls (user code, CPU wait, or untraced calls)'],
  ] as const) {
    const list = r.gaps.filter((g) => g.kind === kind).slice(0, top);
    if (list.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(title);
    list.forEach((g, k) => out.push(...gapBlock(g, k + 1)));
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

/** The report as plain text. */
export function renderText(report: GapReport, options: TextOptions): string {
  const sections = [
    header(report),
    diagnoses(report),
    timeline(report),
    tree(report),
    gaps(report, options.top),
    idle(report),
    warnings(report),
    unparsed(report),
  ].filter((s) => s.length > 0);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
