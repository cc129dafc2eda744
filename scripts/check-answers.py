#!/usr/bin/env python3
"""Fails when a header that a lesson's stub includes (directly or through other headers) carries
one of that lesson's answers in its comments: the patterns per lesson are in
scripts/answer-patterns.txt. The lesson's own exercise.hpp (the contract) is exempt.
Run: python3 scripts/check-answers.py [NN ...]     (CI: .ci/run)"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def patterns():
    by_lesson = {}
    for line in (ROOT / "scripts/answer-patterns.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lesson, regex, what = line.split("\t")
        by_lesson.setdefault(lesson, []).append((re.compile(regex), what))
    return by_lesson


def resolve(name, here, lesson_dir):
    for base in (here.parent, lesson_dir, ROOT / "lessons", ROOT / "common/include"):
        path = base / name
        if path.is_file():
            return path.resolve()
    return None  # a system header or one generated at build time


def included_headers(lesson_dir):
    """Every project header reached from the stub's exercise.cpp and exercise.hpp."""
    seen, todo = set(), [lesson_dir / "exercise.cpp", lesson_dir / "exercise.hpp"]
    while todo:
        f = todo.pop()
        for name in INCLUDE.findall(f.read_text()):
            path = resolve(name, f, lesson_dir)
            if path and path not in seen:
                seen.add(path)
                todo.append(path)
    return sorted(seen)


def comments(text):
    """(line number, comment text) of every // comment and every line of a /* */ block."""
    out, in_block = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if in_block:
            out.append((number, line))
            in_block = "*/" not in line
            continue
        at = line.find("//")
        block = line.find("/*")
        if block >= 0 and (at < 0 or block < at):
            out.append((number, line[block:]))
            in_block = "*/" not in line[block:]
        elif at >= 0:
            out.append((number, line[at:]))
    return out


def main(argv):
    rules = patterns()
    dirs = sorted(d for d in (ROOT / "lessons").glob("[0-9][0-9]_*") if (d / "exercise.cpp").is_file())
    wanted = set(argv) or {d.name[:2] for d in dirs}
    problems = 0
    for d in dirs:
        n = d.name[:2]
        if n not in wanted:
            continue
        contract = (d / "exercise.hpp").resolve()
        for header in included_headers(d):
            if header == contract:
                continue
            for number, text in comments(header.read_text()):
                for regex, what in rules.get(n, []):
                    if regex.search(text):
                        rel = header.relative_to(ROOT)
                        print(f"check-answers: {rel}:{number}, included by lesson {n}'s stub, "
                              f"gives away {what}: {text.strip()}  (move it to "
                              f"lessons/{d.name}/hints.md or out of the header)")
                        problems += 1
                        break  # one report per comment line
    if problems:
        print(f"check-answers: {problems} answer(s) in headers the stubs include")
        return 1
    print(f"check-answers: no header a stub includes gives away a step ({len(wanted)} lesson(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
