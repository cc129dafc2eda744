#!/usr/bin/env bash
# Every GPU check of the workshop, in one go, on a machine with an NVIDIA GPU: configure and
# build there (CUDA architectures: $CUDAARCHS if set, else the project's default list), then the
# GPU tests (one step, noise, epochs with a partial last batch, direct and CUDA Graph, ae::train
# on both devices; lesson 04's penalties and lesson 05's VAE vs their reference solutions), the
# same tests under compute-sanitizer memcheck, lesson 00's tests and program, and the GPU
# training benchmark on the full data. Ends with a compact report, one line per check.
# Usage: scripts/check-gpu.sh [build-dir] (default build-gpu). Exit code 0 = every check passed.
# On a machine that cannot install packages, first run scripts/gpu-bundle.sh where apt works
# and copy .gpu-bundle/ into the checkout on the GPU machine.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu}
jobs=$(nproc 2>/dev/null || echo 2)
export AE_NO_PROGRESS=1
export AE_REQUIRE_GPU=1  # the GPU tests fail, not skip, when this machine has no usable GPU

if ! command -v nvcc >/dev/null 2>&1 && [ -z "${CUDACXX:-}" ] && [ -x /usr/local/cuda/bin/nvcc ]; then
    export PATH=/usr/local/cuda/bin:$PATH  # the toolkit's usual place
fi
command -v nvidia-smi >/dev/null 2>&1 &&
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

# A machine without the libraries and no network (a lent cloud GPU has CUDA, CMake and ninja
# only): the Debian packages that scripts/gpu-bundle.sh put in .gpu-bundle/ where apt works,
# unpacked here into .gpu-bundle/root (nothing is installed system-wide).
cmake_extra=()
if [ -d .gpu-bundle ] && [ ! -f /usr/include/xtensor/xtensor.hpp ]; then
    root=$PWD/.gpu-bundle/root
    lib=$root/usr/lib/x86_64-linux-gnu
    if [ ! -d "$root" ]; then
        command -v dpkg >/dev/null || { echo "check-gpu: dpkg is needed to unpack .gpu-bundle"; exit 1; }
        for f in .gpu-bundle/*.deb; do
            dpkg -x "$f" "$root.partial" || { echo "check-gpu: could not unpack $f"; exit 1; }
        done
        mv "$root.partial" "$root"
        # Links that Debian's packages leave to update-alternatives or point at /lib: made here.
        zlib=$(cd "$root/lib/x86_64-linux-gnu" && ls libz.so.1.* | head -n1)
        ln -sf "../../../lib/x86_64-linux-gnu/$zlib" "$lib/libz.so"
        mkdir -p "$root/ldpath"  # only what OpenBLAS loads besides itself
        ln -sf "$lib/libgfortran.so.5" "$lib/libquadmath.so.0" "$root/ldpath/"
    fi
    cmake_extra=(-DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_INCLUDE_PATH="$root/usr/include"
                 -DCMAKE_LIBRARY_PATH="$lib/openblas-pthread;$lib")
    export LD_LIBRARY_PATH=$root/ldpath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    data=$root/usr/share/datasets/fashion-mnist
    [ -d "$data" ] && export AE_DATA_DIR=$data
    echo "check-gpu: the libraries (and data) of .gpu-bundle/, unpacked in $root"
fi

log="$build.configure.log"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${cmake_extra[@]}" >"$log" 2>&1
rc=$?
grep -E "^-- CUDA" "$log"  # the CUDA line: nvcc's version and the architectures, or why not
if [ $rc -ne 0 ]; then
    tail -n 30 "$log"
    echo "check-gpu: configure failed (full log: $log)"
    exit 1
fi
if ! grep -q "^-- CUDA: nvcc .* found" "$log"; then
    echo "check-gpu: nvcc was not found, so this build has no GPU parts and nothing here can run."
    echo "  Install the CUDA toolkit, or put nvcc on PATH (e.g. export PATH=/usr/local/cuda/bin:\$PATH)"
    echo "  or set CUDACXX=/path/to/nvcc; then delete $build and run this script again."
    exit 1
fi

start=$(date +%s)
cmake --build "$build" -j"$jobs" --target test_gpu test_gpu_lessons test_solution_00 solution_00 \
    bench_train_gpu || { echo "check-gpu: build failed"; exit 1; }
echo "check-gpu: built in $(($(date +%s) - start)) s"

summary=()
status=0
run() {  # name, command...: runs it, keeps its output in $build/check-<n>.log, prints its tail
    local name=$1 n=${#summary[@]}
    shift
    local out="$build/check-$n.log"
    echo "=== $name"
    local t0=$(date +%s)
    "$@" >"$out" 2>&1
    local rc=$?
    cat "$out"
    local verdict=PASS
    [ $rc -eq 0 ] || { verdict="FAIL (exit $rc)"; status=1; }
    summary+=("$verdict  $name  ($(($(date +%s) - t0)) s)")
}

run "GPU training path vs CPU (test_gpu)" "$build/bin/test_gpu"
run "lessons 04 and 05 on the GPU vs their references (test_gpu_lessons)" "$build/bin/test_gpu_lessons"
if command -v compute-sanitizer >/dev/null 2>&1; then
    for t in test_gpu test_gpu_lessons; do
        run "compute-sanitizer memcheck $t" compute-sanitizer --tool memcheck --error-exitcode 9 \
            --leak-check full "$build/bin/$t"
    done
else
    summary+=("SKIP  compute-sanitizer not found (it ships with the CUDA toolkit)")
fi
run "lesson 00 tests, reference solution" "$build/bin/test_solution_00"
run "lesson 00 program, reference solution" "$build/bin/solution_00" --out "$build/out/00_gpu_basics"
run "GPU training benchmark (deep AE and VAE, full training set)" \
    "$build/bin/bench_train_gpu" --no-progress

echo
echo "=== report"
for line in "${summary[@]}"; do echo "$line"; done
grep -h "^FAIL\|: ERROR: \|ERROR SUMMARY" "$build"/check-*.log 2>/dev/null | sort | uniq -c | head -n 20
grep -h '"bench"' "$build"/check-*.log 2>/dev/null
echo "=== overall: $([ $status -eq 0 ] && echo PASSED || echo FAILED)"
exit $status
