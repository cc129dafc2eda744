#!/usr/bin/env bash
# The driver's verdicts (CTest, label driver): runs ./workshop check's runner
# (scripts/check-steps.py) on the three-step exercise of tests/driver/, built once per way of
# getting step 2 wrong, and checks that each bad one fails with a verdict naming step 2 and what
# happened, that steps 1 and 3 still pass, and that no test process is left behind, also when
# the check itself is stopped or killed. Then the driver's refusals of bad arguments.
#   bash tests/driver/check-verdicts.sh build/driver        (from the repository root)
set -uo pipefail
bin=${1:?usage: check-verdicts.sh BUILD/driver}
bin=$(cd "$bin" && pwd)
export AE_STEP_TIMEOUT=${AE_STEP_TIMEOUT:-2}  # seconds of CPU time per step: the loop's case
# The runner's temporary folders go to a folder of this test's own, removed at the end (a check
# killed by SIGKILL cannot remove its own; one stopped by SIGTERM or SIGINT must).
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/ae-driver-test-XXXXXX") || exit 1
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# Processes still running one of our test programs (started by their full path).
leftovers() {
  pgrep -a -f "^$bin/driver_99_" || true
}

check_kind() {
  local kind=$1 expect=$2 out rc
  out=$(python3 scripts/check-steps.py "$bin/driver_99_$kind" --lesson 99 2>&1)
  rc=$?
  echo "--- $kind (exit $rc)"
  echo "$out"
  local line2
  line2=$(grep -E '^  step 2 ' <<< "$out")
  if [ "$kind" = correct ]; then
    [ $rc = 0 ] || fail "$kind: exit $rc, expected 0"
    grep -q '^3 of 3 steps pass\.$' <<< "$out" || fail "$kind: not every step passed"
  else
    [ $rc != 0 ] || fail "$kind: exit 0 for a bad exercise"
    grep -q -E 'pass(ed)?' <<< "$line2" && fail "$kind: step 2 said to pass: $line2"
    grep -q -E -- "$expect" <<< "$line2" || fail "$kind: step 2's verdict lacks /$expect/: $line2"
    grep -q '^2 of 3 steps pass\.$' <<< "$out" || fail "$kind: steps 1 and 3 should still pass"
  fi
  [ -z "$(leftovers)" ] || fail "$kind: processes left behind: $(leftovers)"
}

check_kind correct ''
check_kind exit 'ended the tests early \(exit code 0\)'
check_kind abort 'crashed: abort\(\) was called at tests/driver/exercise_99\.cpp:[0-9]+'
check_kind nullwrite 'crashed: a write through a null pointer.* at tests/driver/exercise_99\.cpp:[0-9]+'
check_kind recursion 'crashed: stack overflow.* at tests/driver/exercise_99\.cpp:[0-9]+'
check_kind loop "did not finish within $AE_STEP_TIMEOUT s \\(an infinite loop\\?\\)"
check_kind overread 'read past the end of a buffer at tests/driver/exercise_99\.cpp:[0-9]+'
check_kind stub 'not written yet'

# Stopped while a step loops: SIGTERM (as from watch) and SIGKILL leave nothing behind.
for sig in TERM INT KILL; do
  AE_STEP_TIMEOUT=600 python3 scripts/check-steps.py "$bin/driver_99_loop" --lesson 99 \
    > /dev/null 2>&1 &
  pid=$!
  looping="^$bin/driver_99_loop --reporters=steps --test-case=99 step 2 "  # not the listing
  for _ in $(seq 600); do pgrep -f "$looping" > /dev/null && break; sleep 0.1; done  # loaded: slow
  pgrep -f "$looping" > /dev/null || fail "SIG$sig: the looping step never started"
  kill -s "$sig" "$pid"
  wait "$pid" 2> /dev/null
  for _ in $(seq 50); do [ -z "$(leftovers)" ] && break; sleep 0.1; done
  [ -z "$(leftovers)" ] && echo "--- check stopped by SIG$sig: nothing left running" ||
    fail "SIG$sig: processes left behind: $(leftovers)"
  if [ "$sig" != KILL ]; then
    left=$(find "$TMPDIR" -maxdepth 1 -name 'ae_check_*')
    [ -z "$left" ] && echo "--- check stopped by SIG$sig: its temporary folder removed" ||
      fail "SIG$sig: temporary folder left behind: $left"
  fi
  rm -rf "$TMPDIR"/ae_check_*
done

# The driver refuses what it cannot mean, before building anything.
out=$(./workshop hint 05 '.*' 2>&1) && fail "hint 05 '.*' was accepted"
grep -q "is not a step of lesson 05" <<< "$out" || fail "hint 05 '.*' said: $out"
out=$(./workshop bench nosuch 2>&1) && fail "bench nosuch was accepted"
grep -q "there is no benchmark 'nosuch'" <<< "$out" || fail "bench nosuch said: $out"

[ $failures = 0 ] && echo "driver verdicts: all checks passed" && exit 0
echo "driver verdicts: $failures check(s) failed"
exit 1
