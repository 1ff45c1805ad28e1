#!/usr/bin/env python3
"""Open effekt report HTML files in headless Chromium and check them.

For each file:
  * the page renders: a PNG screenshot is taken and must not be blank (at least 1 % of the
    pixels differ from the background, and several distinct colours are present);
  * no console errors and no network requests: Chromium's log (--enable-logging=stderr) must
    not contain "Uncaught", console errors or net::ERR_ lines. Chromium runs with a proxy that
    refuses every connection, so any external resource would show up as a failed request;
  * the DOM (--dump-dom) contains inline <svg> plots, a <h1> and the summary section; when
    report.json beside the page has design checks that did not pass, the headline check box
    and the warnings section.

Only the Python standard library and Chromium's command line are used (Debian: apt-get install
chromium). Usage:

  tests/browser_check.py report/report.html [more.html ...] [--out DIR]

Screenshots are written to DIR (default: next to each HTML file, as <name>.png). Exit code 0
when every file passes, 1 otherwise, 2 when Chromium is not installed.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
BAD_LOG = [
    re.compile(r"Uncaught"),
    re.compile(r"CONSOLE\(\d+\)\].*(error|Error)"),
    re.compile(r":ERROR:CONSOLE"),
    re.compile(r"net::ERR_"),
    re.compile(r"Failed to load resource"),
]


def find_chromium():
    env = os.environ.get("CHROMIUM")
    if env:
        return env
    for c in CANDIDATES:
        p = shutil.which(c)
        if p:
            return p
    return None


def base_args(profile):
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--proxy-server=127.0.0.1:9",  # nothing listens: any network request fails visibly
        "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=3000",
    ]


def decode_png(path):
    """Minimal PNG decoder (8-bit, non-interlaced, colour types 0, 2, 6): (width, height, rows)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace != 0 or ctype not in (0, 2, 6):
                raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype})")
            bpp = {0: 1, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def blank_check(png):
    """Share of non-background pixels and number of distinct colours (sampled)."""
    width, height, bpp, rows = decode_png(png)
    bg = rows[0][:3]
    differ, total, colours = 0, 0, set()
    for y in range(0, height, 2):
        row = rows[y]
        for x in range(0, width, 2):
            px = row[x * bpp : x * bpp + 3]
            total += 1
            if px != bg:
                differ += 1
            if len(colours) < 1000:
                colours.add(px)
    return differ / max(total, 1), len(colours)


def check(chromium, html, out_dir):
    problems = []
    html = os.path.abspath(html)
    url = "file://" + html
    name = os.path.splitext(os.path.basename(html))[0]
    if out_dir:
        # report.html of several languages share a name: prefix the directory (en, sv).
        name = f"{os.path.basename(os.path.dirname(html))}_{name}"
    png = os.path.join(out_dir or os.path.dirname(html), name + ".png")
    with tempfile.TemporaryDirectory() as profile:
        t0 = time.time()
        shot = subprocess.run(
            [chromium, *base_args(profile), "--window-size=1200,2400", f"--screenshot={png}", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        dom = subprocess.run(
            [chromium, *base_args(profile), "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        elapsed = time.time() - t0
    log = shot.stderr + dom.stderr
    for line in log.splitlines():
        if any(p.search(line) for p in BAD_LOG):
            problems.append(f"browser log: {line.strip()}")
    if shot.returncode != 0 or not os.path.exists(png):
        problems.append(f"no screenshot (exit {shot.returncode})")
    else:
        share, colours = blank_check(png)
        if share < 0.01 or colours < 8:
            problems.append(f"screenshot looks blank ({share:.1%} non-background pixels, {colours} colours)")
    n_svg = dom.stdout.count("<svg")
    if n_svg == 0:
        problems.append("the DOM has no <svg> plot")
    if "<h1" not in dom.stdout:
        problems.append("the DOM has no <h1>")
    if 'id="summary"' not in dom.stdout:
        problems.append("the DOM has no summary section")
    # Raised design checks (report.json beside the page) must be in the headline boxes and the
    # warnings section.
    rj = os.path.join(os.path.dirname(html), "report.json")
    if os.path.exists(rj):
        with open(rj, encoding="utf-8") as f:
            report = json.load(f)
        raised = [c for o in report["outcomes"] for c in o.get("checks", []) if c["check"]["verdict"] != "passed"]
        if raised:
            if 'class="checks"' not in dom.stdout:
                problems.append(f"{len(raised)} raised design check(s) but no headline check box")
            if 'id="warnings"' not in dom.stdout:
                problems.append("raised design checks but no warnings section")
    for bad in ("src=", 'href="http', "href='http"):
        if bad in dom.stdout:
            problems.append(f"the DOM contains {bad}")
    return problems, png, n_svg, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("html", nargs="+")
    ap.add_argument("--out", help="directory for the screenshots")
    args = ap.parse_args()
    chromium = find_chromium()
    if not chromium:
        print("chromium not found (apt-get install chromium, or set CHROMIUM)", file=sys.stderr)
        return 2
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    failed = False
    for h in args.html:
        problems, png, n_svg, elapsed = check(chromium, h, args.out)
        status = "ok" if not problems else "FAILED"
        print(f"{status}: {h} ({n_svg} SVG plots, screenshot {png}, {elapsed:.1f} s)")
        for p in problems:
            print(f"  - {p}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
