"""Small helpers the notebooks share: run the effekt binary and read its JSON.

Standard library only, so the notebooks run anywhere Python 3 does (CI has no Jupyter).
The binary is taken from $EFFEKT_BIN, else target/release/effekt, else target/debug/effekt
(built by `cargo build --release` or by the test suite).
"""
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def binary() -> str:
    env = os.environ.get("EFFEKT_BIN")
    if env:
        return env
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "effekt"
        if p.exists():
            return str(p)
    raise FileNotFoundError("build effekt first: cargo build --release")


def effekt(*args: str, json_out: bool = True):
    """Run `effekt ARGS` from the repository root; return parsed JSON (with --json -) or text."""
    cmd = [binary(), *map(str, args)]
    if json_out:
        cmd += ["--json", "-"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"effekt exited with {r.returncode}: {r.stderr.strip()}")
    return json.loads(r.stdout) if json_out else r.stdout


def table(rows, columns, digits=3):
    """Print a list of dicts as an aligned text table."""
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.{digits}f}"
        return "" if v is None else str(v)
    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths)))
