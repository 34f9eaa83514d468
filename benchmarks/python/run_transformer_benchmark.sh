#!/bin/bash
# Runs the DJL and the PyTorch side of the transformer training-throughput benchmark back to back, alternating
# ROUNDS times (default 3), and prints one ratio table per round. Usage, from the repository root:
#   benchmarks/python/run_transformer_benchmark.sh [steps] [batch224] [threads] [rounds]
# Both sides use the same number of intra-op threads (default 1: on a shared 2-core machine, 2 threads per
# process under oversubscription made both frameworks 5-20x slower through spinning worker threads).
set -euo pipefail
STEPS=${1:-3}
B224=${2:-8}
THREADS=${3:-1}
ROUNDS=${4:-3}
OUT=benchmarks/results
mkdir -p "$OUT"
mvn -q -B -o -pl benchmarks -am install -DskipTests
mvn -q -B -o -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/benchmarks/target/classpath.txt"
# Private copies of the jars, so that a concurrent "mvn install" of another module cannot swap a jar mid-run.
LIB=benchmarks/target/bench-lib
rm -rf "$LIB" && mkdir -p "$LIB"
CP="$LIB/classes"
for jar in $(tr ':' ' ' < benchmarks/target/classpath.txt); do
  case "$jar" in
    */dev/perennial/*) cp "$jar" "$LIB/"; CP="$CP:$LIB/$(basename "$jar")" ;;
    *) CP="$CP:$jar" ;;
  esac
done
cp -r benchmarks/target/classes "$LIB/classes"
for round in $(seq 1 "$ROUNDS"); do
  /usr/bin/python3 benchmarks/python/transformer_benchmark.py --steps "$STEPS" --warmup 1 --batch224 "$B224" \
      --threads "$THREADS" --json "$OUT/torch-$round.json"
  java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP" \
      dev.perennial.benchmarks.TransformerTrainingThroughput --steps "$STEPS" --warmup 1 --batch224 "$B224" \
      --json "$OUT/djl-$round.json" --torch-json "$OUT/torch-$round.json"
  uptime
done
