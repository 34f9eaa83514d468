#!/usr/bin/env bash
# Builds DJL 0.36's PyTorch JNI library (libdjl_torch.so) against a libtorch that is not the 2.7.1 DJL ships for
# (a GPU machine's own pip-installed PyTorch; Debian's libtorch 1.13 for the rehearsal) and copies it into that
# libtorch's lib/ folder, where DJL looks for a JNI first (PYTORCH_LIBRARY_PATH=<that folder>).
# Needs only g++: no cmake, no JDK. The JNI headers come from a JDK 17's include/ carried along, and the generated
# header that DJL's build.sh makes with `javac -h` is carried pre-generated (benchmarks/gpu/README.md).
# No USE_CUDA: in DJL 0.36 it only adds a separate CUDA stream for TorchScript inference and emptyCache; CUDA
# tensors work through libtorch's dispatcher without it, and no CUDA headers are needed.
#
# Usage: benchmarks/gpu/build-jni.sh SRC TORCH_INCLUDE TORCH_LIB JDK_INCLUDE CXX11_ABI [PT_VERSION]
#   SRC            DJL v0.36.0 sources with generated/ (.device/djl-src, see README.md)
#   TORCH_INCLUDE  libtorch's include/ (pip: .../site-packages/torch/include; Debian: /usr/include)
#   TORCH_LIB      libtorch's lib/ (pip: .../site-packages/torch/lib); the JNI is written here
#   JDK_INCLUDE    a JDK 17 include/ (jni.h, linux/jni_md.h)
#   CXX11_ABI      0 or 1, as the libtorch was built (python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
#   PT_VERSION     V1_13_X for a libtorch 1.13 (the rehearsal); empty otherwise
set -euo pipefail
src=$(cd "$1" && pwd); inc=$2; lib=$3; jdk=$4; abi=$5; pt=${6:-}
native="$src/engines/pytorch/pytorch-native/src/main/native"
for f in "$native/djl_pytorch_utils.h" "$src/generated/ai_djl_pytorch_jni_PyTorchLibrary.h" \
         "$src/api/src/main/native/djl/utils.h" "$jdk/jni.h" "$inc/torch/csrc/api/include/torch/torch.h"; do
  [ -f "$f" ] || { echo "build-jni: $f is missing (see benchmarks/gpu/README.md)" >&2; exit 2; }
done
[ -e "$lib/libtorch.so" ] || { echo "build-jni: $lib has no libtorch.so" >&2; exit 2; }
build=${BUILD_DIR:-/tmp/djl-jni-build}
rm -rf "$build"; mkdir -p "$build"
defs="-D_GLIBCXX_USE_CXX11_ABI=$abi"
if [ -n "$pt" ]; then defs="$defs -D$pt"; fi
cxx=${CXX:-g++}
jobs=${JOBS:-$(nproc)}
# One object per source, in parallel: each includes torch.h and takes a minute or more.
ls "$native"/*.cc | xargs -P "$jobs" -I{} sh -c 'o="$0/$(basename "$1" .cc).o"; '"$cxx"' -std=c++17 -O2 -fPIC '"$defs"' \
  -I"$2" -I"$3/torch/csrc/api/include" -I"$3" -I"$4" -I"$4/linux" -I"$5" -c "$1" -o "$o" 2>"$o.log" \
  || { echo "build-jni: $1 failed:"; head -40 "$o.log"; exit 255; }' "$build" {} "$src/generated" "$inc" "$jdk" \
  "$src/api/src/main/native"
libs="-ltorch -ltorch_cpu -lc10"
# --no-as-needed before the libraries: libtorch.so's own DT_NEEDED (libtorch_cuda.so in a CUDA build) must stay even
# though the JNI calls nothing in it directly; its static initialisers register the CUDA kernels.
"$cxx" -shared -o "$build/libdjl_torch.so" "$build"/*.o -Wl,--no-as-needed -L"$lib" $libs -Wl,-rpath,'$ORIGIN'
cp "$build/libdjl_torch.so" "$lib/libdjl_torch.so"
echo "build-jni: built $lib/libdjl_torch.so ($(du -h "$lib/libdjl_torch.so" | cut -f1)) against $inc"
