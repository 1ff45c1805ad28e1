#!/usr/bin/env python3
"""Execute every notebook in this folder with the Python standard library (no Jupyter needed).

    python3 notebooks/run.py            # execute, fail on the first error (what CI runs)
    python3 notebooks/run.py --write    # execute and store the outputs in the .ipynb files

Code cells run in order in one namespace per notebook, from the notebooks folder, exactly as a
Jupyter kernel started there would run them. Notebooks stay plain nbformat-4 files that open in
Jupyter as usual.
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def execute(path: Path, write: bool) -> float:
    nb = json.loads(path.read_text(encoding="utf-8"))
    namespace = {"__name__": "__main__"}
    count = 0
    start = time.perf_counter()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        count += 1
        source = "".join(cell["source"])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(source, f"{path.name}, cell {count}", "exec"), namespace)
        if write:
            text = out.getvalue()
            cell["execution_count"] = count
            cell["outputs"] = (
                [{"output_type": "stream", "name": "stdout", "text": text.splitlines(keepends=True)}]
                if text else []
            )
    if write:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return time.perf_counter() - start


def main() -> int:
    write = "--write" in sys.argv[1:]
    os.chdir(HERE)
    sys.path.insert(0, str(HERE))
    notebooks = sorted(HERE.glob("*.ipynb"))
    if not notebooks:
        print("no notebooks found")
        return 1
    for nb in notebooks:
        try:
            # Scratch files the notebook makes (tempfile.mkdtemp) go to a folder removed
            # afterwards, so running the notebooks leaves nothing behind.
            with tempfile.TemporaryDirectory() as scratch:
                tempfile.tempdir = scratch
                try:
                    seconds = execute(nb, write)
                finally:
                    tempfile.tempdir = None
        except Exception:
            print(f"FAILED {nb.name}")
            traceback.print_exc()
            return 1
        print(f"ok     {nb.name} ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
