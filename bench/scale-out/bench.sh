#!/usr/bin/env bash
# Evaluations per minute on one gmm-64 search (NFE 5), side by side in one go: the LiteDB single-process run, and a
# PostgreSQL search with 1 worker (the run --storage proposer alone) and with 2 (the proposer plus one worker process).
#   eval "$(.ci/postgres-up)"; bench/scale-out/bench.sh [BUDGET]      (default 300 evaluations; CPU)
# The teacher references (NFE 500, the spec's scoring and held-out sets) are computed once per store by a warm-up
# search first, so the figures are evaluation throughput; the baselines (32) are then cache hits, and the rate is
# taken over the search phase: evaluations stored between the last "baselines" and the last "search" progress line.
set -euo pipefail
cd "$(dirname "$0")/../.."
budget=${1:-300}
: "${SCHEDULE_SEARCH_TEST_POSTGRES:?start a server first: eval \"\$(.ci/postgres-up)\"}"
dotnet build src/ScheduleSearch.Cli -c Release -v q -nologo >/dev/null
cli=(dotnet "$PWD/src/ScheduleSearch.Cli/bin/Release/net10.0/schedule-search.dll")
work=$(mktemp -d /tmp/scale-out-bench.XXXXXX)
schema=bench_$(date +%s)
url="$SCHEDULE_SEARCH_TEST_POSTGRES?schema=$schema"
export SCHEDULE_SEARCH_PLAIN=1
trap 'rm -rf "$work"; psql "${SCHEDULE_SEARCH_TEST_POSTGRES}" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true' EXIT

spec() { # NAME SEED BUDGET -> spec file
  python3 - "$PWD/models/gmm-64/model.json" "$1" "$2" "$3" "$work/$1.search.json" <<'PY'
import json, sys
model, name, seed, budget, out = sys.argv[1:]
s = json.load(open("searches/gmm-64.search.json"))
s.update(name=name, model=model, nfe=[5], budget={"evaluations": int(budget)})
s["strategy"]["seed"] = int(seed)
json.dump(s, open(out, "w"), indent=1)
PY
  echo "$work/$1.search.json"
}

rate() { # LOG -> evaluations per minute over the search phase
  python3 - "$1" <<'PY'
import re, sys, datetime
rows = []
for line in open(sys.argv[1]):
    m = re.match(r"(\S+Z) (baselines|search) gen \d+ \| (\d+)/\d+ evals", line)
    if m:
        rows.append((m.group(2), datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")), int(m.group(3))))
start = [r for r in rows if r[0] == "baselines"][-1]
end = [r for r in rows if r[0] == "search"][-1]
seconds = (end[1] - start[1]).total_seconds()
print(f"{(end[2] - start[2]) / seconds * 60:.0f} evaluations/min ({end[2] - start[2]} in {seconds:.0f} s)")
PY
}

echo "warm-up: teacher references in both stores" >&2
"${cli[@]}" run "$(spec warm 0 32)" --db "$work/bench.db" >/dev/null
"${cli[@]}" run "$(spec warm 0 32)" --storage "$url" >/dev/null

"${cli[@]}" run "$(spec litedb 1 "$budget")" --db "$work/bench.db" >"$work/litedb.log"
"${cli[@]}" run "$(spec one-worker 1 "$budget")" --storage "$url" >"$work/one.log"
"${cli[@]}" run "$(spec two-workers 2 "$budget")" --storage "$url" >"$work/two.log" &
run=$!
until grep -q "workers join with" "$work/two.log" 2>/dev/null; do sleep 0.2; done
"${cli[@]}" worker --storage "$url" --search two-workers >"$work/worker.log"
wait "$run"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); budget $budget, gmm-64 NFE 5, CPU"
echo "LiteDB, 1 process:                    $(rate "$work/litedb.log")"
echo "PostgreSQL, 1 worker (proposer):      $(rate "$work/one.log")"
echo "PostgreSQL, 2 workers (proposer + 1): $(rate "$work/two.log"); $(grep -o '[0-9]* of them here' "$work/two.log") on the proposer, $(grep -o 'after [0-9]* evaluations' "$work/worker.log" | tail -1) on the worker"
