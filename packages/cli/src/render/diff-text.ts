/**
 * A diff as text for a terminal, readable at 100 columns: what made the slow trace slow in words,
 * then tables of phases, programs and processes by growth, the gaps that grew, and the diagnoses
 * only one side has.
 */
import { formatCount as n, formatSeconds as secs, type DiffReport, type DiffRow, type DiffSideInfo, type GapRow } from '@strace-gaps/phases';
import { measureText, signed } from '@strace-gaps/phases/internal';
import { ANSI_STYLE, NO_STYLE, paintSpan, type Style } from './style.js';
import { fit, short, wrap } from './text.js';

/** The diff's tables are laid out for 100 columns. */
const W = 100;

export interface DiffTextOptions {
  readonly color?: boolean;
}

const KEY_WIDTH = 44;

function side(label: string, s: DiffSideInfo): string {
  return `${label} ${n(s.inputs.length)} ${s.inputs.length === 1 ? 'input' : 'inputs'}, ${n(s.processes)} ${s.processes === 1 ? 'process' : 'processes'}${s.seconds === null ? '' : `, ${secs(s.seconds)}`}`;
}

/** A side's seconds, with the count when more than one phase or process adds up to them. */
export function amount(a: DiffRow['fast']): string {
  if (a === null) return '–';
  return a.count > 1 ? `${secs(a.seconds)} (${n(a.count)})` : secs(a.seconds);
}


function table(title: string, what: string, rows: readonly DiffRow[], st: Style): string[] {
  if (rows.length === 0) return [];
  const out = [st.heading(title), `  ${what.padEnd(KEY_WIDTH)} ${'fast'.padStart(12)} ${'slow'.padStart(12)} ${'change'.padStart(10)} ${'×'.padStart(7)}`];
  for (const r of rows) {
    const change = signed(r.delta).padStart(10);
    const line = `  ${short(r.key, KEY_WIDTH).padEnd(KEY_WIDTH)} ${amount(r.fast).padStart(12)} ${amount(r.slow).padStart(12)} ${change} ${(r.ratio === null ? '' : r.ratio.toFixed(2)).padStart(7)}`;
    const at = 2 + KEY_WIDTH + 1 + 12 + 1 + 12 + 1;
    out.push(paintSpan(fit(line, W), at, 10, r.delta > 0 ? st.warning : st.dim));
    const measures = r.measures.filter((m) => r.kind !== 'process' || m.fast !== m.slow);
    if (measures.length > 0) out.push(...wrap(measures.map(measureText).join(' · '), '      ', '      ', W));
  }
  return out;
}

function gapRows(rows: readonly GapRow[], st: Style): string[] {
  if (rows.length === 0) return [];
  const out = [st.heading('Gaps that grew, shrank, or appear on one side (longest per process role and call)')];
  for (const g of rows) {
    const what = g.kind === 'waiting' ? `waited in ${g.syscall ?? '?'}` : 'made no syscall';
    const lead = `  ${signed(g.delta)}`;
    const sides = `${g.fast === null ? '–' : secs(g.fast)} → ${g.slow === null ? '–' : secs(g.slow)}`;
    out.push(paintSpan(fit(`${lead}  ${short(g.role, 50)} ${what}: ${sides}`, W), 0, lead.length, st.strong));
    const e = g.example;
    out.push(fit(`     ${g.exampleSide} before ${e.before.file}:${e.before.line}  ${e.before.text}`, W));
    out.push(fit(`     ${g.exampleSide} after  ${e.after.file}:${e.after.line}  ${e.after.text}`, W));
  }
  return out;
}

function diagnoses(d: DiffReport, st: Style): string[] {
  const out = [st.heading('Diagnoses')];
  for (const [label, list] of [['slow only', d.diagnoses.slowOnly], ['fast only', d.diagnoses.fastOnly]] as const) {
    if (list.length === 0) {
      out.push(`  ${label}: none`);
      continue;
    }
    for (const x of list) out.push(...wrap(`${label}: [${x.severity}] ${x.id}: ${x.summary}`, '  ', '    ', W));
  }
  out.push(`  both: ${d.diagnoses.both.length === 0 ? 'none' : d.diagnoses.both.join(', ')}`);
  return out;
}

/** The diff as text: plain, or with ANSI styles when `options.color`. */
export function renderDiffText(d: DiffReport, options: DiffTextOptions = {}): string {
  const st = options.color === true ? ANSI_STYLE : NO_STYLE;
  const total = d.total.delta === null ? '' : `: ${signed(d.total.delta)}${d.total.ratio === null ? '' : `, ×${d.total.ratio.toFixed(2)}`}`;
  const sections = [
    // The first line says what made the slow one slow; the numbers follow.
    [...wrap(d.headline, '', '', W).map((l) => st.strong(l)), '', fit(`${side('fast:', d.fast)}`, W), fit(`${side('slow:', d.slow)}${total}`, W)],
    table('Phases (aligned by kind, by growth; named start-up phases first)', 'phase', d.phases, st),
    table('Programs (exec phases by program path, by growth)', 'program', d.programs, st),
    table('Processes by role (threads folded; lifetimes summed)', 'process', d.processes, st),
    gapRows(d.gaps, st),
    diagnoses(d, st),
  ].filter((s) => s.length > 0);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
