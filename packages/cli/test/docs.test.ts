/** The docs show real output and real commands: checked here so they cannot drift. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/args.js';
import { ROOT } from './helpers.js';

function blocks(markdown: string, info: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^\`\`\`${info}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  for (const m of markdown.matchAll(re)) out.push(m[1] as string);
  return out;
}

const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

describe('docs/reading-the-report.md', () => {
  it('quotes only lines that the report of fixtures/s6-slow really prints', () => {
    const report = new Set(readFileSync(join(ROOT, 'fixtures/s6-slow/report.golden.txt'), 'utf8').split('\n'));
    const quoted = blocks(doc('reading-the-report.md'), 'text').flatMap((b) => b.split('\n')).filter((l) => l !== '');
    expect(quoted.length).toBeGreaterThan(30);
    for (const line of quoted) expect(report.has(line), line).toBe(true);
  });
});

describe('docs/getting-started.md', () => {
  it('uses only options the CLI has', () => {
    const text = blocks(doc('getting-started.md'), 'sh').join('\n');
    const used = [...text.matchAll(/strace-gaps[^\n|]*/g)].flatMap((m) => [...m[0].matchAll(/ --([a-z-]+)/g)].map((x) => x[1] as string));
    expect(used.length).toBeGreaterThan(3);
    for (const name of used) expect(name === 'help' || name === 'version' || name in OPTIONS, name).toBe(true);
  });
});
