#!/usr/bin/env bash
# Checks that every lesson keeps the shape of ARCHITECTURE.md ("The lesson shape"), so the
# learner's loop works everywhere: the files are there, README steps, hints and test names agree,
# every hint has its three levels, every stub's TODO names its step and nothing more, a step's
# tests use no later step, no Predict answer is printed above its question, main.cpp stays the
# experiment alone, and the expected ranges are one table per lesson that the README quotes.
# Prints one line per problem; exit 1 when there is any.
#   bash scripts/check-lessons.sh [NN ...]        (CI runs it on every lesson)
set -uo pipefail
cd "$(dirname "$0")/.."
problems=0
fail() { echo "check-lessons: $*"; problems=$((problems + 1)); }

lessons=("$@")
if [ ${#lessons[@]} -eq 0 ]; then
  for d in lessons/[0-9][0-9]_*/; do lessons+=("$(basename "$d" | cut -c1-2)"); done
fi

for n in "${lessons[@]}"; do
  dir=$(ls -d lessons/"$n"_* 2>/dev/null | head -n1)
  [ -n "$dir" ] || { fail "no folder lessons/${n}_*"; continue; }
  folder=$(basename "$dir")
  for f in README.md hints.md exercise.hpp exercise.cpp lesson.hpp given.cpp main.cpp report.hpp \
      report.cpp; do
    [ -f "$dir/$f" ] || fail "$dir/$f is missing"
  done
  [ -f "solutions/$folder/exercise.cpp" ] || fail "solutions/$folder/exercise.cpp is missing"
  test_file="tests/lesson_$folder.cpp"
  [ -f "$test_file" ] || fail "$test_file is missing"
  [ -f "$dir/README.md" ] && [ -f "$dir/hints.md" ] || continue

  readme_steps=$(sed -n -E 's/^### Step ([0-9]+[a-z]?):.*/\1/p' "$dir/README.md" | tr '\n' ' ')
  hint_steps=$(sed -n -E 's/^## Step ([0-9]+[a-z]?):.*/\1/p' "$dir/hints.md" | tr '\n' ' ')
  [ -n "$readme_steps" ] || fail "$dir/README.md has no '### Step S: Title' headings"
  [ "$readme_steps" = "$hint_steps" ] ||
    fail "$dir: README steps ($readme_steps) and hints.md steps ($hint_steps) differ"
  grep -q -E '^## Predict, then check' "$dir/README.md" ||
    fail "$dir/README.md has no '## Predict, then check' section"
  grep -q -E '^## Predict' "$dir/hints.md" || fail "$dir/hints.md has no '## Predict' section"

  # Every hints section has levels 1, 2, 3 in order (Predict: at least one).
  awk -v file="$dir/hints.md" '
    function done_section() {
      if (sec == "") return
      if (sec ~ /^Step/ && levels != "123") printf "check-lessons: %s: \"%s\" has levels \"%s\", expected 1 2 3\n", file, sec, levels
      if (sec ~ /^Predict/ && levels == "") printf "check-lessons: %s: \"%s\" has no level\n", file, sec
    }
    /^## / { done_section(); sec = substr($0, 4); levels = ""; next }
    /^### Level / { levels = levels $3 }
    END { done_section() }' "$dir/hints.md" > /tmp/check-lessons.$$
  while IFS= read -r line; do fail "${line#check-lessons: }"; done < /tmp/check-lessons.$$
  rm -f /tmp/check-lessons.$$

  # Stubs: each AE_TODO under one TODO line that names a README step and its title, nothing more.
  if [ -f "$dir/exercise.cpp" ]; then
    grep -q AE_TODO "$dir/exercise.cpp" || fail "$dir/exercise.cpp has no AE_TODO: is a stub solved?"
    while IFS= read -r line; do
      if [[ ! $line =~ //\ TODO\(lesson\ $n,\ step\ ([0-9]+[a-z]?)\):\ see\ README\ \"Step\ ([0-9]+[a-z]?):\ [^\"]+\"\.$ ]]; then
        fail "$dir/exercise.cpp: TODO line is not exactly '// TODO(lesson $n, step S): see README \"Step S: Title\".': $line"
      elif [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ] ||
        [[ " $readme_steps " != *" ${BASH_REMATCH[1]} "* ]]; then
        fail "$dir/exercise.cpp: TODO names step ${BASH_REMATCH[1]}, which the README does not have: $line"
      fi
    done < <(grep -E 'TODO' "$dir/exercise.cpp" | grep -v -E '^\s*AE_TODO|^(//|#).*AE_TODO' | sed -E 's/^\s+//')
  fi

  # Tests: every case is "NN step S function: what is checked", with S a README step; every
  # step has at least one case.
  if [ -f "$test_file" ]; then
    names=$(tr '\n' ' ' < "$test_file" | grep -o -E 'TEST_CASE\(\s*"[^"]*"' | sed -E 's/TEST_CASE\(\s*"//; s/"$//')
    tested=" "
    while IFS= read -r name; do
      [ -n "$name" ] || continue
      opens=${name//[^\[]/} closes=${name//[^\]]/}
      if [[ $name == *";"* ]] || [ ${#opens} -ne ${#closes} ]; then
        # CTest's test lists split at ';' and treat an unbalanced '[' as the start of a bracket.
        fail "$test_file: a test name with ';' or an unbalanced '[' breaks CTest's discovery: $name"
      fi
      if [[ $name =~ ^$n\ step\ ([0-9]+[a-z]?)\ [A-Za-z_0-9]+:\ .+ ]]; then
        s=${BASH_REMATCH[1]}
        [[ " $readme_steps " == *" $s "* ]] || fail "$test_file: '$name' names step $s, not in the README"
        tested+="$s "
      else
        fail "$test_file: test name is not '$n step S function: what is checked': $name"
      fi
    done <<< "$names"
    for s in $readme_steps; do
      [[ $tested == *" $s "* ]] || fail "$test_file: no test for step $s"
    done
  fi

  # Step order (a step's tests call no later step's function) and Predict order (no answer
  # figure above the questions): scripts/check_lesson_order.py. Lesson 09's README is being
  # redone (issue 28: its comparison is remade where the curves are flat); its Predict order is
  # checked once that lands: remove 09 from this list then.
  predict_pending=" 09 "
  order_flags=()
  [[ $predict_pending == *" $n "* ]] && order_flags+=(--no-predict)
  while IFS= read -r line; do
    [ -n "$line" ] && fail "${line#check-lessons: }"
  done < <(python3 scripts/check_lesson_order.py "$dir" "${order_flags[@]}")

  # Expected ranges: one table per lesson (kExpected in report.cpp), each range in the README.
  while IFS= read -r line; do
    [ -n "$line" ] && fail "$line"
  done < <(python3 scripts/check_expected.py "$dir")

  if [ -f "$dir/main.cpp" ]; then
    lines=$(wc -l < "$dir/main.cpp")
    [ "$lines" -le 150 ] || fail "$dir/main.cpp has $lines lines: the experiment alone stays under ~120 (report.cpp draws)"
  fi
done

if [ $problems -gt 0 ]; then
  echo "check-lessons: $problems problem(s) in ${#lessons[@]} lesson(s)"
  exit 1
fi
echo "check-lessons: ${#lessons[@]} lesson(s) keep the lesson shape"
