#!/usr/bin/env bash
# Prepares the GPU check (issue 10) on a development machine, so device minutes go to the run itself:
#   1. a self-contained linux-x64 publish of the CLI, which includes ONNX Runtime's CUDA provider
#      (libonnxruntime_providers_cuda.so, ~284 MB, from Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0);
#   2. one tar, compressed with zstd -19, split into chunks of at most 45 MiB, each chunk in its own folder
#      bench/gpu/out/cN/ (git-ignored), because one device call carries at most 64 MiB *including the working tree*
#      (about 11 MB of tracked files) and ignored folders left by an earlier call stay on the machine while it is warm;
#   3. SHA-256 sums of the whole archive and of every chunk (bench/gpu/out/c0/SHA256SUMS).
# Then carry c0, c1, ... in quick successive calls (`carry: ["bench/gpu/out/c1"]`, command `true`), and run
# bench/gpu/run-on-gpu.sh in the last call (see bench/gpu/README.md).
set -euo pipefail
root=$(git rev-parse --show-toplevel)
out="$root/bench/gpu/out"
rm -rf "$out"
mkdir -p "$out/stage"
command -v zstd >/dev/null || { echo "prepare.sh: zstd is missing (apt-get install zstd)" >&2; exit 2; }

dotnet publish "$root/src/ScheduleSearch.Cli" -c Release -r linux-x64 --self-contained true -o "$out/stage/schedule-search" -v quiet
# The Gpu package also drops ONNX Runtime's Windows native libraries into a linux-x64 publish (~215 MB): not needed.
rm -f "$out/stage/schedule-search"/onnxruntime.dll "$out/stage/schedule-search"/onnxruntime_providers_*.dll "$out/stage/schedule-search"/DirectML.dll
provider=$(find "$out/stage/schedule-search" -name 'libonnxruntime_providers_cuda.so' | head -n 1)
if [ -z "$provider" ]; then
  echo "prepare.sh: the publish has no libonnxruntime_providers_cuda.so; is Microsoft.ML.OnnxRuntime.Gpu referenced?" >&2
  exit 1
fi

tar -C "$out/stage" -cf - schedule-search | zstd -19 -T0 -q -o "$out/bundle.tar.zst"
(cd "$out" && split -b 45M -d -a 2 bundle.tar.zst part.)
i=0
for part in "$out"/part.*; do
  mkdir -p "$out/c$i"
  mv "$part" "$out/c$i/"
  i=$((i + 1))
done

(cd "$out" && sha256sum bundle.tar.zst c*/part.* > c0/SHA256SUMS)
# The GPU machine's image has no zstd (nor python's zstandard): carry this machine's, with the libraries it links.
mkdir -p "$out/zstd"
cp "$(command -v zstd)" "$out/zstd/"
ldd "$(command -v zstd)" | awk '/=> \// { print $3 }' | grep -v -e '/libc\.so' -e '/ld-linux' | xargs -r cp -t "$out/zstd/"
rm -rf "$out/stage" "$out/bundle.tar.zst"
echo "prepared $i chunk folder(s) and zstd/ under bench/gpu/out:"
du -sh "$out"/c* "$out/zstd"
