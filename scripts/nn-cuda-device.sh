#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs on the GPU machine, from the repository root, with .cuda-carry/bundle.txz carried along
# (scripts/nn-cuda-bundle.sh). Steps (any subset, in order): test conformance export bench cpu.
#   test         nn_cuda_test on the tiny replicas (reference, CPU-vs-GPU, plan/sync checks)
#   conformance  ONNX node tests on the CUDA backend
#   export       full-size regression and diffusion replicas -> /tmp/rep/full (PyTorch there)
#   fulltest     nn_cuda_test's full-size replica check
#   bench        GPU throughput of the full replicas, batched (bench2: a shorter set)
#   profile      per-op GPU times of the full replicas (VOXFACE_NN_PROFILE=1)
#   cpu          CPU throughput of the full replicas, for comparison
# Logs go to $OUT (or ./out).
set -u
out=${OUT:-out}
mkdir -p "$out" /tmp/carry
if [ ! -e /tmp/carry/.unpacked ]; then
  tar -C /tmp/carry -xJf .cuda-carry/bundle.txz && touch /tmp/carry/.unpacked
fi
bin=/tmp/carry/bin
export LD_LIBRARY_PATH=/tmp/carry/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
[ $# -eq 0 ] && { nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader;
                  ldd $bin/nn_cuda_test | grep "not found"; }
gpu_batches=${GPU_BATCHES:-1,2,4,8,16,32,64,128}
for step in "$@"; do
  echo "=== $step"
  case $step in
    test)
      VOXFACE_NN_REPLICAS_DIR=tests/data/replicas timeout 180 $bin/nn_cuda_test --gtest_filter=-CudaFull* \
        > "$out/cuda_test.log" 2>&1
      echo "nn_cuda_test rc=$?"
      grep -E "^\[ (replica|cpu-gpu) \]|FAILED|PASSED|SKIPPED \]" "$out/cuda_test.log" | head -120
      ;;
    conformance)
      VOXFACE_ONNX_NODE_TESTS_DIR=/tmp/carry/onnx-node-tests \
      VOXFACE_NN_EXPECTED_FAILURES=src/nn/cuda/conformance_expected_failures_cuda.txt \
        timeout 240 $bin/nn_onnx_conformance_cuda_test > "$out/conformance.log" 2>&1
      echo "conformance rc=$?"
      grep -E "^\[  FAILED  \]" "$out/conformance.log" | sort -u | head -80
      tail -1 "$out/conformance.log"
      ;;
    export)
      PYTHONUNBUFFERED=1 timeout 300 python3 - > "$out/export.log" 2>&1 <<'PY'
import functools, runpy, sys, torch
# torch >= 2.9 exports through dynamo by default; the replicas are TorchScript exports.
torch.onnx.export = functools.partial(torch.onnx.export, dynamo=False)
sys.argv = ["export_replicas.py", "--size", "full", "--models", "regression_v2_3",
            "diffusion_v3_0", "--no-verify", "--out", "/tmp/rep/full"]
