#!/usr/bin/env bash
# compare.sh [rounds [steps [networks...]]] — pipe's bench_cnn_step and PyTorch's torch_step.py
# (Debian's python3-torch) alternately on the same networks, one thread each, `rounds` times
# (default 3; steps default 600, divided per network as both programs do; networks default
# eta_phi resnet mobilenet). Prints each run's line, then per network and program the best of the
# best times and the median of the median times, and their ratio. A bench script: it prints
# figures and never fails on them. Run from the repository root after building (build/).
set -euo pipefail
rounds=${1:-3}
steps=${2:-600}
shift $(( $# > 2 ? 2 : $# ))
nets=("$@")
[ ${#nets[@]} -gt 0 ] || nets=(eta_phi resnet mobilenet)
here=$(dirname "$0")
pipe_bench=${PIPE_BENCH:-build/bench/cnn/bench_cnn_step}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) vCPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  for net in "${nets[@]}"; do
    "$pipe_bench" "$steps" "$net" | grep ' params ' | sed 's/^/pipe  /' | tee -a "$log"
    /usr/bin/python3 "$here/torch_step.py" "$steps" "$net" | sed 's/^/torch /' | tee -a "$log"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# best of the bests and median of the medians, per network and program
python3 - "$log" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    prog, rest = line.split(None, 1)
    name = " ".join(rest.split()[:2])
    best = float(re.search(r"best +([0-9.]+)", line).group(1))
    median = float(re.search(r"median +([0-9.]+)", line).group(1))
    runs.setdefault(name, {}).setdefault(prog, []).append((best, median))
for name, progs in runs.items():
    fig = {}
    for prog in ("pipe", "torch"):
        got = progs.get(prog, [])
        if got:
            fig[prog] = (min(b for b, _ in got), statistics.median(m for _, m in got))
            print(f"{name:18s} {prog:5s} best {fig[prog][0]:10.1f} us  median of medians "
                  f"{fig[prog][1]:10.1f} us")
    if len(fig) == 2:
        print(f"{name:18s} torch / pipe: {fig['torch'][0] / fig['pipe'][0]:.2f}x on best times, "
              f"{fig['torch'][1] / fig['pipe'][1]:.2f}x on medians")
PY
