#!/usr/bin/env python3
"""Checks ARCHITECTURE.md against the tree, for the claims that can be checked mechanically:
  paths    every path it names (in `backticks`, or in the Folders block) exists;
  common   every file of common/src, common/include/ae and common/cuda is mentioned by name;
  mains    the files under tests/ that define a main are exactly those named in the paragraph
           that starts "Which `main` each test program has";
  mirror   every library test file tests/common_X.cpp mirrors a library file of stem X
           (common/src/X.cpp, common/include/ae/X.hpp), or is named in ARCHITECTURE.md as an
           exception; every lesson test file tests/lesson_NN_name.cpp or given_NN_name.cpp
           names a lesson folder;
  shape    the files of "The lesson shape" list are those scripts/check-lessons.sh requires;
  long     "Files in `common/` over 300 lines" names exactly the files of common/ over 300 lines;
  train    no lesson or solution source runs a training loop itself (ae::fit, run_epochs,
           batch_runner, the library's run_on_cpu) instead of calling ae::train.
Prints one line per problem (file, claim, what to do) and exits 1, or one summary line, exit 0.
Run: python3 scripts/check-architecture.py        (CI: .ci/run; standard library only)
"""
import fnmatch
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = "ARCHITECTURE.md"
# Where the tree is not: generated or ignored folders (.gitignore), never walked or required.
SKIP_DIRS = {".git", "out", ".cache", ".gl", ".whl", "__pycache__"}
GENERATED = ("out/", "build", ".gpu-bundle", "/usr/")
PATH_EXTS = (".cpp", ".hpp", ".cu", ".cuh", ".py", ".sh", ".md", ".cmake", ".js", ".in", ".txt")
PATH_CHARS = re.compile(r"^[\w./*<>-]+$")
MAINS_MARKER = "Which `main` each test program has"
LONG_MARKER = "Files in `common/` over 300 lines"
LONG_LINES = 300
COMMON_DIRS = ("common/src", "common/include/ae", "common/cuda/src", "common/cuda/include/ae/cuda")
# A training loop that bypasses ae::train (ae/training.hpp), as a lesson or solution might call it.
LOOP_CALLS = re.compile(
    r"\b(?:train_on_cpu|run_on_cpu)\b|\b(?:ae::)?(?:run_epochs|batch_runner)\s*\(|"
    r"(?<![\w.>])(?:ae::)?fit\s*\(")
LOCAL_FIT = re.compile(r"\bfit\s*=\s*\[|\b\w+\s+fit\s*\([^;]*\)\s*\{")


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def walk():
    """Every file and folder of the tree, as paths relative to the root ('dir/' for folders)."""
    files, dirs = [], []
    for here, subdirs, names in os.walk(ROOT):
        rel = os.path.relpath(here, ROOT)
        if rel == ".":
            subdirs[:] = [d for d in subdirs if d not in SKIP_DIRS and not d.startswith("build")
                          and not d.startswith(".gpu-bundle")]
        else:
            subdirs[:] = [d for d in subdirs if d not in SKIP_DIRS]
            dirs.append(rel.replace(os.sep, "/") + "/")
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        files += [prefix + n for n in names]
    return files, dirs


def strip_comments(code):
    """C++ source without // and /* */ comments or string literals (their text is not code),
    line for line."""
    out = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', code)
    out = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), out, flags=re.S)
    return re.sub(r"//[^\n]*", "", out)


def sections(doc):
    """{heading: text} of the '## ' sections."""
    parts, name = {}, ""
    for line in doc.splitlines(keepends=True):
        if line.startswith("## "):
            name = line[3:].strip()
        parts[name] = parts.get(name, "") + line
    return parts


def paragraph(doc, marker):
    """The paragraph (or list: up to a blank line after text) that starts with marker."""
    start = doc.find("\n" + marker)
    if start < 0:
        return None
    end = doc.find("\n\n", start + 1)
    return doc[start + 1:end if end >= 0 else len(doc)]


