#!/usr/bin/env python3
"""Times every lesson's reference program with its default flags: one JSON line per lesson on
stdout (wall and CPU seconds, peak memory), the figures behind the READMEs' run times.
Run: ./workshop bench lessons [NN ...] [--quick]     (bench/README.md)
The lessons run in order in a scratch folder, so 06, 07 and 09 find the checkpoints that 02, 05
and 09 save there, as they would in a learner's out/; the repository's out/ is not touched."""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def lessons_present():
    return sorted(d.name[:2] for d in (ROOT / "lessons").glob("[0-9][0-9]_*")
                  if (d / "exercise.cpp").is_file())


def full_data(scratch, n):
    """Whether lesson n's run used the full Fashion-MNIST (its summary.json says; None if the
    lesson reads no images or wrote no summary)."""
    for summary in (scratch / "out").glob(f"{n}_*/summary.json"):
        try:
            return json.loads(summary.read_text()).get("full_data")
        except (OSError, ValueError):
            return None
    return None


def run_one(binary, flags, cwd, log):
    """Runs binary in cwd; returns (exit code, wall s, CPU s, peak resident MB)."""
    start = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(binary), "--no-progress", *flags], cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(
        description="Times every lesson's reference program with its default flags, one JSON "
                    "line per lesson (bench/README.md).")
    ap.add_argument("lessons", nargs="*", help="lesson numbers (default: all, in order)")
    ap.add_argument("--quick", action="store_true", help="each program with --quick")
    ap.add_argument("--build", default=os.environ.get("AE_BUILD_DIR", "build"),
                    help="the build folder (default: $AE_BUILD_DIR or build)")
    args = ap.parse_args()
    present = lessons_present()
    wanted = args.lessons or present
    unknown = [n for n in wanted if n not in present]
    if unknown:
        sys.exit(f"bench-lessons: no lesson {', '.join(unknown)} (there are: {' '.join(present)})")
    build = (ROOT / args.build).resolve()
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="ae-bench-lessons-"))
    failed = []
    try:
        for n in wanted:
            binary = build / "bin" / f"solution_{n}"
            if not binary.is_file():
                sys.exit(f"bench-lessons: {binary} is missing: build it first "
                         f"(./workshop bench lessons builds every solution_NN)")
            print(f"bench-lessons: lesson {n}...", file=sys.stderr, flush=True)
            log = scratch / f"lesson_{n}.log"
            rc, wall, cpu, rss = run_one(binary, ["--quick"] if args.quick else [], scratch, log)
            print(json.dumps({"bench": "lesson_run", "lesson": n,
                              "flags": "--quick" if args.quick else "default",
                              "full_data": full_data(scratch, n), "seconds": round(wall, 2),
                              "cpu_seconds": round(cpu, 2), "max_rss_mb": round(rss),
                              "exit_code": rc}), flush=True)
            if rc != 0:
                failed.append(n)
                tail = log.read_text(errors="replace").splitlines()[-15:]
                print(f"bench-lessons: lesson {n} exited with {rc}; the end of its output:\n  " +
                      "\n  ".join(tail), file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        sys.exit(f"bench-lessons: lessons {' '.join(failed)} failed")


if __name__ == "__main__":
    main()
