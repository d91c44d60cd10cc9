#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Packs what the CUDA tests and benchmark need on a GPU machine that lacks this project's Debian
# build dependencies: the test binaries of a VOXFACE_CUDA=ON build, the non-system shared
# libraries they link (onnx protobuf, OpenBLAS) and ONNX's generated node tests, into
# .cuda-carry/bundle.txz (git-ignored through .git/info/exclude). scripts/nn-cuda-device.sh
# unpacks and runs it there.
#   scripts/nn-cuda-bundle.sh [build dir, default /work/build-cuda]
set -eu
build=${1:-/work/build-cuda}
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d)
mkdir -p "$stage/bin" "$stage/lib"
for b in src/nn/cuda/nn_cuda_test src/nn/cuda/nn_onnx_conformance_cuda_test src/nn/cuda/nn_cuda_bench; do
  cp "$build/$b" "$stage/bin/"
done
strip "$stage"/bin/*
# Libraries the device image does not have (CUDA's own come from the device's toolkit).
ldd "$build/src/nn/cuda/nn_cuda_test" | awk '/=>/ {print $3}' |
  grep -E 'onnx|protobuf|openblas|gfortran|quadmath' | while read -r lib; do
    cp -L "$lib" "$stage/lib/"
  done
cp -r "$build/onnx-node-tests" "$stage/"
mkdir -p "$root/.cuda-carry"
tar -C "$stage" -cJf "$root/.cuda-carry/bundle.txz" .
rm -rf "$stage"
ls -la "$root/.cuda-carry/bundle.txz"
