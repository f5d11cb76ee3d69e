#!/bin/sh
# Runs the fuzz target once on every file in the regressions directory; fails
# if any of them still crashes. usage: replay_regressions.sh FUZZER DIR
set -eu
fuzzer=$1 dir=$2
set --
for f in "$dir"/*; do
  [ -f "$f" ] || continue
  case $f in *.md) continue ;; esac
  set -- "$@" "$f"
done
if [ $# -eq 0 ]; then
  echo "no regression inputs in $dir"
  exit 0
fi
exec "$fuzzer" -timeout=10 -rss_limit_mb=2048 "$@"
