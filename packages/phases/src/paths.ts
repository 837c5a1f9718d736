/**
 * Which file a call touches. `openat(3, "NAME", …)` names a file relative to fd 3, so a task's open
 * fds are tracked (from `open*` results, `dup*`, `close`, and `-y` annotations when present) to say
 * that NAME lives under `/run/s6/container_environment:envdump:kKJJPk`.
 */
import { decodeArgs, execInfo, firstArgInt, type ArgValue, type ExecInfo, type SyscallEvent } from '@strace-gaps/parser';

/** Most tasks hold a few dozen fds; a cap keeps a leaking process from growing the table without end. */
const MAX_FDS = 4096;

const OPENS = new Set(['open', 'openat', 'openat2', 'creat']);

/** The directory part of a path: `/a/b` → `/a`, `b` → `.`, `/b` → `/`. */
export function dirname(path: string): string {
  const stripped = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const k = stripped.lastIndexOf('/');
  if (k < 0) return '.';
  if (k === 0) return '/';
  return stripped.slice(0, k);
}

/** The last component: `/a/b` → `b`. */
export function basename(path: string): string {
  const stripped = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return stripped.slice(stripped.lastIndexOf('/') + 1);
}

function join(dir: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  if (dir === '.' || dir === '') return rel;
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

/** The arguments of an open call that the fd table reads. */
export interface SimpleOpenArgs {
  /** `null` for `AT_FDCWD` or a call without a dirfd (`open`, `creat`); else the dirfd. */
  readonly dirfd: number | null;
  readonly path: string;
  /** The flags as printed: `O_RDONLY|O_CLOEXEC`. */
  readonly flags: string;
}

/** Characters of a plain dirfd or flag list, as decodeValue reads them: `[A-Za-z0-9_|]`. */
function isFlagChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 124;
}

/**
 * An open call's dirfd, path and flags in their usual form (`AT_FDCWD, "/etc/passwd", O_RDONLY`,
 * `3, "name", O_WRONLY|O_CREAT`), read in place; `null` for anything else, which
 * {@link decodeArgs} reads. `at` is where the path is (1 after a dirfd, 0 for `open`, `creat`).
 * Opens are one call in ten of a busy trace, and decoding every argument of each (a list, a value
 * object and a flag array per argument) was most of what tracking fds cost.
 */
export function simpleOpenArgs(args: string, at: 0 | 1): SimpleOpenArgs | null {
  let i = 0;
  let dirfd: number | null = null;
  if (at === 1) {
    if (args.startsWith('AT_FDCWD,')) i = 9;
    else {
      // Digits only, without a leading zero (decodeValue reads `07` as octal) or a `<path>`.
      let v = 0;
      while (i < args.length && i < 9) {
        const d = args.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
        i++;
      }
      if (i === 0 || (i > 1 && args.charCodeAt(0) === 48) || args.charCodeAt(i) !== 44 /* , */) return null;
      dirfd = v;
      i++;
    }
    while (args.charCodeAt(i) === 32) i++;
  }
  if (args.charCodeAt(i) !== 34 /* " */) return null;
  const close = args.indexOf('"', i + 1);
  // No escapes (decodeString would unescape them) and nothing between the string and its comma.
  if (close < 0 || args.lastIndexOf('\\', close) > i || args.charCodeAt(close + 1) !== 44 /* , */) return null;
  const path = args.slice(i + 1, close);
  let f = close + 2;
  while (args.charCodeAt(f) === 32) f++;
  let e = f;
  while (e < args.length && isFlagChar(args.charCodeAt(e))) e++;
  if (e === f || (e < args.length && args.charCodeAt(e) !== 44)) return null;
  return { dirfd, path, flags: args.slice(f, e) };
}

function stringValue(v: ArgValue | undefined): string | null {
  return v?.type === 'string' ? v.value : null;
}

/** A file opened by a call: its resolved path and the fd it got. */
export interface Opened {
  readonly fd: number | null;
  /** The path as resolved against the dirfd (absolute when the dirfd's path is known). */
  readonly path: string;
  readonly dir: string;
  /** The open flags as printed: `O_WRONLY|O_CREAT|O_TRUNC`. */
  readonly flags: string;
}

/** One task's view of its fds and working directory. */
export class FdTable {
  /** Made on the first open: most short-lived tasks of a big capture never open anything. */
  private map: Map<number, string> | null = null;
  private cwd: string | null = null;

  private get fds(): Map<number, string> {
    this.map ??= new Map();
    return this.map;
  }

