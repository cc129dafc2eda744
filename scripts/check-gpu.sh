#!/usr/bin/env bash
# Builds and runs every GPU check of the workshop on a machine with an NVIDIA GPU, in one go:
# the GPU tests (training step, noise, resident epochs vs the CPU; lesson 04's penalties and
# lesson 05's VAE vs their reference solutions), lesson 00's tests and
# program, and the GPU training benchmark. Usage: scripts/check-gpu.sh [build-dir] (default build-gpu)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build "$build" -j"$jobs" --target test_gpu test_gpu_lessons test_solution_00 solution_00 bench_train_gpu || exit 1
status=0
run() {  # name, command...
    echo "=== $1"
    "${@:2}"
    local rc=$?
    echo "=== $1: exit code $rc"
    [ $rc -eq 0 ] || status=1
}
run "GPU training path vs CPU (test_gpu)" "$build/bin/test_gpu"
run "lessons 04 and 05 on the GPU vs their CPU references (test_gpu_lessons)" "$build/bin/test_gpu_lessons"
run "lesson 00 tests, reference solution" "$build/bin/test_solution_00"
run "lesson 00 program, reference solution" "$build/bin/solution_00" --out "$build/out/00_gpu_basics"
run "GPU training benchmark (deep AE, full training set)" "$build/bin/bench_train_gpu" --no-progress
echo "=== overall: $([ $status -eq 0 ] && echo PASSED || echo FAILED)"
exit $status
