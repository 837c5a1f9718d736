
const INDENT = '  ';

/**
 * A report (or a diff) as one JSON document (two-space indent, a trailing newline), in pieces:
 * every array, at any depth outside another array, one element at a time. A capture with
 * thousands of processes makes a document of tens of megabytes (the `-ff` 1 GB bench set: 43 MB,
 * 7 MB of it one critical path of 14,000 steps); written piece by piece it never exists as one
 * string, and no piece is big enough to be allocated outside the young generation. The pieces
 * join to exactly `JSON.stringify(report, null, 2)`.
 *
 * `lists` gives a top-level key's elements as an iterable, written in that key's place: they are
 * made while the document is written (see `reportProcesses`) instead of all being held at once.
 */
export function* renderJsonChunks(report: object, lists: Readonly<Record<string, Iterable<unknown>>> = {}): Generator<string> {
  yield* objectPieces(report as Record<string, unknown>, '', lists);
  yield '\n';
}

/** The report as one JSON document (two-space indent, a trailing newline). */
export function renderJson(report: object): string {
  return [...renderJsonChunks(report)].join('');
}

/**
 * An object or array that `JSON.stringify` writes member by member, so it can be written in
 * pieces; anything with a `toJSON` or a boxed primitive is left to `JSON.stringify` whole.
 */
function isContainer(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function' &&
    !(value instanceof Number || value instanceof String || value instanceof Boolean)
  );
}

/** One value at a nesting of `pad`, whole; undefined where `JSON.stringify` would leave it out. */
function whole(value: unknown, pad: string): string | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const text = JSON.stringify(value, null, 2) as string | undefined;
    return text === undefined || pad === '' ? text : text.replaceAll('\n', `\n${pad}`);
  }
  // Written inside as many arrays as it is deep, it comes out indented as it stands: cut out of
  // them, it needs no second pass to indent it (a fifth of the time of a report of 100,000
  // processes). `d` arrays open with d² + 3d characters before it and close with d² + d after it.
  const d = pad.length / INDENT.length;
  let wrapped: unknown = value;
  for (let k = 0; k < d; k++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  return d === 0 ? text : text.slice(d * d + 3 * d, text.length - (d * d + d));
}

function* objectPieces(value: Record<string, unknown>, pad: string, lists: Readonly<Record<string, Iterable<unknown>>>): Generator<string> {
  const inner = pad + INDENT;
  let first = true;
  for (const key of Object.keys(value)) {
    const member = value[key];
    const list = Object.hasOwn(lists, key) ? lists[key] : undefined;
    const head = `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    if (list !== undefined) {
      if (member === undefined || typeof member === 'function') continue;
      first = false;
      yield head;
      yield* arrayPieces(list, inner);
    } else if (Array.isArray(member)) {
      first = false;
      yield head;
      yield* arrayPieces(member, inner);
    } else if (isContainer(member)) {
      first = false;
      yield head;
      yield* objectPieces(member, inner, {});
    } else {
      const text = whole(member, inner);
      if (text === undefined) continue;
      first = false;
      yield head + text;
    }
  }
  yield first ? '{}' : `\n${pad}}`;
}

/** An array's elements one piece each (inside an array JSON.stringify writes undefined and functions as null). */
function* arrayPieces(list: Iterable<unknown>, pad: string): Generator<string> {
  const inner = pad + INDENT;
  let i = 0;
  for (const v of list) yield `${i++ === 0 ? '[' : ','}\n${inner}${whole(v, inner) ?? 'null'}`;
  yield i === 0 ? '[]' : `\n${pad}]`;
}
