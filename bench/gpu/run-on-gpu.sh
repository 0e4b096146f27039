#!/usr/bin/env bash
# Runs on the GPU machine (issue 10), from the repository root, after every chunk folder bench/gpu/out/cN has been
# carried there: checks the chunks' SHA-256 sums, reassembles and unpacks the self-contained CLI, puts the CUDA 13 and
# cuDNN 9 libraries of the machine's PyTorch environment (its nvidia/*/lib folders) on the library path, then runs the
# checks side by side on CPU and CUDA while sampling GPU utilisation with nvidia-smi. Everything it prints also goes
# to $OUT/gpu-run.log when OUT is set.
set -uo pipefail
root=$(pwd)
out="$root/bench/gpu/out"
log="${OUT:-/tmp}/gpu-run.log"
exec > >(tee "$log") 2>&1

cd "$out" || { echo "run-on-gpu.sh: $out is missing; carry the chunk folders first" >&2; exit 2; }
sha256sum -c --quiet <(grep ' c[0-9]*/part' c0/SHA256SUMS) || { echo "run-on-gpu.sh: a chunk is damaged or missing" >&2; exit 1; }
cat c*/part.* > /tmp/bundle.tar.zst
(cd /tmp && sha256sum -c --quiet <(grep ' bundle.tar.zst' "$out/c0/SHA256SUMS")) || { echo "run-on-gpu.sh: reassembled archive does not match" >&2; exit 1; }
mkdir -p /tmp/ss
if command -v zstd >/dev/null; then
  zstd -d -q -c /tmp/bundle.tar.zst | tar -C /tmp/ss -xf -
else
  python3 -c "import sys, zstandard; zstandard.ZstdDecompressor().copy_stream(open('/tmp/bundle.tar.zst','rb'), sys.stdout.buffer)" | tar -C /tmp/ss -xf - \
    || { echo "run-on-gpu.sh: neither zstd nor python's zstandard is available" >&2; exit 1; }
fi
cli=/tmp/ss/schedule-search/schedule-search
cd "$root"

# CUDA 13 and cuDNN 9 from the PyTorch environment's nvidia wheels.
nvlibs=$(python3 - <<'PY'
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except Exception:
    roots = []
print(":".join(sorted({os.path.dirname(p) for r in roots for p in glob.glob(os.path.join(r, "*", "lib", "*.so*"))})))
PY
)
export LD_LIBRARY_PATH="${nvlibs}:${LD_LIBRARY_PATH:-}"
echo "library path: $LD_LIBRARY_PATH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv

nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 1 > "${OUT:-/tmp}/gpu-utilisation.csv" &
smi=$!

"$cli" model inspect models/gmm-64/model.json
for device in cpu cuda:0; do
  echo "== baselines on $device"
  /usr/bin/time -f "wall %e s" "$cli" baselines --model models/gmm-64/model.json --nfe 5,8 --device "$device" --json > "${OUT:-/tmp}/baselines-$device.json"
  echo "== quickstart search on $device"
  /usr/bin/time -f "wall %e s" "$cli" run searches/quickstart.search.json --db "/tmp/quickstart-$device.db" --device "$device"
done

kill "$smi" 2>/dev/null
echo "done; utilisation samples in ${OUT:-/tmp}/gpu-utilisation.csv"
