import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, ROOT } from './helpers.js';

describe('the input report', () => {
  it('--json gives the schemaVersion 1 document for a -ff set, in pid order (quoted glob)', async () => {
    const r = await runCli(['--json', 'fixtures/incident-excerpt/s6.out.*']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      input: {
        files: [
          { path: 'fixtures/incident-excerpt/s6.out.226855', pid: 226855, lines: 19, events: 18, unparsed: 1,
            first: '11:01:35.040609', last: '11:01:42.296879', kinds: { syscall: 18 } },
          { path: 'fixtures/incident-excerpt/s6.out.226981', pid: 226981, lines: 1, events: 1, unparsed: 0,
            first: '11:01:42.297482', last: '11:01:42.297482', kinds: { syscall: 1 } },
        ],
        lines: 20,
        events: 19,
        unparsed: 1,
        issues: [
          {
            file: 'fixtures/incident-excerpt/s6.out.226855',
            line: 9,
            code: 'truncated',
            reason: 'read(…) has no ") = RESULT": the line is cut short',
            text: expect.stringMatching(/^11:01:35\.098766 \(\+ {5}0\.000026\) read\(6, "558 557/),
          },
        ],
      },
    });
  });

  it('text output counts lines and shows the first unparsed lines with file:line', async () => {
    const r = await runCli(['fixtures/incident-excerpt/s6.out.226855', 'fixtures/incident-excerpt/s6.out.226981']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^strace-gaps: 2 inputs, 20 lines \(1 unparsed\), 2 tasks\n/);
    expect(r.stdout).toContain('Unparsed lines (first 1 of 1)');
    expect(r.stdout.replace(/\n +/g, ' ')).toContain('fixtures/incident-excerpt/s6.out.226855:9: read(…) has no ") = RESULT": the line is cut short');
  });

  it('reads gzip files and a -f file (pid null)', async () => {
    const r = await runCli(['--json', 'fixtures/multiproc/f/trace.log.gz']);
    const doc = JSON.parse(r.stdout);
    expect(doc.input.files[0]).toMatchObject({ pid: null, lines: 772, events: 772, unparsed: 0 });
  });

  it('reads stdin as -', async () => {
    const r = await runCli(['--json', '-'], { stdin: '1234  10:00:00.000001 getpid() = 1234\nnot strace\n' });
    const doc = JSON.parse(r.stdout);
    expect(doc.input).toMatchObject({ lines: 2, events: 1, unparsed: 1 });
    expect(doc.input.files[0]).toMatchObject({ path: '-', pid: null });
    expect(doc.input.issues[0]).toMatchObject({ file: '-', line: 2, code: 'unrecognized', text: 'not strace' });
  });

  it('prints control characters from a trace escaped, never raw', async () => {
    // One real line: a file of nothing but unparsed lines is refused as not strace output.
    const r = await runCli(['-'], { stdin: '10:00:00.000000 getpid() = 1\nbad \u001b[31mred\u0007 line\n' });
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(r.stdout).toContain('bad \\x1b[31mred\\x07 line');
  });

  it('--max-issues limits the unparsed lines shown, not the count', async () => {
    const r = await runCli(['--json', '--max-issues', '1', '-'], { stdin: '10:00:00.000000 getpid() = 1\na\nb\nc\n' });
    const doc = JSON.parse(r.stdout);
    expect(doc.input.unparsed).toBe(3);
    expect(doc.input.issues).toHaveLength(1);
  });

  it('resolves paths against the working directory', async () => {
    const r = await runCli(['--json', 's6.out.226981'], { cwd: join(ROOT, 'fixtures/incident-excerpt') });
    expect(JSON.parse(r.stdout).input.files[0]).toMatchObject({ path: 's6.out.226981', pid: 226981 });
  });
});
