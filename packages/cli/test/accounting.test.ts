/**
 * Nothing read goes unaccounted for: on every bundled capture, each file's lines are what `wc -l`
 * counts (plus one for a last line without a newline), and lines = events + unparsed.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countLines, fixtureSets, traceBytes } from '../../parser/test/helpers/fixtures.js';
import { ROOT, runCli } from './helpers.js';

describe.each(fixtureSets())('$name', (set) => {
  it('lines = wc -l = events + unparsed, per file and in total', async () => {
    const files = set.files.map((f) => relative(ROOT, f));
    // Files of different captures would be refused together (mixed clocks): one run per file.
    let total = 0;
    for (const f of files) {
      const r = await runCli(['--json', f]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      const file = doc.input.files[0];
      const wc = countLines(traceBytes(`${ROOT}/${f}`));
      expect(file.lines, f).toBe(wc);
      expect(file.events + file.unparsed, f).toBe(file.lines);
      expect(doc.input.lines).toBe(file.lines);
      total += wc;
    }
    expect(total).toBeGreaterThan(0);
  });
});
