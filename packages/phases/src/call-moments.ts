/**
 * The moments a task's calls show beyond their times (a child reaped, a connect's outcome, a DNS
 * query, a `listen`, a lock taken or let go) and what the task's fds are, so that a wait on one
 * can be named (a socket and its address, a pipe, a file). Read from the calls' arguments for the
 * path recorder (path-marks.ts), which keeps the moments as marks.
 */
import { firstArgInt, resultPid } from '@strace-gaps/parser';
import { CHILD_WAITS, LOCKS, dnsNames, sockaddr } from './call-facts.js';
import type { PointMark } from './marks.js';
import type { Call } from './model.js';
import type { FdTable } from './paths.js';

/** The calls {@link CallMoments.observe} reads. */
export const MOMENT_CALLS: ReadonlySet<string> = new Set([
  ...CHILD_WAITS, ...LOCKS,
  'socket', 'connect', 'getsockopt', 'close', 'listen', 'sendto', 'sendmmsg', 'sendmsg', 'pipe', 'pipe2',
]);

interface SocketInfo {
  proto: string;
  port: number | null;
  addr: string | null;
}

/** Where a moment goes: its kind, the call, its time, what it is about, a count and a detail. */
export type PointSink = (kind: PointMark['kind'], call: Call, t: number, subject: string, n: number | null, detail: string | null) => void;

export class CallMoments {
  private sockets: Map<number, SocketInfo> | null = null;
  private pipes: Set<number> | null = null;
  /** Locks held: fd → file. */
  private locks: Map<number, string> | null = null;

  constructor(
    private readonly fds: FdTable,
    private readonly point: PointSink,
  ) {}

  /** An exec: the sockets and pipes of the program before it are no concern of the next one's waits. */
  exec(): void {
    this.sockets = null;
    this.pipes = null;
  }

  /** What a wait on `fd` waited on (`poll on UDP 127.0.0.53:53`, `read on a pipe`), and the port; null if unknown. */
  waitedOn(name: string, fd: number): { what: string; port: number | null } | null {
    const s = this.sockets?.get(fd);
    if (s !== undefined) {
      return { what: `${name} on ${s.proto}${s.addr === null && s.port === null ? '' : ` ${s.addr ?? ''}${s.port === null ? '' : `:${s.port}`}`}`, port: s.port };
    }
    if (this.pipes?.has(fd) === true) return { what: `${name} on a pipe`, port: null };
    const path = fd < 0 ? null : this.fds.get(fd);
    return path === null ? null : { what: `${name} on ${path}`, port: null };
  }

  /** A call whose arguments say something the path or a cause needs (one of {@link MOMENT_CALLS}). */
  observe(call: Call, t0: number): void {
    const ev = call.ev;
    const name = ev.name;
    // Closes are most of what comes here; they matter only for a socket, a pipe or a lock.
    if (name === 'close') {
      if (this.sockets !== null || this.pipes !== null || this.locks !== null) this.closed(call, t0);
      return;
    }
    // The result is read only here: a CallLine parses it when asked.
    const r = ev.result;
    const value = r?.value ?? null;
    switch (name) {
      case 'wait4':
      case 'waitid':
      case 'waitpid': {
        // A child reaped at once (it had already exited) is a wait too short to be a mark.
        const child = resultPid(r);
        if (child !== null && child > 0) this.point('reap', call, call.t1 ?? t0, String(child), child, null);
        return;
      }
      case 'socket': {
        if (value === null || value < 0) return;
        const proto = /SOCK_DGRAM/.test(ev.args) ? 'UDP' : /SOCK_STREAM/.test(ev.args) ? 'TCP' : 'socket';
        const unix = /AF_(?:UNIX|LOCAL)/.test(ev.args);
        (this.sockets ??= new Map()).set(value, { proto: unix ? `UNIX ${proto === 'UDP' ? 'datagram' : 'stream'}` : proto, port: null, addr: null });
        return;
      }
      case 'connect': {
        const fd = firstArgInt(ev);
        const sa = sockaddr(ev.args);
        if (fd === null || sa === null) return;
        const s = this.sockets?.get(fd) ?? { proto: sa.family === 'AF_UNIX' ? 'UNIX' : 'socket', port: null, addr: null };
        s.port = sa.port;
        s.addr = sa.addr;
        (this.sockets ??= new Map()).set(fd, s);
        const target = `${sa.addr ?? '?'}${sa.port === null ? '' : `:${sa.port}`}`;
        if (r === null) return;
        if (r.errno === 'EINPROGRESS') return;
        this.point('connect', call, t0, target, r.errno === null ? 1 : 0, r.errno);
        return;
      }
      case 'getsockopt': {
        // getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0: a non-blocking connect's outcome.
        const m = /SO_ERROR,\s*\[([A-Z0-9_]+)\]/.exec(ev.args);
        const fd = firstArgInt(ev);
        const s = fd === null ? undefined : this.sockets?.get(fd);
        if (m === null || s === undefined || s.addr === null) return;
        const ok = m[1] === '0';
        this.point('connect', call, t0, `${s.addr}${s.port === null ? '' : `:${s.port}`}`, ok ? 1 : 0, ok ? null : (m[1] as string));
        return;
      }
      case 'sendto':
      case 'sendmmsg':
      case 'sendmsg': {
        const fd = firstArgInt(ev);
        const s = fd === null ? undefined : this.sockets?.get(fd);
        const to = sockaddr(ev.args);
        if ((s?.port ?? to?.port) !== 53) return;
        for (const q of dnsNames(ev.args)) this.point('dns-query', call, t0, q, null, null);
        return;
      }
      case 'pipe':
      case 'pipe2': {
        const m = /\[(\d+),\s*(\d+)\]/.exec(ev.args);
        if (m === null || value !== 0) return;
        const p = (this.pipes ??= new Set());
        p.add(Number(m[1]));
        p.add(Number(m[2]));
        return;
      }
      case 'listen':
        if (value === 0) this.point('listen', call, t0, `fd ${firstArgInt(ev) ?? '?'}`, null, null);
        return;
      case 'flock':
      case 'fcntl':
      case 'fcntl64':
        this.lock(call, t0);
        return;
      default:
        return;
    }
  }

  /** A `close` of a socket, a pipe or a locked file. */
  private closed(call: Call, t0: number): void {
    const fd = firstArgInt(call.ev);
    if (fd === null) return;
    this.sockets?.delete(fd);
    this.pipes?.delete(fd);
    const held = this.locks?.get(fd);
    if (held !== undefined) {
      this.locks?.delete(fd);
      this.point('lock', call, t0, held, 0, null);
    }
  }

  /** `flock(3, LOCK_EX)`, `fcntl(3, F_SETLKW, {l_type=F_WRLCK, …})`, and their releases. */
  private lock(call: Call, t0: number): void {
    const ev = call.ev;
    const isFlock = ev.name === 'flock';
    // The line, not the arguments: a CallLine would cut its argument text out for every fcntl.
    if (!isFlock && !ev.text.includes('SETLK')) return;
    const args = ev.args;
    const fd = firstArgInt(ev);
    if (fd === null) return;
    const path = this.fds.get(fd) ?? `fd ${fd}`;
    const release = isFlock ? /LOCK_UN/.test(args) : /F_UNLCK/.test(args);
    if (release) {
      this.locks?.delete(fd);
      this.point('lock', call, t0, path, 0, null);
      return;
    }
    if (ev.result?.value !== 0) return;
    (this.locks ??= new Map()).set(fd, path);
    this.point('lock', call, call.t1 ?? t0, path, 1, null);
  }
}
