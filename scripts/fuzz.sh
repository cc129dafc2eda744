#!/usr/bin/env bash
# Fuzzes one reader with clang's libFuzzer (+ ASan, UBSan) for a given time:
#   bash scripts/fuzz.sh idx|npy|checkpoint|arch|ucr|csv SECONDS
# Builds into build-fuzz/ (AE_FUZZ_BUILD to change; needs clang: sudo apt-get install clang),
# starts from the committed seeds in tests/fuzz/corpus/TARGET, keeps the inputs it finds in
# build-fuzz/corpus-TARGET, and saves any crash, leak, timeout or out-of-memory input to
# tests/fuzz/crashes/TARGET/, which `ctest -L fuzz-replay` replays from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bash scripts/fuzz.sh idx|npy|checkpoint|arch|ucr|csv SECONDS"
target=${1:-}
seconds=${2:-60}
case $target in
  idx | npy | checkpoint | arch | ucr | csv) ;;
  *) echo "fuzz.sh: unknown target '$target'. $usage" >&2; exit 2 ;;
esac
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS must be a whole number > 0. $usage" >&2; exit 2; }
command -v clang++ > /dev/null || { echo "fuzz.sh: clang++ not found: sudo apt-get install clang" >&2; exit 2; }

build=${AE_FUZZ_BUILD:-build-fuzz}
mkdir -p "$build/generated/ae" "$build/corpus-$target" "tests/fuzz/crashes/$target"
printf '#pragma once\n#define AE_SOURCE_DIR "%s"\n' "$PWD" > "$build/generated/ae/paths.hpp.new"
cmp -s "$build/generated/ae/paths.hpp.new" "$build/generated/ae/paths.hpp" ||
  mv "$build/generated/ae/paths.hpp.new" "$build/generated/ae/paths.hpp"
# The readers and what they use, instrumented for coverage (libFuzzer needs it in the parsers).
sources=(tests/fuzz/fuzz_"$target".cpp common/src/io.cpp common/src/data.cpp
  common/src/checkpoint.cpp common/src/tensor.cpp common/src/cleanup.cpp
  common/src/arch_record.cpp common/src/mlp_arch.cpp)
includes=(-Icommon/include -I"$build/generated")
# Lesson 10's readers (given code) for the ucr and csv targets.
if [ "$target" = ucr ] || [ "$target" = csv ]; then
  sources+=(lessons/10_timeseries/given_readers.cpp)
  includes+=(-Ilessons -Ilessons/10_timeseries)
fi
bin=$build/fuzz_$target
rebuild=0
[ -x "$bin" ] || rebuild=1
for f in "${sources[@]}" common/include/ae/*.hpp tests/fuzz/*.hpp; do
  [ "$f" -nt "$bin" ] && rebuild=1
done
if [ "$rebuild" = 1 ]; then
  echo "fuzz.sh: building $bin with clang++ (libFuzzer, ASan, UBSan)..."
  clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    "${includes[@]}" "${sources[@]}" -lz -o "$bin"
fi
# The harness writes each input under $TMPDIR (else /tmp) and removes it at exit.
# 512 MB: a reader that believes a damaged header and allocates gigabytes is a finding.
exec "$bin" -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="tests/fuzz/crashes/$target/" \
  "$build/corpus-$target" "tests/fuzz/corpus/$target"
