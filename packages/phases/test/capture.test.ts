/** A recorded capture's manifest: read, turned into the report's certain warnings, its header, and the end of a stopped recording. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGapReport, buildInputReport, TraceSetAnalyzer, type CaptureManifest, type Warning } from '@strace-gaps/phases';
import { captureLines, captureUntil, captureWarnings, parseCaptureManifest } from '@strace-gaps/phases/internal';
import { parseChunksSync } from '@strace-gaps/parser';

const manifest: CaptureManifest = {
  format: 'strace-gaps-capture',
  version: 1,
  recorder: 'strace-gaps 0.1.0',
  strace: { path: '/usr/bin/strace', version: '6.1', argv: ['/usr/bin/strace', '-D', '-I2', '-q', '-ff', '-tt', '-T', '-s', '4096', '-o', '/srv/cap/trace', '--', 'sh', '-c', 'sleep 30'] },
  traced: { command: ['sh', '-c', 'sleep 30'] },
  prefix: 'trace',
  host: 'box',
  kernel: 'Linux 6.1.0-18-amd64',
  started: '2026-12-07T07:00:00.123Z',
  ended: '2026-12-07T07:00:02.000Z',
  endedClock: '08:00:02.000000',
  options: { strings: 4096, syscalls: null, stack: false, followThreads: true },
  end: { how: 'interrupted', exit: null },
};

const guessed: Warning = { code: 'filtered-trace', message: 'the trace shows only 3 kinds of call …', file: null, line: null };

describe('parseCaptureManifest', () => {
  it('reads what record writes, and says what is wrong with anything else', () => {
    expect(parseCaptureManifest(JSON.stringify(manifest))).toEqual({ manifest });
    expect(parseCaptureManifest('{')).toMatchObject({ problem: expect.stringMatching(/^not JSON/) });
    expect(parseCaptureManifest('{"format":"other"}')).toEqual({ problem: 'not a strace-gaps capture manifest (no "format": "strace-gaps-capture")' });
    expect(parseCaptureManifest(JSON.stringify({ ...manifest, options: { strings: 1 } }))).toEqual({ problem: '"options" must hold strings, syscalls, stack and followThreads' });
    expect(parseCaptureManifest(JSON.stringify({ ...manifest, traced: {} }))).toEqual({ problem: '"traced" must hold a command or a pid' });
    expect(parseCaptureManifest(JSON.stringify({ ...manifest, host: 3 }))).toEqual({ problem: '"host" must be a string' });
  });
});

describe('captureWarnings', () => {
  it('replaces the guessed filter by the recorded one, and says a stopped recording was stopped', () => {
    const filtered = { ...manifest, options: { ...manifest.options, syscalls: '%process' } };
    const ws = captureWarnings(filtered, [guessed]);
    expect(ws.map((w) => w.code)).toEqual(['filtered-trace', 'recording-stopped']);
    expect(ws[0]?.message).toMatch(/^recorded with --syscalls %process \(strace -e trace=%process\)/);
  });

  it('keeps the guesses a full recording cannot settle, and adds nothing for one that ran to its end', () => {
    const full = { ...manifest, end: { how: 'exited', exit: { code: 0, signal: null } } } as const;
    expect(captureWarnings(full, [guessed])).toEqual([guessed]);
  });

  it('says for certain that threads and children were not followed', () => {
    const one = { ...manifest, options: { ...manifest.options, followThreads: false }, end: null };
    const child: Warning = { code: 'children-not-followed', message: 'guess', file: 'x', line: 3 };
    expect(captureWarnings(one, [child]).map((w) => [w.code, w.message.slice(0, 40)])).toEqual([['children-not-followed', 'recorded with --no-follow-threads (strac']]);
  });
});

describe('the header and the end', () => {
  it('says what was traced where and when, with which options, and how it ended', () => {
    expect(captureLines(manifest)).toEqual([
      "recorded: sh -c 'sleep 30' on box (Linux 6.1.0-18-amd64), 2026-12-07T07:00:00Z",
      'with: strace 6.1, strings cut at 4,096 bytes, all calls, threads and children followed',
      'ended: stopped by Ctrl-C: strace detached, the traced program went on',
    ]);
    expect(captureLines({ ...manifest, traced: { pid: 42, name: 'containerd-shim' }, end: null })[0]).toBe(
      'recorded: pid 42 (containerd-shim) and what it started on box (Linux 6.1.0-18-amd64), 2026-12-07T07:00:00Z',
    );
    expect(captureLines({ ...manifest, end: { how: 'exited', exit: { code: null, signal: 'SIGSEGV' } } })[2]).toBe('ended: every traced process ended, the command was killed by SIGSEGV');
  });

  it('moves the end of a stopped recording past the last line, and only of a stopped one', () => {
    expect(captureUntil(manifest)).toBe('08:00:02.000000');
    expect(captureUntil({ ...manifest, end: { how: 'exited', exit: { code: 0, signal: null } } })).toBeNull();
    const text = [
      '08:00:00.000000 execve("/usr/bin/sleep", ["sleep", "30"], 0x7ffd /* 3 vars */) = 0 <0.000200>',
      '08:00:00.001000 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=30, tv_nsec=0},  <detached ...>',
    ].join('\n');
    const report = (until: string | null) => {
      const a = new TraceSetAnalyzer({ until });
      a.beginInput('cap/trace.7', 7);
      a.push(parseChunksSync([Buffer.from(`${text}\n`)], 'cap/trace.7'));
      a.endInput();
      return buildGapReport(buildInputReport([], 20), a.finish(), { capture: manifest });
    };
    const stopped = report('08:00:02.000000');
    expect(stopped.pending[0]?.seconds).toBeCloseTo(1.999, 6);
    // One process that never got past its sleep: ready is the capture's last moment.
    expect(stopped.startup?.readyBy.rule).toBe('last-line');
    expect(stopped.startup?.seconds).toBeCloseTo(2, 6);
    expect(stopped.capture).toBe(manifest);
    expect(report(null).pending[0]?.seconds).toBe(0);
  });
});

it('the manifest record writes is documented field by field (docs/json-schema.md)', () => {
  const doc = readFileSync(new URL('../../../docs/json-schema.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### `capture`'), doc.indexOf('### `diagnoses[]`'));
  for (const key of [...Object.keys(manifest), 'strings', 'syscalls', 'stack', 'followThreads', 'how', 'exit']) expect(section).toContain(`\`${key}\``);
});
