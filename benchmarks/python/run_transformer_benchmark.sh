#!/bin/bash
# Runs the DJL and the PyTorch side of the transformer training-throughput benchmark back to back, alternating
# twice, and prints the ratio table. Usage, from the repository root:
#   benchmarks/python/run_transformer_benchmark.sh [steps] [batch224]
set -euo pipefail
STEPS=${1:-3}
B224=${2:-8}
OUT=benchmarks/results
mkdir -p "$OUT"
mvn -q -B -o -pl benchmarks -am install -DskipTests
mvn -q -B -o -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/benchmarks/target/classpath.txt"
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
for round in 1 2; do
  /usr/bin/python3 benchmarks/python/transformer_benchmark.py --steps "$STEPS" --warmup 1 --batch224 "$B224" \
      --json "$OUT/torch-$round.json"
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP" \
      dev.perennial.benchmarks.TransformerTrainingThroughput --steps "$STEPS" --warmup 1 --batch224 "$B224" \
      --json "$OUT/djl-$round.json" --torch-json "$OUT/torch-$round.json"
  uptime
done
