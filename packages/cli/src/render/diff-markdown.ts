/** A diff as GitHub-flavoured Markdown: the headline, tables by growth, gaps and diagnoses. */
import { formatCount as n, formatSeconds as secs, type DiffReport, type DiffRow } from '@strace-gaps/phases';
import { measureText, signed } from '@strace-gaps/phases/internal';
import { amount } from './diff-text.js';
import { mdBlock, mdCode, mdProse, mdText } from './markdown.js';

function table(title: string, what: string, rows: readonly DiffRow[]): string[] {
  if (rows.length === 0) return [];
  const out = [`## ${title}`, '', `| ${what} | fast | slow | change | × | counts |`, '|---|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const measures = r.measures.filter((m) => r.kind !== 'process' || m.fast !== m.slow).map((m) => mdText(measureText(m)));
    out.push(`| ${mdCode(r.key, true)} | ${amount(r.fast)} | ${amount(r.slow)} | ${signed(r.delta)} | ${r.ratio === null ? '' : r.ratio.toFixed(2)} | ${measures.join('<br>')} |`);
  }
  return out;
}

/** The diff as Markdown. */
export function renderDiffMarkdown(d: DiffReport): string {
  const total = d.total.delta === null ? '' : ` (${signed(d.total.delta)}${d.total.ratio === null ? '' : `, ×${d.total.ratio.toFixed(2)}`})`;
  const sides = (label: string, s: DiffReport['fast']) =>
    `**${label}**: ${n(s.inputs.length)} ${s.inputs.length === 1 ? 'input' : 'inputs'}, ${n(s.processes)} ${s.processes === 1 ? 'process' : 'processes'}${s.seconds === null ? '' : `, ${secs(s.seconds)}`}`;
  const out: string[][] = [
    ['# strace-gaps diff', '', `**${mdProse(d.headline)}**`, '', `${sides('fast', d.fast)} · ${sides('slow', d.slow)}${total}`],
    table('Phases', 'phase', d.phases),
    table('Programs', 'program', d.programs),
    table('Processes by role', 'process', d.processes),
  ];
  if (d.gaps.length > 0) {
    const g: string[] = ['## Gaps that grew, shrank, or appear on one side', ''];
    d.gaps.forEach((row, k) => {
      const what = row.kind === 'waiting' ? `waited in ${mdCode(row.syscall ?? '?')}` : 'made no syscall';
      g.push(`${k + 1}. **${signed(row.delta)}**: ${mdCode(row.role)} ${what}, ${row.fast === null ? '–' : secs(row.fast)} → ${row.slow === null ? '–' : secs(row.slow)}`);
      const e = row.example;
      g.push(...mdBlock([`${row.exampleSide} before ${e.before.file}:${e.before.line}  ${e.before.text}`, `${row.exampleSide} after  ${e.after.file}:${e.after.line}  ${e.after.text}`]).map((l) => `   ${l}`));
    });
    out.push(g);
  }
  const diag = ['## Diagnoses', ''];
  for (const [label, list] of [['slow only', d.diagnoses.slowOnly], ['fast only', d.diagnoses.fastOnly]] as const) {
    if (list.length === 0) diag.push(`- ${label}: none`);
    for (const x of list) diag.push(`- ${label}: **${x.severity}** ${mdCode(x.id)}: ${mdProse(x.summary)}`);
  }
  diag.push(`- both: ${d.diagnoses.both.length === 0 ? 'none' : d.diagnoses.both.map((id) => mdCode(id)).join(', ')}`);
  out.push(diag);
  return `${out
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
