#!/usr/bin/env bash
# The GPU-path check, run on a lent GPU machine from the repository root, with .device/jre (a jlink'ed Java 17)
# and .device/lib (the runtime jars, without the CPU native jar) carried along. There is no libtorch 2.7.1 CUDA
# build on that machine and none can be fetched, so DJL's cu128 JNI library is tried against the machine's own
# PyTorch libraries; the output says whether that works. Usage: benchmarks/gpu/device-check.sh OUT_DIR
set -u
out=${1:-/tmp/device-out}
mkdir -p "$out"
{
  echo "== machine"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  echo "== python torch"; python3 -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0))'
  torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  echo "torch lib: $torch_lib"; ls "$torch_lib" | head -30
  echo "== java"; .device/jre/bin/java -version 2>&1
  export PYTORCH_LIBRARY_PATH="$torch_lib" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 DJL_OFFLINE=true
  export DJL_CACHE_DIR=/tmp/djl-cache ENGINE_CACHE_DIR=/tmp/djl-cache
  echo "== DevicePathCheck"
  timeout 400 .device/jre/bin/java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
      -cp ".device/lib/*" dev.perennial.benchmarks.gpu.DevicePathCheck "$out/device-path.json" 2 32
  echo "exit: $?"
} 2>&1 | tee "$out/device-check.log"
{
  echo "== EngineProbe"
  timeout 200 .device/jre/bin/java -Dai.djl.offline=true -cp ".device/lib/*" dev.perennial.benchmarks.gpu.EngineProbe
  echo "exit: $?"
} 2>&1 | tee -a "$out/device-check.log"
