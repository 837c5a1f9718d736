/// <reference lib="dom" />
/**
 * The script of the HTML report, run in the browser. It is one self-contained function: the page
 * embeds its source (`pageScript`), so it may use nothing from outside its body. Every text that
 * comes from the trace reaches the page through `textContent` or the canvas, never as markup.
 */

/** What the page embeds (see html.ts); times are seconds since `span.start` unless named `*Text`. */
export interface PageData {
  readonly generator: string;
  readonly title: string;
  readonly files: readonly { path: string; lines: number; unparsed: number }[];
  readonly spanText: string | null;
  readonly seconds: number;
  readonly clockNote: string;
  readonly diagnoses: readonly { id: string; severity: string; summary: string; fix: string; cost: string; evidence: readonly string[] }[];
  /** The answer first: when the start was ready, by which rule, and the critical path's rows. */
  readonly startup: {
    readonly line: string;
    readonly rule: string;
    readonly after: string;
    readonly steps: readonly (readonly string[])[];
  } | null;
  readonly warnings: readonly string[];
  readonly phases: readonly { kind: string; pid: number; start: number; end: number; startText: string; seconds: string; summary: string; evidence: readonly string[] }[];
  readonly gaps: readonly {
    pid: number;
    name: string;
    kind: string;
    start: number;
    end: number;
    startText: string;
    seconds: string;
    syscall: string | null;
    before: string;
    after: string;
    blame: string;
  }[];
  /** In tree order: each process after its parent. */
  readonly lanes: readonly {
    pid: number;
    label: string;
    depth: number;
    thread: boolean;
    start: number | null;
    end: number | null;
    /** `[start, end, calls, …]`. */
    busy: readonly number[];
    details: readonly string[];
  }[];
  readonly processes: readonly { pid: number; ppid: string; name: string; startText: string; seconds: string; syscalls: number; exit: string; top: string }[];
  readonly processesOmitted: number;
  readonly issues: readonly string[];
}

