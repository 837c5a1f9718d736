/** Finds the real captures under fixtures/ for tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const FIXTURES = join(ROOT, 'fixtures');

/** Files beside the traces that are not traces. */
const NOT_TRACE = /\.(md|sh|c|mjs|txt|json)$|^capture|^workload/;

/** A directory that holds trace files: one capture (a `-ff` set or one `-f` file and its kin). */
export interface FixtureSet {
  /** Path relative to fixtures/, e.g. `s6-slow` or `multiproc/ff`. */
  readonly name: string;
  readonly dir: string;
  /** Trace files, sorted, as absolute paths. */
  readonly files: readonly string[];
}

export function fixtureSets(): FixtureSet[] {
  const out: FixtureSet[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir).sort();
    const files = entries.filter((e) => statSync(join(dir, e)).isFile() && !NOT_TRACE.test(e)).map((e) => join(dir, e));
    if (files.length > 0) out.push({ name: relative(FIXTURES, dir), dir, files });
    for (const e of entries) if (statSync(join(dir, e)).isDirectory()) walk(join(dir, e));
  };
  walk(FIXTURES);
  return out;
}

/** A trace file's bytes, decompressed. */
export function traceBytes(path: string): Buffer {
  const raw = readFileSync(path);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

/** Lines as `wc -l` counts them, plus one for a last line without a newline. */
export function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}