def named_paths(doc):
    """(line, token) of every path-looking name: in backticks outside code blocks, and every
    word of the Folders block (the first ``` block)."""
    found, fence, block = [], False, 0
    for number, line in enumerate(doc.splitlines(), 1):
        if line.startswith("```"):
            fence = not fence
            block += fence
            continue
        if fence:
            if block == 1:  # the Folders tree
                found += [(number, w.lstrip("`'\"(").rstrip("`'\"),.;:")) for w in line.split()]
            continue
        found += [(number, t) for t in re.findall(r"`([^`]+)`", line)]
    return [(n, t) for n, t in found if looks_like_path(t)]


def looks_like_path(token):
    if not token or not PATH_CHARS.match(token) or token.startswith("-"):
        return False
    # A bare extension (".cu sources", ".npy files") is not a name.
    return "/" in token or (token.endswith(PATH_EXTS) and not token.startswith("."))


def as_glob(token):
    """The doc's placeholders as wildcards: lessons/NN_name/, given_TOPIC.cpp, fuzz_TARGET."""
    g = token[2:] if token.startswith("./") else token
    g = re.sub(r"(?<![A-Za-z])NN_name", "[0-9][0-9]_*", g)
    g = re.sub(r"(?<![A-Za-z])(NN|MM)(?![A-Za-z])", "[0-9][0-9]", g)
    return re.sub(r"(?<![A-Za-z])(TOPIC|TARGET)(?![A-Za-z])", "*", g)


def exists(token, files, dirs):
    """The token names a file or folder: as a path from the root, or as the end of one."""
    g = as_glob(token)
    pool = dirs if g.endswith("/") else files + [d.rstrip("/") for d in dirs]
    return any(fnmatch.fnmatchcase(p, g) or fnmatch.fnmatchcase(p, "*/" + g) for p in pool)


def check_paths(doc, files, dirs, fail):
    for number, token in named_paths(doc):
        if token.startswith(GENERATED) or exists(token, files, dirs):
            continue
        fail(f"{DOC}:{number}: names `{token}`, which is not in the tree: fix the name, or the "
             "map if the file moved or went")


def check_common(doc, fail):
    checked = 0
    for folder in COMMON_DIRS:
        if not os.path.isdir(os.path.join(ROOT, folder)):
            continue
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if not os.path.isfile(os.path.join(ROOT, folder, name)) or name == "CMakeLists.txt":
                continue
            checked += 1
            if not re.search(r"(?<![\w.-])" + re.escape(name) + r"(?![\w-])", doc):
                fail(f"{DOC}: does not mention {folder}/{name}: map it (the common/ table, or "
                     "common/cuda's paragraph), so a new file of the library has its place")
    return checked


def defines_main(code):
    code = strip_comments(code)
    return bool(re.search(r"\bint\s+main\s*\(|DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN|"
                          r"DOCTEST_CONFIG_MAIN\b", code))


def check_mains(doc, files, fail):
    text = paragraph(doc, MAINS_MARKER)
    if text is None:
        fail(f"{DOC}: no paragraph starting \"{MAINS_MARKER}\": it names every test main")
        return 0
    named = {t for t in re.findall(r"`([^`]+)`", text) if t.startswith("tests/")}
    sources = [f for f in files if f.startswith("tests/") and f.endswith((".cpp", ".hpp", ".cc"))]
    actual = {f for f in sources if defines_main(read(f))}
    for f in sorted(actual - named):
        fail(f"{f}: defines a main, but {DOC} (\"{MAINS_MARKER}\") does not name it: link "
             "tests/doctest_main.cpp instead, or say there why this program needs its own")
    for f in sorted(named - actual):
        fail(f"{DOC}: \"{MAINS_MARKER}\" names {f} as a test main, but it defines none")
    return len(actual)


def check_mirror(doc, files, fail):
    stems = {os.path.splitext(os.path.basename(f))[0] for f in files
             if f.startswith(("common/src/", "common/include/ae/"))}
    lessons = {f.split("/")[1] for f in files if f.startswith("lessons/") and f.count("/") == 2}
    checked = 0
    for f in sorted(files):
        m = re.fullmatch(r"tests/common_(\w+)\.cpp", f)
        if m:
            checked += 1
            if m.group(1) not in stems and f"common_{m.group(1)}.cpp" not in doc:
                fail(f"{f}: no library file common/src/{m.group(1)}.cpp or common/include/ae/"
                     f"{m.group(1)}.hpp: put its cases in the file of the source they test "
                     f"(tests/common_X.cpp for common/src/X.cpp), or name it in {DOC}")
        m = re.fullmatch(r"tests/(?:lesson|given)_(\d\d_\w+)\.cpp", f)
        if m:
            checked += 1
            if m.group(1) not in lessons:
                fail(f"{f}: there is no lessons/{m.group(1)}/: name it after its lesson folder")
    return checked


