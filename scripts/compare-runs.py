#!/usr/bin/env python3
"""Compare lesson runs side by side: ./workshop compare DIR... [--out DIR] [--metric test_mse]

Each DIR is a run's output folder (--out of a lesson program) holding summary.json and
history.csv. Prints a table (configuration, parameters, final test MSE, seconds), writes it as
compare.csv, and draws the chosen history.csv column per epoch of every run on one chart,
compare.png (gnuplot; without it the script compare.gp and the table are still written).
Exit codes: 0 ok, 2 usage (no folders, a folder without summary.json / history.csv).
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

# summary.json keys that describe a configuration, in the table's order (missing ones skipped).
CONFIG_KEYS = ["model", "optimizer", "lr", "momentum", "weight_decay", "epochs", "batch_size",
               "device", "dead_code_units"]
# Defaults that need not be spelled out in a label.
QUIET = {"optimizer": "adam", "momentum": 0, "weight_decay": 0, "device": "auto"}


def fail(message):
    print(f"compare: {message}", file=sys.stderr)
    print(__doc__.strip().splitlines()[0], file=sys.stderr)
    sys.exit(2)


def load_run(folder):
    summary_path = os.path.join(folder, "summary.json")
    history_path = os.path.join(folder, "history.csv")
    for path in (summary_path, history_path):
        if not os.path.isfile(path):
            fail(f"{folder}: no {os.path.basename(path)} (is it a lesson's --out folder?)")
    try:
        with open(summary_path) as f:
            summary = json.load(f)
        with open(history_path, newline="") as f:
            history = list(csv.DictReader(f))
    except (ValueError, csv.Error) as e:
        fail(f"{folder}: cannot read its summary.json / history.csv: {e}")
    return {"dir": folder, "summary": summary, "history": history}


def label(run, show_epochs=False):
    s = run["summary"]
    parts = [s.get("model", os.path.basename(os.path.normpath(run["dir"])))]
    if s.get("layerwise"):
        parts.append("layerwise" + (f" + fine-tune {int(s['fine_tune_epochs'])}"
                                    if s.get("fine_tune_epochs") else ""))
    if show_epochs and "epochs" in s:
        parts.append(f"{int(s['epochs'])} epochs")
    for key in ("optimizer", "lr", "momentum", "weight_decay"):
        if key in s and s[key] != QUIET.get(key, None) and not (key == "lr" and
                                                               s.get("optimizer", "adam") == "adam"
                                                               and s[key] == 0.001):
            parts.append(f"{key} {s[key]}")
    return ", ".join(str(p) for p in parts)


def final_mse(run):
    s = run["summary"]
    for key in ("test_mse_deep_ae", "test_mse"):
        if key in s:
            return s[key]
    values = [r.get("test_mse") for r in run["history"] if r.get("test_mse")]
    return float(values[-1]) if values else float("nan")


def parameters(run):
    return run["summary"].get("parameters", "")


def esc(text):
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("_", "\\\\_")


def main():
    ap = argparse.ArgumentParser(prog="./workshop compare", description=__doc__.split("\n\n")[1])
    ap.add_argument("dirs", nargs="*", metavar="DIR", help="run output folders")
    ap.add_argument("--out", default="out/compare", help="where compare.png/.csv/.gp go")
    ap.add_argument("--metric", default="test_mse", help="history.csv column to draw")
    args = ap.parse_args()
    if not args.dirs:
        fail("give at least one run folder, e.g. ./workshop compare out/a out/b")
    runs = [load_run(d) for d in args.dirs]
    for run in runs:
        if run["history"] and args.metric not in run["history"][0]:
            fail(f"{run['dir']}: history.csv has no column {args.metric} "
                 f"(it has {', '.join(run['history'][0].keys())})")

    show_epochs = len({r["summary"].get("epochs") for r in runs}) > 1

    # The table.
    header = ["run", "configuration", "parameters", "final test MSE", "train seconds", "seconds"]
    rows = []
    for run in runs:
        s = run["summary"]
        rows.append([run["dir"], label(run, show_epochs), str(parameters(run)), f"{final_mse(run):.5f}",
                     f"{s.get('train_seconds', float('nan')):.1f}",
                     f"{s.get('seconds', float('nan')):.1f}"])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    dead = [(run["dir"], run["summary"]["dead_code_units"]) for run in runs
            if "dead_code_units" in run["summary"]]
    for d, n in dead:
        print(f"  {d}: {int(n)} dead code units (ReLU code, never active on the test set)")

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "compare.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header + [k for k in CONFIG_KEYS])
        for run, r in zip(runs, rows):
            w.writerow(r + [json.dumps(run["summary"].get(k, "")) for k in CONFIG_KEYS])

    # The chart: one data file per run, one gnuplot script.
    plots = []
    for i, run in enumerate(runs):
        data = os.path.join(args.out, f"run{i}.dat")
        with open(data, "w") as f:
            for r in run["history"]:
                if r.get(args.metric):
                    f.write(f"{r['epoch']} {r[args.metric]}\n")
        plots.append(f"\"{data}\" using 1:2 with linespoints lw 2 title \"{esc(label(run, show_epochs))}\"")
    png = os.path.join(args.out, "compare.png")
    gp = os.path.join(args.out, "compare.gp")
    with open(gp, "w") as f:
        f.write("set terminal pngcairo size 1000,600 enhanced font 'Sans,11'\n")
        f.write(f"set output \"{png}\"\n")
        f.write(f"set title \"{esc(args.metric)} per epoch, {len(runs)} runs\"\n")
        f.write("set xlabel \"epoch\"\nset ylabel \"" + esc(args.metric) + "\"\n")
        f.write("set logscale y\nset grid\nset key top right\n")
        f.write("plot " + ", \\\n     ".join(plots) + "\n")
    if shutil.which("gnuplot"):
        done = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"compare: gnuplot failed:\n{done.stderr}", file=sys.stderr)
            return 1
        print(f"\nChart: {png}   table: {os.path.join(args.out, 'compare.csv')}")
    else:
        print(f"\nnote: gnuplot is not installed; the chart's script is {gp}"
              " (sudo apt-get install gnuplot-nox)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
