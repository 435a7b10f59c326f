#!/usr/bin/env python3
"""make docs: the numbers in docs/ come from the demo warehouse, never typed by hand.

Every fenced block in docs/*.md whose first line is `$ samtaler ...` is an example: the command
after `$ ` is run (with a shell, so `| head -5` works) against the demo warehouse that `make demo`
loaded, and the block's remaining lines are replaced by what it printed. The PG* variables and the
samtaler on the PATH come from `make -s env` (the Makefile sets them). Prints which blocks changed.
"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
block = re.compile(r"^```\n\$ (samtaler [^\n]*)\n(.*?)^```$", re.S | re.M)
changed = 0
failed = 0
for path in sorted((root / "docs").glob("*.md")):
    text = path.read_text()

    def regenerate(m):
        global changed, failed
        command = m.group(1)
        run = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=root)
        if run.returncode != 0:
            failed += 1
            print(f"{path.name}: `{command}` failed ({run.returncode}): {run.stderr.strip()}", file=sys.stderr)
            return m.group(0)
        out = run.stdout if run.stdout.endswith("\n") or not run.stdout else run.stdout + "\n"
        if out != m.group(2):
            changed += 1
            print(f"{path.name}: updated `{command}`")
        return f"```\n$ {command}\n{out}```"

    new = block.sub(regenerate, text)
    if new != text:
        path.write_text(new)
print(f"make docs: {changed} example(s) updated, {failed} failed")
sys.exit(1 if failed else 0)
