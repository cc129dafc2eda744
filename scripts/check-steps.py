#!/usr/bin/env python3
"""Runs a lesson's test program for ./workshop check: each step in its own process group with a
time limit, and one verdict per step. A step passes only when its run wrote the reporter's
record to the end and exited normally without a sanitizer report; a crash, an exit(), a memory
error or a hang becomes that step's verdict in words. No process is left behind.
  python3 scripts/check-steps.py build/bin/test_lesson_04 --lesson 04 [--step 2] [--timeout S]
"""
import argparse
import os
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_verdicts as verdicts  # noqa: E402 (the modules next to this file)
from check_runner import Runner  # noqa: E402


class Stopped(Exception):
    """SIGINT, SIGTERM or SIGHUP arrived: stop every run, then leave."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def on_signal(signum, _frame):
    raise Stopped(signum)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("binary", help="the test program, e.g. build/bin/test_lesson_04")
    p.add_argument("--lesson", required=True, help="the lesson number, e.g. 04")
    p.add_argument("--step", default="", help="one step (3 also runs 3a, 3b)")
    p.add_argument("--timeout", type=float,
                   default=float(os.environ.get("AE_STEP_TIMEOUT", "20")),
                   help="seconds one step may run (default 20, or AE_STEP_TIMEOUT)")
    p.add_argument("--jobs", type=int, default=int(os.environ.get("AE_JOBS", "2") or 2),
                   help="steps run at once (default AE_JOBS or 2)")
    p.add_argument("--state", default="", help="file that keeps the first failing step")
    p.add_argument("--logs", default="", help="folder that keeps each failing step's output")
    p.add_argument("--summary", action="store_true", help="print only 'N of M steps pass.'")
    p.add_argument("--root", default=os.getcwd(), help="repository root (paths shown relative)")
    return p.parse_args()


def main():
    args = parse_args()
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    tmp = tempfile.mkdtemp(prefix="ae_check_")
    runner = Runner(args.binary, args.lesson, args.timeout, tmp, args.root)
    try:
        steps, problem = runner.list_steps()
        if problem:
            print(problem)
            return 1
        chosen = verdicts.select(steps, args.step)
        results = runner.run_all(chosen, max(1, args.jobs))
        ok = verdicts.report(args, steps, chosen, results)
        return 0 if ok else 1
    except Stopped as e:
        runner.kill_all()
        print("\nworkshop: stopped (%s); no test is left running." % signal.Signals(e.signum).name,
              file=sys.stderr)
        return 128 + e.signum
    finally:
        runner.kill_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
