#!/usr/bin/env bash
# Recreate the large strace inputs used by the benchmarks (pnpm bench; docs/performance.md).
#
# Usage: make-big-traces.sh OUTDIR [BIG_ROUNDS] [SMALL_ROUNDS]
#
# Produces, under OUTDIR:
#   ff-1g/trace.<pid>     strace -ff -tt -T -r -s 256 -o ff-1g/trace   (many per-pid files, ~1 GB total)
#   ff-100m/trace.<pid>   same flags, fewer rounds                     (~100 MB total)
#   f-1g/one.log          strace -f -tt -T -s 256 -o f-1g/one.log       (one file with pid prefixes, ~1 GB)
#   f-100m/one.log        same flags, fewer rounds                     (~100 MB)
#   MANIFEST.tsv          set, files, bytes, lines, unfinished, resumed
#
# The traced workload is fixed (same commands, same sorted file lists each
# round), so sizes and line mixes repeat closely between runs; pids and
# timestamps of course differ. Needs: strace, gcc, make, node, python3,
# tar, gzip, grep, find, xargs (all in a stock Debian bookworm + Node 20).
# It takes roughly 40 minutes on 2 cores (mostly the two 1 GB sets).
# Nothing outside OUTDIR is written.
set -euo pipefail
export LC_ALL=C

OUT=${1:?usage: make-big-traces.sh OUTDIR [BIG_ROUNDS] [SMALL_ROUNDS]}
BIG_ROUNDS=${2:-62}
SMALL_ROUNDS=${3:-6}
STRACE_S=${STRACE_S:-256}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK="$OUT/workload"
rm -rf "$WORK"
mkdir -p "$WORK/cproj" "$WORK/scratch"

