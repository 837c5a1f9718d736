/**
 * What analysis asks of particular calls: the program an `execve` runs, the name `prctl` sets, the
 * child a `clone` made, the paths a call touches. Each decodes only the arguments it needs.
 */
import { decodeArgs, decodeValue, splitTopLevel, type ArgValue } from './args.js';

/** The parts of a call these helpers read; both line and joined call events have them. */
export interface CallLike {
  readonly name: string;
  readonly args: string;
  readonly result: { readonly value: number | null; readonly aux?: string | null } | null;
}

function stringOf(v: ArgValue | undefined): string | null {
  if (v === undefined) return null;
  if (v.type === 'string') return v.value;
  if (v.type === 'fd') return v.path;
  return null;
}

/** What an `execve`/`execveat` runs. */
export interface ExecInfo {
  /** The program path (first argument). */
  readonly path: string;
  /** argv as decoded; `argvTruncated` when strace cut the list (`...`) or a string. */
  readonly argv: readonly string[];
  readonly argvTruncated: boolean;
  /** Indices in `argv` of the strings strace cut (`"/root/.pyenv/libexec/pyenv-versi"...`). */
  readonly cutArgs: readonly number[];
  /** strace left out the arguments after the last (`[…, "-f", ...]`). */
  readonly moreArgs: boolean;
  /** The environment size from strace's `/* 3 vars *\/` comment; `null` when the env was printed. */
  readonly envCount: number | null;
}

/** Decodes `execve("/init", ["/init"], 0x7ffc2b662c40 /* 1 var *\/)`; `null` for other calls. */
export function execInfo(call: CallLike): ExecInfo | null {
  const at = call.name === 'execve' ? 0 : call.name === 'execveat' ? 1 : -1;
  if (at < 0) return null;
  const args = decodeArgs(call.args);
  const path = stringOf(args[at]?.value);
  if (path === null) return null;
  const argvArg = args[at + 1]?.value;
  const argv: string[] = [];
  const cutArgs: number[] = [];
  let moreArgs = false;
  if (argvArg?.type === 'array') {
    for (const item of argvArg.items) {
      if (item.type === 'string') {
        if (item.truncated) cutArgs.push(argv.length);
        argv.push(item.value);
      } else if (item.raw === '...') moreArgs = true;
    }
  }
  const comment = args[at + 2]?.comment ?? null;
  const m = comment === null ? null : /^(\d+) vars?$/.exec(comment);
  return { path, argv, argvTruncated: moreArgs || cutArgs.length > 0, cutArgs, moreArgs, envCount: m ? Number(m[1]) : null };
}

/** The name set by `prctl(PR_SET_NAME, "runc:[2:INIT]")`; `null` for any other call. */
export function prctlName(call: CallLike): string | null {
  if (call.name !== 'prctl' || !call.args.startsWith('PR_SET_NAME')) return null;
  return stringOf(decodeArgs(call.args)[1]?.value);
}

const FORKS = new Set(['clone', 'clone2', 'clone3', 'fork', 'vfork']);

/** The child pid (or thread id) a successful `clone`/`clone3`/`fork`/`vfork` returned in the parent. */
export function childPid(call: CallLike): number | null {
  if (!FORKS.has(call.name)) return null;
  return resultPid(call.result);
}

/**
 * A pid a call returned (`clone`, `getpid`, `set_tid_address`), as the trace's prefixes name the
 * process: inside a pid namespace the call returns the namespace's pid, and `--pidns-translation`
 * adds strace's own, which the prefixes use: `= 2 /* 20549 in strace's PID NS *\/`. `null` when
 * the result is not a positive number.
 */
export function resultPid(result: CallLike['result']): number | null {
  const v = result?.value ?? null;
  if (v === null || v <= 0) return null;
  const aux = result?.aux;
  if (aux != null && aux.startsWith('/* ')) {
    const m = /^\/\* (\d+) in strace's PID NS \*\//.exec(aux);
    if (m) return Number(m[1]);
  }
  return v;
}

/** The `CLONE_*` flags of a `clone`/`clone3` call (`[]` for `fork`/`vfork` or when not printed). */
export function cloneFlags(call: CallLike): string[] {
  if (call.name !== 'clone' && call.name !== 'clone3') return [];
  // clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|…|SIGCHLD, …) and clone3({flags=…, …}, 88)
  const scope = call.name === 'clone3' ? (splitTopLevel(call.args)[0] ?? '').replace(/^\{|\}.*$/gs, '') : call.args;
  for (const part of splitTopLevel(scope)) {
    if (part.startsWith('flags=')) {
      const v = decodeValue(part.slice(6));
      return v.type === 'flags' ? [...v.flags] : [];
    }
  }
  return [];
}

/** Does this call create a thread (CLONE_THREAD) rather than a process? */
export function createsThread(call: CallLike): boolean {
  // Not in the text, not in the flags: most clones of a build or a shell script fork processes,
  // and decoding their arguments was a tenth of reading 100,000 of them.
  return call.args.includes('CLONE_THREAD') && cloneFlags(call).includes('CLONE_THREAD');
}

/** Argument positions that hold paths, per call. */
const PATH_ARGS: Readonly<Record<string, readonly number[]>> = {
  open: [0], creat: [0], openat: [1], openat2: [1], open_by_handle_at: [],
  stat: [0], lstat: [0], stat64: [0], lstat64: [0], newfstatat: [1], fstatat64: [1], statx: [1],
  access: [0], faccessat: [1], faccessat2: [1], readlink: [0], readlinkat: [1],
  execve: [0], execveat: [1], chdir: [0], chroot: [0], pivot_root: [0, 1],
  mkdir: [0], mkdirat: [1], rmdir: [0], unlink: [0], unlinkat: [1], mknod: [0], mknodat: [1],
  rename: [0, 1], renameat: [1, 3], renameat2: [1, 3], link: [0, 1], linkat: [1, 3],
  symlink: [0, 1], symlinkat: [0, 2], chmod: [0], fchmodat: [1], chown: [0], lchown: [0], fchownat: [1],
  truncate: [0], utimensat: [1], utimes: [0], utime: [0], futimesat: [1],
  mount: [0, 1], umount: [0], umount2: [0], statfs: [0], swapon: [0], swapoff: [0], acct: [0],
  getxattr: [0], lgetxattr: [0], setxattr: [0], lsetxattr: [0], listxattr: [0], llistxattr: [0],
  removexattr: [0], lremovexattr: [0], inotify_add_watch: [1], name_to_handle_at: [1],
  fanotify_mark: [4], uselib: [0], bind: [], connect: [],
};

/** The path arguments of a call, decoded (`openat(3, "MY_VAR", …)` → `["MY_VAR"]`). */
export function pathArgs(call: CallLike): string[] {
  const slots = PATH_ARGS[call.name];
  if (slots === undefined || slots.length === 0) return [];
  const args = decodeArgs(call.args);
  const out: string[] = [];
  for (const k of slots) {
    const s = stringOf(args[k]?.value);
    if (s !== null) out.push(s);
  }
  return out;
}

/** `-y`/`-yy` fd annotations among a call's arguments: `write(4</run/x/A>, …)` → `[{fd: 4, path: "/run/x/A"}]`. */
export function fdArgs(call: CallLike): { fd: number; path: string }[] {
  if (!call.args.includes('<')) return [];
  const out: { fd: number; path: string }[] = [];
  for (const a of decodeArgs(call.args)) if (a.value.type === 'fd') out.push({ fd: a.value.fd, path: a.value.path });
  return out;
}
