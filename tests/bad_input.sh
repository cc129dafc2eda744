#!/usr/bin/env bash
# The bad-input corpus of the lesson programs (issue 27, items 6, 7 and 9): each case must stop
# before any work with its exit code and a message naming the flag or file and the value, within
# 60 s and 1 GB of memory (peak resident, by GNU time), and leave no --out folder behind; a second run into a locked --out and a killed run leave nothing.
# Run by CTest (label programs): bash tests/bad_input.sh BIN_DIR. Honours TMPDIR.
set -uo pipefail
bin=${1:?usage: bash tests/bad_input.sh BIN_DIR}
work=$(mktemp -d "${TMPDIR:-/tmp}/ae-bad-input-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
failed=0 n=0

# expect CODE "TEXT THE MESSAGE HOLDS" PROGRAM ARGS...: runs it with a fresh --out.
expect() {
  local code=$1 text=$2 prog=$3
  shift 3
  local out="$work/out-$n" log="$work/log-$n"
  n=$((n + 1))
  rm -f "$work/rss"  # a case killed before GNU time writes must not read the last one's
  timeout 60 /usr/bin/time -f %M -o "$work/rss" "$bin/$prog" --no-progress --out "$out" "$@" \
    > "$log" 2>&1
  local rc=$?
  local why="" rss
  rss=$(tail -n1 "$work/rss" 2> /dev/null)
  [ "$rc" = "$code" ] || why="exit $rc, expected $code"
  [[ $rss =~ ^[0-9]+$ ]] || why="$why; no peak memory measured"
  [[ $rss =~ ^[0-9]+$ ]] && [ "$rss" -gt 1048576 ] && why="$why; peak memory $((rss / 1024)) MB"
  grep -qF -- "$text" "$log" || why="$why; no \"$text\" in the output"
  [ -e "$out" ] && why="$why; left $out behind"
  [ "$(wc -c < "$log")" -lt 20000 ] || why="$why; a message of $(wc -c < "$log") bytes"
  if [ -n "$why" ]; then
    echo "FAIL: $prog $(printf '%.80s ' "$@"): $why"
    tail -c 1500 "$log"
    failed=$((failed + 1))
  else
    echo "ok: $prog $(printf '%.60s ' "$@")-> exit $rc, peak $((rss / 1024)) MB"
  fi
}

# Item 6: every numeric flag checked (finite, in range) before any work.
expect 2 "--level: got nan" solution_03 --quick --level nan
expect 2 "--beta: got nan" solution_05 --quick --beta nan
expect 2 "--beta-sweep: got -1" solution_05 --quick --beta-sweep -1,nan
expect 2 "--beta-sweep: got nan" solution_05 --quick --beta-sweep 1,nan
expect 2 "--head-lr: got nan" solution_09 --quick --head-lr nan
expect 2 "--head-lr: got -1" solution_09 --quick --head-lr -1
expect 2 "--encoder-lr: got inf" solution_09 --quick --encoder-lr inf
expect 2 "--k: got nan" solution_10 --quick --k nan
expect 2 "--prominence: got nan" solution_10 --quick --prominence nan
expect 2 "--anomaly-rate: got 0" solution_10 --quick --anomaly-rate 0
expect 2 "--fpr: got nan" solution_06 --quick --fpr nan
expect 2 "is outside 1..16384" solution_02 --quick --hidden 99999999999999999999
expect 2 "fewer than k" solution_07 --quick --k 100 --per-class 1
expect 2 "--l1: got -1" solution_04 --quick --l1 -1
expect 2 "--kl: got inf" solution_04 --quick --kl inf
expect 2 "--rho: got nan" solution_04 --quick --rho nan
expect 2 "--stride: got 3" solution_08 --quick --stride 3
expect 2 "--momentum: got nan" solution_02 --quick --optimizer momentum --momentum nan
expect 2 "--manifold-epochs: got -5" solution_05 --quick --manifold-epochs -5
expect 2 "--mask-fraction: got 1" solution_09 --quick --mask-fraction 1
expect 2 "--labels: got 0" solution_09 --quick --labels 0,10 --draws 1,1
expect 2 "--epochs: got 99999999999999999999" solution_01 --quick --epochs 99999999999999999999
expect 2 "--lr: got 1e39" solution_01 --quick --lr 1e39

# Item 7: lesson 10's readers, before training.
ucr_rows() {  # LABEL COUNT: COUNT series of 8 values with that label
  for ((i = 0; i < $2; i++)); do echo "$1 0.1 0.5 0.9 0.4 0.2 0.3 0.8 0.6"; done
}
{ ucr_rows 1 12; ucr_rows 1e300 1; } > "$work/label-1e300.txt"
{ ucr_rows 1 12; ucr_rows -3000000000 1; } > "$work/label-3e9.txt"
{ ucr_rows 1 12; echo "2 0.1 0.5 1e39 0.4 0.2 0.3 0.8 0.6"; } > "$work/value-1e39.txt"
ucr_rows 1 15 > "$work/only-normal.txt"
{ ucr_rows 1 12; printf '2 0.1 %0100000d 0.2\n' 7 | tr 0 9; } > "$work/long-token.txt"
expect 1 "beyond the labels this reader takes" solution_10 --quick --ucr "$work/label-1e300.txt"
expect 1 "beyond the labels this reader takes" solution_10 --quick --ucr "$work/label-3e9.txt"
expect 1 "beyond the float range" solution_10 --quick --ucr "$work/value-1e39.txt"
expect 1 "no anomaly to detect" solution_10 --quick --ucr "$work/only-normal.txt"
expect 1 "(100000 characters)" solution_10 --quick --ucr "$work/long-token.txt"
{ echo mv; for ((i = 0; i < 300; i++)); do echo "0.$((i % 10))"; done; } > "$work/short.csv"
expect 1 "shorter than one window" solution_10 --quick --csv "$work/short.csv" --column mv
{ echo mv; echo 1; echo 1e39; } > "$work/big.csv"
expect 1 "beyond the float range" solution_10 --quick --csv "$work/big.csv" --column mv

# Lessons 11 and 12: their flags by the same checks, a ragged CSV, and (item 4) a FIFO where a
# model is expected, refused without opening it (opening a FIFO blocks until a writer comes).
expect 2 "--perplexity: got nan" solution_11 --quick --perplexity nan
expect 2 "--points: got 1e9" solution_11 --quick --points 1e9
expect 2 "--train-fraction: got 0.95" solution_12 --quick --train-fraction 0.95
expect 2 "--hide-rate: got 0" solution_12 --quick --hide-rate 0
printf 'a,b,y\n1,2,n\n3\n' > "$work/ragged.csv"
expect 2 "line 3: 1 fields, but the header has 3" solution_12 --quick --csv "$work/ragged.csv" \
  --label-column y
mkfifo "$work/model.fifo"
expect 1 "not a regular file" solution_07 --quick --ae-model "$work/model.fifo"
expect 1 "not a regular file" solution_11 --quick --ae-model "$work/model.fifo"
expect 1 "not a regular file" solution_07 --quick --vae-model "$work/model.fifo"

# Item 9: a second run into a locked --out is refused, and the first run's folder is kept.
locked="$work/locked"
mkdir -p "$locked"
echo '{}' > "$locked/summary.json"
flock "$locked" timeout 60 "$bin/solution_01" --quick --out "$locked" > "$work/lock.log" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -qF "another run is writing to $locked" "$work/lock.log" &&
  [ -f "$locked/summary.json" ]; then
  echo "ok: a second run into a locked --out -> exit 1, the first run's summary kept"
else
  echo "FAIL: locked --out: exit $rc"; cat "$work/lock.log"; failed=$((failed + 1))
fi

# Item 9: a run killed by SIGTERM (once it has written something) leaves no temporaries.
killed="$work/killed"
"$bin/solution_02" --quick --no-progress --out "$killed" > "$work/killed.log" 2>&1 &
pid=$!
for ((i = 0; i < 600; i++)); do
  [ -n "$(ls -A "$killed" 2> /dev/null)" ] && break
  sleep 0.1
done
kill -TERM "$pid" 2> /dev/null
wait "$pid"
rc=$?
left=$(find "$work/killed" -name '*.tmp-*' -o -name '*.gp' -o -name '*.err' 2> /dev/null)
if [ -z "$left" ]; then
  echo "ok: solution_02 killed by SIGTERM (exit $rc) left no temporaries"
else
  echo "FAIL: a killed run left: $left"; failed=$((failed + 1))
fi

echo "$n bad-input cases and 2 run checks, $failed failed"
[ "$failed" = 0 ]