# ---------------------------------------------------------------- workload parts
# 1. a small C project for `make -j2` (compiler driver, cc1, as, ld => deep trees)
for i in $(seq -w 1 12); do
  cat >"$WORK/cproj/m$i.c" <<EOF
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
struct rec$i { int a; double b; char name[32]; };
static int cmp$i(const void *x, const void *y) {
  const struct rec$i *p = x, *q = y; return (p->a > q->a) - (p->a < q->a);
}
int work$i(int n) {
  struct rec$i *v = calloc((size_t)n, sizeof *v);
  for (int k = 0; k < n; k++) { v[k].a = (k * 7919 + $((10#$i))) % 1000; v[k].b = k * 0.5; snprintf(v[k].name, 32, "r%d", k); }
  qsort(v, (size_t)n, sizeof *v, cmp$i);
  int s = v[0].a + (int)strlen(v[n - 1].name); free(v); return s;
}
EOF
done
{
  echo '#include <stdio.h>'
  for i in $(seq -w 1 12); do echo "int work$i(int);"; done
  echo 'int main(void){ long s=0;'
  for i in $(seq -w 1 12); do echo "  s += work$i(1000);"; done
  echo '  printf("%ld\n", s); return 0; }'
} >"$WORK/cproj/main.c"
cat >"$WORK/cproj/Makefile" <<'EOF'
SRCS := $(sort $(wildcard *.c))
OBJS := $(SRCS:.c=.o)
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c
	$(CC) -O1 -c $< -o $@
clean:
	rm -f *.o prog
EOF

# 2. a node script: threadpool fs + crypto (libuv worker threads), a worker_thread,
#    child processes, and timers that leave real gaps in the timeline
cat >"$WORK/work.js" <<'EOF'
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const { Worker } = require('worker_threads');
const root = process.argv[2] || '/usr/share/doc';
function walk(dir, acc, limit) {
  let ents;
  try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of ents) {
    if (acc.length >= limit) return;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc, limit); else if (e.isFile()) acc.push(p);
  }
}
(async () => {
  const files = []; walk(root, files, 400);
  const w = new Worker(`const fs=require('fs');let n=0;for(const f of fs.readdirSync('/usr/lib/python3.11').sort().slice(0,150)){try{n+=fs.statSync('/usr/lib/python3.11/'+f).size}catch{}}require('worker_threads').parentPort.postMessage(n)`, { eval: true });
  const wres = new Promise((r) => w.once('message', r));
  let bytes = 0;
  for (let i = 0; i < files.length; i += 16) {
    const chunk = files.slice(i, i + 16);
    const bufs = await Promise.all(chunk.map((f) => fs.promises.readFile(f).catch(() => Buffer.alloc(0))));
    await Promise.all(bufs.map((b) => new Promise((r) => crypto.pbkdf2(b.subarray(0, 64), 's', 10, 32, 'sha256', r))));
    for (const b of bufs) bytes += b.length;
    if (i % 128 === 0) await new Promise((r) => setTimeout(r, 25));
  }
  execFileSync('ls', ['-la', '/usr/bin'], { stdio: ['ignore', 'ignore', 'ignore'] });
  execFileSync('sh', ['-c', 'uname -a; id; date +%Y'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const n = await wres; await w.terminate();
  fs.writeFileSync(process.argv[3] || '/dev/null', `${files.length} ${bytes} ${n}\n`);
})();
EOF

# 3. a python script: os.walk + reads + a subprocess
cat >"$WORK/work.py" <<'EOF'
import os, sys, subprocess, hashlib, time
root = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/python3.11'
h = hashlib.sha1(); n = 0
for d, dirs, files in os.walk(root):
    dirs.sort()
    for f in sorted(files):
        if n >= 600: break
        p = os.path.join(d, f)
        try:
            with open(p, 'rb') as fh: h.update(fh.read(8192))
        except OSError: pass
        n += 1
time.sleep(0.03)
subprocess.run(['grep', '-c', 'def ', os.path.join(root, 'os.py')], stdout=subprocess.DEVNULL)
print(n, h.hexdigest())
EOF

# 4. one round of the whole workload (a shell script, so every step is a child)
cat >"$WORK/round.sh" <<'EOF'
#!/bin/sh
# $1 = round number, $2 = workload dir
r=$1; W=$2; S=$W/scratch
export LC_ALL=C
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
find /usr/share/doc -type f | sort | head -n 1500 | xargs -n 150 cat > /dev/null
find /usr/share/man/man1 -type f -name '*.gz' | sort | head -n 120 | xargs zcat 2>/dev/null | grep -c -i 'option' > "$S/grep.$r" || true
grep -r -c -E 'struct [a-z_]+ \{' /usr/include/linux > /dev/null 2>&1 || true
tar cf - -C /usr/include linux 2>/dev/null | gzip -1 | wc -c > "$S/tar.$r"
make -s -C "$W/cproj" clean > /dev/null
make -s -j2 -C "$W/cproj" prog > /dev/null
"$W/cproj/prog" > /dev/null
node "$W/work.js" /usr/share/doc "$S/node.$r"
"$PY" "$W/work.py" /usr/lib/python3.11 > "$S/py.$r"
for i in 1 2 3 4 5 6 7 8; do echo "$r $i $(date +%s)"; done | sort -n | uniq -c > /dev/null
sleep 0.2
timeout -s TERM 0.1 sleep 5 || true
ls -la /usr/lib/x86_64-linux-gnu | wc -l > /dev/null
EOF
chmod +x "$WORK/round.sh"

cat >"$WORK/driver.sh" <<'EOF'
#!/bin/sh
# $1 = rounds, $2 = workload dir
n=$1; W=$2; r=1
while [ "$r" -le "$n" ]; do
  "$W/round.sh" "$r" "$W"
  r=$((r + 1))
done
EOF
chmod +x "$WORK/driver.sh"

# ---------------------------------------------------------------- trace it
manifest() { # set-name dir
  local name=$1 dir=$2
  local files bytes lines unf res
  files=$(find "$dir" -type f | wc -l)
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  lines=$(find "$dir" -type f -print0 | sort -z | xargs -0 cat | wc -l)
  unf=$( (find "$dir" -type f -print0 | xargs -0 grep -h -c 'unfinished \.\.\.>' || true) | awk '{s+=$1} END {print s+0}')
  res=$( (find "$dir" -type f -print0 | xargs -0 grep -h -c '<\.\.\. [a-z0-9_]* resumed>' || true) | awk '{s+=$1} END {print s+0}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$files" "$bytes" "$lines" "$unf" "$res" >>"$OUT/MANIFEST.tsv"
}

run_ff() { # dir rounds
  rm -rf "$OUT/$1"; mkdir -p "$OUT/$1"
  rm -f "$WORK"/scratch/*
  strace -ff -tt -T -r -s "$STRACE_S" -o "$OUT/$1/trace" "$WORK/driver.sh" "$2" "$WORK"
}
run_f() { # dir rounds
  rm -rf "$OUT/$1"; mkdir -p "$OUT/$1"
  rm -f "$WORK"/scratch/*
  strace -f -tt -T -s "$STRACE_S" -o "$OUT/$1/one.log" "$WORK/driver.sh" "$2" "$WORK"
}

printf 'set\tfiles\tbytes\tlines\tunfinished\tresumed\n' >"$OUT/MANIFEST.tsv"
for spec in "ff-100m:ff:$SMALL_ROUNDS" "f-100m:f:$SMALL_ROUNDS" "ff-1g:ff:$BIG_ROUNDS" "f-1g:f:$BIG_ROUNDS"; do
  IFS=: read -r name kind rounds <<<"$spec"
  [ "$rounds" -gt 0 ] || continue
  start=$(date +%s)
  "run_$kind" "$name" "$rounds"
  echo "$name: $rounds rounds in $(( $(date +%s) - start )) s" >&2
  manifest "$name" "$OUT/$name"
done
column -t "$OUT/MANIFEST.tsv" >&2
