/**
 * Forms older strace versions print, from their source and changelog (docs/strace-format.md): no
 * capture of them was made here, so these hand-written lines are what tests them.
 */
import { describe, expect, it } from 'vitest';
import { joinAll, parseLine, parseText } from '@strace-gaps/parser';

describe('strace 4.x forms', () => {
  it('reads a resumed half with the trailing space 4.x printed after the marker', () => {
    const r = parseLine('1234  10:00:00.000100 <... read resumed> "abc", 4096) = 3 <0.000090>', 'old', 2);
    expect(r).toMatchObject({ kind: 'resumed', name: 'read', pid: 1234, duration: 0.00009, args: '"abc", 4096' });
    const bare = parseLine('1234  10:00:00.000100 <... openat resumed> ) = -1 ENOENT (No such file or directory) <0.000010>', 'old', 3);
    expect(bare).toMatchObject({ kind: 'resumed', name: 'openat', result: { value: -1, errno: 'ENOENT' } });
  });

  it('joins a 4.x unfinished/resumed pair into one call', () => {
    const text = [
      '1234  10:00:00.000001 read(3,  <unfinished ...>',
      '1235  10:00:00.000050 getpid() = 1235 <0.000005>',
      '1234  10:00:00.000100 <... read resumed> "abc", 4096) = 3 <0.000090>',
      '',
    ].join('\n');
    const calls = joinAll(parseText(text, 'old')).events.filter((e) => e.kind === 'syscall' && e.name === 'read');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'read', line: 1, result: { value: 3 } });
  });

  it('reads unknown syscalls printed in decimal (before 4.21)', () => {
    expect(parseLine('10:00:00.000001 syscall_435(0x1, 0x2) = -1 ENOSYS (Function not implemented)', 'old', 1)).toMatchObject({
      kind: 'syscall',
      name: 'syscall_435',
      result: { errno: 'ENOSYS' },
    });
  });
});
