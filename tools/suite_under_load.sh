#!/usr/bin/env bash
# The suite under load: README's `nox -s tests` N times in a row, each on a fresh clone
# of REPO, with one core kept busy; after each run, what was left behind (named
# semaphores, temp folders, containers, volumes, processes of runs) goes into
# OUT/summary.txt, one line a run.
#   tools/suite_under_load.sh [N=10] [REPO=.] [WORK=/tmp/suite-under-load]
# Start it detached (setsid, not nohup: an ignored SIGHUP is inherited by the suite).
set -u
N=${1:-10}; SRC=$(cd "${2:-.}" && pwd); WORK=${3:-/tmp/suite-under-load}
DIR=$WORK/clone; OUT=$WORK/logs
rm -rf "$DIR" "$OUT"; mkdir -p "$OUT"
git clone -q "$SRC" "$DIR"; cd "$DIR" || exit 1
echo "commit $(git rev-parse --short HEAD)" > "$OUT/summary.txt"
python3 -c "while True: pass" & BUSY=$!
trap 'kill $BUSY 2>/dev/null' EXIT
sems() { find /dev/shm -maxdepth 1 -name 'sem.*' -printf '%f\n' 2>/dev/null | sort; }
for i in $(seq 1 "$N"); do
  sems > "$OUT/sem-before-$i"
  t0=$(date +%s)
  nox -s tests > "$OUT/run-$i.log" 2>&1; rc=$?
  t1=$(date +%s)
  sleep 2
  newsem=$(comm -13 "$OUT/sem-before-$i" <(sems) | tr '\n' ' ')
  # /tmp/labkit-locks (the image build locks) stays by design
  tmp=$(find /tmp /dev/shm -maxdepth 1 -name 'labkit-*' ! -name labkit-locks 2>/dev/null | wc -l)
  ctr=$(docker ps -aq --filter label=labkit=1 | wc -l)
  vol=$(docker volume ls -q --filter label=labkit=1 | wc -l)
  procs=$(grep -l LABKIT_RUN_ID /proc/[0-9]*/environ 2>/dev/null | wc -l)
  res=$(grep -E '^=+ .*(passed|failed).* =+$' "$OUT/run-$i.log" | tail -1)
  echo "run $i rc=$rc $(( (t1-t0)/60 ))m$(( (t1-t0)%60 ))s load=$(cut -d' ' -f1-3 /proc/loadavg) | $res | new sem: [${newsem}] tmp=$tmp containers=$ctr volumes=$vol labkit-procs=$procs" >> "$OUT/summary.txt"
done
echo "finished" >> "$OUT/summary.txt"