/** Runs in the page with the embedded data. */
export function pageMain(data: PageData): void {
  const ROW = 18;
  const LABEL = 230;
  const AXIS = 22;
  const COLORS: Record<string, string> = {
    'runtime-init': '#7b61ff',
    'env-dump': '#e8590c',
    'supervisor-start': '#2f9e44',
    exec: '#1c7ed6',
    loader: '#66a80f',
    wait: '#868e96',
    repeat: '#c2255c',
  };
  const root = document.getElementById('app') as HTMLElement;

  function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function add<T extends Node>(parent: Node, child: T): T {
    parent.appendChild(child);
    return child;
  }
  function fmt(s: number): string {
    const a = Math.abs(s);
    if (a === 0) return '0 s';
    if (a >= 1) return `${s.toFixed(a >= 100 ? 0 : 2)} s`;
    if (a >= 0.001) return `${(s * 1e3).toFixed(a >= 0.1 ? 0 : 1)} ms`;
    return `${(s * 1e6).toFixed(0)} µs`;
  }
  function section(title: string): HTMLElement {
    const s = add(root, el('section'));
    add(s, el('h2', undefined, title));
    return s;
  }
  function table(parent: HTMLElement, head: readonly string[], rows: readonly (readonly string[])[], onRow?: (i: number) => void): void {
    const t = add(parent, el('table'));
    const hr = add(add(t, el('thead')), el('tr'));
    for (const h of head) add(hr, el('th', undefined, h));
    const body = add(t, el('tbody'));
    rows.forEach((r, i) => {
      const tr = add(body, el('tr'));
      r.forEach((c, k) => add(tr, el('td', k === r.length - 1 && head[k] === 'Lines' ? 'lines' : undefined, c)));
      if (onRow) {
        tr.className = 'zoomable';
        tr.title = 'Show on the timeline';
        tr.addEventListener('click', () => onRow(i));
      }
    });
  }

  document.title = data.title;
  const header = add(root, el('header'));
  add(header, el('h1', undefined, 'strace-gaps report'));
  const shown = data.files.slice(0, 3).map((f) => f.path);
  add(header, el('p', 'files', data.files.length > 3 ? `${shown.join('  ')}  … and ${data.files.length - 3} more (see Inputs)` : shown.join('  ')));
  add(header, el('p', 'meta', `${data.spanText ?? 'no timestamps'} · ${fmt(data.seconds)} · ${data.clockNote} · ${data.generator}`));

  if (data.startup !== null) {
    const s = section('Ready');
    add(s, el('p', 'summary', data.startup.line));
    add(s, el('p', undefined, `Ready: ${data.startup.rule}`));
    if (data.startup.after !== '') add(s, el('p', undefined, data.startup.after));
    add(s, el('h3', undefined, 'Critical path to ready'));
    table(s, ['At', 'Seconds', 'Share', 'Pid', 'State', 'What'], data.startup.steps);
  }
  if (data.diagnoses.length > 0) {
    const s = section('Diagnoses');
    for (const d of data.diagnoses) {
      const card = add(s, el('div', `diagnosis ${d.severity}`));
      add(card, el('div', 'id', `${d.severity} · ${d.id}`));
      add(card, el('p', 'summary', d.summary));
      if (d.cost !== '') add(card, el('p', undefined, d.cost));
      add(card, el('p', 'fix', `Fix: ${d.fix}`));
      const pre = add(card, el('pre', 'lines'));
      pre.textContent = d.evidence.join('\n');
    }
  }
  if (data.warnings.length > 0) {
    const s = section('Warnings');
    const ul = add(s, el('ul'));
    for (const w of data.warnings) add(ul, el('li', undefined, w));
  }

  // ---- The timeline: phase rows, then one lane per task; drawn on a canvas, only the rows in view.
  type Row =
    | { type: 'phase'; label: string; items: PageData['phases'][number][] }
    | { type: 'lane'; lane: PageData['lanes'][number]; gaps: PageData['gaps'][number][] };
  const rows: Row[] = [];
  const phaseRows = new Map<string, { end: number; row: Extract<Row, { type: 'phase' }> }[]>();
  for (const p of [...data.phases].sort((a, b) => a.start - b.start)) {
    const list = phaseRows.get(p.kind) ?? [];
    phaseRows.set(p.kind, list);
    let slot = list.find((r) => r.end <= p.start);
    if (!slot) {
      slot = { end: p.end, row: { type: 'phase', label: list.length === 0 ? p.kind : `${p.kind} (${list.length + 1})`, items: [] } };
      list.push(slot);
      rows.push(slot.row);
    }
    slot.end = Math.max(slot.end, p.end);
    slot.row.items.push(p);
  }
  const gapsByPid = new Map<number, PageData['gaps'][number][]>();
  for (const g of data.gaps) gapsByPid.set(g.pid, [...(gapsByPid.get(g.pid) ?? []), g]);
  for (const lane of data.lanes) rows.push({ type: 'lane', lane, gaps: gapsByPid.get(lane.pid) ?? [] });

  const tl = section('Timeline');
  const help = add(tl, el('p', 'help', 'Blue: a process issuing syscalls; orange: waiting inside a call; red: silent (no syscall at all). Drag to pan, Ctrl+wheel (or the buttons) to zoom, hover for the lines; click a row of a table below to show it here.'));
  const controls = add(tl, el('div', 'controls'));
  const zoomIn = add(controls, el('button', undefined, 'Zoom in'));
  const zoomOut = add(controls, el('button', undefined, 'Zoom out'));
  const reset = add(controls, el('button', undefined, 'Whole trace'));
  const where = add(controls, el('span', 'where'));
  help.id = 'timeline-help';
  const scroller = add(tl, el('div', 'scroller'));
  const height = AXIS + rows.length * ROW + 4;
  scroller.style.height = `${Math.min(height, Math.max(240, Math.round(window.innerHeight * 0.7)))}px`;
  const spacer = add(scroller, el('div', 'spacer'));
  spacer.style.height = `${height}px`;
  const canvas = add(spacer, el('canvas'));
  canvas.id = 'timeline';
  const tip = add(document.body, el('div', 'tip'));
  tip.id = 'tip';
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const total = data.seconds > 0 ? data.seconds : 1;
  let view = { from: 0, to: total };

  function width(): number {
    return scroller.clientWidth;
  }
  function x(t: number): number {
    return LABEL + ((t - view.from) / (view.to - view.from)) * (width() - LABEL - 8);
  }
  function tAt(px: number): number {
    return view.from + ((px - LABEL) / (width() - LABEL - 8)) * (view.to - view.from);
  }
  function draw(): void {
    const w = width();
    const h = scroller.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    canvas.style.top = `${scroller.scrollTop}px`;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - 1);
    const last = Math.min(rows.length, first + Math.ceil(h / ROW) + 2);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL, 0, w - LABEL, h);
    ctx.clip();
    for (let i = first; i < last; i++) {
      const y = AXIS + i * ROW - scroller.scrollTop;
      const row = rows[i] as Row;
      if (i % 2 === 0) {
        ctx.fillStyle = '#f8f9fa';
        ctx.fillRect(LABEL, y, w - LABEL, ROW);
      }
      if (row.type === 'phase') {
        for (const p of row.items) {
          const x0 = x(p.start);
          const x1 = Math.max(x0 + 2, x(p.end));
          ctx.fillStyle = COLORS[p.kind] ?? '#495057';
          ctx.fillRect(x0, y + 2, x1 - x0, ROW - 4);
          if (x1 - x0 > 60) {
            ctx.fillStyle = '#fff';
            ctx.fillText(fit(p.kind, x1 - Math.max(x0, LABEL) - 8), Math.max(x0, LABEL) + 4, y + ROW / 2);
          }
        }
        continue;
      }
      const lane = row.lane;
      if (lane.start !== null && lane.end !== null) {
        ctx.fillStyle = '#ced4da';
        ctx.fillRect(x(lane.start), y + ROW / 2 - 1, Math.max(1, x(lane.end) - x(lane.start)), 2);
      }
      ctx.fillStyle = '#1c7ed6';
      for (let k = 0; k < lane.busy.length; k += 3) {
        const x0 = x(lane.busy[k] as number);
        const x1 = x(lane.busy[k + 1] as number);
        if (x1 < LABEL || x0 > w) continue;
        ctx.fillRect(x0, y + 4, Math.max(1, x1 - x0), ROW - 8);
      }
      for (const g of row.gaps) {
        const x0 = x(g.start);
        const x1 = Math.max(x0 + 2, x(g.end));
        ctx.fillStyle = g.kind === 'waiting' ? 'rgba(250,176,5,0.35)' : 'rgba(224,49,49,0.3)';
        ctx.fillRect(x0, y + 1, x1 - x0, ROW - 2);
        ctx.strokeStyle = g.kind === 'waiting' ? '#f08c00' : '#e03131';
        ctx.strokeRect(x0 + 0.5, y + 1.5, x1 - x0 - 1, ROW - 3);
      }
    }
    ctx.restore();
    // Labels and the axis stay put.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, LABEL, h);
    for (let i = first; i < last; i++) {
      const y = AXIS + i * ROW - scroller.scrollTop;
      const row = rows[i] as Row;
      ctx.fillStyle = row.type === 'phase' ? '#212529' : row.lane.thread ? '#868e96' : '#343a40';
      const indent = row.type === 'lane' ? Math.min(row.lane.depth, 12) * 8 : 0;
      ctx.fillText(fit(row.type === 'phase' ? row.label : row.lane.label, LABEL - 8 - indent), 4 + indent, y + ROW / 2);
    }
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, AXIS);
    ctx.strokeStyle = '#adb5bd';
    ctx.beginPath();
    ctx.moveTo(LABEL, AXIS - 0.5);
    ctx.lineTo(w, AXIS - 0.5);
    ctx.stroke();
    const span = view.to - view.from;
    const step = niceStep(span / Math.max(1, (w - LABEL) / 110));
    ctx.fillStyle = '#495057';
    for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
      const px = x(t);
      const label = `+${fmt(t)}`;
      ctx.fillRect(px, AXIS - 5, 1, 5);
      // A label that would run off the right edge is left out (its tick stays).
      if (px + 3 + ctx.measureText(label).width <= w) ctx.fillText(label, px + 3, AXIS / 2);
    }
    where.textContent = `${fmt(view.from)} – ${fmt(view.to)} after the first line`;
  }
  /** The text cut with an ellipsis to fit `max` pixels (squeezing it would make it unreadable). */
  function fit(text: string, max: number): string {
    if (ctx.measureText(text).width <= max) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
      else hi = mid - 1;
    }
    return `${text.slice(0, lo)}…`;
  }
  function niceStep(raw: number): number {
    const p = 10 ** Math.floor(Math.log10(raw));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }
  function zoom(factor: number, at: number): void {
    const span = Math.min(total * 1.2, Math.max(1e-7, (view.to - view.from) * factor));
    const share = (at - view.from) / (view.to - view.from);
    view = { from: at - share * span, to: at - share * span + span };
    draw();
  }
  function show(start: number, end: number): void {
    const pad = Math.max((end - start) * 0.15, total * 0.002);
    view = { from: start - pad, to: end + pad };
    draw();
    scroller.scrollIntoView({ block: 'nearest' });
  }

  function hit(px: number, py: number): string[] | null {
    const i = Math.floor((py + scroller.scrollTop - AXIS) / ROW);
    const row = rows[i];
    if (px < LABEL || row === undefined) {
      if (row !== undefined && row.type === 'lane') return row.lane.details as string[];
      return null;
    }
    const t = tAt(px);
    const slack = (3 / (width() - LABEL)) * (view.to - view.from);
    if (row.type === 'phase') {
      const p = row.items.find((q) => q.start - slack <= t && t <= q.end + slack);
      return p ? [`${p.kind} · pid ${p.pid} · ${p.seconds} from ${p.startText}`, p.summary, ...p.evidence] : null;
    }
    const g = row.gaps.find((q) => q.start - slack <= t && t <= q.end + slack);
    if (g) {
      const what = g.kind === 'waiting' ? `waiting ${g.seconds} in ${g.syscall ?? '?'}` : `silent ${g.seconds} (no syscall)`;
      return [`${g.name} (pid ${g.pid}): ${what} from ${g.startText}`, `before: ${g.before}`, `after:  ${g.after}`, ...(g.blame ? [`meanwhile: ${g.blame}`] : [])];
    }
    const b = row.lane.busy;
    for (let k = 0; k < b.length; k += 3) {
      if ((b[k] as number) - slack <= t && t <= (b[k + 1] as number) + slack) {
        return [`${row.lane.label}: busy ${fmt((b[k + 1] as number) - (b[k] as number))}, ${b[k + 2]} calls, from +${fmt(b[k] as number)}`];
      }
    }
    return null;
  }

  let drag: { x: number; view: typeof view } | null = null;
  canvas.addEventListener('mousedown', (e) => {
    drag = { x: e.clientX, view };
  });
  window.addEventListener('mouseup', () => {
    drag = null;
  });
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    if (drag !== null) {
      const dt = ((e.clientX - drag.x) / (width() - LABEL - 8)) * (drag.view.to - drag.view.from);
      view = { from: drag.view.from - dt, to: drag.view.to - dt };
      draw();
      return;
    }
    const lines = hit(e.clientX - r.left, e.clientY - r.top);
    if (lines === null) {
      tip.style.display = 'none';
      return;
    }
    tip.textContent = lines.join('\n');
    tip.style.display = 'block';
    tip.style.left = `${Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8)}px`;
    tip.style.top = `${Math.min(e.clientY + 14, window.innerHeight - tip.offsetHeight - 8)}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    tip.style.display = 'none';
  });
  canvas.addEventListener(
    'wheel',
    (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      zoom(e.deltaY > 0 ? 1.25 : 0.8, tAt(e.clientX - canvas.getBoundingClientRect().left));
    },
    { passive: false },
  );
  zoomIn.addEventListener('click', () => zoom(0.5, (view.from + view.to) / 2));
  zoomOut.addEventListener('click', () => zoom(2, (view.from + view.to) / 2));
  reset.addEventListener('click', () => {
    view = { from: 0, to: total };
    draw();
  });
  scroller.addEventListener('scroll', draw);
  window.addEventListener('resize', draw);

  // ---- Tables.
  if (data.phases.length > 0) {
    table(
      section('Phases'),
      ['Kind', 'Pid', 'Start', 'Took', 'What'],
      data.phases.map((p) => [p.kind, String(p.pid), p.startText, p.seconds, p.summary]),
      (i) => show((data.phases[i] as PageData['phases'][number]).start, (data.phases[i] as PageData['phases'][number]).end),
    );
  }
  if (data.gaps.length > 0) {
    table(
      section('Longest gaps'),
      ['Process', 'Kind', 'Start', 'Took', 'Lines'],
      data.gaps.map((g) => [`${g.name} (${g.pid})`, g.kind === 'waiting' ? `waiting in ${g.syscall ?? '?'}` : 'silent', g.startText, g.seconds, `${g.before}\n${g.after}`]),
      (i) => show((data.gaps[i] as PageData['gaps'][number]).start, (data.gaps[i] as PageData['gaps'][number]).end),
    );
  }
  const ps = section('Processes');
  table(
    ps,
    ['Pid', 'Parent', 'Name', 'Start', 'Lived', 'Syscalls', 'Exit', 'Most time in'],
    data.processes.map((p) => [String(p.pid), p.ppid, p.name, p.startText, p.seconds, String(p.syscalls), p.exit, p.top]),
  );
  if (data.processesOmitted > 0) add(ps, el('p', 'note', `${data.processesOmitted} more processes are in the --json report.`));
  const inputs = section('Inputs');
  table(
    inputs,
    ['File', 'Lines', 'Unparsed'],
    data.files.map((f) => [f.path, String(f.lines), String(f.unparsed)]),
  );
  if (data.issues.length > 0) {
    const pre = add(inputs, el('pre', 'lines'));
    pre.textContent = data.issues.join('\n');
  }
  draw();
  document.body.dataset.ready = 'true';
}
