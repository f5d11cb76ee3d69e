#!/usr/bin/env python3
"""Per-model, per-core Cortex-M table from `tinyml bench --target ... --json`.

Runs the bench (QEMU-counted instructions per invoke after a warm-up, arena,
stack, flash from the size probe) for the MLPerf Tiny and TFLM example models
in ../shared/models on each core, with the optimized kernels, and (with
--reference) the reference kernels too, whose output checksums must equal the
optimized ones. Prints a Markdown table next to the TFLM + CMSIS-NN baseline
(Cortex-M4, from issue 4) and writes the raw JSON of every run.

  scripts/cortex_m_report.py [--cores cortex-m4,cortex-m7] [--models kws,ad]
                             [--reference] [--json out.json]

Slow (minutes per core: builds, then one QEMU run per model and a size probe
each); a benchmark, not a test. TINYML_CORTEX_M_BUILD_ROOT picks the build
directories as for `tinyml bench`.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "models")

# name: (path under ../shared/models, label, TFLM + CMSIS-NN M4 instructions, TFLM M4 arena)
MODELS = {
    "kws": ("mlperf_tiny_kws/kws_ref_model.tflite", "MLPerf KWS DS-CNN", 7697924, 22820),
    "micro_speech": ("micro_speech/micro_speech_quantized.tflite", "micro_speech", 1495388, 6836),
    "person_detect": ("person_detection/person_detect.tflite", "person_detect", 22928477, 82308),
    "vww": ("mlperf_tiny_vww/vww_96_int8.tflite", "MLPerf VWW int8", 24101944, 100708),
    "ic": ("mlperf_tiny_ic/pretrainedResnet_quant.tflite", "MLPerf IC ResNet-8 int8", 29863234, 54996),
    "ad": ("mlperf_tiny_ad/ad01_int8.tflite", "MLPerf AD int8", 582946, 2580),
    "sww": ("mlperf_tiny_sww/str_ww_ref_model.tflite", "MLPerf SWW int8", 2227102, 16596),
}
CORES = ["cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"]


def find_cli():
    for d in ("build/host-release", "build/host-debug"):
        path = os.path.join(ROOT, d, "tinyml")
        if os.access(path, os.X_OK):
            return path
    sys.exit("cortex_m_report: no tinyml binary (build the host-release preset first)")


def locate(rel):
    path = os.path.join(SHARED, rel)
    return path if os.path.exists(path) else None


def bench(cli, model, core, kernels):
    cmd = [cli, "bench", model, "--target", core, "--kernels", kernels, "--json"]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {run.stderr.strip()[-400:]}")
    return json.loads(run.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cores", default=",".join(CORES))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--reference", action="store_true", help="also run the reference kernels and compare checksums")
    ap.add_argument("--json", help="write every run's bench JSON here")
    args = ap.parse_args()
    cli = find_cli()
    if not os.path.isdir(SHARED):
        sys.exit(f"cortex_m_report: {SHARED} not found (the models are third-party data in ../shared)")
    cores = [c for c in args.cores.split(",") if c]
    names = [m for m in args.models.split(",") if m]
    for c in cores:
        if c not in CORES:
            sys.exit(f"cortex_m_report: unknown core {c} (one of {', '.join(CORES)})")
    for m in names:
        if m not in MODELS:
            sys.exit(f"cortex_m_report: unknown model {m} (one of {', '.join(MODELS)})")

    runs = []
    mismatches = 0
    for core in cores:
        for name in names:
            rel, label, base_instr, base_arena = MODELS[name]
            path = locate(rel)
            if path is None:
                print(f"skip {name}: {rel} not in ../shared/models", file=sys.stderr)
                continue
            start = time.time()
            opt = bench(cli, path, core, "cortex_m")
            ref = bench(cli, path, core, "ref") if args.reference else None
            same = None if ref is None else ref["output_checksum"] == opt["output_checksum"]
            if same is False:
                mismatches += 1
            runs.append({"core": core, "model": name, "label": label, "cortex_m": opt, "ref": ref,
                         "baseline_instructions_m4": base_instr, "baseline_arena_m4": base_arena})
            print(f"{core} {name}: {opt['instructions_per_invoke']:,} instructions"
                  + ("" if ref is None else f", reference {ref['instructions_per_invoke']:,}, checksums "
                     + ("equal" if same else "DIFFER"))
                  + f" ({time.time() - start:.0f} s)", file=sys.stderr, flush=True)

    print("| core | model | instructions / invoke | TFLM + CMSIS-NN (M4) | ratio | est. M4 cycles/MAC "
          "| runtime + kernels flash (no messages / with) | model | arena | TFLM arena (M4) | stack"
          + (" | reference kernels: instructions, same output |" if args.reference else " |"))
    print("|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if args.reference else ""))
    for r in runs:
        o = r["cortex_m"]
        fl, fn = o["flash"], o["flash_no_messages"]
        row = (f"| {r['core']} | {r['label']} | {o['instructions_per_invoke']:,} | {r['baseline_instructions_m4']:,} "
               f"| {o['instructions_per_invoke'] / r['baseline_instructions_m4']:.2f} "
               f"| {o['estimated_m4_cycles_per_mac']:.2f} "
               f"| {fn['runtime_and_kernels_bytes']:,} / {fl['runtime_and_kernels_bytes']:,} "
               f"| {fl['model_bytes']:,} | {o['arena_bytes']:,} | {r['baseline_arena_m4']:,} "
               f"| {o['stack_invoke_bytes']:,} |")
        if r["ref"] is not None:
            same = r["ref"]["output_checksum"] == o["output_checksum"]
            row += f" {r['ref']['instructions_per_invoke']:,}, {'yes' if same else 'NO'} |"
        print(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
