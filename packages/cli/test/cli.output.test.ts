/** Formats, colour, progress, exit codes and inputs as a user meets them. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Progress } from '../src/progress.js';
import { mdBlock, mdCode, mdProse, mdText } from '../src/render/markdown.js';
import { fitMiddle } from '../src/render/text.js';
import { useColor, widthOf } from '../src/run.js';
import { outsideCode, runCli } from './helpers.js';

const ESC = '\u001b';
const trace =
  '10:00:00.000000 execve("/bin/app", ["app"], 0x7ffc /* 3 vars */) = 0 <0.000100>\n' +
  '10:00:00.100000 openat(AT_FDCWD, "/etc/<script>alert(1)</script>|`x`", O_RDONLY) = 3 <0.000010>\n' +
  '10:00:00.100100 ppoll(NULL, 0, NULL, NULL, 8) = 0 <2.500000>\n' +
  '10:00:02.700000 close(3) = 0 <0.000010>\n';


describe('--format', () => {
  it('markdown: headings, a phase table and gaps with their lines in fenced blocks', async () => {
    const r = await runCli(['--format', 'markdown', '-'], { stdin: trace });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# strace-gaps report\n/);
    expect(r.stdout).toContain('## Diagnoses');
    expect(r.stdout).toContain('| start | duration | phase | pid | what happened |');
    expect(r.stdout).toContain('## Longest waits inside a syscall');
    expect(r.stdout).toContain('1. **2.50 s**: pid 0');
  });

  it('markdown never lets trace text become markup', async () => {
    const r = await runCli(['--format', 'markdown', '-'], { stdin: trace });
    // Outside code blocks and spans no raw `<` is left: the trace's `<script>` is an entity or code.
    expect(outsideCode(r.stdout)).not.toContain('<');
    expect(r.stdout).toContain('<script>alert(1)</script>'); // inside a fenced block, as text
    expect(mdText('<b>*x*</b> | _y_ `z`')).toBe('&lt;b&gt;\\*x\\*&lt;/b&gt; \\| \\_y\\_ \\`z\\`');
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdText('1. not a list')).toBe('1\\. not a list');
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(mdCode('`edge`')).toBe('`` `edge` ``');
    expect(mdCode('x|y', true)).toBe('`x\\|y`');
    expect(mdProse('set `a: b` for <x>')).toBe('set `a: b` for &lt;x&gt;');
    expect(mdBlock(['```', 'ok'])).toEqual(['````text', '```', 'ok', '````']);
    expect(mdText('\u001b[31mred')).toBe('\\\\x1b\\[31mred'); // renders as \x1b[31mred
  });

  it('--json is --format json; asking for two formats is a usage error', async () => {
    const a = await runCli(['--json', '-'], { stdin: trace });
    const b = await runCli(['--format', 'json', '-'], { stdin: trace });
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).schemaVersion).toBe(1);
    const both = await runCli(['--json', '--format', 'markdown', '-'], { stdin: trace });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('strace-gaps: --json and --format markdown ask for two formats — give one of them\n');
    const bad = await runCli(['--format', 'html', '-'], { stdin: trace });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^strace-gaps: Invalid values:.*html.*— see 'strace-gaps --help'\n$/s);
  });
});

