#!/bin/sh
# Runs the model fuzzer for a bounded time on a corpus seeded with the
# project's generated models, the regression inputs and (when present) the
# third-party .tflite files. Exit status is the fuzzer's: non-zero on a crash,
# hang, leak or sanitizer report (the input is saved under WORKDIR/artifacts).
#
# usage: run_fuzz.sh FUZZER SEEDGEN WORKDIR SECONDS [SHARED_MODELS_DIR [MAX_SEED_BYTES]]
set -eu
if [ $# -lt 4 ]; then
  echo "usage: $0 FUZZER SEEDGEN WORKDIR SECONDS [SHARED_MODELS_DIR [MAX_SEED_BYTES]]" >&2
  exit 2
fi
fuzzer=$1 seedgen=$2 work=$3 seconds=$4
shared=${5:-}
max_seed_bytes=${6:-131072}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
rm -f "$work/seeds"/*
"$seedgen" "$work/seeds"
for f in "$here"/regressions/*; do
  [ -f "$f" ] || continue
  case $f in *.md) continue ;; esac
  cp "$f" "$work/seeds/regression_$(basename "$f")"
done

if [ -n "$shared" ] && [ -d "$shared" ]; then
  # Big models make every execution slow; they are left out of the seeds.
  copied=0 skipped=0
  for f in $(find "$shared" -name '*.tflite' | sort); do
    if [ "$(wc -c < "$f")" -le "$max_seed_bytes" ]; then
      cp "$f" "$work/seeds/shared_$(echo "${f#"$shared"/}" | tr '/' '_')"
      copied=$((copied + 1))
    else
      skipped=$((skipped + 1))
    fi
  done
  echo "seeded $copied third-party models from $shared ($skipped larger than $max_seed_bytes bytes left out)"
else
  echo "third-party models not found (${shared:-no directory given}): fuzzing with generated seeds only"
fi

exec "$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len="$max_seed_bytes" \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" "$work/seeds"
