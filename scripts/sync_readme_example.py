#!/usr/bin/env python3
"""Copy examples/multiply/multiply.c into the README's "Writing a stage plugin" code block."""
import pathlib, re
root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text()
code = (root / "examples/multiply/multiply.c").read_text()
start = readme.index("```c\n", readme.index("## Writing a stage plugin")) + len("```c\n")
end = readme.index("```\n", start)
(root / "README.md").write_text(readme[:start] + code + readme[end:])
