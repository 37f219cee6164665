#!/usr/bin/env bash
# replay.sh PIPE — run every canonical pipeline that has an expectation file
# (pipelines/expect/<name>.json) and compare its metrics. Extra arguments
# for a fast variant (e.g. --set dnn.epochs=5) are read, one per line, from
# pipelines/expect/<name>.args when present. Exits non-zero if any fails.
set -uo pipefail
pipe=${1:-build/pipe}
cd "$(dirname "$0")/.."
failed=0
for expect in pipelines/expect/*.json; do
  [ -e "$expect" ] || continue
  name=$(basename "$expect" .json)
  args=()
  [ -f "pipelines/expect/$name.args" ] && mapfile -t args < <(grep -v '^\s*#' "pipelines/expect/$name.args" | grep -v '^\s*$')
  start=$(date +%s.%N)
  if "$pipe" run "pipelines/$name.yaml" --quiet --out "output/replay/$name" --expect "$expect" "${args[@]}"; then
    printf 'replay: %-28s ok   (%s s)\n' "$name" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
  else
    printf 'replay: %-28s FAILED\n' "$name"
    failed=1
  fi
done
exit $failed
