#!/usr/bin/env python3
"""Keeps clang-format out of the JavaScript inside Emscripten's EM_JS / EM_ASM macros.

Every EM_JS, EM_ASM, EM_ASM_INT, EM_ASM_DOUBLE, EM_ASM_PTR and MAIN_THREAD_EM_ASM* statement is
JavaScript that clang-format would re-indent and re-wrap as if it were C++. This puts a line
`// clang-format off` before each run of such statements (runs separated only by blank or comment
lines share one pair) and `// clang-format on` after it, at the statement's indentation.
Statements already inside an off/on pair are left as they are, so running it again changes nothing.

  scripts/fence-js.py FILE...           add the missing pairs in place
  scripts/fence-js.py --check FILE...   change nothing; list the unfenced statements and exit 1

scripts/format.sh runs it before clang-format (and with --check before the check).
"""
import re
import sys

MACRO = re.compile(r"\b(?:MAIN_THREAD_)?(?:EM_JS|EM_ASM(?:_INT|_DOUBLE|_PTR)?)\s*\(")
OFF, ON = "// clang-format off", "// clang-format on"


def statement_end(lines, i, col):
    """The index of the line where the macro call opened at lines[i][col:] closes (its ')')."""
    depth, quote = 0, None
    j, c = i, col
    while j < len(lines):
        s = lines[j]
        while c < len(s):
            ch = s[c]
            if quote:
                if ch == "\\":
                    c += 1
                elif ch == quote:
                    quote = None
            elif ch in "'\"`":
                quote = ch
            elif s.startswith("//", c):
                break  # a comment to the end of the line (C++ or JavaScript)
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return j
            c += 1
        if quote != "`":
            quote = None  # only template literals span lines
        j, c = j + 1, 0
    raise SystemExit(f"fence-js: an {lines[i].strip()[:40]!r} at line {i + 1} does not close")


def blocks(lines):
    """(first, last) line indexes of every macro statement outside comments."""
    out, i = [], 0
    while i < len(lines):
        code = lines[i].split("//", 1)[0] if not lines[i].lstrip().startswith("#") else ""
        m = MACRO.search(code)
        if m:
            last = statement_end(lines, i, m.start())
            out.append((i, last))
            i = last + 1
        else:
            i += 1
    return out


def fenced(lines, first, last):
    """True when lines first..last are inside a clang-format off/on pair."""
    state = False
    for k in range(first):
        t = lines[k].strip()
        if t == OFF:
            state = True
        elif t == ON:
            state = False
    if not state:
        return False
    return all(lines[k].strip() != ON for k in range(first, last + 1))


def filler(line):
    t = line.strip()
    return t == "" or (t.startswith("//") and t not in (OFF, ON))


def fence(text):
    lines = text.split("\n")
    todo = [b for b in blocks(lines) if not fenced(lines, *b)]
    # Runs: a block joins the previous one when only blank and comment lines lie between them.
    runs = []
    for first, last in todo:
        if runs and all(filler(lines[k]) for k in range(runs[-1][1] + 1, first)):
            runs[-1][1] = last
        else:
            runs.append([first, last])
    for first, last in reversed(runs):
        indent = re.match(r"\s*", lines[first]).group(0)
        lines.insert(last + 1, indent + ON)
        lines.insert(first, indent + OFF)
    return "\n".join(lines), todo


def main(argv):
    check = argv[:1] == ["--check"]
    files = argv[1:] if check else argv
    missing = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new, todo = fence(text)
        if not todo:
            continue
        if check:
            lines = text.split("\n")
            for first, _ in todo:
                print(f"{path}:{first + 1}: not inside // clang-format off/on: {lines[first].strip()[:60]}")
            missing += len(todo)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print(f"fence-js: {path}: {len(todo)} statement(s) fenced")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
