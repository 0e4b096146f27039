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
if [ -x "$out/zstd/zstd" ]; then
  # The device image has neither zstd nor python's zstandard: prepare.sh puts this machine's zstd (and the libraries
  # it links) in a folder of its own, carried with the chunks.
  LD_LIBRARY_PATH="$out/zstd" "$out/zstd/zstd" -d -q -c /tmp/bundle.tar.zst | tar -C /tmp/ss -xf -
elif command -v zstd >/dev/null; then
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
"$cli" model inspect models/fashion-unet-eps/model.json
for device in cpu cuda:0; do
  echo "== baselines on $device"
  /usr/bin/time -f "wall %e s" timeout 300 "$cli" baselines --model models/gmm-64/model.json --nfe 5,8 --device "$device" --json > "${OUT:-/tmp}/baselines-$device.json"
  echo "== quickstart search on $device"
  /usr/bin/time -f "wall %e s" timeout 300 "$cli" run searches/quickstart.search.json --db "/tmp/quickstart-$device.db" --device "$device"
done

# Lanes (issue 6): two lanes on the one GPU must find the same winners with the same scores as one lane.
echo "== quickstart search on two lanes cuda:0,cuda:0"
/usr/bin/time -f "wall %e s" timeout 300 "$cli" run searches/quickstart.search.json --db /tmp/quickstart-lanes.db --devices cuda:0,cuda:0
for db in quickstart-cuda:0 quickstart-lanes; do "$cli" show quickstart --db "/tmp/$db.db" --json > "/tmp/$db.json"; done
python3 - <<'PY'
import json
a, b = (json.load(open(f"/tmp/{n}.json")) for n in ("quickstart-cuda:0", "quickstart-lanes"))
win = lambda d: [(n["nfe"], n["best"]["key"], n["best"]["score"], n["best"]["heldout"]) for n in d["per_nfe"]]
print("lanes: same winners and scores as one lane:", win(a) == win(b), win(a), win(b))
PY

# Lockstep (issue 6): the quickstart's candidates in waves of 50 whose model calls run as one call per round, in
# runs of up to 65536 rows, against one candidate at a time on the same GPU: time, and the same winners and scores
# (a GPU's kernels may change a row's last bits with its neighbours; the script prints whether they did).
echo "== quickstart search on cuda:0 in lockstep (--lockstep 50 --max-batch 65536)"
/usr/bin/time -f "wall %e s" timeout 300 "$cli" run searches/quickstart.search.json --db /tmp/quickstart-lockstep.db --device cuda:0 --lockstep 50 --max-batch 65536
"$cli" show quickstart --db /tmp/quickstart-lockstep.db --json > /tmp/quickstart-lockstep.json
python3 - <<'PY'
import json
a, b = (json.load(open(f"/tmp/{n}.json")) for n in ("quickstart-cuda:0", "quickstart-lockstep"))
win = lambda d: [(n["nfe"], n["best"]["key"], n["best"]["score"], n["best"]["heldout"]) for n in d["per_nfe"]]
print("lockstep: same winners and scores as one at a time:", win(a) == win(b), win(a), win(b))
PY

# The trained guided UNet (a short search, CPU against CUDA), then a time-budget search over it and its small
# variant (issue 9): the model time per sample of each network as measured on the GPU.
cat > /tmp/unet.search.json <<JSON
{ "format": "schedule-search/search@1", "name": "unet gpu check", "model": "$root/models/fashion-unet-eps/model.json",
  "nfe": [5], "guidance": { "scale": 3, "classes": "cycle" },
  "metric": { "kind": "teacher-mean-rmse", "samples": 256, "seed": 0, "heldout": { "samples": 256, "seed": 1 },
              "teacher": { "preset": "dpm-solver++-3m", "nfe": 50, "spacing": "logsnr-uniform" } },
  "strategy": { "kind": "cma-evolutionary", "population": 8, "seed": 0 }, "budget": { "evaluations": 40 },
  "baselines": ["dpm-solver++-2m", "unipc-bh2-2"] }
JSON
for device in cuda:0 cpu; do
  echo "== guided UNet search on $device"
  /usr/bin/time -f "wall %e s" timeout 240 "$cli" run /tmp/unet.search.json --db "/tmp/unet-$device.db" --device "$device"
done
sed -e 's/"unet gpu check"/"unet cost check"/' -e 's/"budget": { "evaluations": 40 }/"budget": { "evaluations": 24 }, "objective": { "kind": "time-budget", "time_per_sample_ms": 1000 }, "space": { "models": ["small"] }/' \
  /tmp/unet.search.json > /tmp/unet-cost.search.json
echo "== time-budget search over fashion-unet-eps and its small variant on cuda:0"
/usr/bin/time -f "wall %e s" timeout 240 "$cli" run /tmp/unet-cost.search.json --db /tmp/unet-cost.db --device cuda:0
"$cli" show "unet cost check" --db /tmp/unet-cost.db --json > "${OUT:-/tmp}/unet-cost-show.json"
python3 -c "import json; c=json.load(open('${OUT:-/tmp}/unet-cost-show.json')).get('cost'); print('measured on the GPU:', c and c['ms_per_sample_per_call'], c and c['device'])"

kill "$smi" 2>/dev/null
echo "done; utilisation samples in ${OUT:-/tmp}/gpu-utilisation.csv"
