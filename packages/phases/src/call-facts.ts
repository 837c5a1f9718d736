/**
 * What a call's text says beyond its name and times, read only when a mark or a cause needs it:
 * whether its timeout ran out, how long a sleep asked for, the address of a connect, the names a
 * DNS query asked, the fds a poll watched, the size of an exec's environment.
 */
import { decodeString, type SyscallEvent } from '@strace-gaps/parser';

/** Sleeps: their end is their own timer. */
export const SLEEP_CALLS = new Set(['nanosleep', 'clock_nanosleep', 'clock_nanosleep_time64']);

/** Did the call return because its time ran out? */
export function timedOut(ev: SyscallEvent): boolean {
  const r = ev.result;
  if (r === null) return false;
  if (r.errno === 'ETIMEDOUT') return true;
  if (r.value === 0) {
    if (SLEEP_CALLS.has(ev.name)) return true;
    if (r.aux !== null && r.aux.startsWith('(Timeout')) return true;
    // epoll_wait(4, [], 64, 300) = 0: no event within the timeout (its last argument).
    if (ev.name.startsWith('epoll_')) {
      const m = /,\s*(-?\d+)(?:,[^,]*){0,2}\s*$/.exec(ev.args);
      return m !== null && Number(m[1]) > 0;
    }
  }
  // rt_sigtimedwait returns EAGAIN when its timeout ran out.
  return ev.name === 'rt_sigtimedwait' && r.errno === 'EAGAIN';
}

/**
 * The variables of an exec's environment, from strace's comment `/* 4029 vars *\/` near the line's
 * end; read from the line itself (a CallLine would cut its argument text out for it).
 */
export function envVars(line: string): number | null {
  const at = line.lastIndexOf(' var');
  if (at < 0 || line.lastIndexOf('/*', at) < 0) return null;
  let i = at - 1;
  let n = 0;
  let scale = 1;
  for (; i >= 0; i--) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n += d * scale;
    scale *= 10;
  }
  return scale === 1 || line.charCodeAt(i) !== 32 ? null : n;
}

/** `{tv_sec=2, tv_nsec=500000000}` → 2.5 */
export function sleepSeconds(args: string): number | null {
  const m = /tv_sec=(\d+),\s*tv_nsec=(\d+)/.exec(args);
  return m ? Number(m[1]) + Number(m[2]) / 1e9 : null;
}

/** `htons(53)` and the address of a `connect`/`sendto` sockaddr. */
export function sockaddr(args: string): { port: number | null; addr: string | null; family: string | null } | null {
  const fam = /sa_family=(AF_[A-Z0-9]+)/.exec(args);
  if (fam === null) return null;
  const port = /sin6?_port=htons\((\d+)\)/.exec(args);
  const addr = /inet_(?:addr|pton)\((?:AF_INET6,\s*)?"([^"]*)"/.exec(args) ?? /sun_path="([^"]*)"/.exec(args);
  return { family: fam[1] as string, port: port ? Number(port[1]) : null, addr: addr ? (addr[1] as string) : null };
}

/** The question names of DNS queries in a send's payloads (`\2db\3svc\7cluster\5local\0`). */
export function dnsNames(args: string): string[] {
  const out: string[] = [];
  for (const m of args.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const bytes = Buffer.from(decodeString(`"${m[1] as string}"`).value, 'latin1');
    if (bytes.length < 17) continue;
    // Header: one question, no answers; then labels from byte 12.
    if (bytes.readUInt16BE(4) !== 1 || bytes.readUInt16BE(6) !== 0) continue;
    const labels: string[] = [];
    let i = 12;
    while (i < bytes.length) {
      const n = bytes[i] as number;
      if (n === 0 || n > 63 || i + 1 + n > bytes.length) break;
      labels.push(bytes.toString('latin1', i + 1, i + 1 + n));
      i += 1 + n;
    }
    if (labels.length > 0 && bytes[i] === 0) out.push(labels.join('.'));
  }
  return out;
}

export function fdsPolled(name: string, args: string): number[] {
  if (name.startsWith('epoll')) return [];
  if (name === 'poll' || name.startsWith('ppoll')) return [...args.matchAll(/fd=(\d+)/g)].map((m) => Number(m[1]));
  // select(nfds, [3 4], …)
  const m = /^\s*\d+,\s*\[([\d ]*)\]/.exec(args);
  return m ? (m[1] as string).split(' ').filter(Boolean).map(Number) : [];
}

// ------------------------------------------------------------------------- calls by what they do

/** Calls that wait on fds until one is ready, or their timeout runs out. */
export const POLLS = new Set(['poll', 'ppoll', 'ppoll_time64', 'select', 'pselect6', 'pselect6_time64', '_newselect', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2']);
/** Calls that wait for a child to change state. */
export const CHILD_WAITS = new Set(['wait4', 'waitid', 'waitpid']);
/** Calls that take, test or release a lock on a file. */
export const LOCKS = new Set(['flock', 'fcntl', 'fcntl64']);
/**
 * Calls that change or list a tree of files: `chown -R`, `chmod -R`, `rm -r`, `find`, `du`. Plain
 * `stat`s are left out: every program makes thousands (an interpreter's imports), and counting
 * each was a tenth of the analysis.
 */
export const TREE_CALLS = new Set([
  'fchownat', 'chown', 'lchown', 'fchown', 'chown32', 'lchown32', 'fchown32',
  'fchmodat', 'fchmodat2', 'chmod', 'fchmod',
  'getdents64', 'getdents', 'unlinkat', 'utimensat', 'lsetxattr', 'setxattr',
]);
/**
 * Calls that wait for something by design: without `-T`, the time after them is read as their
 * wait; with it, one that took long is waiting for something (others, an `execve` or an `fsync`,
 * were the kernel working).
 */
export const BLOCKING = new Set([
  ...SLEEP_CALLS, ...POLLS, ...CHILD_WAITS, 'flock', 'read', 'recvfrom', 'recvmsg', 'recvmmsg', 'accept', 'accept4', 'connect', 'futex', 'pause',
  'rt_sigsuspend', 'rt_sigtimedwait', 'sigsuspend', 'restart_syscall', 'semop', 'semtimedop', 'msgrcv', 'mq_timedreceive', 'io_getevents', 'io_uring_enter',
]);
/** Calls whose first argument is an fd: a wait in one is named by what the fd is. */
export const FD_FIRST = new Set([
  'read', 'readv', 'pread64', 'preadv', 'recvfrom', 'recvmsg', 'recvmmsg', 'recv', 'accept', 'accept4', 'write', 'writev', 'pwrite64',
  'sendto', 'sendmsg', 'sendmmsg', 'connect', 'flock', 'fcntl', 'fcntl64', 'fsync', 'fdatasync', 'ioctl', 'getdents64', 'splice', 'sendfile',
]);
/** Signals that end a program: delivered to the first process, they begin the capture's stop. */
export const STOP_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGPWR', 'SIGKILL']);
