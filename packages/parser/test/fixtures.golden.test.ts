/**
 * Golden files: for every fixture set, a parse summary and an event dump, written by the code and
 * reviewed in the diff. Update with `pnpm test:update`; CI (CI=true) never writes them.
 */
import { join } from 'node:path';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Joiner,
  SummaryBuilder,
  formatTimestamp,
  parseChunksSync,
  pidFromFileName,
  type JoinedEvent,
  type ParseIssue,
} from '@strace-gaps/parser';
import { fixtureSets, traceBytes } from './helpers/fixtures.js';

/** Events shown per file: the first HEAD and the last TAIL. */
const HEAD = 12;
const TAIL = 4;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function describeEvent(e: JoinedEvent): string {
  const at = (e.kind === 'syscall' ? e.start : e.time) ?? null;
  const when = at === null ? '-' : formatTimestamp(at);
  const pid = e.pid ?? '?';
  switch (e.kind) {
    case 'syscall': {
      const lines = e.endLine === e.line ? `L${e.line}` : `L${e.line}-${e.endLine}`;
      const r = e.result;
      const res = r === null ? '…' : `${r.valueText}${r.errno ? ` ${r.errno}` : ''}${r.fdPath !== null ? ` <${clip(r.fdPath, 40)}>` : ''}`;
      const dur = e.duration === null ? '' : ` <${e.duration}>`;
      const form = e.form === 'line' ? '' : ` [${e.form}${e.stop && e.stop !== 'unfinished' ? `:${e.stop}` : ''}]`;
      return `${lines} ${pid} ${when} ${e.name}(${clip(e.args, 60)}) = ${res}${dur}${form}`;
    }
    case 'signal':
      return `L${e.line} ${pid} ${when} --- ${e.stopped ? 'stopped by ' : ''}${e.signal} ---`;
    case 'exit':
      return `L${e.line} ${pid} ${when} +++ exited with ${e.code} +++`;
    case 'killed':
      return `L${e.line} ${pid} ${when} +++ killed by ${e.signal}${e.coreDumped ? ' (core dumped)' : ''} +++`;
    case 'superseded':
      return `L${e.line} ${pid} ${when} +++ superseded by execve${e.execPid === null ? '' : ` in pid ${e.execPid}`} +++`;
    case 'strace-message':
      return `L${e.line} ${pid} strace: [${e.message}] ${clip(e.body, 60)}${e.cutCall ? ' (cut a call line)' : ''}`;
    case 'stack-frame':
      return `L${e.line} ${pid} > ${clip(e.frame, 60)}`;
    case 'data-dump':
      return `L${e.line} ${pid} | ${clip(e.row, 60)}`;
    case 'summary':
      return `L${e.line} summary ${clip(e.row.trim(), 60)}`;
    case 'output':
      return `L${e.line} ${pid} output of L${e.callLine} ${e.call}: ${clip(JSON.stringify(e.output), 60)}`;
  }
}

function describeIssue(i: ParseIssue): string {
  return `L${i.line} ${i.code}: ${i.reason} | ${clip(i.text, 100)}`;
}

function goldenFor(files: readonly string[]): string {
  const out: string[] = ['# Written by the parser (pnpm test:update); review changes by hand.', ''];
  for (const file of files) {
    const name = basename(file);
    const parsed = parseChunksSync([traceBytes(file)], name);
    const summary = new SummaryBuilder(name, Infinity);
    summary.add(parsed);
    const s = summary.finish();
    const joiner = new Joiner(pidFromFileName(file));
    const events: JoinedEvent[] = [];
    for (const p of parsed) for (const e of joiner.push(p)) events.push(e);
    for (const e of joiner.end()) events.push(e);
    const forms: Record<string, number> = {};
    const perCall: Record<string, { n: number; err: number }> = {};
    for (const e of events) {
      if (e.kind !== 'syscall') continue;
      forms[e.form] = (forms[e.form] ?? 0) + 1;
      const c = (perCall[e.name] ??= { n: 0, err: 0 });
      c.n++;
      if (e.result?.errno) c.err++;
    }
    const kv = (o: Record<string, number | undefined>) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(' ');
    out.push(`## ${name}  pid=${s.pid ?? '-'}  lines=${s.lines} events=${s.events} unparsed=${s.unparsed}`);
    out.push(`first=${s.first ? formatTimestamp(s.first) : '-'} last=${s.last ? formatTimestamp(s.last) : '-'}`);
    out.push(`kinds: ${kv(s.kinds)}`);
    out.push(`calls: ${kv(forms)}`);
    const top = Object.entries(perCall).sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1));
    out.push(`syscalls: ${top.map(([k, v]) => `${k}:${v.n}${v.err ? `/${v.err}err` : ''}`).join(' ')}`);
    for (const i of s.issues) out.push(`issue ${describeIssue(i)}`);
    const shown = events.length <= HEAD + TAIL ? events : [...events.slice(0, HEAD), null, ...events.slice(-TAIL)];
    for (const e of shown) out.push(e === null ? `  … ${events.length - HEAD - TAIL} more events …` : `  ${describeEvent(e)}`);
    out.push('');
  }
  return out.join('\n');
}

describe.each(fixtureSets())('golden parse of fixtures/$name', ({ dir, files }) => {
  it('matches parse.golden.txt', async () => {
    await expect(goldenFor(files)).toMatchFileSnapshot(join(dir, 'parse.golden.txt'));
  });
});