def check_shape(doc, fail):
    text = sections(doc).get("The lesson shape", "")
    listed = set()
    for line in text.splitlines():
        m = re.match(r"- ((?:`[^`]+`(?:, )?)+):", line)
        if m:
            listed |= set(re.findall(r"`([^`]+)`", m.group(1)))
    script = read("scripts/check-lessons.sh").replace("\\\n", " ")
    m = re.search(r'for f in ([^;]+); do\s*\n\s*\[ -f "\$dir/\$f" \]', script)
    required = set(m.group(1).split()) if m else set()
    if not listed or not required:
        fail(f"{DOC} or scripts/check-lessons.sh: cannot find the lesson's files (the list under "
             "\"## The lesson shape\", the 'for f in ...' loop)")
        return 0
    for f in sorted(listed - required):
        fail(f"{DOC}: the lesson shape lists {f}, which scripts/check-lessons.sh does not require")
    for f in sorted(required - listed):
        fail(f"scripts/check-lessons.sh requires {f} of every lesson, which {DOC}'s lesson shape "
             "does not list")
    return len(listed)


def check_long(doc, files, fail):
    text = paragraph(doc, LONG_MARKER)
    if text is None:
        fail(f"{DOC}: no list starting \"{LONG_MARKER}\"")
        return 0
    named = {t for t in re.findall(r"`([^`]+)`", text)
             if t.startswith("common/") and not t.endswith("/")}
    long_files = set()
    for f in files:
        if f.startswith("common/"):
            with open(os.path.join(ROOT, f), "rb") as fh:
                if fh.read().count(b"\n") > LONG_LINES:
                    long_files.add(f)
    for f in sorted(long_files - named):
        fail(f"{f}: over {LONG_LINES} lines, but {DOC} (\"{LONG_MARKER}\") does not list it: "
             "split it, or add it there with the reason it stays one file")
    for f in sorted(named - long_files):
        fail(f"{DOC}: \"{LONG_MARKER}\" lists {f}, which is not over {LONG_LINES} lines (or "
             "not there): take it off the list")
    return len(long_files)


def check_training(files, fail):
    sources = [f for f in files if f.startswith(("lessons/", "solutions/"))
               and f.endswith((".cpp", ".hpp", ".cu", ".cuh"))]
    for f in sources:
        code = strip_comments(read(f))
        local_fit = LOCAL_FIT.search(code)
        for number, line in enumerate(code.splitlines(), 1):
            for m in LOOP_CALLS.finditer(line):
                if m.group(0).startswith("fit") and local_fit:
                    continue  # the file's own fit (a lambda or function), not ae::fit
                fail(f"{f}:{number}: calls {m.group(0).strip('( ')}: a lesson trains through "
                     "ae::train (ae/training.hpp), which runs its step on either device")
    return len(sources)


def main():
    problems = []
    fail = problems.append
    doc = read(DOC)
    files, dirs = walk()
    check_paths(doc, files, dirs, fail)
    n_common = check_common(doc, fail)
    n_mains = check_mains(doc, files, fail)
    n_mirror = check_mirror(doc, files, fail)
    n_shape = check_shape(doc, fail)
    n_long = check_long(doc, files, fail)
    n_sources = check_training(files, fail)
    for p in problems:
        print("check-architecture: " + p)
    if problems:
        print(f"check-architecture: {len(problems)} problem(s): {DOC} and the tree disagree")
        return 1
    n_paths = len({t for _, t in named_paths(doc)})
    print(f"check-architecture: {DOC} holds: {n_paths} names of paths exist, "
          f"{n_common} library files mapped, {n_mains} test mains named, {n_mirror} test files "
          f"mirror their sources, {n_shape} lesson "
          f"files, {n_long} long files listed, {n_sources} lesson sources train via ae::train")
    return 0


if __name__ == "__main__":
    sys.exit(main())
