// Synthetic strace logs for the resource bench, where real captures of that shape are impractical:
//   procs DIR N   one -f log of N short-lived processes (clone, execve, a few calls, exit)
//   pending DIR N one -f log of N threads, each left inside a call that never resumes (killed)
// The lines are in strace's own format (see docs/strace-format.md); only their number is unusual.
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const [kind, dir, countArg] = process.argv.slice(2);
const count = Number(countArg);
mkdirSync(dir, { recursive: true });
const fd = openSync(join(dir, 'trace.log'), 'w');
let us = 36_000_000_000; // 10:00:00
const t = () => {
  us += 7;
  const s = Math.floor(us / 1e6);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${String(us % 1e6).padStart(6, '0')}`;
};
let buf = '';
const out = (line) => {
  buf += `${line}\n`;
  if (buf.length > 1 << 20) {
    writeSync(fd, buf);
    buf = '';
  }
};
const ROOT = 1000;
out(`${ROOT} ${t()} execve("/usr/bin/spawner", ["spawner"], 0x7ffc /* 3 vars */) = 0 <0.000300>`);
for (let i = 0; i < count; i++) {
  const pid = ROOT + 1 + i;
  if (kind === 'procs') {
    out(`${ROOT} ${t()} clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = ${pid} <0.000050>`);
    out(`${pid} ${t()} execve("/usr/bin/worker", ["worker", "--job", "${i}"], 0x7ffd /* 3 vars */) = 0 <0.000200>`);
    out(`${pid} ${t()} openat(AT_FDCWD, "/etc/worker/${i % 100}.conf", O_RDONLY) = 3 <0.000010>`);
    out(`${pid} ${t()} read(3, "x", 4096) = 1 <0.000004>`);
    out(`${pid} ${t()} close(3) = 0 <0.000003>`);
    out(`${pid} ${t()} exit_group(0) = ?`);
    out(`${pid} ${t()} +++ exited with 0 +++`);
    out(`${ROOT} ${t()} wait4(-1, NULL, WNOHANG, NULL) = ${pid} <0.000004>`);
  } else {
    out(`${ROOT} ${t()} clone(child_stack=0x7f0, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = ${pid} <0.000040>`);
    out(`${pid} ${t()} futex(0x7f${i.toString(16)}, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>`);
  }
}
if (kind === 'pending') out(`${ROOT} ${t()} +++ killed by SIGKILL +++`);
else out(`${ROOT} ${t()} exit_group(0) = ?\n${ROOT} ${t()} +++ exited with 0 +++`);
writeSync(fd, buf);
closeSync(fd);
