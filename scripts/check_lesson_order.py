#!/usr/bin/env python3
"""Two orders of a lesson that scripts/check-lessons.sh checks with this helper:
- steps: a test case of step S calls no function of a later step, directly or through a helper
  defined in the test file (calls made by the lesson's given code are not followed: it
  dispatches at run time, e.g. train_variant picks the penalty);
- predict: no figure from the answers of "Predict, then check" (hints.md, "## Predict") appears
  in the README above its "## Predict, then check" section, unless the question itself states it
  or a line "<!-- not a Predict answer: 0.0266 -->" says that the figure only coincides.
Prints "check-lessons: ..." lines, one per problem.
Run: python3 scripts/check_lesson_order.py lessons/NN_name [--no-predict]"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def step_key(step):
    m = re.fullmatch(r"(\d+)([a-z]?)", step)
    return (int(m.group(1)), m.group(2))


def step_functions(lesson):
    """{function name: step} from exercise.hpp: every declaration after a '// README step S.'
    comment belongs to step S, until the next such comment."""
    out, step = {}, None
    for line in (lesson / "exercise.hpp").read_text().splitlines():
        m = re.search(r"README step (\d+[a-z]?)\b", line)
        if m:
            step = m.group(1)
            continue
        code = line.split("//")[0]
        f = re.search(r"\b(\w+)\s*\(", code)
        if step and f and f.group(1) not in ("if", "for", "while", "sizeof"):
            out.setdefault(f.group(1), step)
    return out


def blocks(text):
    """Top-level definitions of a test file: (header line, body) for TEST_CASEs and helpers."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if re.match(r"^(TEST_CASE|[A-Za-z].*\)\s*(const\s*)?\{\s*$)", line) and not line.startswith(
                ("namespace", "struct", "using", "#")):
            header, j = line, i + 1
            while not header.rstrip().endswith("{") and j < len(lines):
                header += " " + lines[j].strip()
                j += 1
            body = []
            while j < len(lines) and lines[j] != "}":
                body.append(lines[j])
                j += 1
            out.append((header, "\n".join(body)))
            i = j
        i += 1
    return out


def check_steps(lesson, test_file, problems):
    funcs = step_functions(lesson)
    helpers, cases = {}, []
    for header, body in blocks(test_file.read_text()):
        m = re.search(r'TEST_CASE\(\s*"(\d+) step (\d+[a-z]?) ([^"]*)"', header)
        if m:
            cases.append((m.group(2), m.group(0)[11:].lstrip().strip('"'), body))
        else:
            h = re.search(r"\b(\w+)\s*\(", header)
            if h:
                helpers[h.group(1)] = body

    def calls(body, seen):
        found = {f for f in funcs if re.search(r"\b%s\s*\(" % f, body)}
        for h, hbody in helpers.items():
            if h not in seen and re.search(r"\b%s\s*\(" % h, body):
                found |= calls(hbody, seen | {h})
        return found

    for step, name, body in cases:
        for f in sorted(calls(body, set())):
            if step_key(funcs[f]) > step_key(step):
                problems.append(f"{test_file.relative_to(ROOT)}: {name} calls {f} (step "
                                f"{funcs[f]}): a step's tests may use only that step and earlier ones")


# Measured figures: three or more decimals (0.914, 0.0266) or thousands with commas (115,217).
# Plain integers (784 pixels, 256 units) and short decimals are mostly the setup, not answers.
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+\.\d{3,})(?![\w])")
# A README line "<!-- not a Predict answer: 0.0266 -->" allows a figure that only coincides.
ALLOWED = re.compile(r"<!-- not a Predict answer: ([^>]*?) -->")


def figures(text):
    return set(NUMBER.findall(text))


def check_predict(lesson, problems):
    readme = (lesson / "README.md").read_text()
    hints = (lesson / "hints.md").read_text()
    at = readme.find("\n## Predict, then check")
    h = hints.find("\n## Predict")
    if at < 0 or h < 0:
        return
    answers = figures(hints[h:])
    questions = figures(readme[at:].split("\n## ", 2)[1] if "\n## " in readme[at + 1:] else readme[at:])
    above = readme[:at]
    allowed = {n for m in ALLOWED.findall(readme) for n in NUMBER.findall(m)}
    for n in sorted(answers - questions - allowed):
        for number, line in enumerate(above.splitlines(), 1):
            if re.search(r"(?<![\w.,])%s(?![\w]|[.,]\d)" % re.escape(n), line):
                problems.append(f"{(lesson / 'README.md').relative_to(ROOT)}:{number}: {n} is in the "
                                f"answers to 'Predict, then check' (hints.md) but appears above "
                                f"the questions: move it after them")
                break


def main(lesson_dir, predict=True):
    lesson = (ROOT / lesson_dir).resolve()
    problems = []
    test_file = ROOT / "tests" / f"lesson_{lesson.name}.cpp"
    if (lesson / "exercise.hpp").is_file() and test_file.is_file():
        check_steps(lesson, test_file, problems)
    if predict and (lesson / "README.md").is_file() and (lesson / "hints.md").is_file():
        check_predict(lesson, problems)
    for p in problems:
        print("check-lessons: " + p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--no-predict" not in sys.argv[2:]))
