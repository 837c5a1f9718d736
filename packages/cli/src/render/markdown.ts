/**
 * The report as GitHub-flavoured Markdown, to paste into an issue or a support ticket: the
 * diagnoses first, then tables for phases, gaps and warnings, and the process tree and the cited
 * log lines in code blocks. Every string from a trace is escaped for where it lands, so a line
 * holding `<script>`, backticks or `|` shows as text and cannot break a table or a block.
 */
import { formatCount as n, formatSeconds as secs, formatShare, type GapReport, type ReportGap } from '@strace-gaps/phases';
import { captureLines } from '@strace-gaps/phases/internal';
import { afterText, foldedText, offset, pathRows, readyLine, readyRuleText, stepText } from './path.js';
import { safeText } from './safe.js';
import { timelinePhases } from './select.js';
import { clockLabel, inputCounts, tree } from './text.js';

/** Lines in code blocks are cut at this width (a ticket's page, not a terminal). */
const MD_WIDTH = 100;

export interface MarkdownOptions {
  /** Gaps of each kind to show. */
  readonly top: number;
}

/**
 * Text in Markdown prose or a table cell. Characters that mark up anywhere in a line are escaped
 * (emphasis, code, links, `|`, HTML); those that mark up only at a line's start (`#`, `-`, `+`,
 * `1.`) are escaped there. Dots and dashes inside a sentence stay readable in the raw text.
 */
