#!/usr/bin/env bash
# setup.sh [--bench] — install the Debian packages pipe builds with, only
# those that are missing (idempotent). Needs root (or sudo) when something is
# missing. --bench adds what the bench scripts compare against (PyTorch for
# bench/cnn/torch_step.py and compare.sh); CI and the tests do not need it.
set -euo pipefail

packages=(
  gcc make cmake pkg-config          # toolchain
  libyaml-dev                        # pipeline files
  libopenblas-dev                    # all matrix work
  libpng-dev                         # PNG files
  libcairo2-dev fonts-dejavu-core    # plots: antialiased drawing, real fonts
  libcriterion-dev                   # tests
  libxgboost-dev                     # the gbdt stage: boosted trees
  clang-14 libclang-rt-14-dev        # libFuzzer targets (scripts/fuzz.sh)
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(python3 python3-torch)  # bench/cnn: the same CNNs in PyTorch 1.13
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
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
