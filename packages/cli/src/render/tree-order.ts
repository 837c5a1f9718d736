/** The order a timeline lists processes in: each right after its parent. */

/**
 * Items parents first, each followed by its children, depth first; siblings keep the input order.
 * The first item with a pid stands for it (a reused pid's later process is no one's parent), and
 * items a parent cycle leaves out (pid reuse can make one) come last.
 */
export function treeOrder<T extends { pid: number }>(items: readonly T[], parentOf: (item: T) => number | null): T[] {
  const first = new Map<number, T>();
  for (const it of items) if (!first.has(it.pid)) first.set(it.pid, it);
  const kids = new Map<T, T[]>();
  const roots: T[] = [];
  for (const it of items) {
    const ppid = parentOf(it);
    const parent = ppid === null ? undefined : first.get(ppid);
    if (parent === undefined || parent === it) roots.push(it);
    else kids.set(parent, [...(kids.get(parent) ?? []), it]);
  }
  const out: T[] = [];
  const seen = new Set<T>();
  const visit = (root: T) => {
    const stack = [root];
    while (stack.length > 0) {
      const it = stack.pop() as T;
      if (seen.has(it)) continue;
      seen.add(it);
      out.push(it);
      const list = kids.get(it) ?? [];
      for (let i = list.length - 1; i >= 0; i--) stack.push(list[i] as T);
    }
  };
  for (const r of roots) visit(r);
  for (const it of items) if (!seen.has(it)) visit(it);
  return out;
}