  /** The path behind an fd, if known. */
  get(fd: number): string | null {
    return this.map?.get(fd) ?? null;
  }

  private set(fd: number, path: string): void {
    if (this.fds.size < MAX_FDS || this.fds.has(fd)) this.fds.set(fd, path);
  }

  /** Resolves a path argument against a dirfd argument (`AT_FDCWD`, `3`, `3</dir>`). */
  resolve(dirfd: ArgValue | undefined, path: string): string {
    if (path.startsWith('/')) return path;
    if (dirfd === undefined || (dirfd.type === 'flags' && dirfd.flags[0] === 'AT_FDCWD') || dirfd.raw === 'AT_FDCWD') {
      return this.cwd === null ? path : join(this.cwd, path);
    }
    if (dirfd.type === 'fd') return join(dirfd.path, path);
    if (dirfd.type === 'number') {
      const dir = this.fds.get(dirfd.value);
      if (dir !== undefined) return join(dir, path);
    }
    return path;
  }

  /** Updates the table from a call; returns what it opened, if it is an `open*`. */
  observe(ev: SyscallEvent): Opened | null {
    const name = ev.name;
    if (OPENS.has(name)) {
      const ret = ev.result?.value ?? null;
      const at = name === 'openat' || name === 'openat2' ? 1 : 0;
      const simple = simpleOpenArgs(ev.args, at);
      if (simple !== null && ev.result?.fdPath == null) {
        // As resolve() reads the decoded dirfd.
        let path = simple.path;
        if (!path.startsWith('/')) {
          if (simple.dirfd === null) path = this.cwd === null ? path : join(this.cwd, path);
          else {
            const dir = this.fds.get(simple.dirfd);
            if (dir !== undefined) path = join(dir, path);
          }
        }
        const fd = ret !== null && ret >= 0 ? ret : null;
        if (fd !== null) this.set(fd, path);
        return { fd, path, dir: dirname(path), flags: simple.flags };
      }
      // The dirfd, the path and the flags: the mode and the rest are not read.
      const args = decodeArgs(ev.args, at + 2);
      const rel = stringValue(args[at]?.value);
      if (rel === null) return null;
      const path = ev.result?.fdPath ?? this.resolve(at === 1 ? args[0]?.value : undefined, rel);
      const fd = ret !== null && ret >= 0 ? ret : null;
      if (fd !== null) this.set(fd, path);
      const flagArg = args[at + 1]?.value;
      return { fd, path, dir: dirname(path), flags: flagArg?.raw ?? '' };
    }
    switch (name) {
      case 'close': {
        const fd = firstArgInt(ev);
        if (fd !== null) this.map?.delete(fd);
        return null;
      }
      case 'dup':
      case 'dup2':
      case 'dup3':
      case 'fcntl':
      case 'fcntl64': {
        const ret = ev.result?.value ?? null;
        if (ret === null || ret < 0) return null;
        if ((name === 'fcntl' || name === 'fcntl64') && !/^\S+,\s*F_DUPFD/.test(ev.args)) return null;
        const from = firstArgInt(ev);
        const path = from === null ? undefined : this.fds.get(from);
        if (path !== undefined) this.set(ret, path);
        return null;
      }
      case 'chdir':
        if (ev.result?.value === 0) {
          const p = stringValue(decodeArgs(ev.args, 1)[0]?.value);
          if (p !== null) this.cwd = this.cwd === null || p.startsWith('/') ? p : join(this.cwd, p);
        }
        return null;
      case 'fchdir':
        if (ev.result?.value === 0) {
          const fd = firstArgInt(ev);
          const p = fd === null ? undefined : this.fds.get(fd);
          if (p !== undefined) this.cwd = p;
        }
        return null;
      default:
        return null;
    }
  }

  /**
   * The program an exec ran. `execveat(fd, "", …, AT_EMPTY_PATH)` (runc re-executing its memfd
   * copy) names no path: the fd's path stands in when the trace showed it, else argv[0].
   */
  programOf(ev: SyscallEvent): ExecInfo | null {
    const info = execInfo(ev);
    if (info === null || info.path !== '') return info;
    const fd = firstArgInt(ev);
    const path = (fd === null ? null : this.get(fd)) ?? info.argv[0] ?? '';
    return { ...info, path };
  }

  /** The fd a call operates on (its first argument), if it is one of this table's. */
  fdOf(ev: SyscallEvent): number | null {
    if (this.map === null) return null;
    const fd = firstArgInt(ev);
    return fd !== null && this.map.has(fd) ? fd : null;
  }
}
