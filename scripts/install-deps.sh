#!/usr/bin/env bash
# Installs the Debian packages voxface needs to build, test and build its dev set.
# Idempotent: packages already present are skipped, and nothing is done when all are there.
# Usage: scripts/install-deps.sh   (library, CLI, tests, and the dev-set sources and tools)
set -euo pipefail

core=(
  build-essential cmake pkg-config make git
  libgtest-dev libgmock-dev libbenchmark-dev
  libsndfile1-dev libsoxr-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  nlohmann-json3-dev libcli11-dev libboost-dev libssl-dev
  python3-dev python3-numpy pybind11-dev python3-pytest
  # nn runtime: ONNX protobuf loader, BLAS; python3-onnx generates ONNX's conformance node tests.
  libonnx-dev libprotobuf-dev protobuf-compiler libopenblas-dev python3-onnx
  libminizip-dev libeigen3-dev  # a2f: npz (zip) reading; Eigen for the blendshape solve and Kabsch.
  # FastAPI example and the browser test of the web page (headless Chromium).
  python3-fastapi python3-httpx python3-multipart chromium
  # Fuzzing (make fuzz): clang with libFuzzer and the sanitizer runtimes.
  clang libclang-rt-14-dev
  # Dev-set and training tools only (separate programs; espeak-ng is GPL and never linked
  # into the library, CLI, server or Python module).
  espeak-ng libespeak-ng-dev flite flite1-dev
  asterisk-core-sounds-en asterisk-core-sounds-en-g722 ffmpeg sox
  asterisk-core-sounds-es asterisk-core-sounds-es-g722 asterisk-core-sounds-fr asterisk-core-sounds-fr-g722 asterisk-core-sounds-it asterisk-core-sounds-it-g722 asterisk-core-sounds-ru asterisk-core-sounds-ru-g722 festival festvox-us-slt-hts festvox-kallpc16k festvox-kdlpc16k wamerican wbritish wngerman wfrench wspanish witalian wportuguese wbrazilian wdutch wswedish wdanish wnorwegian wpolish wcatalan wbulgarian wukrainian wesperanto  # training corpus only (training/README.md)
)

missing=()
for p in "${core[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The web page (web/) is bundled with npm. Machines that already have Node.js from elsewhere
# keep it; otherwise Debian's nodejs and npm are installed.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#core[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
