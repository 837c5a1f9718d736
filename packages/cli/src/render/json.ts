
const INDENT = '  ';

/**
 * A report (or a diff) as one JSON document (two-space indent, a trailing newline), in pieces: the top-level
 * arrays (processes, gaps, …) one element at a time. A capture with thousands of processes makes a
 * document of tens of megabytes; written piece by piece it never exists as one string. The pieces
 * join to exactly `JSON.stringify(report, null, 2)`.
 */
export function* renderJsonChunks(report: object): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function');
  yield '{';
  let first = true;
  for (const [key, value] of entries) {
    yield `${first ? '' : ','}\n${INDENT}${JSON.stringify(key)}: `;
    first = false;
    if (Array.isArray(value) && value.length > 0) {
      const pad = INDENT.repeat(2);
      for (let i = 0; i < value.length; i++) {
        // Inside an array JSON.stringify writes undefined and functions as null.
        const v: unknown = value[i];
        const text = v === undefined || typeof v === 'function' ? 'null' : JSON.stringify(v, null, 2);
        yield `${i === 0 ? '[' : ','}\n${pad}${text.replaceAll('\n', `\n${pad}`)}`;
      }
      yield `\n${INDENT}]`;
    } else {
      yield JSON.stringify(value, null, 2).replaceAll('\n', `\n${INDENT}`);
    }
  }
  yield first ? '}\n' : '\n}\n';
}

/** The report as one JSON document (two-space indent, a trailing newline). */
export function renderJson(report: object): string {
  return [...renderJsonChunks(report)].join('');
}
