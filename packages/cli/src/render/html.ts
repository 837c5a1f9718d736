/**
 * `--html FILE`: the report as one self-contained page. The data goes in as JSON inside a
 * `<script type="application/json">` (with `<`, `>` and `&` escaped, so no trace text can close
 * it), and the page's one script (html-client.ts) builds the tables with `textContent` and draws
 * the timeline on a canvas. A Content-Security-Policy allows that script by its hash and nothing
 * else: no other script, no network request.
 */
import { createHash } from 'node:crypto';
import { formatCount, formatSeconds, formatShare, type GapReport } from '@strace-gaps/phases';
import { captureLines, type Lane } from '@strace-gaps/phases/internal';
import { afterText, offset, readyLine, readyRuleText, stepText } from './path.js';
import { pageMain, type PageData } from './html-client.js';
import { treeOrder } from './tree-order.js';

/** Rows of the process table; the rest are counted (the timeline still has every lane). */
const MAX_PROCESS_ROWS = 500;

export interface HtmlOptions {
  /** Names the producer in the page. */
  readonly generator: string;
}

/** JSON that can sit inside a `<script>` element: nothing in it can end the element or the page. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function lineText(l: { file: string; line: number; text: string }): string {
  return `${l.file}:${l.line}: ${l.text}`;
}

/** Seconds after the first line, rounded to the nanosecond (keeps the embedded JSON short). */
function relative(start: number): (abs: number) => number {
  return (abs) => Math.round((abs - start) * 1e9) / 1e9;
}

/** The data the page shows, from the report and the lanes. */
export function pageData(report: GapReport, lanes: readonly Lane[], options: HtmlOptions): PageData {
  const start = report.span?.start ?? 0;
  const rel = relative(start);
  const byIndex = new Map(report.processes.map((p) => [`${p.pid}/${p.lifetime}`, p]));
  const byPid = new Map(report.processes.map((p) => [p.pid, p]));
  const depth = (pid: number): number => {
    let d = 0;
    let p = byPid.get(pid);
    const seen = new Set<number>();
    while (p !== undefined && p.ppid !== null && !seen.has(p.pid) && d < 64) {
      seen.add(p.pid);
      p = byPid.get(p.ppid);
      d++;
    }
    return d;
  };
  const nameOf = (p: GapReport['processes'][number] | undefined) => (p === undefined || p.names.length === 0 ? '?' : (p.names[p.names.length - 1] as { name: string }).name);
  const laneRows = treeOrder(lanes, (l) => byIndex.get(`${l.pid}/${l.lifetime}`)?.ppid ?? null).map((lane) => {
    const p = byIndex.get(`${lane.pid}/${lane.lifetime}`);
    const busy: number[] = [];
    for (let k = 0; k < lane.busy.length; k += 3) busy.push(rel(lane.busy[k] as number), rel(lane.busy[k + 1] as number), lane.busy[k + 2] as number);
    const details = [
      `pid ${lane.pid}${p?.thread ? ` (thread of ${p.tgid})` : ''}${p?.ppid != null ? `, child of ${p.ppid}` : ''}`,
      ...(p?.names ?? []).map((n) => `${n.source}: ${n.name}`),
      `${formatCount(p?.syscalls ?? 0)} syscalls${p?.exit ? `, ${exitText(p.exit)}` : ''}`,
    ];
    return {
      pid: lane.pid,
      label: `${lane.pid} ${nameOf(p)}`,
      depth: depth(lane.pid),
      thread: p?.thread ?? false,
      start: p?.start == null ? null : rel(p.start),
      end: p?.end == null ? null : rel(p.end),
      busy,
      details,
    };
  });
  const processes = [...report.processes]
    .sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0) || a.pid - b.pid)
    .slice(0, MAX_PROCESS_ROWS)
    .map((p) => ({
      pid: p.pid,
      ppid: p.ppid === null ? '' : `${p.ppid}${p.ppidGuessed ? '?' : ''}`,
      name: nameOf(p),
      startText: p.start === null ? '' : `+${formatSeconds(rel(p.start))}`,
      seconds: p.seconds === null ? '' : formatSeconds(p.seconds),
      syscalls: p.syscalls,
      exit: p.exit === null ? '' : exitText(p.exit),
      top: p.syscallStats
        .slice(0, 3)
        .map((s) => `${s.name} ×${formatCount(s.count)} ${formatSeconds(s.seconds)}`)
        .join(', '),
    }));
  return {
    generator: options.generator,
    title: `strace-gaps: ${report.input.files.map((f) => f.path).slice(0, 3).join(' ')}${report.input.files.length > 3 ? ' …' : ''}`,
    files: report.input.files.map((f) => ({ path: f.path, lines: f.lines, unparsed: f.unparsed })),
    spanText: report.span === null ? null : `${report.span.startText ?? ''} → ${report.span.endText ?? ''}`,
    seconds: report.span?.seconds ?? 0,
    clockNote: `${report.clock.kind} clock${report.clock.aligned ? '' : ' (inputs not aligned)'}${report.capture === undefined ? '' : ` · ${captureLines(report.capture).join(' · ')}`}`,
    diagnoses: report.diagnoses.map((d) => ({ id: d.id, severity: d.severity, summary: d.summary, fix: d.fix, cost: costText(d), evidence: d.evidence.map(lineText) })),
    startup: startupData(report),
    warnings: report.warnings.map((w) => `${w.code}: ${w.message}${w.file === null ? '' : ` (${w.file}${w.line === null ? '' : `:${w.line}`})`}`),
    phases: report.phases.map((p) => ({
      kind: p.kind,
      pid: p.pid,
      start: rel(p.start),
      end: rel(p.end),
      startText: p.startText ?? `+${formatSeconds(rel(p.start))}`,
      seconds: formatSeconds(p.seconds),
      summary: p.summary,
      evidence: p.evidence.map(lineText),
    })),
    gaps: report.gaps.map((g) => ({
      pid: g.pid,
      name: g.name,
      kind: g.kind,
      start: rel(g.start),
      end: rel(g.end),
      startText: g.startText ?? `+${formatSeconds(rel(g.start))}`,
      seconds: formatSeconds(g.seconds),
      syscall: g.syscall,
      before: lineText(g.before),
      after: lineText(g.after),
      blame: g.blame
        .map((b) => `${b.name} (${b.pid}) busy ${formatSeconds(b.busySeconds)}${b.top.length > 0 ? `: ${b.top.map((t) => `${t.what} ×${formatCount(t.count)}`).join(', ')}` : ''}`)
        .join('; '),
    })),
    lanes: laneRows,
    processes,
    processesOmitted: Math.max(0, report.processes.length - MAX_PROCESS_ROWS),
    issues: report.input.issues.map((i) => `${i.file}:${i.line}: ${i.reason}: ${i.text}`),
  };
}

