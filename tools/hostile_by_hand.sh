#!/usr/bin/env bash
# Hostile input by hand, on the installed kit: each case prints its exit code, time,
# last stderr line and what was left (processes of runs, temp folders, stopped
# processes); at the end, new /dev/shm semaphores and labkit containers.
# tests/test_hostile.py and tests/test_containment.py assert the same, one test each.
#   tools/hostile_by_hand.sh        (LABKIT=path/to/labkit to pick another install)
set -u
L=${LABKIT:-labkit}
S=$(cd "$(dirname "$0")/../tests/scripts/contain" && pwd)
W=$(mktemp -d /tmp/byhand.XXXX); cd "$W" || exit 1
export LC_ALL=C.UTF-8 COLUMNS=100
sems() { find /dev/shm -maxdepth 1 -name 'sem.*' -printf '%f\n' | sort; }
sems > sem0
left() {  # leftovers: processes of runs, temp folders, stopped processes
  local p t s
  p=$(grep -l LABKIT_RUN_ID /proc/[0-9]*/environ 2>/dev/null | wc -l)
  t=$(find /tmp /dev/shm -maxdepth 1 -name 'labkit-*' ! -name labkit-locks | wc -l)
  s=$(awk '$3=="T"' /proc/[0-9]*/stat 2>/dev/null | wc -l)
  echo "procs=$p tmp=$t stopped=$s"
}
row() { printf '%-44s rc=%-4s %6.2fs | %s | %s\n' "$1" "$2" "$3" "$(printf '%s' "$4" | grep -v '^\s*$' | tail -1 | cut -c1-110)" "$(left)"; }
runcase() {  # name, then the command
  local name=$1; shift
  local t0 t1 rc
  t0=$(date +%s.%N); "$@" > out.txt 2> err.txt; rc=$?; t1=$(date +%s.%N)
  row "$name" "$rc" "$(echo "$t1 - $t0" | bc)" "$(cat err.txt)"
}
cp "$S"/*.py .
export CONTAIN_NOTE=$W/note CONTAIN_BEAT=$W/beat
runcase "script SIGTERMs its parent" "$L" run term_parent.py
for sig in TERM HUP; do
  t0=$(date +%s.%N)
  setsid "$L" run hang.py > out.txt 2> err.txt & pid=$!; sleep 3; kill -$sig $pid; wait $pid; rc=$?
  row "SIG$sig from outside" $rc "$(echo "$(date +%s.%N) - $t0 - 3" | bc)" "$(cat err.txt)"
done
for i in 1 2 3 4 5; do
  setsid "$L" run hang.py -m spawn > out.txt 2> err.txt & pid=$!; sleep 3
  t0=$(date +%s.%N); kill -INT $pid; sleep 0.001; kill -INT $pid; wait $pid; rc=$?
  row "double Ctrl-C, spawn ($i)" $rc "$(echo "$(date +%s.%N) - $t0" | bc)" "$(cat err.txt)"
done
setsid "$L" run hang.py -m spawn --jobs 4 --repeat 4 > out.txt 2> err.txt & pid=$!; sleep 4
t0=$(date +%s.%N); kill -INT $pid; sleep 0.001; kill -INT $pid; wait $pid; rc=$?
row "double Ctrl-C, --jobs 4 --repeat 4" $rc "$(echo "$(date +%s.%N) - $t0" | bc)" "$(cat err.txt)"
: > note; runcase "setsid child, scrubbed environment" "$L" run setsid_scrubbed.py
esc=$(python3 -c "import json;print([json.loads(l)['pid'] for l in open('note') if 'escapee' in l][0])")
echo "   escapee $esc alive: $(test -d /proc/$esc && echo yes || echo no)"
: > beat; runcase "setsid child forking every 5 ms" "$L" run setsid_forker.py
a=$(wc -l < beat); sleep 1; b=$(wc -l < beat); echo "   beat file: $a lines, 1 s later $b"
runcase "junk, FIFO, links in the trace folder" "$L" run trace_plant.py --json plant.json
python3 -c "import json;d=json.load(open('plant.json'));d=d[0] if isinstance(d,list) else d;print('   tracer_errors:',len(d.get('tracer_errors',[])))"
printf 'print("hi")\n' > ok.py; printf 'print("hi")\n' > nosuffix; mkdir -p adir; touch afile
runcase "--json /dev/full" "$L" run ok.py --json /dev/full
runcase "--json a folder" "$L" run ok.py --json adir
runcase "--json under a file" "$L" run ok.py --json afile/x.json
runcase "--out a file" "$L" run ok.py --out afile
runcase "--out DIR, script without .py" "$L" run nosuffix --out adir
echo "   adir: $(ls adir | tr '\n' ' ')"
printf 'from multiprocessing import Process\nif __name__ == "__main__":\n    p = Process(target=print, args=("[bold]x",), name="[/]x"); p.start(); p.join()\n' > markup.py
mkdir -p '['; cp ok.py '[/].py'
runcase "process [/]x printing [bold]x" "$L" run markup.py; grep -c '\[/\]x' out.txt | sed 's/^/   [\/]x shown: /'; grep -c '\[bold\]x' out.txt | sed 's/^/   [bold]x shown: /'
runcase "script at [/].py" "$L" run '[/].py'
for t in nan inf 1e20; do runcase "run --timeout $t" "$L" run ok.py --timeout $t; done
for t in -5 0; do runcase "compare --timeout $t" "$L" compare ok.py --timeout $t; done
python3 - <<'PY'
import zipfile
with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
    with zf.open("runs/a.json", "w") as m:
        for _ in range(600): m.write(b" " * (1 << 20))
open("deep.json", "w").write("[" * 200000 + "]" * 200000)
PY
echo "   bomb.zip: $(stat -c %s bomb.zip) bytes"
runcase "report of deeply nested JSON" "$L" report deep.json
runcase "check of deeply nested JSON" "$L" check deep.json
/usr/bin/time -f '%M' -o rss.txt "$L" report bomb.zip > out.txt 2> err.txt; rc=$?
row "report of a zip bomb (600 MiB member)" $rc 0 "$(cat err.txt) (peak RSS $(cat rss.txt) KB)"
"$L" run ok.py --json good.json > /dev/null 2>&1
python3 - <<'PY'
import json
d = json.load(open("good.json")); d = d[0] if isinstance(d, list) else d
for k, f in [("python_null", lambda d: d.update(python=None)),
             ("duration_abc", lambda d: d.update(duration_s="abc"))]:
    e = json.loads(json.dumps(d)); f(e); json.dump(e, open(k + ".json", "w"))
PY
for k in python_null duration_abc; do runcase "check, wrong type ($k)" "$L" check $k.json; done
for mb in 8 16 50; do
  printf 'import sys\nsys.stdout.write("x" * (%d << 20))\n' $mb > line$mb.py
  runcase "a ${mb} MB line" "$L" run line$mb.py --json line$mb.json
  echo "   json $(stat -c %s line$mb.json) bytes"
done
PYTHONIOENCODING=cp1252 LANG=zh_CN.UTF-8 "$L" --lang zh list > out.txt 2> err.txt; row "cp1252 stdout: list (zh)" $? 0 "$(cat err.txt)"
PYTHONIOENCODING=cp1252 "$L" --lang zh run 02 -m fork > out.txt 2> err.txt; row "cp1252 stdout: run 02 (zh)" $? 0 "$(cat err.txt)"
"$L" list > /dev/full 2> err.txt; row "stdout on /dev/full" $? 0 "$(cat err.txt)"
"$L" list 2> err.txt | true; row "broken pipe" "${PIPESTATUS[0]}" 0 "$(cat err.txt)"
mkdir -p 03; runcase "a folder named 03 in the cwd" "$L" run 03 -m fork; head -3 out.txt | sed 's/^/   /'
runcase "all --variant nope" "$L" run all --variant nope
runcase "compare ok.py ok.py" "$L" compare ok.py ok.py
cd /; sems > "$W/sem1"; echo "new semaphores: $(comm -13 "$W/sem0" "$W/sem1" | tr '\n' ' ')"
echo "containers: $(docker ps -aq --filter label=labkit=1 | wc -l)"
rm -rf "$W"