runpy.run_path("tools/replicas/export_replicas.py", run_name="__main__")
PY
      echo "export rc=$?"; tail -5 "$out/export.log"; ls -la /tmp/rep/full/*/model.onnx
      ;;
    fulltest)
      VOXFACE_NN_REPLICAS_DIR=/tmp/rep timeout 180 $bin/nn_cuda_test --gtest_filter=CudaFull* \
        > "$out/full_test.log" 2>&1
      echo "full test rc=$?"; grep -E "^\[ full \]|FAILED|OK \]" "$out/full_test.log"
      ;;
    bench)
      reg=/tmp/rep/full/regression_v2_3/model.onnx
      dif=/tmp/rep/full/diffusion_v3_0/model.onnx
      b=$bin/nn_cuda_bench
      for tf32 in 0 1; do
        echo "## regression, TF32=$tf32"
        VOXFACE_NN_CUDA_TF32=$tf32 $b --model $reg --batches ${GPU_BATCHES:-1,2,4,8,16,32,64,128,256} \
          --seconds 1.5 --fps-per-item 60
      done
      echo "## regression, 2 concurrent runs"
      $b --model $reg --batches 32,64,128 --seconds 1.5 --fps-per-item 60 --threads 2
      echo "## regression through nn::Batcher (single-item requests)"
      $b --model $reg --batches 128 --clients 256 --threads 2 --delay-us 4000 --seconds 2 \
        --fps-per-item 60
      echo "## diffusion, pageable inputs"
      $b --model $dif --batches 1,4 --seconds 2 --fps-per-item 2
      echo "## diffusion, page-locked inputs"
      $b --model $dif --batches ${DIFF_BATCHES:-1,2,4,8,16} --seconds 2 --fps-per-item 2 --pinned 1
      echo "## diffusion, page-locked inputs, 2 concurrent runs"
      $b --model $dif --batches 4,8 --seconds 2 --fps-per-item 2 --pinned 1 --threads 2
      echo "## diffusion, page-locked inputs, TF32"
      VOXFACE_NN_CUDA_TF32=1 $b --model $dif --batches 4,8 --seconds 2 --fps-per-item 2 --pinned 1
      echo "## diffusion through nn::Batcher (single-item requests)"
      $b --model $dif --batches 8 --clients 16 --threads 2 --delay-us 20000 --seconds 3 \
        --fps-per-item 2 --pinned 1
      ;;
    bench2)
      # After host-once values became size-limited: diffusion again, regression spot checks.
      reg=/tmp/rep/full/regression_v2_3/model.onnx
      dif=/tmp/rep/full/diffusion_v3_0/model.onnx
      b=$bin/nn_cuda_bench
      echo "## diffusion, page-locked inputs"
      $b --model $dif --batches 1,2,4,8,16,32 --seconds 2 --fps-per-item 2 --pinned 1
      echo "## diffusion, page-locked inputs, 2 concurrent runs"
      $b --model $dif --batches 8,16 --seconds 2 --fps-per-item 2 --pinned 1 --threads 2
      echo "## diffusion, page-locked inputs, TF32"
      VOXFACE_NN_CUDA_TF32=1 $b --model $dif --batches 8,16 --seconds 2 --fps-per-item 2 --pinned 1
      echo "## diffusion through nn::Batcher (single-item requests)"
      $b --model $dif --batches 16 --clients 32 --threads 2 --delay-us 20000 --seconds 4 \
        --fps-per-item 2 --pinned 1
      echo "## regression"
      $b --model $reg --batches 1,64,256 --seconds 1.5 --fps-per-item 60
      ;;
    profile)
      # Per-op GPU time (events around every node and copy), printed when the session closes.
      VOXFACE_NN_PROFILE=1 $bin/nn_cuda_bench --model /tmp/rep/full/regression_v2_3/model.onnx \
        --batches ${PROFILE_REG_BATCHES:-64} --seconds 1 > "$out/profile_regression.log" 2>&1
      VOXFACE_NN_PROFILE=1 $bin/nn_cuda_bench --model /tmp/rep/full/diffusion_v3_0/model.onnx \
        --batches ${PROFILE_DIFF_BATCHES:-4} --seconds 1 --fps-per-item 2 \
        > "$out/profile_diffusion.log" 2>&1
      head -40 "$out/profile_regression.log"; head -45 "$out/profile_diffusion.log"
      ;;
    cpu)
      echo "## CPU ($(nproc) cores), regression"
      timeout 120 $bin/nn_cuda_bench --model /tmp/rep/full/regression_v2_3/model.onnx --device cpu \
        --batches 1,8,32 --seconds 3 --fps-per-item 60 --cpu-threads $(nproc)
      echo "## CPU ($(nproc) cores), regression, 1 thread per run, $(nproc) concurrent runs"
      timeout 60 $bin/nn_cuda_bench --model /tmp/rep/full/regression_v2_3/model.onnx --device cpu \
        --batches 1 --seconds 3 --fps-per-item 60 --threads $(nproc)
      echo "## CPU ($(nproc) cores), diffusion"
      timeout 120 $bin/nn_cuda_bench --model /tmp/rep/full/diffusion_v3_0/model.onnx --device cpu \
        --batches 1 --seconds 4 --fps-per-item 2 --cpu-threads $(nproc)
      ;;
  esac
done
