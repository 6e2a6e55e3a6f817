#!/usr/bin/env bash
# The ablations of docs/results.md, with virtual cameras (GT 2D), on the dataset of
# `abspose data build` (CMU + ReActIdle + lab trials; body model and postures on by default).
# Usage: bash benchmarks/ablations.sh DATASET.npz OUTDIR   (about 45 minutes on 2 cores)
set -euo pipefail
data=${1:?dataset .npz from abspose data build}
out=${2:?output folder}
mkdir -p "$out"
abspose=${ABSPOSE:-.venv/bin/abspose}
common=(--dataset "$data" --epochs 40 --lr-drop-epoch 28 --seed 0)

# (a) paper Table 1: baseline vs +location vs +scale vs +both
for variant in "baseline:--no-location --no-scale" "location:--location --no-scale" \
               "scale:--no-location --scale" "both:--location --scale"; do
  name=${variant%%:*}; flags=${variant#*:}
  # shellcheck disable=SC2086
  "$abspose" train "${common[@]}" $flags --out "$out/t1_$name.safetensors" > "$out/t1_$name.train.log"
  "$abspose" evaluate --dataset "$data" --model "$out/t1_$name.safetensors" --split test > "$out/t1_$name.eval.txt"
done

# (b) paper Table 5: canonical vs direct depth, trained on focal 1000-1500 px, tested on other ranges
for target in canonical direct; do
  "$abspose" train "${common[@]}" --depth-target $target --focal-min 1000 --focal-max 1500 \
    --out "$out/t5_$target.safetensors" > "$out/t5_$target.train.log"
  for range in "1000 1500" "500 800" "2000 2500"; do
    set -- $range
    "$abspose" evaluate --dataset "$data" --model "$out/t5_$target.safetensors" --split test \
      --focal-min "$1" --focal-max "$2" > "$out/t5_${target}_$1-$2.eval.txt"
  done
done

# (c) paper Table 3: the lifter's root vs Mehta's closed-form root (same relative pose)
for root in lifter mehta; do
  "$abspose" evaluate --dataset "$data" --model "$out/t1_both.safetensors" --split test --root $root \
    > "$out/t3_$root.eval.txt"
done
grep -H "all\|distance" "$out"/*.eval.txt

# (d) paper Table 2: train on GT 2D vs + single-Gaussian errors vs + mixture errors; test on GT 2D,
# on held-out real OpenPose errors (frames 50-99 of Pose2Sim's demo, never fitted) and on samples
# of the mixture. Needs the errors of `abspose noise pose2sim` in $out/pose2sim_errors/errors.npz:
#   pip download pose2sim==0.3.6 --no-deps -d "$out/wheels"
#   abspose noise pose2sim --source "$out"/wheels/pose2sim-0.3.6-py3-none-any.whl --out-dir "$out/pose2sim_errors"
for noise in none openpose-gaussian openpose-mixture; do
  flags=(); [ "$noise" != none ] && flags=(--noise "$noise")
  "$abspose" train "${common[@]}" "${flags[@]}" --out "$out/t2_$noise.safetensors" > "$out/t2_$noise.train.log"
  for test in gt real mixture; do
    case $test in gt) e=();; real) e=(--input-errors "$out/pose2sim_errors/errors.npz");;
                  mixture) e=(--input-errors openpose-mixture);; esac
    "$abspose" evaluate --dataset "$data" --model "$out/t2_$noise.safetensors" --split test "${e[@]}" \
      > "$out/t2_${noise}_$test.eval.txt"
  done
done

# (e) posture augmentation on / off, scored on real held-out people per posture (sit, squat,
# stand, walk, jump) by benchmarks/real_capture.py.
"$abspose" train "${common[@]}" --no-postures --out "$out/tp_off.safetensors" > "$out/tp_off.train.log"
python=${PYTHON:-.venv/bin/python}
"$python" benchmarks/real_capture.py "$data" "$out/t1_both.safetensors" "$out/tp_off.safetensors" \
  --json "$out/postures.json" > "$out/postures.txt"
cat "$out/postures.txt"
