/**
 * The examples in docs/library.md and docs/detectors.md, run the way a user runs them: each
 * ```js run block becomes a module inside packages/cli/, whose node_modules resolves
 * `@strace-gaps/parser` and `@strace-gaps/phases` to their built dist (not to src, as vitest's
 * aliases would). The module runs with node from the repository root, and its stdout must equal
 * the ```text output block that follows it, so the output the docs show cannot go stale.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = ['docs/library.md', 'docs/detectors.md'];
const RUN = 'js run';
const OUTPUT = 'text output';
/**
 * Where an example is written: a directory at the repository root, as a user would put it there
 * (the root's package.json depends on both packages, so `node example.mjs` finds them).
 */
const HOST = ROOT;
const LIBRARIES = ['parser', 'phases'];

interface Block {
  readonly info: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** 1-based line of the closing fence. */
  readonly end: number;
  readonly body: string;
}

interface Example {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
  readonly expected: string;
}

/** The fenced blocks of a Markdown text; `body` ends with a newline unless it is empty. */
function blocksOf(doc: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const fence = open[1] as string;
    let j = i + 1;
    while (j < lines.length && (lines[j] as string).trimEnd() !== fence) j++;
    if (j === lines.length) throw new Error(`${doc}:${i + 1}: the code block opened here is never closed; add a closing ${fence}`);
    const body = lines.slice(i + 1, j);
    blocks.push({ info: (open[2] as string).trim(), line: i + 1, end: j + 1, body: body.length === 0 ? '' : `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

/** Pairs each ```js run block with the ```text output block that must follow it (only blank lines between). */
function examplesOf(doc: string): Example[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const lines = text.split('\n');
  const blocks = blocksOf(doc, text);
  const out: Example[] = [];
  blocks.forEach((b, k) => {
    const next = blocks[k + 1];
    if (b.info === OUTPUT && blocks[k - 1]?.info !== RUN) {
      throw new Error(`${doc}:${b.line}: a \`\`\`${OUTPUT} block must directly follow a \`\`\`${RUN} block; move it under its example or make it plain \`\`\`text`);
    }
    if (b.info !== RUN) return;
    const between = next === undefined ? [] : lines.slice(b.end, next.line - 1);
    if (next === undefined || next.info !== OUTPUT || between.some((l) => l.trim() !== '')) {
      throw new Error(`${doc}:${b.line}: this \`\`\`${RUN} example has no \`\`\`${OUTPUT} block right after it; add one holding exactly what the example prints`);
    }
    out.push({ doc, line: b.line, code: b.body, expected: next.body });
  });
  return out;
}

/** The most recently modified file under a directory. */
function newestFile(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const mtimeMs = statSync(path).mtimeMs;
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

/** Examples run against dist, so a missing or stale build would test other code than the sources. */
function assertBuilt(): void {
  for (const pkg of LIBRARIES) {
    const dist = join(ROOT, 'packages', pkg, 'dist/index.js');
    if (!existsSync(dist)) {
      throw new Error(`the doc examples import the built packages, but packages/${pkg}/dist/index.js is missing — run \`npx -y pnpm@10 build\` first`);
    }
    const src = newestFile(join(ROOT, 'packages', pkg, 'src'));
    if (src.mtimeMs > statSync(dist).mtimeMs) {
      throw new Error(
        `the doc examples import the built packages, but packages/${pkg}/dist/index.js is older than ${relative(ROOT, src.path)} — run \`npx -y pnpm@10 build\` first`,
      );
    }
  }
}

const EXAMPLES = DOCS.map((doc) => ({ doc, examples: examplesOf(doc) }));

describe('the examples in the docs', () => {
  let dir = '';

  beforeAll(() => {
    assertBuilt();
    // A directory of its own per run: several runs (or a crashed one) never share files.
    dir = mkdtempSync(join(HOST, '.doc-examples-'));
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const { doc, examples } of EXAMPLES) {
    it(`${doc} has runnable examples`, () => {
      expect(examples.length).toBeGreaterThan(0);
    });

    for (const ex of examples) {
      it(`${ex.doc}:${ex.line} prints what the doc shows`, () => {
        const file = join(dir, `${basename(ex.doc, '.md')}-${ex.line}.mjs`);
        writeFileSync(file, ex.code);
        const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
        if (r.error !== undefined) throw new Error(`${ex.doc}:${ex.line}: could not run the example with ${process.execPath}: ${r.error.message}`);
        if (r.status !== 0) {
          throw new Error(
            `${ex.doc}:${ex.line}: the example exited with ${r.status ?? r.signal}; fix it or the code it calls ` +
              `(line N of ${basename(file)} is line ${ex.line}+N of the doc). Its stderr:\n${r.stderr}`,
          );
        }
        expect(r.stdout, `${ex.doc}:${ex.line}: stdout differs from the \`\`\`${OUTPUT} block under the example; update the block if the change is intended`).toBe(ex.expected);
      });
    }
  }
});
