#!/usr/bin/env python3
"""A lesson's expected ranges are kept once, in the table `kExpected` of its report.cpp
(ae::ExpectedFigures), and every range there is one its README quotes.

    python3 scripts/check_expected.py lessons/NN_name

Prints one line per problem (check-lessons.sh counts them): a range of the table that the README
does not write as "lo-hi" (numbers compared as numbers, so 0.900-0.910 matches 0.9-0.91), a
second table, or a range typed elsewhere in the lesson's C++ (an `Expected` or `against(x, {..})`
outside kExpected), which would repeat the table. Exit 0 always: the caller counts the lines.
"""
import re
import sys
from pathlib import Path

NUMBER = r"[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?"
ENTRY = re.compile(r'\{\s*"([^"]+)"\s*,\s*\{\s*(' + NUMBER + r')\s*,\s*(' + NUMBER + r')\s*\}\s*\}')
README_RANGE = re.compile(r"(" + NUMBER + r")\s*(?:-|–|to)\s*(" + NUMBER + r")")


def table_of(source: str):
    """The text of `const ExpectedFigures kExpected = {...};`, or None."""
    m = re.search(r"ExpectedFigures\s+kExpected\s*=\s*\{(.*?)\};", source, re.S)
    return m.group(1) if m else None


def main(folder: str) -> None:
    lesson = Path(folder)
    report = lesson / "report.cpp"
    readme = (lesson / "README.md").read_text(encoding="utf-8")
    quoted = {(float(a), float(b)) for a, b in README_RANGE.findall(readme)}
    source = report.read_text(encoding="utf-8") if report.exists() else ""
    table = table_of(source)
    if table is not None:
        for name, lo, hi in ENTRY.findall(table):
            if (float(lo), float(hi)) not in quoted:
                print(f"{report}: the range of '{name}' ({lo}-{hi}) is not in {lesson}/README.md "
                      "(as 'lo-hi'): keep the README and the table the same")
    for cpp in sorted(lesson.glob("*.cpp")) + sorted(lesson.glob("*.hpp")):
        text = cpp.read_text(encoding="utf-8")
        if cpp == report and table is not None:
            text = text.replace(table, "")
        if len(re.findall(r"ExpectedFigures\s+\w+\s*=", text)) > (cpp == report and table is not None):
            print(f"{cpp}: a second table of expected ranges; keep one, kExpected in report.cpp")
        for m in re.finditer(r"\bExpected\s+\w+\s*[\[{=]|\bExpected\s*\{", text):
            line = text.count("\n", 0, m.start()) + 1
            print(f"{cpp}:{line}: an expected range outside report.cpp's kExpected table")
        for m in re.finditer(r"(?<![.\w])against\([^;]*?,\s*\{\s*" + NUMBER, text):
            line = text.count("\n", 0, m.start()) + 1
            # Not a README figure: an invariant held on every run (lesson 06's AUC agreement).
            if "true)" in text[m.start():m.start() + 120]:
                continue
            print(f"{cpp}:{line}: a range typed in place; put it in report.cpp's kExpected")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(arg)
