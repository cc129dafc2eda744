"""The words of ./workshop check (scripts/check-steps.py): one verdict per step from what its run
left behind (the reporter's record, the exit status, a sanitizer report, the deadline), then the
table, the failures and the next thing to do.
"""
import os
import re
import signal

import sanitizer_words

SIGNAL_WORDS = {
    signal.SIGSEGV: "segmentation fault (memory that is not yours: a bad index or pointer?)",
    signal.SIGABRT: "abort() was called",
    signal.SIGFPE: "arithmetic error (an integer division by zero?)",
    signal.SIGBUS: "bus error (memory that is not yours)",
    signal.SIGILL: "illegal instruction",
    signal.SIGKILL: "killed (out of memory?)",
}


class Verdict:
    def __init__(self, step, function, kind, status, details="", log=""):
        self.step, self.function, self.kind, self.status = step, function, kind, status
        self.details, self.log = details, log


def select(steps, wanted):
    """The steps to run: all, or one (3 also selects 3a, 3b)."""
    if not wanted:
        return steps
    return [s for s in steps if s[0] == wanted or re.fullmatch(re.escape(wanted) + "[a-z]", s[0])]


def judge(run, lesson, function, timeout, root):
    """The verdict of one step's run. It passes only through a complete record."""
    rows = run.record()
    cases = [r for r in rows if "case" in r]
    recorded = {r["step"]: r for r in rows if "kind" in r}
    ended = any(r.get("end") for r in rows)
    mine = recorded.get(run.step)
    err = run.text("err")
    build_dir = os.path.dirname(os.path.dirname(os.path.abspath(run.binary)))
    report = sanitizer_words.describe(err, root, build_dir)
    status = ""
    if run.returncode == -signal.SIGXCPU:
        status = "did not finish within %g s (an infinite loop?)" % timeout
        explain = ("used %g s of CPU time without finishing (%.0f s on the clock), so it was "
                   "stopped. An infinite loop, or one far too long? (More time: "
                   "AE_STEP_TIMEOUT=60 ./workshop check %s)" % (timeout, run.seconds, lesson))
    elif run.timed_out:
        status = "did not finish within %.0f s: waiting for something?" % run.seconds
        explain = ("was still running after %.0f s on the clock, most of it without using the "
                   "CPU, so it was stopped" % run.seconds)
    elif report:
        status, explain = report.summary, report.explain
    elif run.returncode < 0:
        name = SIGNAL_WORDS.get(-run.returncode, "killed by signal %s" % _signame(-run.returncode))
        status, explain = "crashed: " + name, "the test program crashed: " + name
    elif not ended:
        status = "ended the tests early (exit code %d): does your code call exit()?" % run.returncode
        explain = ("the test program stopped (exit code %d) before its tests had finished, so "
                   "nothing was checked after that point" % run.returncode)
    elif mine is None:
        status, explain = "no test of this step ran", ""
    elif run.returncode not in (0, 1) or (run.returncode == 0) != (mine["kind"] == "passed"):
        status = "the test program ended with exit code %d after its tests" % run.returncode
        explain = "a step passes only when its test program also ends normally"
    else:
        details = mine["details"]
        printed = _printed(run)
        if printed:  # the learner's own prints, also when the step passed
            details += ("" if details else "\nstep %s %s:" % (run.step, function)) + "\n" + printed
        return Verdict(run.step, function, mine["kind"], mine["status"], details)
    return Verdict(run.step, function, "broken", status,
                   _details(run, cases, function, explain, report), _keep(run, report))


def _details(run, cases, function, explain, report):
    case = cases[-1] if cases else None
    head = "\nstep %s %s: " % (run.step, function)
    head += ("%s   (%s)" % (case["case"], case["where"]) if case else
             "before any of its tests started")
    lines = [head, "  " + explain]
    if report:
        lines += ["  " + l for l in report.context]
    printed = _printed(run)
    return "\n".join(lines) + "\n" + (printed + "\n" if printed else "")


def _printed(run):
    """What the learner's code printed (the last lines), or ""."""
    lines = [l for l in (run.text("out") + _without_report(run.text("err"))).splitlines()
             if l.strip()]
    if not lines:
        return ""
    head = "  your code printed (last %d of %d lines):" % (min(8, len(lines)), len(lines))
    return "\n".join([head] + ["    " + l[:200] for l in lines[-8:]])


def _without_report(err):
    err = err.replace("AddressSanitizer:DEADLYSIGNAL\n", "")
    cut = err.find("=================================================================")
    ub = re.search(r"^\S+:\d+:\d+: runtime error: ", err, re.M)
    ends = [i for i in (cut, ub.start() if ub else -1) if i >= 0]
    return err[:min(ends)] if ends else err


def _keep(run, report):
    return run.text("err") if report else ""


def _signame(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return str(num)


def report(args, steps, chosen, results):
    """Prints the table, the failures and the hint line; returns True when every chosen step passed."""
    width = max(len(f) for _, f in steps)
    verdicts = [judge(results[s], args.lesson, f, args.timeout, args.root) for s, f in chosen]
    passed = sum(v.kind == "passed" for v in verdicts)
    skipped = [s for s, _ in steps if (s, _) not in chosen]
    summary = "%d of %d %s" % (passed, len(chosen), "step passes" if len(chosen) == 1 else
                               "steps pass")
    if skipped:
        summary += " (not run, as asked: steps %s)" % ", ".join(skipped)
    first = next((v for v in verdicts if v.kind != "passed"), None)
    _write_state(args.state, first, passed == len(steps))
    if args.summary:
        print(summary + ".")
        return first is None
    for s, f in steps:
        v = next((v for v in verdicts if v.step == s), None)
        print("  step %-3s %-*s  %s" % (s, width, f, v.status if v else "not run"))
    print("\n" + summary + ".")
    for v in verdicts:
        if v.details:
            print(v.details, end="")
        if v.log and args.logs:
            os.makedirs(args.logs, exist_ok=True)
            path = os.path.join(args.logs, "%s-step-%s.txt" % (args.lesson, v.step))
            with open(path, "w") as f:
                f.write(v.log)
            print("  the sanitizer's full report: %s" % os.path.relpath(path, args.root))
    if first:
        print("\nStuck on step %s? ./workshop hint %s %s      (doctest's raw output: ./workshop "
              "check %s --verbose)" % (first.step, args.lesson, first.step, args.lesson))
    return first is None


def _write_state(path, first, all_passed):
    if not path:
        return
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write((first.step if first else ("all-passed" if all_passed else "")) + "\n")
