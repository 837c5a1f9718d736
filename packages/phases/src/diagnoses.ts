/**
 * Diagnoses: causes that name what held up the start, what each cost on the critical path to ready,
 * and the fix, with the lines that prove it. Causes are asked most specific first and each claims
 * its stretch of the path (see causes/ledger.ts), so they never add up to more than the start. Each
 * stays silent when its evidence is weak; a wrong diagnosis costs a user more than none.
 */
import { dnsTimeout } from './causes/dns-timeout.js';
import { dominantSilence, dominantWait, dominantWork } from './causes/dominant.js';
import { execChain } from './causes/exec-chain.js';
import { fileTreeWalk } from './causes/file-tree-walk.js';
import { PathLedger } from './causes/ledger.js';
import { lockWait } from './causes/lock-wait.js';
import { pendingAtEnd } from './causes/pending.js';
import { retryLoop } from './causes/retry-loop.js';
import { serviceLinks, serviceLinksAlone } from './causes/service-links.js';
import { sleeps } from './causes/sleep.js';
import type { CauseContext } from './causes/context.js';
import { formatCount, formatSeconds, formatShare } from './format.js';
import { isPhase } from './phase-facts.js';
import type { Diagnosis, Gap, Phase, Warning } from './model.js';
import type { ClockInfo, Span } from './analyze.js';
import type { Startup } from './startup.js';
import type { TaskIndex } from './task-index.js';
import type { Task } from './task.js';

/** What the rules read. */
export interface DiagnosisInput {
  readonly clock: ClockInfo;
  readonly span: Span | null;
  readonly phases: readonly Phase[];
  readonly gaps: readonly Gap[];
  /** Warnings of the analysis: a `filtered-trace` changes what a silent gap can mean. */
  readonly warnings?: readonly Warning[];
  readonly tasks?: readonly Task[];
  /** The start and its critical path; `null` without a common clock (then only the dump's own length is judged). */
  readonly startup?: Startup | null;
  readonly index?: TaskIndex | null;
}

/** A wait is blamed on others when they were busy for at least this share of it… */
const BLAME_MIN_SHARE = 0.5;
/** …and said to wait on something untraced when everyone together was busy for less than this. */
const NOBODY_MAX_SHARE = 0.1;
/** Without a start: a gap must be this long… */
const DOMINANT_MIN_SECONDS = 1;
/** …and this share of the trace's span to be called dominant. */
const DOMINANT_MIN_SHARE = 0.2;

/** The clock's resolution: `-t` prints whole seconds, so a "1 s" phase may have lasted 0 s. */
function resolution(clock: ClockInfo): number {
  return 10 ** -clock.digits;
}

function dominantGap(g: Gap, span: Span, clock: ClockInfo, nameOf: (pid: number, t: number) => string, filtered: boolean): Diagnosis | null {
  const sure = g.seconds - resolution(clock);
  if (sure < DOMINANT_MIN_SECONDS || sure < DOMINANT_MIN_SHARE * span.seconds) return null;
  const who = `pid ${g.pid} (${nameOf(g.pid, g.start)})`;
  const share = formatShare(g.seconds, span.seconds);
  if (g.kind === 'userspace') {
    return {
      id: 'dominant-silent-gap',
      severity: 'warning',
      summary: `${who} made no syscall for ${formatSeconds(g.seconds)} (${share} of the trace), between ${g.before.file}:${g.before.line} and ${g.after.file}:${g.after.line}`,
      fix: filtered
        ? 'the capture recorded only some calls (strace -e trace=…), so the gap may be calls it left out: ' +
          `capture again without -e to see them, then profile pid ${g.pid} if it is still silent`
        : `strace cannot see inside user code: profile pid ${g.pid} over that window (e.g. \`perf record -g -p ${g.pid}\`), ` +
          "and check the container's CPU throttling (`nr_throttled` in its cgroup's cpu.stat)",
      seconds: g.seconds,
      share: null,
      totalSeconds: g.seconds,
      parts: [{ what: 'no syscall', pid: g.pid, seconds: g.seconds }],
      evidence: [g.before, g.after],
    };
  }
  const busy = g.blame[0];
  const allBusy = g.blame.reduce((x, b) => x + b.busySeconds, 0);
  // Between "they kept it waiting" and "it waited on nothing traced" lies a wait that says little.
  if (busy !== undefined && busy.busySeconds < BLAME_MIN_SHARE * g.seconds && allBusy >= NOBODY_MAX_SHARE * g.seconds) return null;
  const blamed = busy !== undefined && busy.busySeconds >= BLAME_MIN_SHARE * g.seconds ? busy : undefined;
  const what = busy?.top.map((x) => `${formatCount(x.count)}× ${x.what}`).join(', ');
  return {
    id: 'dominant-wait',
    severity: 'warning',
    summary:
      `${who} waited ${formatSeconds(g.seconds)} (${share} of the trace) in ${g.syscall ?? '?'}` +
      (blamed !== undefined
        ? ` while pid ${blamed.pid} (${blamed.name}) was busy for ${formatSeconds(blamed.busySeconds)}${what ? `: ${what}` : ''}`
        : ', and no traced process was busy meanwhile'),
    fix:
      blamed !== undefined
        ? `the wait is a symptom: what pid ${blamed.pid} did in that window is what to speed up`
        : 'it waited on something outside the trace (a timer, the network, a disk, or a process strace did not follow): look at what the call waited on',
    seconds: g.seconds,
    share: null,
    totalSeconds: g.seconds,
    parts: [{ what: g.syscall ?? '?', pid: g.pid, seconds: g.seconds }],
    evidence: [g.before, g.after],
  };
}

/** Every diagnosis that holds, most severe and costly first. */
export function diagnose(input: DiagnosisInput, nameOf: (pid: number, t: number) => string): Diagnosis[] {
  const filtered = input.warnings?.some((w) => w.code === 'filtered-trace') ?? false;
  const out: Diagnosis[] = [];
  const startup = input.startup ?? null;
  if (startup !== null && input.index != null && input.tasks !== undefined) {
    const ctx: CauseContext = {
      startup,
      ledger: new PathLedger(startup.criticalPath),
      index: input.index,
      tasks: input.tasks,
      phases: input.phases,
      resolution: resolution(input.clock),
    };
    // Most specific first: each claims its stretch of the path before the broader causes.
    const rules = [pendingAtEnd, serviceLinks, dnsTimeout, lockWait, retryLoop, fileTreeWalk, sleeps, execChain];
    for (const rule of rules) {
      const d = rule(ctx);
      if (d !== null) out.push(d);
    }
    for (const d of [dominantWait(ctx, input.gaps), dominantSilence(ctx, input.gaps, filtered), dominantWork(ctx)]) if (d !== null) out.push(d);
  } else {
    for (const p of input.phases) {
      if (!isPhase(p, 'env-dump')) continue;
      const d = serviceLinksAlone(p, resolution(input.clock));
      if (d !== null) out.push(d);
    }
    // Shares of the span and blame need one timeline; `-r`-only files have none.
    if (input.span !== null && input.clock.aligned) {
      const silent = input.gaps.find((g) => g.kind === 'userspace');
      const wait = input.gaps.find((g) => g.kind === 'waiting');
      for (const g of [silent, wait]) {
        const d = g === undefined ? null : dominantGap(g, input.span, input.clock, nameOf, filtered);
        if (d !== null) out.push(d);
      }
    }
  }
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.severity] - rank[b.severity] || (b.seconds ?? 0) - (a.seconds ?? 0));
}
