#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...] — build the libFuzzer targets (clang-14,
# ASan + UBSan, build-fuzz/) and run each for SECONDS (default 3600), one
# after the other, each on its corpus: build-fuzz/corpus/<target>/ (kept
# between runs) seeded from the repository's own files:
#   pipeline     pipelines/*.yaml (validated with
#                every plugin of the build: their parameter checks)
#   expect       pipelines/expect/*.json
#   csv          fuzz/corpus/csv/
#   safetensors  fuzz/corpus/safetensors/ (a model the dnn stage saved)
# Prints the executions of each target; a crash, leak, timeout (10 s per
# input) or memory blow-up (2 GB) is written to build-fuzz/artifacts/ and
# makes the script exit 1. CI runs it with SECONDS=25.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pipeline expect csv safetensors)
cc=${PIPE_FUZZ_CC:-clang-14}
build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug -DPIPE_FUZZ=ON \
    -DPIPE_BUILD_TESTS=OFF -DPIPE_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j2 >/dev/null
mkdir -p "$build/artifacts"
seed() { # target -> seed files
  case $1 in
    pipeline) ls pipelines/*.yaml ;;
    expect) ls pipelines/expect/*.json ;;
    csv) ls fuzz/corpus/csv/* ;;
    safetensors) ls fuzz/corpus/safetensors/* ;;
  esac
}
failed=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  seed "$t" | while read -r f; do cp -n "$f" "$corpus/" 2>/dev/null || true; done
  log="$build/artifacts/$t.log"
  status=0
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
    "$corpus" >"$log" 2>&1 || status=$?
  execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log")
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $t FAILED after ${execs:-?} executions (exit $status); see $log:"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -5
    failed=1
  else
    echo "fuzz: $t ok: ${execs:-?} executions in ${seconds} s, 0 crashes, corpus $(ls "$corpus" | wc -l) files"
  fi
done
exit $failed
