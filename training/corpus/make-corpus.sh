#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the training corpus (training/README.md): builds the generators, the voxface CLI (for
# forced alignment) and the Python module (for the ARKit targets) in BUILD_DIR, then runs
# training/corpus/make_corpus.py, nice'd, with Debian's python3.
#
# Usage: training/corpus/make-corpus.sh OUT_DIR [make_corpus.py flags...]
#   e.g. training/corpus/make-corpus.sh /work/corpus/v1 --espeak-hours 24 --flite-hours 4
# Environment: BUILD_DIR (default build/), JOBS (parallel compile jobs, default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[[ $# -ge 1 ]] || { echo "usage: $0 OUT_DIR [make_corpus.py flags...]" >&2; exit 2; }
out=$1
shift
build=${BUILD_DIR:-$root/build}

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
nice cmake --build "$build" -j "${JOBS:-2}" \
  --target corpus_espeak corpus_flite voxface_cli _voxface >/dev/null
PYTHONPATH=$build/python exec nice /usr/bin/python3 "$root/training/corpus/make_corpus.py" \
  --build "$build" --out "$out" "$@"