/** `Cost: 5.80 s on the critical path (91% of the start); 5.83 s of work in all.` */
function costText(d: GapReport['diagnoses'][number]): string {
  if (d.seconds === null || d.share === null) return '';
  const total = d.totalSeconds !== null && d.totalSeconds > d.seconds + 0.0005 ? `; ${formatSeconds(d.totalSeconds)} of work in all` : '';
  return `Cost: ${formatSeconds(d.seconds)} on the critical path (${formatShare(d.share, 1)} of the start)${total}.`;
}

function startupData(report: GapReport): PageData['startup'] {
  const s = report.startup;
  const line = readyLine(report);
  if (s === null || line === null) return null;
  return {
    line,
    rule: readyRuleText(s),
    after: afterText(s),
    steps: s.criticalPath.map((p) => [
      offset(s, p.start),
      formatSeconds(p.seconds),
      formatShare(p.share, 1),
      String(p.pid),
      p.state,
      `${p.name}: ${stepText(p)}${p.cause === undefined ? '' : ` [${p.cause}]`}`,
    ]),
  };
}

function exitText(e: NonNullable<GapReport['processes'][number]['exit']>): string {
  if (e.signal !== null) return `killed by ${e.signal}${e.coreDumped ? ' (core dumped)' : ''}`;
  return `exited ${e.code}`;
}

/** The page's script: {@link pageMain} run on the embedded data. */
export function pageScript(): string {
  return `(${pageMain.toString()})(JSON.parse(document.getElementById('data').textContent));`;
}

/** The whole page. */
export function renderHtml(report: GapReport, lanes: readonly Lane[], options: HtmlOptions): string {
  const script = pageScript();
  const hash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>strace-gaps report</title>
<style>${STYLE}</style>
</head>
<body>
<main id="app"><noscript>This report draws its timeline and tables with JavaScript; the same report is printed by strace-gaps without --html.</noscript></main>
<script type="application/json" id="data">${scriptJson(pageData(report, lanes, options))}</script>
<script>${script}</script>
</body>
</html>
`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #212529; background: #fff; }
main { max-width: 1400px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #dee2e6; padding-bottom: 4px; }
.files, .meta, .help, .note { color: #495057; margin: 2px 0; word-break: break-all; }
.diagnosis { border-left: 4px solid #868e96; background: #f8f9fa; padding: 8px 12px; margin: 8px 0; }
.diagnosis.critical { border-color: #e03131; background: #fff5f5; }
.diagnosis.warning { border-color: #f08c00; background: #fff9db; }
.diagnosis .id { font-weight: 600; font-size: 12px; text-transform: uppercase; color: #495057; }
.diagnosis p { margin: 4px 0; }
.diagnosis .fix { font-weight: 600; }
pre.lines, td.lines { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-all; }
pre.lines { background: #fff; border: 1px solid #e9ecef; padding: 6px 8px; overflow-x: auto; }
.controls { display: flex; gap: 8px; align-items: center; margin: 6px 0; }
.controls button { font: inherit; padding: 2px 10px; }
.where { color: #495057; font-size: 12px; }
.scroller { position: relative; overflow-y: auto; overflow-x: hidden; border: 1px solid #dee2e6; }
.spacer { position: relative; }
canvas#timeline { position: absolute; left: 0; display: block; cursor: grab; }
.tip { display: none; position: fixed; z-index: 10; max-width: 760px; background: #212529; color: #f8f9fa; padding: 6px 8px;
  font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-all; pointer-events: none; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #e9ecef; }
th { background: #f1f3f5; font-weight: 600; }
td:not(:last-child) { white-space: nowrap; }
tr.zoomable { cursor: pointer; }
tr.zoomable:hover { background: #e7f5ff; }
`;
