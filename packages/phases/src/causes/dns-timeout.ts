/**
 * `dns-timeout`: lookups that waited on a resolver (a socket to port 53) until their timeout ran
 * out, retried, and, with a `search` list, tried several names before the one asked for.
 */
import { formatCount, formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, DiagnosisPart, LineRef } from '../model.js';
import type { IntervalMark } from '../marks.js';
import type { Task } from '../task.js';
import { cite, costly, diagnosis, pointsOf, someOf, who, type CauseContext } from './context.js';

const DNS_PORT = 53;

export function dnsTimeout(ctx: CauseContext): Diagnosis | null {
  const id = 'dns-timeout';
  const parts: DiagnosisPart[] = [];
  const evidence: LineRef[] = [];
  const names: string[] = [];
  let seconds = 0;
  let total = 0;
  let timeouts = 0;
  let worst: { pid: number; label: string } | null = null;
  let resolver: string | null = null;
  // Each task's waits on a resolver, in time order (from the index's list of every wait).
  const byTask = new Map<Task, IntervalMark[]>();
  for (const { task, m } of ctx.index.waitsOnPorts) {
    if (m.port !== DNS_PORT || m.end === null) continue;
    const l = byTask.get(task);
    if (l === undefined) byTask.set(task, [m]);
    else l.push(m);
  }
  for (const [t, dns] of byTask) {
    const timedOut = dns.filter((m) => m.timedOut);
    if (timedOut.length === 0) continue;
    const a = (dns[0] as (typeof dns)[number]).start;
    const b = (dns[dns.length - 1] as (typeof dns)[number]).end as number;
    const got = ctx.ledger.take(id, t.pid, a, b);
    seconds += got;
    total += dns.reduce((x, m) => x + ((m.end as number) - m.start), 0);
    timeouts += timedOut.length;
    const asked = pointsOf(ctx, t, 'dns-query').filter((q) => q.t >= a - 0.001 && q.t <= b);
    for (const q of asked) if (!names.includes(q.subject)) names.push(q.subject);
    const label = `${formatCount(timedOut.length)}× ${(timedOut[0] as (typeof timedOut)[number]).what}, timed out`;
    parts.push({ what: `${t.nameAt(a)}: ${label}`, pid: t.pid, seconds: got });
    if (worst === null) worst = { pid: t.pid, label: who(t, a) };
    resolver ??= /on \S+ (\S+)$/.exec((timedOut[0] as (typeof timedOut)[number]).what)?.[1] ?? null;
    for (const m of someOf(timedOut, 3)) if (evidence.length < 6) evidence.push(cite(m));
    for (const q of asked.slice(0, 2)) if (evidence.length < 8) evidence.push(cite(q));
  }
  if (worst === null || !costly(ctx, seconds)) return null;
  const expanded = names.length > 1;
  return diagnosis(ctx, {
    id,
    summary:
      `DNS lookups timed out: ${worst.label} ` +
      `waited ${formatSeconds(seconds)} (${formatShare(seconds, ctx.startup.seconds)} of the start) on a resolver${resolver === null ? '' : ` at ${resolver}`} that never answered, ` +
      `${formatCount(timeouts)} timeouts` +
      (names.length > 0 ? ` for ${formatCount(names.length)} name${names.length === 1 ? '' : 's'} (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''})` : '') +
      (expanded ? ': the search list was tried name by name' : ''),
    fix:
      'make the nameserver in /etc/resolv.conf reachable from the container (or fix the network policy that drops its packets); ' +
      (expanded ? 'use fully-qualified names with a trailing dot (db.ns.svc.cluster.local.) or lower `options ndots` so the search list is not walked first; ' : '') +
      'a lower `options timeout:` and `attempts:` bound each try',
    seconds,
    totalSeconds: total,
    parts,
    evidence,
  });
}
