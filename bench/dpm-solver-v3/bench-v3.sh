#!/bin/bash
# Held-out scores of dpm-solver-v3 (authors' settings per NFE, and the preset defaults), dpm-solver++-3m, unipc-bh1-3 and
# unipc-bh2-3 at NFE 5, 6, 8, 10, logSNR-uniform (bench/BENCHMARKS.md, "DPM-Solver-v3 against DPM-Solver++ 3M and UniPC").
# Appends one line per schedule to OUT: model, NFE, solver, evaluate --json output, wall seconds.
# usage: bench-v3.sh CLI MODEL_DIR SAMPLES TEACHER_NFE DB OUT [extra evaluate args]
CLI=$1; M=$2; N=$3; TN=$4; DB=$5; OUT=$6; shift 6
S=$(mktemp -d)
for nfe in 5 6 8 10; do
  case $nfe in
    5) A='{"order":3,"p_pseudo":true,"use_corrector":true,"c_pseudo":false,"lower_order_final":false}';;
    6|8) A='{"order":3,"p_pseudo":false,"use_corrector":true,"c_pseudo":false,"lower_order_final":true}';;
    10) A='{"order":3,"p_pseudo":false,"use_corrector":false,"c_pseudo":false,"lower_order_final":true}';;
  esac
  $CLI schedule preset dpm-solver-v3 --model $M/model.json --nfe $nfe --spacing logsnr-uniform --options "$A" --out $S/v3a-$nfe.json || exit 1
  $CLI schedule preset dpm-solver-v3 --model $M/model.json --nfe $nfe --spacing logsnr-uniform --out $S/v3d-$nfe.json || exit 1
  for p in dpm-solver++-3m unipc-bh1-3 unipc-bh2-3; do
    $CLI schedule preset $p --model $M/model.json --nfe $nfe --spacing logsnr-uniform --out $S/$p-$nfe.json || exit 1
  done
  for f in v3a v3d dpm-solver++-3m unipc-bh1-3 unipc-bh2-3; do
    start=$(date +%s.%N)
    r=$($CLI evaluate --model $M/model.json --schedule $S/$f-$nfe.json --heldout --samples $N --teacher-nfe $TN --db $DB --json "$@" 2>&1)
    end=$(date +%s.%N)
    echo -e "$(basename $M)\t$nfe\t$f\t$(echo "$r" | tr -d '\n' | head -c 600)\t$(echo "$end - $start" | bc)" >> $OUT
  done
done