export function mdText(s: string): string {
  return safeText(s)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^([#+-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inline code that survives any content: a fence longer than the longest backtick run inside. */
export function mdCode(s: string, inTable = false): string {
  let text = safeText(s);
  // GitHub reads `|` as a cell border even inside code in a table, unless escaped.
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Our own sentences (summaries, fixes) mark code with backticks: those parts become inline code,
 * the rest prose. Both are escaped, so a trace-derived name inside cannot break out either way.
 */
export function mdProse(s: string, inTable = false): string {
  return s
    .split(/`([^`]*)`/)
    .map((part, i) => (i % 2 === 1 ? mdCode(part, inTable) : mdText(part)))
    .join('');
}

/** A fenced block that no line of its content can close. */
export function mdBlock(lines: readonly string[], info = 'text'): string[] {
  const safe = lines.map(safeText);
  const longest = Math.max(2, ...safe.flatMap((l) => l.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...safe, fence];
}

function header(r: GapReport): string[] {
  const span = r.span === null ? '' : ` · span ${mdCode(r.span.startText ?? '?')} → ${mdCode(r.span.endText ?? '?')} (${secs(r.span.seconds)})`;
  return [
    '# strace-gaps report',
    '',
    `${inputCounts(r)} · clock: ${mdText(clockLabel(r))}${span}`,
    ...(r.capture === undefined ? [] : ['', ...captureLines(r.capture).map((l) => `- ${mdText(l)}`)]),
  ];
}

function ready(r: GapReport): string[] {
  const s = r.startup;
  const line = readyLine(r);
  if (s === null || line === null) return [];
  const out = ['## Ready', '', `**${mdText(line)}**`, '', `Ready: ${mdText(readyRuleText(s))}.`];
  if (s.readyBy.file !== null && s.readyBy.line !== null) out.push('', ...mdBlock([`${s.readyBy.file}:${s.readyBy.line}  ${s.readyBy.text ?? ''}`]));
  const after = afterText(s);
  if (after !== '') out.push('', `${mdText(after)}.`);
  if (s.criticalPath.length === 0) return out;
  out.push('', '### Critical path to ready', '', '| at | seconds | share | pid | state | what |', '|---:|---:|---:|---:|---|---|');
  for (const row of pathRows(s)) {
    if (!('step' in row)) {
      out.push(`| | ${secs(row.seconds)} | | | | ${mdText(foldedText(row))} |`);
      continue;
    }
    const p = row.step;
    const cause = p.cause === undefined ? '' : ` (${mdCode(p.cause, true)})`;
    out.push(`| ${mdCode(offset(s, p.start), true)} | ${secs(p.seconds)} | ${formatShare(p.seconds, s.seconds)} | ${p.pid} | ${p.state} | ${mdCode(p.name, true)}: ${mdText(stepText(p))}${cause} |`);
  }
  return out;
}

function diagnoses(r: GapReport): string[] {
  const out = ['## Diagnoses', ''];
  if (r.diagnoses.length === 0) return [...out, 'None: no cause stood out.'];
  for (const d of r.diagnoses) {
    out.push(`- **${d.severity}** ${mdCode(d.id)}: ${mdProse(d.summary)}`);
    if (d.seconds !== null && d.share !== null) {
      const parts = d.parts.filter((p) => p.seconds > 0).slice(0, 4).map((p) => `${secs(p.seconds)} ${mdText(p.what)}${p.pid === null ? '' : ` (pid ${p.pid})`}`);
      out.push(`  - **Cost:** ${secs(d.seconds)} on the critical path (${formatShare(d.share, 1)} of the start)${parts.length > 1 ? `: ${parts.join(', ')}` : ''}`);
    }
    out.push(`  - **Fix:** ${mdProse(d.fix)}`);
    for (const e of d.evidence.slice(0, 4)) out.push(`  - ${mdCode(`${e.file}:${e.line}`)}${e.text === '' ? '' : ` ${mdCode(e.text)}`}`);
  }
  return out;
}

function pending(r: GapReport): string[] {
  if (r.pending.length === 0) return [];
  const out = ['## Calls still waiting when the trace ended', ''];
  for (const p of r.pending.slice(0, 10)) {
    out.push(`- pid ${p.pid}: ${mdCode(p.what)} since ${mdCode(p.sinceText ?? '?')} (at least ${secs(p.seconds)})`);
    out.push(`  ${mdCode(`${p.file}:${p.line}`)} ${mdCode(p.text)}`);
  }
  return out;
}

function phases(r: GapReport): string[] {
  const { shown, qualified } = timelinePhases(r);
  if (shown.length === 0) return [];
  const out = ['## Phases', '', '| start | duration | phase | pid | what happened |', '|---|---:|---|---:|---|'];
  for (const p of shown) {
    out.push(`| ${mdCode(p.startText ?? '?', true)} | ${secs(p.seconds)} | ${mdCode(p.kind, true)} | ${p.pid} | ${mdProse(p.summary, true)} |`);
  }
  if (qualified > shown.length) out.push('', `${n(qualified - shown.length)} shorter phases are in the JSON report.`);
  return out;
}

function gapItem(g: ReportGap, k: number): string[] {
  const what = g.kind === 'waiting' ? `waited in ${mdCode(g.syscall ?? '?')}` : 'made no syscall';
  const out = [`${k}. **${secs(g.seconds)}**: pid ${g.pid} (${mdCode(g.name)}) ${what}, from ${mdCode(g.startText ?? '?')}`];
  const lines = [`before ${g.before.file}:${g.before.line}  ${g.before.text}`, `after  ${g.after.file}:${g.after.line}  ${g.after.text}`];
  out.push(...mdBlock(lines).map((l) => `   ${l}`));
  for (const b of g.blame.slice(0, 2)) {
    const top = b.top.map((t) => `${n(t.count)}× ${mdCode(t.what)}`).join(', ');
    out.push(`   - meanwhile pid ${b.pid} (${mdCode(b.name)}) was busy ${secs(b.busySeconds)}, ${n(b.calls)} ${b.calls === 1 ? 'call' : 'calls'}${top ? `: ${top}` : ''}`);
  }
  return out;
}

function gaps(r: GapReport, top: number): string[] {
  const out: string[] = [];
  for (const [kind, title] of [
    ['waiting', 'Longest waits inside a syscall'],
    ['userspace', 'Longest silent gaps between syscalls'],
  ] as const) {
    const list = r.gaps.filter((g) => g.kind === kind).slice(0, top);
    if (list.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(`## ${title}`, '');
    list.forEach((g, k) => out.push(...gapItem(g, k + 1)));
  }
  return out;
}

function processes(r: GapReport): string[] {
  if (r.processes.length === 0) return [];
  return ['## Processes', '', ...mdBlock(tree(r, MD_WIDTH).slice(1))];
}

function notes(r: GapReport): string[] {
  const out: string[] = [];
  if (r.idle.length > 0) {
    const shown = r.idle.slice(0, 5).map((w) => `${mdCode(w.startText ?? '?')} (${secs(w.seconds)})`);
    out.push('## Idle windows', '', `No traced task made a syscall: ${shown.join(', ')}`);
  }
  if (r.warnings.length > 0) {
    if (out.length > 0) out.push('');
    out.push('## Warnings', '');
    for (const w of r.warnings) {
      const where = w.file === null ? '' : ` (${mdCode(w.line === null ? w.file : `${w.file}:${w.line}`)})`;
      out.push(`- ${mdCode(w.code)}: ${mdProse(w.message)}${where}`);
    }
  }
  const i = r.input;
  if (i.issues.length > 0) {
    if (out.length > 0) out.push('');
    out.push(`## Unparsed lines (first ${i.issues.length} of ${n(i.unparsed)})`, '');
    out.push(...mdBlock(i.issues.flatMap((x) => [`${x.file}:${x.line}: ${x.reason}`, `  ${x.text}`])));
  }
  return out;
}

/** The report as Markdown. */
export function renderMarkdown(report: GapReport, options: MarkdownOptions): string {
  const sections = [header(report), ready(report), diagnoses(report), pending(report), phases(report), gaps(report, options.top), processes(report), notes(report)];
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
