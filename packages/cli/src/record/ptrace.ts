/**
 * Why the kernel refused ptrace, and what to do: Yama's ptrace_scope, a user tracing another
 * user's process, or a container that dropped CAP_SYS_PTRACE. strace says only "Operation not
 * permitted"; the facts that tell the causes apart are in /proc.
 */
import { readFileSync } from 'node:fs';
import { statusField, uidOf } from './procfs.js';

/** CAP_SYS_PTRACE's bit in the capability masks of /proc/PID/status. */
const CAP_SYS_PTRACE = 19n;

export interface PtraceFacts {
  /** `kernel.yama.ptrace_scope` (0–3); `null` without Yama. */
  readonly yamaScope: number | null;
  readonly uid: number;
  /** Whether strace will hold CAP_SYS_PTRACE (this process's effective set, or root's bounding set). */
  readonly capSysPtrace: boolean;
  /** Attaching with `--pid`: the target and its owner; `null` for a started command. */
  readonly attach: { readonly pid: number; readonly uid: number | null } | null;
}

export function readPtraceFacts(attachPid: number | null): PtraceFacts {
  let yamaScope: number | null = null;
  try {
    yamaScope = Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'latin1').trim());
  } catch {
    // No Yama: only the classic rules (same user, or the capability) apply.
  }
  const uid = process.getuid?.() ?? -1;
  // strace is exec'd: root gets its bounding set as effective; others keep no capabilities.
  const mask = statusField('self', uid === 0 ? 'CapBnd' : 'CapEff');
  const capSysPtrace = mask !== null && ((BigInt(`0x${mask}`) >> CAP_SYS_PTRACE) & 1n) === 1n;
  return { yamaScope, uid, capSysPtrace, attach: attachPid === null ? null : { pid: attachPid, uid: uidOf(attachPid) } };
}

/** Why ptrace was refused, most certain cause first: one sentence, then what to do. */
export function ptraceAdvice(f: PtraceFacts): { readonly why: string; readonly fix: string } {
  const scope = f.yamaScope;
  if (scope === 3) {
    return { why: 'ptrace is switched off on this machine (kernel.yama.ptrace_scope is 3)', fix: 'only a reboot turns it back on: record on a machine that allows ptrace' };
  }
  if (scope === 2 && !f.capSysPtrace) {
    return { why: 'kernel.yama.ptrace_scope is 2: only a process with CAP_SYS_PTRACE may trace', fix: 'run as root (sudo strace-gaps record …)' };
  }
  if (!f.capSysPtrace && f.uid === 0) {
    return {
      why: 'this runs as root but without CAP_SYS_PTRACE (containers drop it by default)',
      fix: 'add the capability: docker run --cap-add=SYS_PTRACE, or securityContext.capabilities.add: ["SYS_PTRACE"] in Kubernetes',
    };
  }
  const a = f.attach;
  if (a !== null && !f.capSysPtrace && a.uid !== null && a.uid !== f.uid) {
    return { why: `pid ${a.pid} belongs to uid ${a.uid}, and this runs as uid ${f.uid}`, fix: 'run as root (sudo strace-gaps record …) or as the user who owns it' };
  }
  if (a !== null && scope === 1 && !f.capSysPtrace) {
    return {
      why: 'kernel.yama.ptrace_scope is 1: a process may trace only its own descendants, and this one did not start it',
      fix: 'run as root (sudo strace-gaps record …), or allow it with sudo sysctl kernel.yama.ptrace_scope=0',
    };
  }
  return {
    why: 'the kernel or a security policy (seccomp, AppArmor, SELinux) refused ptrace',
    fix: 'in a container, run it with --cap-add=SYS_PTRACE (and --security-opt seccomp=unconfined on kernels before 4.8)',
  };
}
