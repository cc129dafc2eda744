#!/usr/bin/env bash
# Packs what scripts/check-gpu.sh needs on a GPU machine that cannot install packages (one with
# CUDA, CMake and ninja but no network, like a lent cloud GPU): the Debian 12 packages of the
# libraries the build uses and the full Fashion-MNIST, as .deb files in .gpu-bundle/ (ignored by
# git, about 45 MB). Run it here, where apt works; copy .gpu-bundle/ next to the checkout there;
# check-gpu.sh unpacks it into .gpu-bundle/root (dpkg -x: nothing is installed system-wide)
# when that machine has no xtensor of its own.
# Usage: bash scripts/gpu-bundle.sh        AE_NO_DATASET=1 bash scripts/gpu-bundle.sh (no data)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.gpu-bundle
packages=(
  libxtensor-dev xtl-dev libxsimd-dev libxtensor-blas-dev doctest-dev libcli11-dev libstb-dev
  nlohmann-json3-dev
  zlib1g zlib1g-dev libopenblas0-pthread libopenblas-pthread-dev libgfortran5 libquadmath0
)
[ "${AE_NO_DATASET:-0}" = 1 ] || packages+=(dataset-fashion-mnist)
command -v apt-get >/dev/null || { echo "gpu-bundle: needs apt-get (Debian 12)" >&2; exit 1; }
rm -rf "$dir.partial"
mkdir -p "$dir.partial"
[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ] ||
  apt-get update -qq
# apt-get download writes into the current folder; as root it warns that _apt cannot write
# there, which is harmless.
(cd "$dir.partial" && apt-get download -qq "${packages[@]}" 2>&1 | grep -v "unsandboxed" || true)
n=$(find "$dir.partial" -name '*.deb' | wc -l)
[ "$n" -eq ${#packages[@]} ] || {
  echo "gpu-bundle: got $n of ${#packages[@]} packages (apt-get update, then run again)" >&2
  exit 1
}
rm -rf "$dir"
mv "$dir.partial" "$dir"
echo "gpu-bundle: $n packages in $dir/ ($(du -sh "$dir" | cut -f1)); copy it into the checkout on the GPU machine"
