#!/usr/bin/env python3
"""Write the parameter table of every stage page from `pipe inspect`.

Each page docs/stages/<stage>.md holds its table between the lines
  <!-- params: begin (scripts/docs_params.py writes this table from pipe inspect) -->
  <!-- params: end -->
Run `python3 scripts/docs_params.py [build/pipe]` after changing a stage's
declarations; tests/docs/test_docs.c fails until the pages agree with
`pipe inspect` again.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN = "<!-- params: begin (scripts/docs_params.py writes this table from pipe inspect) -->"
END = "<!-- params: end -->"


def inspect_params(pipe, stage):
    """The declared parameters of `stage`: (name, type, default, doc) tuples."""
    text = subprocess.run([pipe, "inspect", stage], check=True, capture_output=True,
                          text=True).stdout
    section = text.split("\nParameters:\n", 1)[1].split("\nInputs:\n", 1)[0]
    params = []
    for line in section.splitlines():
        head = re.match(r"^  (\S+) +(.*)$", line)
        if head and not line.startswith("   "):
            name, rest = head.groups()
            kind, decl = re.match(r"^(\w+(?: list)?) +(.*)$", rest).groups()
            params.append([name, kind, decl.strip(), ""])
        elif line.startswith("      ") and params:
            params[-1][3] = (params[-1][3] + " " + line.strip()).strip()
    return params


def cell(text):
    return text.replace("|", "\\|")


def table(params):
    rows = ["| param | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, kind, decl, doc in params:
        default, extra = decl, ""
        if decl.startswith("required"):
            default, _, extra = decl.partition("; ")
        elif decl.startswith("default "):
            default, _, extra = decl[len("default "):].partition("; ")
        if extra.startswith("one of "):
            kind = "one of " + ", ".join(f"`{c}`" for c in extra[len("one of "):].split("|"))
        elif extra:
            kind += ", " + extra
        default = "required" if default == "required" else f"`{default}`"
        rows.append(f"| `{name}` | {cell(kind)} | {cell(default)} | {cell(doc)} |")
    return "\n".join(rows)


def main():
    pipe = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "pipe")
    for page in sorted((ROOT / "docs" / "stages").glob("[a-z]*.md")):
        text = page.read_text()
        if BEGIN not in text:
            continue
        start = text.index(BEGIN) + len(BEGIN)
        end = text.index(END, start)
        new = text[:start] + "\n" + table(inspect_params(pipe, page.stem)) + "\n" + text[end:]
        if new != text:
            page.write_text(new)
            print(f"updated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
