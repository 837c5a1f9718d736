/** What a call's text says, read from real lines of the fixtures (dns-timeout, init-sleep, s6). */
import { describe, expect, it } from 'vitest';
import { CallLine, parseLine } from '@strace-gaps/parser';
import { dnsNames, envVars, fdsPolled, sleepSeconds, sockaddr, timedOut } from '../src/call-facts.js';

/** A one-line call as the analysis sees it: the parser's `CallLine` is its own joined call. */
function call(text: string): CallLine {
  const ev = parseLine(text, 'f', 1);
  if (!(ev instanceof CallLine)) throw new Error(`not a call: ${text}`);
  return ev;
}

describe('call facts', () => {
  it('a DNS query names what it asked (fixtures/dns-timeout/trace.17579:152)', () => {
    const args =
      '3, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\\240\\375\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\2db\\3svc\\7cluster\\5local\\0\\0\\1\\0\\1", iov_len=38}], msg_iovlen=1}, msg_len=38}, ' +
      '{msg_hdr={msg_iov=[{iov_base="s\\377\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\2db\\0\\0\\34\\0\\1", iov_len=20}]}, msg_len=20}], 2, MSG_NOSIGNAL';
    expect(dnsNames(args)).toEqual(['db.svc.cluster.local', 'db']);
    // An answer (ancount 1) or text that is no query names nothing.
    expect(dnsNames('3, "\\240\\375\\201\\200\\0\\1\\0\\1\\0\\0\\0\\0\\2db\\0\\0\\1\\0\\1", 512')).toEqual([]);
    expect(dnsNames('1, "hello world, this is not DNS", 30')).toEqual([]);
  });

  it('a connect names its address and port', () => {
    expect(sockaddr('3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16')).toEqual({ family: 'AF_INET', port: 53, addr: '127.0.0.53' });
    expect(sockaddr('3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110')).toEqual({ family: 'AF_UNIX', port: null, addr: '/var/run/nscd/socket' });
    expect(sockaddr('3, 0x7ffd, 16')).toBeNull();
  });

  it('a timeout that ran out is a wait woken by the clock, with -T or without', () => {
    expect(timedOut(call('04:32:10.353527 poll([{fd=3, events=POLLIN}], 1, 1000) = 0 (Timeout) <1.001130>'))).toBe(true);
    expect(timedOut(call('04:32:10.353527 poll([{fd=3, events=POLLIN}], 1, 1000) = 0 (Timeout)'))).toBe(true);
    expect(timedOut(call('10:00:00.000000 epoll_pwait(4, [], 64, 300, NULL, 8) = 0'))).toBe(true);
    expect(timedOut(call('10:00:00.000000 epoll_pwait(4, [], 64, 0, NULL, 8) = 0'))).toBe(false);
    expect(timedOut(call('10:00:00.000000 futex(0x7f0, FUTEX_WAIT_BITSET_PRIVATE, 0, {tv_sec=1, tv_nsec=0}, FUTEX_BITSET_MATCH_ANY) = -1 ETIMEDOUT (Connection timed out)'))).toBe(true);
    expect(timedOut(call('10:00:00.000000 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=0}, NULL) = 0 <2.000140>'))).toBe(true);
    expect(timedOut(call('10:00:00.000000 poll([{fd=3, events=POLLIN}], 1, 1000) = 1 ([{fd=3, revents=POLLIN}])'))).toBe(false);
  });

  it('a sleep\'s length, the fds a poll or select watched, an exec\'s environment', () => {
    expect(sleepSeconds('CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=500000000}, NULL')).toBe(2.5);
    expect(fdsPolled('poll', '[{fd=3, events=POLLIN}, {fd=7, events=POLLIN}], 2, 1000')).toEqual([3, 7]);
    expect(fdsPolled('pselect6', '1, [0], NULL, NULL, {tv_sec=1, tv_nsec=499000000}, NULL')).toEqual([0]);
    expect(envVars('execve("/init", ["/init"], 0x7ffe17c54320 /* 4029 vars */) = 0 <0.000820>')).toBe(4029);
  });
});
