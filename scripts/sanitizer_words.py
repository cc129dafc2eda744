"""Turns an AddressSanitizer / UndefinedBehaviorSanitizer / LeakSanitizer report (the stderr of a
learner's check build, cmake/AeLesson.cmake) into one line of a step's verdict and a few lines of
context: what happened, where in the learner's code, and where the test called it.
"""
import os
import re

ASAN = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)")
LSAN = re.compile(r"ERROR: LeakSanitizer: detected memory leaks")
UBSAN = re.compile(r"^(\S+?):(\d+):(\d+): runtime error: (.*)$", re.M)
FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ in (.+?) (\S+?):(\d+)(?::\d+)?\s*$")
ASSERTION = re.compile(r"Assertion [`'](.*)' failed")


class Report:
    def __init__(self, summary, explain, context):
        self.summary, self.explain, self.context = summary, explain, context


def describe(err, root, build_dir):
    """A Report for the first sanitizer report in err, or None when there is none. Paths in it
    are absolute, or relative to the build folder (a compiler cache may make them so)."""
    def show(path):
        return _show(path, root, build_dir)

    m = ASAN.search(err)
    if m:
        frames = _frames(err[m.end():], show)
        words, crash = _asan_words(m.group(1), err[m.end():], err[:m.start()])
        return _report(("crashed: " if crash else "") + words, frames)
    m = UBSAN.search(err)
    if m:
        frames = _frames(err[m.end():], show) or [("", show(m.group(1)), m.group(2))]
        return _report(_ub_words(m.group(4).strip()), frames)
    m = LSAN.search(err)
    if m:
        size = re.search(r"Direct leak of (\d+) byte", err)
        words = "leaked memory (%s bytes never freed)" % size.group(1) if size else "leaked memory"
        return _report(words + ": a new without its delete?", _frames(err[m.end():], show))
    return None


def _report(words, frames):
    mine = next((f for f in frames if os.path.basename(f[1]).startswith("exercise")), None)
    mine = mine or _pick(frames, "lessons/")
    caller = next((f for f in frames if f[1].startswith("tests/") and f != mine), None)
    where = mine or caller
    summary = words + (" at %s:%s" % (where[1], where[2]) if where else "")
    context = []
    if mine:
        context.append("at %s:%s in %s" % (mine[1], mine[2], _short(mine[0])))
    if caller:
        context.append("called from the test at %s:%s" % (caller[1], caller[2]))
    return Report(summary, words, context)


def _frames(text, show):
    """The first stack trace in text: [(function, path shown, line)]."""
    frames, started = [], False
    for line in text.splitlines():
        m = FRAME.match(line)
        if m:
            started = True
            frames.append((m.group(1), show(m.group(2)), m.group(3)))
        elif started and not line.strip().startswith("#"):
            break
    return frames


def _pick(frames, prefix):
    return next((f for f in frames if f[1].startswith(prefix)), None)


def _show(path, root, build_dir):
    """The path from the repository root where the file is in it, else as given."""
    if not os.path.isabs(path):
        path = os.path.join(build_dir, path)
    rel = os.path.relpath(os.path.normpath(path), root)
    return rel if not rel.startswith("..") else path


def _short(function):
    """ae::l04::l1_penalty(xt::xtensor_container<...> const&) -> ae::l04::l1_penalty(...)"""
    i = function.find("(")
    return function[:i] + "(...)" if i > 0 else function


def _ub_words(message):
    """UBSan's message, led by plain words for the common cases."""
    if message.startswith("store to null pointer"):
        return "crashed: a write through a null pointer (%s)" % message
    if message.startswith(("load of null pointer", "member access within null pointer")):
        return "crashed: a read through a null pointer (%s)" % message
    if " out of bounds for type " in message:
        return "an index outside an array (%s)" % message
    return "undefined behaviour: " + message


def _asan_words(kind, text, before):
    """(words, is_a_crash) for one AddressSanitizer error kind."""
    verb = "read" if "READ of size" in text else "wrote" if "WRITE of size" in text else "accessed"
    if kind.endswith("buffer-overflow"):
        what = {"heap": "a buffer", "stack": "an array on the stack",
                "global": "a global array"}.get(kind.split("-")[0], "a buffer")
        side = "before the start of" if "to the left of" in text else "past the end of"
        return "%s %s %s" % (verb, side, what), False
    if kind == "heap-use-after-free":
        return "%s memory after it was freed" % verb, False
    if kind.startswith("stack-use-after"):
        return "used a local variable after it went out of scope", False
    if kind in ("double-free", "bad-free", "alloc-dealloc-mismatch", "new-delete-type-mismatch"):
        return "freed memory the wrong way (%s)" % kind, False
    if kind == "SEGV":
        null = "points to the zero page" in text
        access = " (a write" if "WRITE memory access" in text else " (a read"
        return "segmentation fault" + (access + " through a null pointer)" if null else
                                       " (memory that is not yours: a bad index or pointer?)"), True
    if kind == "stack-overflow":
        return "stack overflow (a recursion that never ends?)", True
    if kind == "ABRT":
        a = ASSERTION.search(before)
        if a and "size()" in a.group(1):
            return "abort(): an index past the end of a std::vector or std::array", True
        return "abort() was called" + (" by a failed assert(%s)" % a.group(1) if a else ""), True
    if kind == "FPE":
        return "arithmetic error (an integer division by zero?)", True
    return "memory error (%s)" % kind, kind in ("BUS", "ILL")
