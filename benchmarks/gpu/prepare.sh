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
dev=${DEVICE_DIR:-$root/.device}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
rm -rf "$dev/djl-src" "$dev/jdk-include" "$dev/jre" "$dev/lib"
mkdir -p "$dev/djl-src"
git -C "$djl" archive v0.36.0 engines/pytorch/pytorch-native/src/main/native \
  engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni api/src/main/native | tar -x -C "$dev/djl-src"
javac -sourcepath "$dev/djl-src/engines/pytorch/pytorch-engine/src/main/java" -d "$dev/djl-src/classes" \
  -h "$dev/djl-src/generated" "$dev/djl-src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$dev/djl-src/classes"
cp -r "$java_home/include" "$dev/jdk-include"
# The modules GpuProof's class path uses: java.desktop (Mini-CoIN renders with java.awt), java.management (DJL's
# CudaUtils memory query), java.logging, java.xml, jdk.unsupported; nothing else, to stay under 64 MiB.
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.xml,jdk.unsupported \
  --strip-debug --strip-native-debug-symbols=objcopy=/usr/bin/objcopy --no-header-files --no-man-pages --compress=2 \
  --output "$dev/jre"
find "$dev/jre" -name '*.so' -exec strip --strip-unneeded {} +
(cd "$root" && mvn -B -q -o dependency:copy-dependencies -pl benchmarks -DincludeScope=runtime \
  -DoutputDirectory="$dev/lib" -Dmdep.useBaseVersion=true)
cp "$root"/benchmarks/target/perennial-benchmarks-*.jar "$dev/lib/"
# Neither the CPU libtorch nor DJL's 2.7.1 JNI travels: build-jni.sh puts a JNI built there into the libtorch folder,
# where DJL looks first.
rm -f "$dev"/lib/pytorch-native-cpu-*.jar "$dev"/lib/pytorch-jni-*.jar
# The tokenizers jar carries native libraries for every platform; the GPU machine needs linux-x86_64 only.
for j in "$dev"/lib/tokenizers-*.jar; do
  [ -f "$j" ] || continue
  zip -q -d "$j" 'native/lib/osx-*' 'native/lib/win-*' 'native/lib/linux-aarch64/*' >/dev/null 2>&1 || true
done
# The runtime and jars travel as one gzip archive (libjvm.so and the class files shrink to about 2/3); the device
# machine's working tree, carried paths included, is limited to 64 MiB.
tar -C "$dev" -czf "$dev/runtime.tar.gz" jre lib
rm -rf "$dev/jre" "$dev/lib"
du -sh "$dev/djl-src" "$dev/jdk-include" "$dev/runtime.tar.gz"
total=$(du -sb "$dev/djl-src" "$dev/jdk-include" "$dev/runtime.tar.gz" | awk '{s+=$1} END {print s}')
tree=$(cd "$root" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "prepare: .device holds $((total / 1048576)) MiB to carry, the tracked tree $((tree / 1048576)) MiB (limit 64 MiB together)"
[ $((total + tree)) -le $((64 * 1048576)) ] || { echo "prepare: over the 64 MiB a device machine receives" >&2; exit 1; }
