
const INDENT = '  ';

/**
 * A report (or a diff) as one JSON document (two-space indent, a trailing newline), in pieces: the top-level
 * arrays (processes, gaps, …) one element at a time. A capture with thousands of processes makes a
 * document of tens of megabytes; written piece by piece it never exists as one string. The pieces
 * join to exactly `JSON.stringify(report, null, 2)`.
 *
 * `lists` gives a top-level key's elements as an iterable, written in that key's place: they are
 * made while the document is written (see `reportProcesses`) instead of all being held at once.
 */
export function* renderJsonChunks(report: object, lists: Readonly<Record<string, Iterable<unknown>>> = {}): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function');
  yield '{';
  let first = true;
  for (const [key, value] of entries) {
    yield `${first ? '' : ','}\n${INDENT}${JSON.stringify(key)}: `;
    first = false;
    const list = Object.hasOwn(lists, key) ? lists[key] : Array.isArray(value) ? (value as unknown[]) : null;
    if (list === null || list === undefined) {
      yield JSON.stringify(value, null, 2).replaceAll('\n', `\n${INDENT}`);
      continue;
    }
    const pad = INDENT.repeat(2);
    let i = 0;
    for (const v of list) {
      // Inside an array JSON.stringify writes undefined and functions as null.
      const text = v === undefined || typeof v === 'function' ? 'null' : JSON.stringify(v, null, 2);
      yield `${i++ === 0 ? '[' : ','}\n${pad}${text.replaceAll('\n', `\n${pad}`)}`;
    }
    yield i === 0 ? '[]' : `\n${INDENT}]`;
  }
  yield first ? '}\n' : '\n}\n';
}

/** The report as one JSON document (two-space indent, a trailing newline). */
export function renderJson(report: object): string {
  return [...renderJsonChunks(report)].join('');
}
