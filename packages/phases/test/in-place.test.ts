/**
 * What the analysis reads in place of decoding: open calls' arguments must be what decodeArgs
 * reads, and a joined call's first argument what its joined text starts with.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JoinedCall, decodeArgs, joinAll, leadingArgs, parseChunksSync, pidFromFileName } from '@strace-gaps/parser';
import { simpleOpenArgs } from '@strace-gaps/phases/internal';
import { fixtureSets, traceBytes } from '../../parser/test/helpers/fixtures.js';
import { leadingIntAt as leadingInt } from '@strace-gaps/parser';

describe('simpleOpenArgs', () => {
  const opens: { args: string; at: 0 | 1 }[] = [];
  for (const set of fixtureSets()) {
    for (const f of set.files) {
      for (const r of parseChunksSync([traceBytes(f)], 'f')) {
        if (r.kind !== 'syscall' && r.kind !== 'resumed') continue;
        if (r.name === 'openat' || r.name === 'openat2') opens.push({ args: r.args, at: 1 });
        else if (r.name === 'open' || r.name === 'creat') opens.push({ args: r.args, at: 0 });
      }
    }
  }

  function same(args: string, at: 0 | 1): void {
    const simple = simpleOpenArgs(args, at);
    if (simple === null) return;
    const decoded = decodeArgs(args, at + 2);
    const path = decoded[at]?.value;
    expect(path?.type === 'string' ? path.value : null).toBe(simple.path);
    expect(decoded[at + 1]?.value.raw ?? '').toBe(simple.flags);
    if (at === 1) {
      const dirfd = decoded[0]?.value;
      if (simple.dirfd === null) expect(dirfd?.raw).toBe('AT_FDCWD');
      else expect(dirfd).toMatchObject({ type: 'number', value: simple.dirfd });
    }
  }

  it('reads every open of the fixtures it reads as decodeArgs does', () => {
    let read = 0;
    for (const o of opens) {
      same(o.args, o.at);
      if (simpleOpenArgs(o.args, o.at) !== null) read++;
    }
    expect(read).toBeGreaterThan(opens.length / 2);
  });

  it('leaves the unusual forms to decodeArgs', () => {
    for (const args of ['010, "a", O_RDONLY', '3</tmp>, "a", O_RDONLY', 'AT_FDCWD, "a\\"b", O_RDONLY', 'AT_FDCWD, "a"..., O_RDONLY',
      'AT_FDCWD, "a" /* x */, O_RDONLY', 'AT_FDCWD, "a", O_RDONLY /* x */', 'AT_FDCWD, "a", ', '-100, "a", O_RDONLY']) {
      expect(simpleOpenArgs(args, 1), args).toBeNull();
      same(args, 1);
    }
    expect(simpleOpenArgs('AT_FDCWD, "a,b", O_RDONLY|O_CLOEXEC, 0644', 1)).toEqual({ dirfd: null, path: 'a,b', flags: 'O_RDONLY|O_CLOEXEC' });
    expect(simpleOpenArgs('"/etc/x", O_WRONLY', 0)).toEqual({ dirfd: null, path: '/etc/x', flags: 'O_WRONLY' });
  });

  it('refuses or agrees on mutated open arguments', () => {
    const pieces = ['"', '\\', ',', ' ', '<', '>', '0', '7', '|', '/', '...', '*/', '/*', 'x'];
    fc.assert(
      fc.property(fc.constantFrom(...opens), fc.nat(), fc.constantFrom(...pieces), fc.boolean(), (o, i, piece, cut) => {
        const k = i % (o.args.length + 1);
        const args = o.args.slice(0, k) + piece + (cut ? '' : o.args.slice(k));
        same(args, o.at);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('leadingArgs', () => {
  const joined = (first: string, second: string) =>
    new JoinedCall(1, 'read', first, second, { raw: '0', value: 0, valueText: '0', errno: null, errnoText: null, aux: null, fdPath: null }, null, null, null, null, 'f', 1, 2, '');

  it("gives every joined call of the fixtures the first argument of its joined text", () => {
    let calls = 0;
    for (const set of fixtureSets()) {
      for (const f of set.files) {
        const name = basename(f);
        for (const e of joinAll(parseChunksSync([traceBytes(f)], name), pidFromFileName(name)).events) {
          if (!(e instanceof JoinedCall)) continue;
          calls++;
          expect(leadingInt(leadingArgs(e))).toBe(leadingInt(e.args));
        }
      }
    }
    expect(calls).toBeGreaterThan(1_000);
  });

  it('agrees with the joined text on generated halves', () => {
    const text = fc.string({ maxLength: 20, unit: fc.constantFrom(' ', '\t', '\u00a0', '-', '0', '1', '7', '9', ',', 'x', '"', '(') });
    fc.assert(
      fc.property(text, text, (first, second) => {
        const e = joined(first, second);
        expect(leadingInt(leadingArgs(e))).toBe(leadingInt(e.args));
      }),
      { numRuns: 20_000 },
    );
  });
});
