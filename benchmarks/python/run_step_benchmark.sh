#!/usr/bin/env bash
# Issue #11's one command: (a) bare DJL, (b) Perennial's shared loop, (c) PyTorch eager and (d) GEMM peak, side by
# side, for ViT-S/16 (224 px), ResNet-18-CIFAR (32 px) and a LLaMA-block classifier, in interleaved rounds; then the
# data path's samples/s on CIFAR-10. One intra-op thread on every side. From the repository root:
#   benchmarks/python/run_step_benchmark.sh [rounds=3] [json=benchmarks/results/loop-overhead.json] [extra args...]
# Extra arguments go to dev.perennial.benchmarks.perf.LoopOverheadBenchmark (e.g. --plan resnet18_cifar:32:1:4).
# Set DATA_PATH=0 to skip the CIFAR data-path measurement.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
ROUNDS=${1:-3}
JSON=${2:-benchmarks/results/loop-overhead.json}
shift $(( $# > 2 ? 2 : $# ))
mvn -q -B -o -pl benchmarks -am install -Dmaven.test.skip=true >&2
mvn -q -B -o -pl benchmarks dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$root/benchmarks/target/step-classpath.txt" >&2
# Private copies of the project's jars (own folder, not bin/benchmark's), so a concurrent "mvn install" or
# another benchmark cannot swap a jar mid-run.
lib="$root/benchmarks/target/step-bench-lib"
rm -rf "$lib" && mkdir -p "$lib"
cp -r benchmarks/target/classes "$lib/classes"
cp=$lib/classes
for jar in $(tr ':' ' ' < benchmarks/target/step-classpath.txt); do
  case "$jar" in
    */dev/perennial/*) cp "$jar" "$lib/"; cp="$cp:$lib/$(basename "$jar")" ;;
    *) cp="$cp:$jar" ;;
  esac
done
export DJL_OFFLINE=true OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
JAVA_OPTS="-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
echo "== $(date -u '+%Y-%m-%d %H:%M:%S UTC'); uptime: $(uptime)"
java $JAVA_OPTS -cp "$cp" dev.perennial.benchmarks.perf.LoopOverheadBenchmark --rounds "$ROUNDS" --json "$JSON" "$@"
echo "== uptime: $(uptime)"
if [ "${DATA_PATH:-1}" != 0 ]; then
  java $JAVA_OPTS -cp "$cp" dev.perennial.benchmarks.perf.CifarDataPath --loop-json "$JSON" --json "${JSON%.json}-data-path.json"
  echo "== uptime: $(uptime)"
fi