describe('colour', () => {
  const text = { format: 'text' as const };
  const io = (isTTY: boolean, env: Record<string, string> = {}) => ({ stdout: { write: () => 0, isTTY }, env });

  it('is on for a terminal only, off with NO_COLOR, forced with FORCE_COLOR, and the flags win', () => {
    expect(useColor({ ...text, color: null }, io(true))).toBe(true);
    expect(useColor({ ...text, color: null }, io(false))).toBe(false);
    expect(useColor({ ...text, color: null }, io(true, { NO_COLOR: '1' }))).toBe(false);
    expect(useColor({ ...text, color: null }, io(true, { TERM: 'dumb' }))).toBe(false);
    expect(useColor({ ...text, color: null }, io(false, { FORCE_COLOR: '1' }))).toBe(true);
    expect(useColor({ ...text, color: false }, io(true))).toBe(false);
    expect(useColor({ ...text, color: true }, io(false, { NO_COLOR: '1' }))).toBe(true);
    expect(useColor({ format: 'markdown', color: true }, io(true))).toBe(false);
  });

  it('styles the text report on a terminal; the same text without the escapes otherwise', async () => {
    const tty = await runCli(['-'], { stdin: trace, stdoutTTY: true });
    const pipe = await runCli(['-'], { stdin: trace });
    const off = await runCli(['--no-color', '-'], { stdin: trace, stdoutTTY: true });
    expect(tty.stdout).toContain(`${ESC}[1m`);
    expect(pipe.stdout).not.toContain(ESC);
    expect(off.stdout).toBe(pipe.stdout);
    // eslint-disable-next-line no-control-regex
    expect(tty.stdout.replace(/\u001b\[\d+m/g, '')).toBe(pipe.stdout);
  });

  it('never passes an escape sequence from the trace through, even in colour', async () => {
    const hostile = '10:00:00.000000 openat(AT_FDCWD, "/tmp/\u001b[2J\u009b31m", O_RDONLY) = 3 <0.000010>\n10:00:01.000000 close(3) = 0\n';
    const r = await runCli(['--color', '-'], { stdin: hostile });
    expect(r.stdout).toContain('\\x1b[2J');
    expect(r.stdout).not.toContain('\u001b[2J');
    expect(r.stdout).not.toContain('\u009b');
  });
});

describe('progress', () => {
  it('shows files, bytes, rate and time left, and erases itself', () => {
    let out = '';
    let t = 0;
    const p = new Progress({ write: (s: string) => (out += s) }, 4, 400e6, () => t);
    t = 2000;
    p.read(100e6);
    expect(out).toBe('\rstrace-gaps: 0/4 files, 100 MB of 400 MB, 50 MB/s, about 6 s left');
    t = 2100;
    p.fileDone(); // within 200 ms of the last draw: not redrawn
    expect(out.split('\r')).toHaveLength(2);
    t = 4000;
    p.fileDone();
    expect(p.line()).toBe('strace-gaps: 2/4 files, 100 MB of 400 MB, 25 MB/s, about 12 s left');
    p.done();
    expect(out.endsWith(`\r${' '.repeat(p.line().length)}\r`)).toBe(true);
  });

  it('appears on a terminal stderr for large inputs, never with --quiet or when stderr is a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-progress-'));
    const f = join(dir, 'big.log');
    writeFileSync(f, '10:00:00.000000 getpid() = 1 <0.000001>\n'.repeat(900_000)); // ~37 MB
    let t = 0;
    const now = () => (t += 250);
    const tty = await runCli([f], { stderrTTY: true, now });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/^\rstrace-gaps: 0\/1 files, [\d.]+ MB of 36 MB, [\d.]+ [kM]B\/s, about \d+ s left/);
    expect(tty.stderr.endsWith('\r')).toBe(true);
    expect((await runCli(['--quiet', f], { stderrTTY: true, now })).stderr).toBe('');
    expect((await runCli(['-q', f], { stderrTTY: true, now })).stderr).toBe('');
    expect((await runCli([f], { now })).stderr).toBe('');
  });
});

describe('exit codes', () => {
  it('--fail-on-gap exits 1 after the report when a gap reaches the threshold, 0 otherwise', async () => {
    const hit = await runCli(['--fail-on-gap', '2s', '-'], { stdin: trace });
    expect(hit.code).toBe(1);
    expect(hit.stdout).toContain('Longest waits');
    const miss = await runCli(['--fail-on-gap', '3s', '-'], { stdin: trace });
    expect(miss.code).toBe(0);
    const bad = await runCli(['--fail-on-gap', 'soon', '-'], { stdin: trace });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('strace-gaps: --fail-on-gap must be a duration, not "soon" — e.g. --fail-on-gap 2s or --fail-on-gap 500ms\n');
  });
});

describe('errors', () => {
  it('are one line; --debug adds the stack of what caused them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-debug-'));
    const f = join(dir, 'bad.log.gz');
    const gz = Buffer.from(gzipSync(Buffer.from('10:00:00.000000 getpid() = 1\n'.repeat(2000))));
    gz[gz.length - 6] = (gz[gz.length - 6] as number) ^ 0xff;
    writeFileSync(f, gz);
    const plain = await runCli([f]);
    expect(plain.code).toBe(2);
    expect(plain.stderr.split('\n')).toEqual([expect.stringMatching(/^strace-gaps: the gzip data is corrupt or truncated \(.*\) — /), '']);
    const debug = await runCli(['--debug', f]);
    expect(debug.code).toBe(2);
    const lines = debug.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(plain.stderr.trimEnd());
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).some((l) => /^\s+at /.test(l))).toBe(true);
  });
});

