/**
 * `k8s-service-links`: Kubernetes injects eight variables per Service of the namespace; s6-overlay
 * writes each as a file (the env-dump phase) and every `with-contenv` service reads them all back
 * (`s6-envdir`). The cost is the dump plus every later read of the dumped directory, on the path.
 */
import { formatCount, formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, DiagnosisPart, KnownPhase, LineRef } from '../model.js';
import { isPhase } from '../phase-facts.js';
import type { Task } from '../task.js';
import { costly, diagnosis, pointsOf, severityOf, waits, cite, type CauseContext } from './context.js';

/** Service-link variables that make a dump worth a diagnosis. */
export const SERVICE_LINK_MIN_VARS = 100;
/** An exec with this many variables is a large environment. */
const LARGE_ENV_VARS = 1000;
/**
 * The dump and its reads must cost at least this much on the path: below it, the links are not
 * what made a start slow (a namespace of 40 Services dumps in well under a second).
 */
export const SERVICE_LINK_MIN_SECONDS = 1;
/** A service-links cost at this share of the start is critical. */
const CRITICAL = 0.25;

/** A dump of at least {@link SERVICE_LINK_MIN_VARS} service-link variables, half of all or more. */
function mostlyLinks(p: KnownPhase<'env-dump'>): boolean {
  return p.extra.serviceLinkVars >= SERVICE_LINK_MIN_VARS && p.extra.serviceLinkVars * 2 >= p.extra.vars;
}

/** When a task read files of `dir`: its first and last busy segment that did, and how many calls. */
export function readsOf(t: Task, dir: string): { start: number; end: number; calls: number } | null {
  const suffix = ` under ${dir}`;
  let start = Infinity;
  let end = -Infinity;
  let calls = 0;
  const act = t.activity;
  for (let k = 0; k < act.length; k++) {
    let n = 0;
    act.eachAction(k, (what, count) => {
      if (what.endsWith(suffix)) n += count;
    });
    if (n === 0) continue;
    calls += n;
    start = Math.min(start, act.startOf(k));
    end = Math.max(end, act.endOf(k));
  }
  return calls === 0 ? null : { start, end, calls };
}

export function serviceLinks(ctx: CauseContext): Diagnosis | null {
  const dumps = ctx.phases.filter((p): p is KnownPhase<'env-dump'> => isPhase(p, 'env-dump') && mostlyLinks(p));
  if (dumps.length === 0) return null;
  const dump = dumps.reduce((a, b) => (b.extra.vars > a.extra.vars ? b : a));
  const dir = dump.extra.dir;
  const id = 'k8s-service-links';
  const parts: DiagnosisPart[] = [];
  const evidence: LineRef[] = [...dump.evidence];
  let seconds = 0;
  let total = dump.end - dump.start;
  const d = ctx.ledger.take(id, dump.pid, dump.start, dump.end);
  seconds += d;
  parts.push({ what: `dump of ${formatCount(dump.extra.vars)} variables into ${dir}`, pid: dump.pid, seconds: d });
  let readers = 0;
  for (const t of ctx.tasks) {
    const r = readsOf(t, dir);
    if (r === null || r.end <= dump.end) continue;
    const a = Math.max(r.start, dump.end);
    readers++;
    total += r.end - a;
    const got = ctx.ledger.take(id, t.pid, a, r.end);
    seconds += got;
    parts.push({ what: `${t.nameAt(r.end)} read ${dir} back (${formatCount(r.calls)} calls)`, pid: t.pid, seconds: got });
    const ex = pointsOf(ctx, t, 'exec').find((m) => m.t >= a - 0.05);
    if (ex !== undefined && evidence.length < 8) evidence.push(cite(ex));
  }
  // Large environments given to execve: the kernel copies them, and every program started scans them.
  let bigExecs = 0;
  let execSeconds = 0;
  let execVars = 0;
  for (const { task: t, m } of ctx.index.all('exec')) {
    {
      if ((m.n ?? 0) < LARGE_ENV_VARS) continue;
      bigExecs++;
      execVars = Math.max(execVars, m.n ?? 0);
      const w = waits(ctx, t).find((x) => x.syscall !== null && x.syscall.startsWith('execve') && x.line === m.line);
      if (w === undefined || w.end === null) continue;
      const got = ctx.ledger.take(id, t.pid, w.start, w.end);
      total += w.end - w.start;
      execSeconds += got;
    }
  }
  seconds += execSeconds;
  if (execSeconds > 0) parts.push({ what: `${formatCount(bigExecs)} execs with up to ${formatCount(execVars)} variables`, pid: null, seconds: execSeconds });
  if (!costly(ctx, seconds) || seconds - ctx.resolution < SERVICE_LINK_MIN_SECONDS) return null;
  const vars = dump.extra.vars;
  const links = dump.extra.serviceLinkVars;
  const services = dump.extra.services;
  const dumpPart = parts[0] as DiagnosisPart;
  const reread = seconds - dumpPart.seconds;
  return diagnosis(ctx, {
    id,
    severity: severityOf(ctx, seconds, CRITICAL),
    summary:
      dumpWords(vars, dir, links, services) +
      `: ${formatSeconds(seconds)} of the start (${formatShare(seconds, ctx.startup.seconds)}), the dump ${formatSeconds(dumpPart.seconds)}` +
      (readers > 0 ? ` and ${formatCount(readers)} ${readers === 1 ? 'process' : 'processes'} reading it back (with-contenv/s6-envdir) ${formatSeconds(reread)}` : '') +
      (bigExecs > 0 ? `; ${formatCount(bigExecs)} execs carried ${formatCount(LARGE_ENV_VARS)}+ variables` : ''),
    fix: FIX,
    seconds,
    totalSeconds: total,
    parts,
    evidence,
  });
}

const FIX =
  'set `enableServiceLinks: false` in the pod spec (services are then found through DNS); ' +
  'deleting Services the namespace no longer uses also shrinks the list';

/** What the dump was, as a diagnosis's summary begins. */
function dumpWords(vars: number, dir: string, links: number, services: number): string {
  return (
    `s6 wrote ${formatCount(vars)} environment variables one file each into ${dir}, and ${formatCount(links)} of them are Kubernetes service links` +
    (services > 0 ? ` (about ${formatCount(services)} Services in the namespace)` : '')
  );
}

/** Without a start to measure against (`-r` files that share no clock): the dump's own length. */
export function serviceLinksAlone(p: KnownPhase<'env-dump'>, resolution: number): Diagnosis | null {
  const { vars, services } = p.extra;
  const links = p.extra.serviceLinkVars;
  const seconds = p.end - p.start;
  if (!mostlyLinks(p) || seconds - resolution < SERVICE_LINK_MIN_SECONDS) return null;
  return {
    id: 'k8s-service-links',
    severity: 'warning',
    summary:
      dumpWords(vars, p.extra.dir, links, services) +
      `: the dump took ${formatSeconds(seconds)}, ${formatSeconds(seconds / Math.max(vars, 1))} per variable`,
    fix: FIX,
    seconds,
    share: null,
    totalSeconds: seconds,
    parts: [{ what: `dump of ${formatCount(vars)} variables`, pid: p.pid, seconds }],
    evidence: p.evidence,
  };
}
