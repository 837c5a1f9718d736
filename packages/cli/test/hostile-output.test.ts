/**
 * Strings from a trace go through every renderer without reaching the terminal raw or becoming
 * markup: text (report and diff) has no C0/C1 control character but newlines, Markdown has no raw
 * `<` outside code, JSON always parses.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { outsideCode, runCli } from './helpers.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;


/** A trace whose paths, names and unparsed lines carry the hostile string. */
function trace(h: string): string {
  const q = JSON.stringify(h).slice(1, -1);
  return [
    `10:00:00.000000 execve("/bin/${q}", ["${q}", "--x"], 0x7ffc /* 3 vars */) = 0 <0.000100>`,
    `10:00:00.001000 prctl(PR_SET_NAME, "${q}") = 0 <0.000002>`,
    `10:00:00.002000 openat(AT_FDCWD, "/etc/${q}", O_RDONLY) = 3 <0.000010>`,
    `10:00:00.003000 ppoll(NULL, 0, NULL, NULL, 8) = 0 <1.500000>`,
    `junk ${h}`,
    `10:00:01.600000 close(3) = 0 <0.000010>`,
    '',
  ].join('\n');
}

const hostile = fc.oneof(
  fc.constantFrom('<script>alert(1)</script>', '\u001b[2J\u001b[31mred', '`` ` ```', '| a | b |', '**x** _y_ [l](http://e)', '\u009b31m', '\r\nnext', '&amp; <b>'),
  fc.string({ maxLength: 24, unit: 'binary' }),
);

describe('hostile strings through every renderer', () => {
  it('text, Markdown, JSON, and the diff in each', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (h) => {
        const stdin = trace(h);
        const text = await runCli(['--color', '-'], { stdin });
        expect(text.code).toBe(0);
        // Colour codes are ours; remove them, then nothing but newlines may be a control character.
        // eslint-disable-next-line no-control-regex
        expect(text.stdout.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROL);
        const md = await runCli(['--format', 'markdown', '-'], { stdin });
        expect(md.stdout).not.toMatch(CONTROL);
        expect(outsideCode(md.stdout)).not.toContain('<');
        const json = await runCli(['--json', '-'], { stdin });
        expect(JSON.parse(json.stdout).schemaVersion).toBe(1);
      }),
      { numRuns: 40 },
    );
  });

  it('the diff renderers too', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sg-hostile-'));
    const h = '<img src=x onerror=alert(1)>\u001b[31m`|`';
    writeFileSync(join(dir, 'a.log'), trace(h));
    writeFileSync(join(dir, 'b.log'), trace(h).replace('<1.500000>', '<3.500000>').replace('10:00:01.600000', '10:00:03.600000'));
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const text = await runCli(['diff', '--color', a, b]);
    expect(text.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(text.stdout.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROL);
    const md = await runCli(['diff', '--format', 'markdown', a, b]);
    expect(outsideCode(md.stdout)).not.toContain('<');
    expect(JSON.parse((await runCli(['diff', '--json', a, b])).stdout).kind).toBe('strace-gaps-diff');
  });
});
