#!/usr/bin/env python3
"""The project's benchmarks beside their PyTorch twins (bench/pytorch/): alone, one JSON line per
PyTorch measurement; or --side-by-side, each bench_* program alternated with its twin (A B A B
...) for --rounds rounds, both on 2 threads, one JSON line per model with both times and the ratio
project / PyTorch. Run: ./workshop bench pytorch [--side-by-side] [--rounds 3] [--quick]
Skips (exit 0) when PyTorch (python3-torch) is not installed. Fields: bench/README.md."""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TWINS = ROOT / "bench" / "pytorch"
THREADS = "2"

# name: (project argv, PyTorch script + argv, which JSON line (key, value pairs), timed field).
MODELS = {
    "deep_ae": (["bench_train", "--threads", THREADS], ["deep_ae.py"],
                {"bench": "train_deep_ae"}, "seconds_per_epoch"),
    "conv_ae": (["bench_conv", "--threads", THREADS], ["conv_ae.py"],
                {"bench": "conv_ae"}, "seconds_per_epoch"),
    "vae": (["bench_vae", "--threads", THREADS], ["vae.py"], {"bench": "train_vae"},
            "seconds_per_epoch"),
    "knn_pixels": (["bench_knn", "--only", "pixels"], ["knn.py", "--only", "pixels"],
                   {"bench": "knn", "representation": "pixels"}, "seconds"),
    "knn_pca32": (["bench_knn", "--only", "pca32"], ["knn.py", "--only", "pca32"],
                  {"bench": "knn", "representation": "pca32"}, "seconds"),
    "pca": (["bench_knn", "--only", "pca"], ["knn.py", "--only", "pca"], {"bench": "pca"},
            "seconds"),
}


def torch_python():
    """(interpreter, PyTorch version) of the first Python that imports torch: this one, or
    Debian's /usr/bin/python3 (where python3-torch installs) when another python3 runs this
    script; (None, None) when none does."""
    for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        try:
            proc = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            continue
        if proc.returncode == 0:
            return python, proc.stdout.strip()
    return None, None


def quick_flags(name, quick):
    if not quick:
        return []
    return ["--batches", "10"] if name == "conv_ae" else ["--quick"]


def run(argv, select, field):
    """Runs argv (no shell); returns (the selected JSON line's field, the whole line)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=THREADS, OMP_NUM_THREADS=THREADS,
               OMP_WAIT_POLICY="PASSIVE")
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    if proc.returncode != 0:
        sys.exit(f"error: {' '.join(argv)} exited with {proc.returncode}:\n{proc.stderr[-2000:]}")
    for line in proc.stdout.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if all(rec.get(k) == v for k, v in select.items()):
            return float(rec[field]), rec
    sys.exit(f"error: {' '.join(argv)} printed no JSON line with {select}; its output:\n"
             f"{proc.stdout[-2000:]}")


def spread(values):
    return {"median": round(statistics.median(values), 4), "min": round(min(values), 4),
            "max": round(max(values), 4), "all": [round(v, 4) for v in values]}


def side_by_side(name, args, python, version):
    cpp, twin, select, field = MODELS[name]
    binary = pathlib.Path(args.build) / "bin" / cpp[0]
    if not binary.is_file():
        sys.exit(f"error: {binary} not found; build it first: ./workshop bench pytorch "
                 "--side-by-side builds it, or cmake --build build --target " + cpp[0])
    flags = quick_flags(name, args.quick)
    a = [str(binary), "--no-progress", *cpp[1:], *flags]
    b = [python, str(TWINS / twin[0]), "--threads", THREADS, *twin[1:], *flags]
    load0, times, cpu = os.getloadavg()[0], ([], []), ([], [])
    for _ in range(args.rounds):
        for side, argv in enumerate((a, b)):
            value, rec = run(argv, select, field)
            times[side].append(value)
            cpu[side].append(rec.get("cpu_seconds_per_epoch"))
    p, t = statistics.median(times[0]), statistics.median(times[1])
    line = {"model": name, "unit": field, "rounds": args.rounds, "quick": args.quick,
            "project": spread(times[0]), "pytorch": spread(times[1]),
            "ratio": round(p / t, 3) if t > 0 else None}
    if None not in cpu[0] + cpu[1]:  # CPU seconds per epoch: what a busy machine changes least
        cp, ct = statistics.median(cpu[0]), statistics.median(cpu[1])
        line.update(project_cpu=round(cp, 3), pytorch_cpu=round(ct, 3),
                    ratio_cpu=round(cp / ct, 3) if ct > 0 else None)
    line.update(threads=int(THREADS), torch=version, load_start=round(load0, 2),
                load_end=round(os.getloadavg()[0], 2))
    print(json.dumps(line), flush=True)


def main():
    ap = argparse.ArgumentParser(
        description="The project's benchmarks beside their PyTorch twins (bench/pytorch/): "
                    "alone, or alternated with the project's programs (bench/README.md). "
                    "Skips with a message, exit 0, when PyTorch is not installed.")
    ap.add_argument("--side-by-side", action="store_true",
                    help="alternate each project benchmark with its PyTorch twin")
    ap.add_argument("--rounds", type=int, default=3, help="A B pairs per model (default 3)")
    ap.add_argument("--quick", action="store_true",
                    help="the committed sample (conv AE: 10 timed batches)")
    ap.add_argument("--models", default=",".join(MODELS),
                    help="comma-separated subset of: " + ", ".join(MODELS))
    ap.add_argument("--build", default=os.environ.get("AE_BUILD_DIR", "build"),
                    help="the build folder (default: $AE_BUILD_DIR or build)")
    args = ap.parse_args()
    names = [m for m in args.models.split(",") if m]
    unknown = [m for m in names if m not in MODELS]
    if unknown or not names:
        sys.exit(f"error: --models expects names from {', '.join(MODELS)}; found "
                 f"'{args.models}'. Pick some of those, separated by commas.")
    if args.rounds < 1:
        sys.exit(f"error: --rounds expects a positive number; found {args.rounds}.")
    python, version = torch_python()
    if python is None:
        print("PyTorch is not installed (python3-torch): skipping the PyTorch benchmarks. "
              "Install it with: sudo apt-get install python3-torch", flush=True)
        return 0
    start = time.monotonic()
    if args.side_by_side:
        for name in names:
            side_by_side(name, args, python, version)
    else:
        scripts = {}  # knn.py measures three models in one run
        for name in names:
            twin = MODELS[name][1]
            scripts.setdefault(twin[0], set()).add(name)
        for script, models in scripts.items():
            only = [] if len(models) > 1 else MODELS[models.pop()][1][1:]
            flags = quick_flags("conv_ae" if script == "conv_ae.py" else "", args.quick)
            rc = subprocess.run([python, str(TWINS / script), "--threads", THREADS,
                                 *only, *flags], env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
            if rc.returncode != 0:
                return rc.returncode
    print(f"done in {time.monotonic() - start:.0f} s, load average now "
          f"{os.getloadavg()[0]:.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
