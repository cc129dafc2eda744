#!/usr/bin/env bash
# Installs every Debian package the workshop needs (idempotent; Debian 12, as root or with sudo).
# Usage: bash scripts/install-deps.sh        (the full Fashion-MNIST set is included: ~30 MB)
#        AE_NO_DATASET=1 bash scripts/install-deps.sh   (skip it; the committed sample in data/ is used)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libxtensor-dev libxtensor-blas-dev xtl-dev libxsimd-dev
  libopenblas-dev liblapack-dev doctest-dev zlib1g-dev libstb-dev
  libcli11-dev nlohmann-json3-dev gnuplot-nox python3
  time            # tests/bad_input.sh measures each bad-input run's peak memory (GNU time)
  inotify-tools   # ./workshop watch reruns the tests the moment a file is saved (else it polls)
  fonts-dejavu-core   # the font of the labels in image grids (else a small bitmap font)
  chromium        # lesson 11's explorer page is tested in a real browser, headless (tests/explorer_11.cpp)
)
[ "${AE_NO_DATASET:-0}" = 1 ] || packages+=(dataset-fashion-mnist)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed."
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done."
