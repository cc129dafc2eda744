#!/usr/bin/env bash
# Every source file includes what it uses: compiles each C++ file of the library, the lessons,
# the solutions and the tests once without the precompiled header (syntax only, so it is quick),
# with the flags of an existing build's compile_commands.json.
#   bash scripts/check-includes.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -f "$build/compile_commands.json" ] || { echo "check-includes: no $build/compile_commands.json: build first" >&2; exit 2; }
python3 - "$build" <<'PY'
import json, re, shlex, subprocess, sys, os
from concurrent.futures import ThreadPoolExecutor
build = sys.argv[1]
seen, jobs = set(), []
for e in json.load(open(os.path.join(build, "compile_commands.json"))):
    f = e["file"]
    if not f.endswith(".cpp") or f in seen or "/build" in f or "cmake_pch" in f or "unity_" in f:
        continue
    args = shlex.split(e["command"])
    if not re.search(r"(^|/)(c\+\+|g\+\+)(-\d+)?$", args[0]):
        continue  # nvcc compiles lesson 00's exercise when CUDA is on
    seen.add(f)
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-include", "-o"):
            skip = True
            continue
        if a == "-c" or a.startswith("-Winvalid-pch"):
            continue
        out.append(a)
    jobs.append((f, out[:-1] + ["-fsyntax-only", f] if out[-1] == f else out + ["-fsyntax-only"], e["directory"]))
# The library is unity-built, so its files are not listed one by one: check them with the flags
# of a listed file (the same include paths and definitions).
template = next(j for j in jobs if "/lessons/" in j[0])
root = os.path.abspath(".")
for d in ("common/src",):
    for name in sorted(os.listdir(d)):
        f = os.path.join(root, d, name)
        if name.endswith(".cpp") and f not in seen:
            jobs.append((f, template[1][:-1] + [f], template[2]))
def run(job):
    f, cmd, cwd = job
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return f, r.returncode, r.stderr
bad = 0
with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
    for f, rc, err in ex.map(run, jobs):
        if rc != 0:
            bad += 1
            print(f"check-includes: {os.path.relpath(f)} does not compile on its own:\n{err[:2000]}")
print(f"check-includes: {len(jobs) - bad} of {len(jobs)} files compile without the precompiled header")
sys.exit(1 if bad else 0)
PY