describe('inputs', () => {
  it('a directory means its -ff files (PREFIX.PID), leaving out other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-dir-'));
    writeFileSync(join(dir, 'trace.12'), '10:00:00.000000 getpid() = 12 <0.000001>\n');
    writeFileSync(join(dir, 'trace.9'), '10:00:00.500000 getpid() = 9 <0.000001>\n');
    writeFileSync(join(dir, 'README'), 'how this was captured\n');
    mkdirSync(join(dir, 'sub'));
    const r = await runCli(['--json', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).input.files.map((f: { path: string }) => f.path)).toEqual([join(dir, 'trace.9'), join(dir, 'trace.12')]);
  });

  it('a directory without -ff names means all its files; an empty one is an input error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-dir-'));
    writeFileSync(join(dir, 'one.log'), '10:00:00.000000 getpid() = 12 <0.000001>\n');
    expect(JSON.parse((await runCli(['--json', dir])).stdout).input.files).toHaveLength(1);
    const empty = mkdtempSync(join(tmpdir(), 'sg-empty-'));
    const r = await runCli([empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`strace-gaps: the directory holds no files (${empty}) — pass the directory strace -ff -o wrote into, or the files themselves\n`);
  });
});

describe('the text report leads with the answer and fits its width', () => {
  const SLOW = ['fixtures/dns-timeout/trace.17577', 'fixtures/dns-timeout/trace.17578', 'fixtures/dns-timeout/trace.17579'];

  it('ready, then the critical path, then the diagnoses, then the rest', async () => {
    const r = await runCli(SLOW);
    const order = ['Ready at ', 'Critical path to ready', 'Diagnoses', 'Processes'].map((h) => r.stdout.indexOf(`\n${h}`));
    expect(order.every((x) => x > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('getent ahosts db: 4× poll on UDP 127.0.0.53:53, timed out [dns-timeout]');
  });

  it('--width: no line longer; 80 columns when stdout is not a terminal, else its width', async () => {
    for (const [args, w] of [[[], 80], [['--width', '120'], 120], [['--width', '60'], 60]] as const) {
      const r = await runCli([...args, ...SLOW]);
      const longest = Math.max(...r.stdout.split('\n').map((l) => [...l].length));
      expect(longest).toBeLessThanOrEqual(w);
      expect(longest).toBeGreaterThan(w - 10);
    }
    expect(widthOf({ width: null }, { stdout: { write: () => true, isTTY: true, columns: 132 } })).toBe(132);
    expect(widthOf({ width: null }, { stdout: { write: () => true, isTTY: false, columns: 132 } })).toBe(80);
    expect((await runCli(['--width', '20', ...SLOW])).code).toBe(2);
  });

  it('cuts a log line in its middle, keeping the call and its result', () => {
    const line = 'fixtures/x:153  04:32:11.342100 poll([{fd=3, events=POLLIN}], 1, 1000) = 0 (Timeout) <1.001130>';
    expect(fitMiddle(line, 70)).toBe('fixtures/x:153  04:32:11.342100 poll([{fd=3,… = 0 (Timeout) <1.001130>');
    expect([...fitMiddle(line, 70)].length).toBe(70);
    // The -r delta goes first; a line whose head reaches its result is cut at the end.
    expect(fitMiddle('07:41:09.221372 (+     0.000519) close(3) = 0 <0.000010>', 45)).toBe('07:41:09.221372 close(3) = 0 <0.000010>');
    expect(fitMiddle('pause() = ? ERESTARTNOHAND (To be restarted if no handler)', 30)).toBe('pause() = ? ERESTARTNOHAND (T…');
  });

  it('--ready and --from: a time as the trace prints it, or a program; a bad one is a usage error', async () => {
    const j = async (args: string[]) => JSON.parse((await runCli(['--json', ...args, ...SLOW])).stdout);
    expect((await j(['--ready', 'getent'])).startup.readyBy).toMatchObject({ rule: 'exec-option', pid: 17579 });
    expect((await j(['--ready', '04:32:12.000000'])).startup).toMatchObject({ readyText: '04:32:12.000000', readyBy: { rule: 'time-option' } });
    expect((await j(['--from', '04:32:11.000000'])).startup.startText).toBe('04:32:11.000000');
    const bad = await runCli(['--from', 'soon', ...SLOW]);
    expect(bad.code).toBe(2);
  });
});
