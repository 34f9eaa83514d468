#!/usr/bin/env bash
# Prepares .device/ (ignored by git) for benchmarks/gpu/gpu-proof.sh on a GPU machine that has no JDK and can reach
# nothing: DJL v0.36.0's PyTorch JNI sources with the header `javac -h` generates, a JDK 17's include/, a jlink'ed
# Java 17 runtime and the benchmarks' runtime jars without the CPU native jar. Run from the repository root after
# `mvn install -DskipTests`, on a machine with JDK 17 and Maven:
#   benchmarks/gpu/prepare.sh DJL_GIT
# DJL_GIT: a clone of https://github.com/deepjavalibrary/djl (or its bare git directory) that has the tag v0.36.0;
# only the files named below are taken from it, into .device/djl-src (never committed).
set -euo pipefail
djl=${1:?usage: benchmarks/gpu/prepare.sh DJL_GIT (a DJL clone with tag v0.36.0)}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dev="$root/.device"
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
rm -rf "$dev/djl-src" "$dev/jdk-include" "$dev/jre" "$dev/lib"
mkdir -p "$dev/djl-src"
git -C "$djl" archive v0.36.0 engines/pytorch/pytorch-native/src/main/native \
  engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni api/src/main/native | tar -x -C "$dev/djl-src"
javac -sourcepath "$dev/djl-src/engines/pytorch/pytorch-engine/src/main/java" -d "$dev/djl-src/classes" \
  -h "$dev/djl-src/generated" "$dev/djl-src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$dev/djl-src/classes"
cp -r "$java_home/include" "$dev/jdk-include"
# The modules the benchmarks' class path uses (jdeps over the jars gives the same list).
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$dev/jre"
(cd "$root" && mvn -B -q -o dependency:copy-dependencies -pl benchmarks -DincludeScope=runtime \
  -DoutputDirectory="$dev/lib" -Dmdep.useBaseVersion=true)
cp "$root"/benchmarks/target/perennial-benchmarks-*.jar "$dev/lib/"
rm -f "$dev"/lib/pytorch-native-cpu-*.jar
# The tokenizers jar carries native libraries for every platform; the GPU machine needs linux-x86_64 only.
for j in "$dev"/lib/tokenizers-*.jar; do
  [ -f "$j" ] || continue
  zip -q -d "$j" 'native/lib/osx-*' 'native/lib/win-*' 'native/lib/linux-aarch64/*' >/dev/null 2>&1 || true
done
du -sh "$dev/djl-src" "$dev/jdk-include" "$dev/jre" "$dev/lib"
total=$(du -sb "$dev/djl-src" "$dev/jdk-include" "$dev/jre" "$dev/lib" | awk '{s+=$1} END {print s}')
echo "prepare: .device holds $((total / 1048576)) MiB to carry (limit 64 MiB)"
[ "$total" -le $((64 * 1048576)) ] || { echo "prepare: over the 64 MiB a device machine receives" >&2; exit 1; }
