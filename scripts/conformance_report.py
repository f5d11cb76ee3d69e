#!/usr/bin/env python3
"""Per-model report against TFLite Micro's reference outputs in ../shared/conformance.

For every case folder: runs each case through `tinyml run` (streamed where the
case is), compares with TFLM's output (int8 byte for byte, float within
1e-5 relative), and puts tinyml's arena (`tinyml inspect --json`) and host
median invoke time (`tinyml bench --json`) next to TFLM's figures from the
folder's README. Prints a Markdown table.

usage: scripts/conformance_report.py [--tinyml build/host-release/tinyml] [--shared ../shared]
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile


def parse_readme(folder, shared):
    text = open(os.path.join(folder, "README.md")).read()
    model = re.search(r"Model: `([^`]+)`", text).group(1)
    arena = int(re.search(r"arena_used_bytes[^*]*\*\*(\d+)\*\*", text).group(1))
    median = re.search(r"median ([0-9.]+) us", text)
    cases = []
    row = re.compile(r"^\| ([A-Za-z0-9_]+) \| `([^`]+)` \([0-9]+ B\) \| `([^`]+)` \([0-9]+ B\) \|(.*)$")
    for line in text.splitlines():
        m = row.match(line)
        if not m:
            continue
        stride = re.search(r"\((\d+)-byte\) stride", m.group(4)) if m.group(1).endswith("_stream") else None
        cases.append((m.group(1), resolve(m.group(2), folder, shared), resolve(m.group(3), folder, shared),
                      int(stride.group(1)) if stride else 0))
    return resolve(model, folder, shared), arena, float(median.group(1)) if median else None, cases


def resolve(ref, folder, shared):
    return os.path.join(shared, ref[len("shared/"):]) if ref.startswith("shared/") else os.path.join(folder, ref)


def same(actual, expected, is_float):
    if len(actual) != len(expected):
        return False
    if not is_float:
        return actual == expected
    n = len(actual) // 4
    a = struct.unpack("<%df" % n, actual)
    e = struct.unpack("<%df" % n, expected)
    return all(abs(x - y) <= 1e-5 + 1e-5 * abs(y) for x, y in zip(a, e))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tinyml", default=os.path.join(here, "..", "build", "host-release", "tinyml"))
    p.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    args = p.parse_args()
    root = os.path.join(args.shared, "conformance")
    if not os.path.isdir(root):
        sys.exit("conformance_report: no %s" % root)
    print("| model | cases | byte-exact | arena tinyml | arena TFLM | tinyml/TFLM | host median tinyml | host median TFLM |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.bin")
        for name in sorted(os.listdir(root)):
            folder = os.path.join(root, name)
            if not os.path.isfile(os.path.join(folder, "README.md")):
                continue
            model, tflm_arena, tflm_median, cases = parse_readme(folder, args.shared)
            info = json.loads(subprocess.run([args.tinyml, "inspect", model, "--json"], capture_output=True,
                                             text=True, check=True).stdout)
            is_float = info["outputs"][0]["type"] == "FLOAT32"
            ok = 0
            for case, inp, expected, stride in cases:
                cmd = [args.tinyml, "run", model, "--input", inp, "--output", out]
                if stride:
                    cmd += ["--stream-stride", str(stride)]
                subprocess.run(cmd, capture_output=True, check=True)
                ok += same(open(out, "rb").read(), open(expected, "rb").read(), is_float)
            bench = json.loads(subprocess.run([args.tinyml, "bench", model, "--json"], capture_output=True,
                                              text=True, check=True).stdout)
            arena = info["memory"]["arena_bytes"]
            exact = "yes" if ok == len(cases) else "NO (%d/%d)" % (ok, len(cases))
            if is_float:
                exact += " (float, 1e-5)"
            print("| %s | %d | %s | %d | %d | %.1f%% | %.1f us | %s |" % (
                name, len(cases), exact, arena, tflm_arena, 100.0 * arena / tflm_arena, bench["median_us"],
                "%.1f us" % tflm_median if tflm_median else "-"))


if __name__ == "__main__":
    main()
