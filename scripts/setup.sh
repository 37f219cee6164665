#!/usr/bin/env bash
# setup.sh — install the Debian packages pipe builds with, only those that
# are missing (idempotent). Needs root (or sudo) when something is missing.
# (--bench is accepted for older instructions: PyTorch, which bench/cnn
# compares against, is in the list anyway, for tests/nn.)
set -euo pipefail

packages=(
  gcc make cmake pkg-config          # toolchain
  libyaml-dev                        # pipeline files
  libopenblas-dev                    # all matrix work
  libpng-dev                         # PNG files
  libcairo2-dev fonts-dejavu-core    # plots: antialiased drawing, real fonts
  libcriterion-dev                   # tests
  libxgboost-dev                     # the gbdt stage: boosted trees
  libopenmpi-dev openmpi-bin         # runs across processes (mpirun, srun)
  clang-14 libclang-rt-14-dev        # libFuzzer targets (scripts/fuzz.sh)
  python3-torch python3-numpy        # tests/nn/test_torch_model.py, bench/cnn: PyTorch 1.13
  python3-onnx                       # tests/nn: the ONNX checker on exported models
  python3-sklearn                    # tests/metrics: weighted metrics against sample_weight
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# tests/nn: ONNX Runtime (npm's onnxruntime-node) runs the exported models in
# Node.js. A machine may already have node and npm from elsewhere (NodeSource's
# nodejs carries its own npm, which Debian's npm package would conflict with).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
