/**
 * Diagnoses: rules over phases and gaps that name a cause and a fix, with the lines that prove it.
 * Each rule stays silent when its evidence is weak; a wrong diagnosis costs a user more than none.
 */
import { formatCount, formatSeconds, formatShare } from './format.js';
import type { Diagnosis, Gap, Phase, Warning } from './model.js';
import type { ClockInfo, Span } from './analyze.js';

/** What the rules read. */
export interface DiagnosisInput {
  readonly clock: ClockInfo;
  readonly span: Span | null;
  readonly phases: readonly Phase[];
  readonly gaps: readonly Gap[];
  /** Warnings of the analysis: a `filtered-trace` changes what a silent gap can mean. */
  readonly warnings?: readonly Warning[];
}

/** Service-link variables that make the dump worth a diagnosis… */
export const SERVICE_LINK_MIN_VARS = 100;
/** …when the dump took at least this long. Below it, the links are not what made a start slow. */
export const SERVICE_LINK_MIN_SECONDS = 1;
/** Phases that make up a container's start; a wait that begins after them is steady state. */
const STARTUP_PHASES = new Set(['runtime-init', 'env-dump', 'supervisor-start']);
/** A wait is blamed on others when they were busy for at least this share of it… */
const BLAME_MIN_SHARE = 0.5;
/** …and said to wait on something untraced when everyone together was busy for less than this. */
const NOBODY_MAX_SHARE = 0.1;

/** The clock's resolution: `-t` prints whole seconds, so a "1 s" phase may have lasted 0 s. */
function resolution(clock: ClockInfo): number {
  return 10 ** -clock.digits;
}

/** A gap or wait must be this long… */
export const DOMINANT_MIN_SECONDS = 1;
/** …and this share of the trace's span to be called dominant. */
export const DOMINANT_MIN_SHARE = 0.2;

function num(x: unknown): number {
  return typeof x === 'number' ? x : 0;
}

function serviceLinks(p: Phase, span: Span | null, clock: ClockInfo): Diagnosis | null {
  const vars = num(p.extra.vars);
  const links = num(p.extra.serviceLinkVars);
  const seconds = p.end - p.start;
  if (links < SERVICE_LINK_MIN_VARS || links * 2 < vars || seconds - resolution(clock) < SERVICE_LINK_MIN_SECONDS) return null;
  // A dump that was a small part of the start did not make the start slow.
  if (span !== null && clock.aligned && seconds < DOMINANT_MIN_SHARE * span.seconds) return null;
  const services = num(p.extra.services);
  const timed = span !== null && clock.aligned;
  const share = timed ? ` (${formatShare(seconds, span.seconds)} of the trace)` : '';
  return {
    id: 'k8s-service-links',
    severity: timed && seconds >= 0.25 * span.seconds ? 'critical' : 'warning',
    summary:
      `s6 wrote ${formatCount(vars)} environment variables one file each into ${String(p.extra.dir)} before starting ` +
      `s6-svscan, and ${formatCount(links)} of them are Kubernetes service links` +
      (services > 0 ? ` (about ${formatCount(services)} Services in the namespace)` : '') +
      `: the dump took ${formatSeconds(seconds)}${share}, ${formatSeconds(seconds / Math.max(vars, 1))} per variable`,
    fix:
      'set `enableServiceLinks: false` in the pod spec (services are then found through DNS); ' +
      'deleting Services the namespace no longer uses also shrinks the list',
    seconds,
    evidence: p.evidence,
  };
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
    evidence: [g.before, g.after],
  };
}

/** Every diagnosis that holds, most severe and costly first. */
export function diagnose(input: DiagnosisInput, nameOf: (pid: number, t: number) => string): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const p of input.phases) {
    if (p.kind !== 'env-dump') continue;
    const d = serviceLinks(p, input.span, input.clock);
    if (d !== null) out.push(d);
  }
  // Shares of the span and blame need one timeline; `-r`-only files have none.
  if (input.span !== null && input.clock.aligned) {
    let startupEnd = -Infinity;
    for (const p of input.phases) if (STARTUP_PHASES.has(p.kind) && p.end > startupEnd) startupEnd = p.end;
    if (startupEnd === -Infinity) startupEnd = input.span.end;
    const silent = input.gaps.find((g) => g.kind === 'userspace' && g.start < startupEnd);
    const wait = input.gaps.find((g) => g.kind === 'waiting' && g.start < startupEnd);
    const filtered = input.warnings?.some((w) => w.code === 'filtered-trace') ?? false;
    for (const g of [silent, wait]) {
      const d = g === undefined ? null : dominantGap(g, input.span, input.clock, nameOf, filtered);
      if (d !== null) out.push(d);
    }
  }
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.severity] - rank[b.severity] || (b.seconds ?? 0) - (a.seconds ?? 0));
}
