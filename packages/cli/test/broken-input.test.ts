/**
 * Broken and hostile inputs, as incidents deliver them: each case checks the exit code and what
 * the user is told. Nothing may crash, and nothing read may go unaccounted for.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readError } from '../src/run.js';
import { CliError } from '../src/errors.js';
import { ROOT, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-broken-'));
chmodSync(dir, 0o755); // the EACCES case runs as another user, who must see the directory
let n = 0;
function file(content: string | Buffer, name = `t${n++}.log`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const GOOD = '10:00:00.000000 getpid() = 7 <0.000010>\n10:00:00.500000 getppid() = 1 <0.000010>\n';

async function json(path: string) {
  const r = await runCli(['--json', path]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('broken inputs', () => {
  it('an empty file: exit 2, "the input is empty"', async () => {
    const f = file('');
    const r = await runCli([f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`strace-gaps: the input is empty (${f}) — check that strace wrote there (-o FILE) and that the capture ran\n`);
  });

  it('only a partial last line (no newline): counted, shown as cut, with file:line', async () => {
    const f = file(`${GOOD}10:00:00.600000 read(3, "abc`);
    const doc = await json(f);
    expect(doc.input.files[0]).toMatchObject({ lines: 3, events: 2, unparsed: 1 });
    expect(doc.input.issues[0]).toMatchObject({ file: f, line: 3, code: 'truncated' });
  });

  it('CRLF line ends: the same analysis as LF', async () => {
    const lf = await json(file(GOOD, 'lf.log'));
    const crlf = await json(file(GOOD.replace(/\n/g, '\r\n'), 'crlf.log'));
    expect(crlf.input.files[0]).toMatchObject({ lines: 2, events: 2, unparsed: 0 });
    expect(crlf.gaps).toEqual(lf.gaps.map((g: { before: object; after: object }) => ({ ...g, before: { ...g.before, file: crlf.gaps[0].before.file }, after: { ...g.after, file: crlf.gaps[0].after.file } })));
  });

  it('NUL bytes and invalid UTF-8: read, escaped in text output, valid JSON', async () => {
    const bytes = Buffer.concat([
      Buffer.from('10:00:00.000000 openat(AT_FDCWD, "/tmp/a'),
      Buffer.from([0x00, 0xff, 0xfe, 0xc3]),
      Buffer.from('", O_RDONLY) = 3 <0.000010>\n10:00:01.000000 close(3) = 0 <0.000001>\n'),
    ]);
    const f = file(bytes);
    const text = await runCli([f]);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/\u0000/);
    expect(text.stdout).toContain('\\x00');
    const doc = await json(f);
    expect(doc.input.files[0]).toMatchObject({ lines: 2, events: 2 });
  });

  it('a 64 MB line between good ones: reported as too long and skipped, in bounded memory', () => {
    const f = join(dir, 'huge.log');
    const fd = openSync(f, 'w');
    writeSync(fd, '10:00:00.000000 getpid() = 7 <0.000010>\n10:00:00.100000 write(1, "');
    const mb = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) writeSync(fd, mb);
    writeSync(fd, '", 67108864) = 67108864 <0.5>\n10:00:01.000000 getppid() = 1 <0.000010>\n');
    closeSync(fd);
    const script =
      "const { run, processIo } = await import('./packages/cli/dist/index.js');" +
      `let out = ''; const io = { ...processIo(), stdout: { write: (s) => (out += s) } };` +
      `const code = await run(['--json', ${JSON.stringify(f)}], io);` +
      'const doc = JSON.parse(out);' +
      'console.log(JSON.stringify({ code, file: doc.input.files[0], issue: doc.input.issues[0], rssMB: process.resourceUsage().maxRSS / 1024 }));';
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const r = JSON.parse(child.stdout);
    expect(r.code).toBe(0);
    expect(r.file).toMatchObject({ lines: 3, events: 2, unparsed: 1 });
    expect(r.issue).toMatchObject({ line: 2, code: 'line-too-long' });
    expect(r.issue.reason).toMatch(/^a line of 67,?108,?9\d\d bytes is longer than the 16,?777,?216-byte limit; skipped$/);
    // Buffering the line whole would take 64 MB as bytes and more as a string.
    expect(r.rssMB).toBeLessThan(180);
  });

  it('an unreadable file (EACCES): exit 2, "permission denied"', () => {
    const f = file(GOOD, 'secret.log');
    chmodSync(f, 0o000);
    const asRoot = process.getuid?.() === 0;
    // root reads anything: run the bin as nobody instead.
    const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/strace-gaps.js'), f], {
      cwd: ROOT,
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`strace-gaps: permission denied (${f}) — run as a user who can read it, or copy it\n`);
  });

  it('a file that disappears between glob and read: exit 2 with what happened', () => {
    const gone = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    const e = readError(gone, 'trace/s6.out.42');
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    expect((e as CliError).format()).toBe('strace-gaps: the file disappeared before it could be read (trace/s6.out.42) — check the path; was the capture moved or cleaned up?');
    const other = new Error('boom');
    expect(readError(other, 'x')).toBe(other);
  });

  it('a truncated .gz: what survived is read, and a warning says where the data ends', async () => {
    const text = GOOD.repeat(2000);
    const gz = gzipSync(Buffer.from(text));
    const f = file(gz.subarray(0, Math.floor(gz.length / 2)), 'cut.log.gz');
    const r = await runCli(['--json', f]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    const cut = doc.warnings.find((w: { code: string }) => w.code === 'input-cut');
    expect(cut).toMatchObject({ file: f, message: expect.stringMatching(/^the gzip data ends early, after line [\d,]+: /) });
    // Every line before the cut was read: the warning's line is the last, and no line is missing.
    expect(doc.input.lines).toBe(cut.line);
    expect(doc.input.lines).toBeGreaterThan(0);
    expect(doc.input.lines).toBeLessThan(text.split('\n').length - 1);
  });

  it('corrupt .gz data: exit 2', async () => {
    const gz = Buffer.from(gzipSync(Buffer.from(GOOD.repeat(2000))));
    gz[gz.length - 6] = (gz[gz.length - 6] as number) ^ 0xff;
    const f = file(gz, 'bad.log.gz');
    const r = await runCli([f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`strace-gaps: the gzip data is corrupt or truncated (${f}) — decompress it by hand to see how much survives\n`);
  });

  it('a glob matching nothing, and an empty directory: exit 2', async () => {
    const none = await runCli([join(dir, 'nothing-*.log')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^strace-gaps: no file matches ".*nothing-\*\.log" — check the pattern/);
    const empty = mkdtempSync(join(tmpdir(), 'sg-empty-'));
    expect((await runCli([empty])).code).toBe(2);
  });

  it('a set mixing two captures: analysed, with a warning naming the odd file', async () => {
    const a = file('10:00:00.000000 getpid() = 10 <0.000010>\n10:00:01.000000 getppid() = 1 <0.000010>\n', 'mix.10');
    const b = file('14:00:00.000000 getpid() = 11 <0.000010>\n14:00:01.000000 getppid() = 1 <0.000010>\n', 'mix.11');
    const r = await runCli([a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mixed-captures');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`mixed-captures: ${b} starts 4.00 h after every earlier file ended`);
  });

  it('a binary file, or a file that is not strace output: exit 2 instead of an empty report', async () => {
    const elf = file(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), Buffer.alloc(64, 0)]), 'prog');
    const bin = await runCli([elf]);
    expect(bin.code).toBe(2);
    expect(bin.stdout).toBe('');
    expect(bin.stderr).toMatch(/^strace-gaps: the one line of the input is not strace output \(the first reads: \\x7fELF\\x02/);
    const md = await runCli(['README.md']);
    expect(md.code).toBe(2);
    expect(md.stderr).toMatch(/^strace-gaps: none of the \d+ lines of the input is strace output \(the first reads: # strace-gaps\) \(README\.md:1\) — check that it is the file strace -o wrote/);
  });

  it('one non-strace file among good ones: the report, with a warning for it', async () => {
    const good = file(GOOD, 'ok.7');
    const junk = file('hello\nworld\n', 'notes.txt');
    const r = await runCli([good, junk]);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`not-strace: none of its 2 lines is strace output: is it the right file? (${junk}:1)`);
  });
});

describe('archives', () => {
  it('a tar archive (plain or gzip) of trace files: exit 2, unpack it first', async () => {
    const { execFileSync } = await import('node:child_process');
    const src = mkdtempSync(join(tmpdir(), 'sg-tar-'));
    writeFileSync(join(src, 's6.out.7'), GOOD);
    writeFileSync(join(src, 's6.out.8'), GOOD);
    const tar = join(dir, 'trace.tar');
    execFileSync('tar', ['-C', src, '-cf', tar, 's6.out.7', 's6.out.8']);
    const tgz = file(gzipSync(readFileSync(tar)), 'trace.tar.gz');
    for (const f of [tar, tgz]) {
      const r = await runCli([f]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`strace-gaps: is a tar archive, not a trace file (${f}) — unpack it first (tar -xf ${f}) and pass the directory\n`);
    }
  });
});
