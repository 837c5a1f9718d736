/**
 * What a call did, in words for blame and the path's steps: `openat under /run/s6/…`,
 * `write under /var/log`, or just its name. Interned, and looked up by the fd table's path string
 * and the call's name, so the common call (a run of reads on one file) builds no string.
 */
import type { Interner } from './intern.js';
import type { Call } from './model.js';
import { dirname } from './paths.js';
import type { Task } from './task.js';

/** Paths whose actions are looked up by path (bounded: a capture may open millions of files). */
const MAX_ACTION_PATHS = 4096;

export class CallActions {
  /** `NAME under DIR` by the path an fd names and the call's name. */
  private readonly byPath = new Map<string, Map<string, string>>();
  /** The last answers: for a call on no known path, and for one on a path. */
  private lastPlain = '';
  private lastPlainAction = '';
  private lastPath: string | null = null;
  private lastPathName = '';
  private lastPathAction = '';

  constructor(private readonly intern: Interner) {}

  /** What a call did (interned): `openat under DIR`, `write under DIR`, or its name. */
  of(task: Task, call: Call): string {
    const name = call.ev.name;
    if (call.opened !== null) return this.intern.get(`${name} under ${call.opened.dir}`);
    const fd = task.fds.fdOf(call.ev);
    const path = fd === null ? null : task.fds.get(fd);
    // Runs of the same call (reads of one file, futex after futex) are most of a trace: the last
    // answer is remembered, so that the name, a new string on every line, is not hashed again.
    if (path === null || !path.startsWith('/')) {
      if (name === this.lastPlain) return this.lastPlainAction;
      this.lastPlain = name;
      this.lastPlainAction = this.intern.get(name);
      return this.lastPlainAction;
    }
    if (path === this.lastPath && name === this.lastPathName) return this.lastPathAction;
    this.lastPath = path;
    this.lastPathName = name;
    this.lastPathAction = this.onPath(path, name);
    return this.lastPathAction;
  }

  private onPath(path: string, name: string): string {
    // Reads and writes on an open file repeat its path (the fd table's string, whose hash V8
    // keeps): look the action up by path and name instead of building and hashing it per call.
    let byName = this.byPath.get(path);
    if (byName === undefined) {
      if (this.byPath.size >= MAX_ACTION_PATHS) return this.intern.get(`${name} under ${dirname(path)}`);
      byName = new Map();
      this.byPath.set(path, byName);
    }
    let action = byName.get(name);
    if (action === undefined) {
      action = this.intern.get(`${name} under ${dirname(path)}`);
      byName.set(name, action);
    }
    return action;
  }
}
