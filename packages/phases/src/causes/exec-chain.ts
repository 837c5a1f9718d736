/**
 * `exec-chain`: many short processes ran before the real program: shims (pyenv, rbenv, asdf),
 * wrapper scripts, entrypoints that call helper programs one after another.
 */
import { formatCount, formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, LineRef } from '../model.js';
import { basename } from '../paths.js';
import type { Task } from '../task.js';
import { cite, costly, diagnosis, pointsOf, type CauseContext } from './context.js';

/** Short processes before the real program that make a chain. */
const MIN_PROCESSES = 10;
/**
 * A chain costs at least this much, and this share of the start. Lower than other causes': a shim
 * that turns a 15 ms program into a 270 ms one costs that on every run, and ten or more short
 * processes in a row do not happen by chance.
 */
const CHAIN_MIN_SECONDS = 0.1;
const CHAIN_MIN_SHARE = 0.25;

export function execChain(ctx: CauseContext): Diagnosis | null {
  const id = 'exec-chain';
  const ready = ctx.startup.ready;
  const holder = ready.task;
  if (holder === null) return null;
  // The real program: the last exec of the process that got to ready, at or before it.
  const real = pointsOf(ctx, holder, 'exec').filter((m) => m.t <= ready.t).pop();
  if (real === undefined) return null;
  const from = ctx.startup.start;
  const short: Task[] = [];
  for (const t of ctx.tasks) {
    if (t.thread || t.start === null || t.end === null || t.exit === null) continue;
    if (t.start >= from && t.end <= real.t) short.push(t);
  }
  if (short.length < MIN_PROCESSES) return null;
  const free = ctx.ledger.take(id, null, from, real.t, () => true, true);
  const enough = free - ctx.resolution >= CHAIN_MIN_SECONDS && free >= CHAIN_MIN_SHARE * ctx.startup.seconds;
  if (!enough && !costly(ctx, free)) return null;
  const seconds = ctx.ledger.take(id, null, from, real.t);
  const programs = new Map<string, number>();
  for (const t of short) {
    const ex = pointsOf(ctx, t, 'exec').at(-1);
    const name = ex === undefined ? `${basename(t.nameAt(t.start).split(' ')[0] ?? '?')} (fork)` : basename(ex.subject);
    programs.set(name, (programs.get(name) ?? 0) + 1);
  }
  const top = [...programs].sort((a, b) => b[1] - a[1]);
  const program = basename(real.subject);
  const evidence: LineRef[] = [];
  const firstExecs = short.map((t) => pointsOf(ctx, t, 'exec')[0]).filter((m) => m !== undefined);
  for (const m of firstExecs.slice(0, 3)) evidence.push(cite(m));
  evidence.push(cite(real));
  return diagnosis(ctx, {
    id,
    summary:
      `${formatCount(short.length)} short processes ran before ${program} started (${top.slice(0, 4).map(([n, c]) => `${n} ×${formatCount(c)}`).join(', ')}${top.length > 4 ? ', …' : ''}): ` +
      `${formatSeconds(seconds)} of the start (${formatShare(seconds, ctx.startup.seconds)}) went to the chain before the real program`,
    fix:
      `run ${real.subject} directly (its full path) instead of through the shim or wrapper, or resolve the shim once (e.g. \`pyenv which\`, \`rbenv which\`) and cache it; ` +
      'a wrapper that starts helper processes costs this much on every start',
    seconds,
    totalSeconds: short.reduce((x, t) => x + ((t.end as number) - (t.start as number)), 0),
    parts: top.map(([n, c]) => ({ what: `${formatCount(c)}× ${n}`, pid: null, seconds: 0 })).slice(0, 6),
    evidence,
  });
}
