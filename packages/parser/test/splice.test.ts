/**
 * A strace message printed into the middle of a call line (output on stderr): the message is one
 * result, the call is read whole from its two halves and reported at the line where it began.
 */
import { describe, expect, it } from 'vitest';
import { parseText } from '@strace-gaps/parser';

describe('a strace message spliced into a call line', () => {
  it('reads the real clone cut by "Process N attached" (strace 6.1, -f on stderr)', () => {
    const r = parseText(
      '07:36:19.618289 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 6910 attached\n' +
        ', child_tidptr=0x7f50dc9c0a10) = 6910 <0.000559>\n',
      'f',
    );
    expect(r.map((e) => `${e.kind}@${e.line}`)).toEqual(['strace-message@1', 'syscall@1']);
    expect(r[0]).toMatchObject({ message: 'attached', subject: 6910 });
    expect(r[1]).toMatchObject({ name: 'clone', args: 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f50dc9c0a10', result: { value: 6910 } });
  });

  it.each([
    ['attached with 3 threads', 'attached'],
    ['detached', 'detached'],
  ])('reads every ending strace gives the message: "%s"', (ending, message) => {
    const r = parseText(`07:36:19.618289 read(3, strace: Process 6932 ${ending}\n"", 1) = 0 <0.000010>\n`, 'f');
    expect(r.map((e) => e.kind)).toEqual(['strace-message', 'syscall']);
    expect(r[0]).toMatchObject({ message, subject: 6932 });
    expect(r[1]).toMatchObject({ name: 'read', args: '3, "", 1', line: 1 });
  });

  it('leaves the message inside a quoted argument alone', () => {
    const r = parseText('07:36:19.618289 write(2, "strace: Process 1 attached", 26) = 26 <0.000010>\n', 'f');
    expect(r.map((e) => e.kind)).toEqual(['syscall']);
  });
});
