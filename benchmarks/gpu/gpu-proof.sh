#!/usr/bin/env bash
# The GPU proof (issue #25), one command on a machine with an NVIDIA GPU, its own PyTorch (not 2.7.1), no JDK and no
# network, from the repository root with .device/ (benchmarks/gpu/prepare.sh) carried along:
#   benchmarks/gpu/gpu-proof.sh OUT_DIR [devices=cpu,gpu] [precisions=fp32,bf16]
# 1. builds DJL 0.36's PyTorch JNI against the machine's libtorch (benchmarks/gpu/build-jni.sh) into torch/lib,
# 2. runs GpuProof (continual-VQA small model and a SAFE session, CPU and GPU, fp32 and bf16) with that libtorch,
# 3. prints seconds per step, peak GPU memory (GpuProof's driver samples and nvidia-smi's, every 0.5 s) and accuracy.
# Rehearsal on a CPU machine: TORCH_INCLUDE, TORCH_LIB, CXX11_ABI and PT_VERSION name another libtorch (README.md).
set -u
out=${1:-/tmp/gpu-proof}; devices=${2:-cpu,gpu}; precisions=${3:-fp32,bf16}
mkdir -p "$out"
py=${PYTHON:-python3}
# The libtorch paths are found here, outside the logged pipelines (a pipeline's variables stay in its subshell).
if [ -z "${TORCH_LIB:-}" ]; then
  TORCH_LIB=$($py -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  TORCH_INCLUDE=$($py -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "include"))')
  CXX11_ABI=$($py -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
fi
{
  echo "== machine"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || echo "no nvidia-smi"
  $py -c 'import torch; print("python torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1 | tail -1
  echo "libtorch: $TORCH_LIB (include $TORCH_INCLUDE, cxx11 abi ${CXX11_ABI:-1})"
  echo "== build the JNI"
  start=$(date +%s)
  benchmarks/gpu/build-jni.sh .device/djl-src "$TORCH_INCLUDE" "$TORCH_LIB" .device/jdk-include "${CXX11_ABI:-1}" \
    "${PT_VERSION:-}" || { echo "JNI build failed"; exit 1; }
  echo "JNI built in $(( $(date +%s) - start )) s"
} 2>&1 | tee "$out/gpu-proof.log"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
rt=.device
if [ ! -x .device/jre/bin/java ]; then
  rt=/tmp/perennial-runtime; rm -rf "$rt"; mkdir -p "$rt"; tar -C "$rt" -xzf .device/runtime.tar.gz
fi
export PYTORCH_LIBRARY_PATH="$TORCH_LIB" DJL_OFFLINE=true DJL_CACHE_DIR=/tmp/djl-cache ENGINE_CACHE_DIR=/tmp/djl-cache
if nvidia-smi -L >/dev/null 2>&1; then
  export PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-cu128}
  nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader,nounits -lms 500 > "$out/nvidia-smi.csv" 2>/dev/null &
  smi=$!
fi
{
  echo "== GpuProof"
  timeout 500 "$rt/jre/bin/java" -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$rt/lib/*" dev.perennial.benchmarks.gpu.GpuProof "$out/gpu-proof.json" "$devices" "$precisions"
  echo "exit: $?"
  if [ -n "${smi:-}" ]; then
    kill "$smi" 2>/dev/null
    echo "nvidia-smi peak memory.used: $(cut -d, -f2 "$out/nvidia-smi.csv" | sort -n | tail -1) MiB"
  fi
} 2>&1 | tee -a "$out/gpu-proof.log"
