"""The processes of ./workshop check (scripts/check-steps.py): lists a test program's steps, runs
each step in its own process group with a limit on its CPU time (a loaded machine does not make
a slow step look endless) and a wall-clock backstop, and kills the whole group when the run
ends, when a limit passes and when the check itself is stopped, so nothing is left running.
"""
import ctypes
import json
import math
import os
import re
import resource
import signal
import subprocess
import time

CASE_NAME = re.compile(r"^(\d\d) step (\d+[a-z]?) ([^:]+): (.*)$")

# Sanitizer settings for the learner's check build: a distinct exit code, a stack trace on
# abort(), no colour (the report is parsed). The learner's own settings come after and win.
SANITIZER_ENV = {
    "ASAN_OPTIONS": "exitcode=86:handle_abort=1:detect_leaks=1:halt_on_error=1:color=never",
    "UBSAN_OPTIONS": "exitcode=87:halt_on_error=1:print_stacktrace=1:color=never",
}

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    _prctl = None


def wall_limit(cpu_seconds):
    """The wall-clock backstop for a process stuck without using the CPU (a lock, a sleep)."""
    return max(10 * cpu_seconds, 120.0)


def _limits(cpu_seconds):
    def apply():
        # SIGXCPU once the step has used its CPU seconds (SIGKILL a second later).
        soft = max(1, math.ceil(cpu_seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
        # PR_SET_PDEATHSIG: the test is killed even if the check itself is killed with SIGKILL.
        if _prctl is not None:
            _prctl(1, signal.SIGKILL, 0, 0, 0)
    return apply


class Run:
    """One process: a step's tests (or the listing), with its files and deadline."""

    def __init__(self, binary, step, proc, files, deadline):
        self.binary, self.step, self.proc, self.files = binary, step, proc, files
        self.deadline = deadline
        self.timed_out = False  # the wall-clock backstop stopped it
        self.returncode = None
        self.seconds = 0.0
        self.started = time.monotonic()

    def text(self, name):
        try:
            with open(self.files[name], "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def record(self):
        """The reporter's JSON lines; a line cut short by a crash is ignored."""
        rows = []
        for line in self.text("record").splitlines():
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
        return rows


class Runner:
    def __init__(self, binary, lesson, timeout, tmp, root):
        self.binary, self.lesson, self.timeout, self.tmp = binary, lesson, timeout, tmp
        self.root = root
        self.running = []

    def _env(self, record):
        env = dict(os.environ)
        for key, value in SANITIZER_ENV.items():
            env[key] = value + (":" + env[key] if env.get(key) else "")
        env["AE_NO_PROGRESS"] = "1"
        # The tests' matrices are small: one BLAS thread each, and two steps at a time.
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        env.setdefault("OMP_NUM_THREADS", "1")
        env.pop("AE_STEP_STATE", None)
        env.pop("AE_STEP_RECORD", None)
        if record:
            env["AE_STEP_RECORD"] = record
        return env

    def start(self, step, args, tag):
        files = {k: os.path.join(self.tmp, "%s.%s" % (tag, k)) for k in ("out", "err", "record")}
        with open(files["out"], "wb") as out, open(files["err"], "wb") as err:
            proc = subprocess.Popen(
                [self.binary] + args, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env=self._env(files["record"] if step else ""), start_new_session=True,
                preexec_fn=_limits(self.timeout))
        run = Run(self.binary, step, proc, files, time.monotonic() + wall_limit(self.timeout))
        self.running.append(run)
        return run

    def _finished(self, run):
        """True once the process has exited; then its group is killed and the process reaped."""
        try:
            info = os.waitid(os.P_PID, run.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            info = True
        if info is None:
            return False
        self._kill_group(run)  # anything the test started; the leader is a zombie until reaped
        run.returncode = run.proc.wait()
        run.seconds = time.monotonic() - run.started
        self.running.remove(run)
        return True

    @staticmethod
    def _kill_group(run):
        try:
            os.killpg(run.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _expire(self, run):
        run.timed_out = True
        self._kill_group(run)

    def kill_all(self):
        for run in list(self.running):
            self._kill_group(run)
            run.proc.wait()
            self.running.remove(run)

    def wait(self, runs):
        """Waits for the given runs, killing each at its deadline."""
        pending = list(runs)
        while pending:
            for run in list(pending):
                if self._finished(run):
                    pending.remove(run)
                elif time.monotonic() > run.deadline and not run.timed_out:
                    self._expire(run)
            if pending:
                time.sleep(0.01)

    def list_steps(self):
        """[(step id, function)] in step order, or a message saying why there are none."""
        run = self.start(None, ["--list-test-cases", "--no-intro"], "list")
        self.wait([run])
        steps = {}
        for line in run.text("out").splitlines():
            m = CASE_NAME.match(line.strip())
            if m and m.group(1) == self.lesson:
                steps.setdefault(m.group(2), m.group(3))
        if run.timed_out or run.returncode != 0 or not steps:
            what = ("did not answer within %g s" % wall_limit(self.timeout) if run.timed_out else
                    "ended with exit code %s" % run.returncode if run.returncode else
                    "lists no test of lesson %s" % self.lesson)
            err = run.text("err").strip()
            return [], ("The test program %s %s before running any test.%s" %
                        (os.path.relpath(self.binary, self.root), what,
                         "\n" + err[-2000:] if err else ""))
        order = sorted(steps, key=step_key)
        return [(s, steps[s]) for s in order], ""

    def run_all(self, steps, jobs):
        """Runs each step alone, at most `jobs` at a time; returns {step id: Run}."""
        queue, done, active = list(steps), {}, []
        while queue or active:
            while queue and len(active) < jobs:
                step, _ = queue.pop(0)
                args = ["--reporters=steps", "--test-case=%s step %s *" % (self.lesson, step)]
                active.append(self.start(step, args, "step-" + step))
            finished = [r for r in active if self._finished(r)]
            for run in finished:
                active.remove(run)
                done[run.step] = run
            for run in active:
                if time.monotonic() > run.deadline and not run.timed_out:
                    self._expire(run)
            if not finished:
                time.sleep(0.01)
        return done


def step_key(step):
    """Steps sort as numbers, then letters: 1, 1a, 1b, 2, 10."""
    m = re.match(r"(\d+)(.*)", step)
    return (int(m.group(1)), m.group(2)) if m else (10**9, step)
