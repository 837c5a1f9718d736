import { describe, expect, it } from 'vitest';
import { addSeconds, compareTimestamps, formatTimestamp, parseLine, secondsBetween, type Timestamp } from '@strace-gaps/parser';

function timeOf(line: string): Timestamp {
  const r = parseLine(line, 'f', 1);
  if (r.kind === 'issue' || r.time === null) throw new Error(`no time in ${line}`);
  return r.time;
}

describe('timestamps', () => {
  it.each([
    '07:42:06 close(3) = 0',
    '07:42:14.741 close(3) = 0',
    '11:01:35.040609 close(3) = 0',
    '11:01:35.040609123 close(3) = 0',
    '1795765288 close(3) = 0',
    '1795765288.567 close(3) = 0',
    '1795765288.567207 close(3) = 0',
    '1795765288.569073375 close(3) = 0',
  ])('prints back exactly as strace did: %s', (line) => {
    expect(formatTimestamp(timeOf(line))).toBe(line.split(' ')[0]);
  });

  it('keeps epoch nanoseconds exact (they do not fit a double)', () => {
    const a = timeOf('1795765288.569073375 close(3) = 0');
    const b = timeOf('1795765288.569073376 close(3) = 0');
    expect(compareTimestamps(a, b)).toBeLessThan(0);
    expect(secondsBetween(a, b)).toBeCloseTo(1e-9, 15);
  });

  it('adds -T durations with carry, keeping at least microseconds', () => {
    const t = timeOf('23:59:59.999999 close(3) = 0');
    const end = addSeconds(t, 0.000002);
    expect(end).toEqual({ sec: 86400, nsec: 1000, digits: 6, clock: 'time-of-day' });
    // Past midnight prints as the next day's time of day.
    expect(formatTimestamp(end)).toBe('00:00:00.000001');
    expect(addSeconds(timeOf('10:00:00 close(3) = 0'), 0.5)).toEqual({ sec: 36000, nsec: 500_000_000, digits: 6, clock: 'time-of-day' });
  });

  it('rejects impossible times of day as timestamps', () => {
    expect(parseLine('25:00:00.000000 close(3) = 0', 'f', 1).kind).toBe('issue');
  });
});
