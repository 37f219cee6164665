#!/usr/bin/env bash
# bench_mpi.sh PIPE [REPEATS] — pipe under MPI on this machine, at 1 and 2
# ranks (mpirun --oversubscribe): prints
#  - the loader stage reading a 100,000-event CMS-format CSV (made once
#    with simulate + writer into a temporary folder): wall time of the
#    stage from run.json, and MB/s;
#  - the CNN training step of the electron_isolation network (2,000
#    calorimeter candidates, 1 epoch): us_per_step from run.json.
# Each figure is the best and the median of REPEATS runs (default 5).
# It prints figures; it never passes or fails.
set -euo pipefail
pipe=$(realpath "${1:-build/pipe}")
repeats=${2:-5}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/pipe_bench_mpi.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mpi=(mpirun --oversubscribe --allow-run-as-root)

cat > "$tmp/make.yaml" <<YAML
pipeline: make_csv
seed: 42
stages:
  - id: simulate
    plugin: simulate
    params: {events: 100000}
    outputs: {table: events}
  - id: write
    plugin: writer
    inputs: {table: events}
    params: {path: $tmp/events.csv, format: csv}
YAML
"$pipe" run "$tmp/make.yaml" --quiet --out "$tmp/make"
bytes=$(stat -c %s "$tmp/events.csv")

cat > "$tmp/load.yaml" <<YAML
pipeline: load_csv
stages:
  - id: load
    plugin: loader
    params: {path: $tmp/events.csv}
YAML

# The value of "key" of stage `id` (first match after the stage's id) in run.json.
stage_figure() { python3 - "$1" "$2" "$3" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
if sys.argv[3] == "wall_seconds":
    print(next(s["wall_seconds"] for s in run["stages"] if s["id"] == sys.argv[2]))
else:
    print(run["info"][sys.argv[2]][sys.argv[3]])
PY
}

summary() { sort -g | awk '{v[NR] = $1} END {printf "best %.4g  median %.4g", v[1], v[int((NR + 1) / 2)]}'; }

for n in 1 2; do
  for i in $(seq "$repeats"); do
    "${mpi[@]}" -np "$n" "$pipe" run "$tmp/load.yaml" --quiet --out "$tmp/load$n"
    stage_figure "$tmp/load$n/run.json" load wall_seconds >> "$tmp/load$n.txt"
    stage_figure "$tmp/load$n/run.json" load load_ms >> "$tmp/parse$n.txt"
  done
  best=$(sort -g "$tmp/load$n.txt" | head -1)
  printf 'loader, %d rank%s: stage %s s (%.0f MB/s at best; %d bytes); rank 0 parsing its part: %s ms\n' \
    "$n" "$([ "$n" = 1 ] && echo "" || echo s)" "$(summary < "$tmp/load$n.txt")" \
    "$(awk -v b="$bytes" -v s="$best" 'BEGIN {print b / s / 1e6}')" "$bytes" "$(summary < "$tmp/parse$n.txt")"
done

for n in 1 2; do
  for i in $(seq "$repeats"); do
    "${mpi[@]}" -np "$n" "$pipe" run pipelines/electron_isolation.yaml --quiet --out "$tmp/cnn$n" \
      --set calo.candidates=2000 --set cnn.epochs=1 --set ann.epochs=1
    stage_figure "$tmp/cnn$n/run.json" cnn us_per_step
  done > "$tmp/cnn$n.txt"
  printf 'CNN training step (electron_isolation cnn, batch as in the pipeline), %d rank%s: %s us\n' \
    "$n" "$([ "$n" = 1 ] && echo "" || echo s)" "$(summary < "$tmp/cnn$n.txt")"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
