/**
 * The public API is what the docs teach: every name the two packages export is named in
 * docs/library.md, docs/detectors.md or a package README. The CLI's machinery is in `…/internal`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as parser from '@strace-gaps/parser';
import * as parserInternal from '@strace-gaps/parser/internal';
import * as phases from '@strace-gaps/phases';
import * as phasesInternal from '@strace-gaps/phases/internal';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(ROOT + path, 'utf8');
const DOCS = ['docs/library.md', 'docs/detectors.md', 'packages/parser/README.md', 'packages/phases/README.md'].map(read).join('\n');

/** The names a package's index.ts exports, types included (`export type *` read from its module). */
function exportedNames(pkg: string): string[] {
  const src = read(`packages/${pkg}/src/index.ts`);
  const names = new Set<string>();
  for (const m of src.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const n of (m[1] as string).split(',')) {
      const name = n.trim().replace(/^type /, '').split(' as ').pop();
      if (name) names.add(name);
    }
  }
  for (const m of src.matchAll(/export type \* from '\.\/([^']+)\.js'/g)) {
    for (const d of read(`packages/${pkg}/src/${m[1]}.ts`).matchAll(/^export (?:interface|type|const|class|function) ([A-Za-z_]+)/gm)) names.add(d[1] as string);
  }
  return [...names];
}

describe.each(['parser', 'phases'])('@strace-gaps/%s', (pkg) => {
  const names = exportedNames(pkg);

  it('exports only names the docs teach', () => {
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((n) => !new RegExp(`\\b${n}\\b`).test(DOCS))).toEqual([]);
  });

  it('keeps the CLI’s machinery in its internal entry, not in the public one', () => {
    const [pub, internal] = pkg === 'parser' ? [parser, parserInternal] : [phases, phasesInternal];
    const machinery = Object.keys(internal);
    expect(machinery.length).toBeGreaterThan(1);
    expect(machinery.filter((n) => n in pub)).toEqual([]);
    // The regex above reads what the runtime module gives.
    for (const n of Object.keys(pub)) expect(names).toContain(n);
  });
});
