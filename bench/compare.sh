#!/usr/bin/env bash
# Scratchgen beside TorchSharp-cpu 0.107.0 in one run: training images/s and peak RSS of the four
# reference models (MLP AE, MLP VAE, MLP GAN, DCGAN; batch 128, 9,000 images, 1 epoch), the DCGAN conv
# layers (forward+backward ms, batch 64) and SGEMM GFLOPS (n = 256, 512, 1024, 2048, 4096). Where Debian's
# /usr/bin/python3 has them, PyTorch 1.13 (bench/peers/torch_models.py, torch_dcgan.py) joins the model
# rounds and numpy/OpenBLAS (bench/peers/numpy_sgemm.py) the SGEMM rounds (--no-python leaves them out).
#
#   bench/compare.sh [--rounds N] [--epochs N (default 2; the last epoch is compared)] [--models "ae vae gan dcgan"] [--no-models] [--no-conv] [--no-sgemm] [--no-python] [--isa auto|avx2|avx512] [--recipe plain|default]
#
# --isa avx2 runs every .NET process (ours and TorchSharp's host) with DOTNET_EnableAVX512F=0, so .NET
# reports no AVX-512 and our kernels take their AVX2 paths, as on most users' machines; --isa avx512
# refuses a CPU without AVX-512F; auto (the default) takes what the CPU has. The header says which ran.
#
# Builds both sides in Release (into $ARTIFACTS, default /tmp/ts-artifacts, so that no obj/ folder of the
# working tree is touched), then runs them one after the other: for every model, round by round, ours and
# TorchSharp's in alternating order (ours first in odd rounds, theirs first in even ones), each in its own
# process so that peak RSS (VmHWM) is per model. The table gives the median over the rounds of each side
# and the ratio of the medians. The machine is shared and noisy: read ratios, not absolute figures.
# libtorch's OpenMP threads suffer far more than ours from other processes on the cores (AE measured
# 378 img/s at load ~9 against 10,600 on a quiet machine): the 1-minute load before each run is printed
# beside it; rerun with more --rounds when it is high. Our epoch lines also say how far apart the host
# kept the two cores (Scratchgen.Backends.Cpu.CoreDistance: ~60 ns round trip when they share an L3,
# ~330 ns when not, and then an MLP GAN step of ours is ~1.6x slower; TorchSharp's side has no such probe):
# read such rounds with that in mind.
#
# The peers' twins are the textbook networks, so ours train with --recipe plain (the same layers; for the
# MLP GAN the default recipe adds three batch norms to G, a minibatch-spread feature to D and an average
# of G's weights, 0.80x the images/s: bench/QUALITY.md). --recipe default times each model's defaults.
#
# The TorchSharp project (bench/Scratchgen.Bench.TorchSharp) is not in Scratchgen.sln: its first restore
# downloads about 1.3 GB. SCRATCHGEN_ROOT=DIR measures the Scratchgen sources in DIR instead of this
# checkout (e.g. another commit), the TorchSharp side still comes from here. Logs go to $LOG_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "$0")/.." && pwd)"
SG_ROOT="$(cd "${SCRATCHGEN_ROOT:-$HERE}" && pwd)"
ARTIFACTS="${ARTIFACTS:-/tmp/ts-artifacts}"
LOG_DIR="${LOG_DIR:-/tmp/scratchgen-compare-$(date +%Y%m%d-%H%M%S)}"
ROUNDS=1
EPOCHS=2   # images/s of the last epoch: the first one also pays for JIT compilation (ours) and library warm-up (theirs)
MODELS="ae vae gan dcgan"
DO_MODELS=1 DO_CONV=1 DO_SGEMM=1 DO_PYTHON=1
ISA=auto
RECIPE=plain
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --models) MODELS="$2"; shift 2 ;;
    --no-models) DO_MODELS=0; shift ;;
    --no-conv) DO_CONV=0; shift ;;
    --no-sgemm) DO_SGEMM=0; shift ;;
    --no-python) DO_PYTHON=0; shift ;;
    --isa) ISA="$2"; shift 2 ;;
    --recipe) RECIPE="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ISA" in
  auto) ;;
  avx2) export DOTNET_EnableAVX512F=0 ;;
  avx512) grep -qw avx512f /proc/cpuinfo || { echo "--isa avx512: this CPU has no AVX-512F (see /proc/cpuinfo)" >&2; exit 2; } ;;
  *) echo "--isa must be auto, avx2 or avx512, got '$ISA'" >&2; exit 2 ;;
esac
case "$RECIPE" in
  plain) ;;
  default) RECIPE="" ;;
  *) echo "--recipe must be plain or default, got '$RECIPE'" >&2; exit 2 ;;
esac
if grep -qw avx512f /proc/cpuinfo && [ "$ISA" != avx2 ]; then RAN=avx512; else RAN=avx2; fi
echo "== instruction set: $RAN (--isa $ISA; CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
mkdir -p "$LOG_DIR"

echo "== build (Release, artifacts in $ARTIFACTS, logs in $LOG_DIR)"
dotnet build "$SG_ROOT/src/Scratchgen.Cli" -c Release --artifacts-path "$ARTIFACTS" > "$LOG_DIR/build-scratchgen.log" 2>&1 \
  || { tail -20 "$LOG_DIR/build-scratchgen.log"; exit 1; }
dotnet build "$HERE/bench/Scratchgen.Bench.TorchSharp" -c Release --artifacts-path "$ARTIFACTS" > "$LOG_DIR/build-torchsharp.log" 2>&1 \
  || { tail -20 "$LOG_DIR/build-torchsharp.log"; exit 1; }
grep -h "marked weak" "$LOG_DIR/build-torchsharp.log" | sed 's/^ */  /' || true
set +e # from here on a failed run or a missing line shows as n/a in the tables, with its log kept

# The built programs, run as `dotnet run` runs them after its build check (from the Scratchgen root, where data/ is).
ours() { (cd "$SG_ROOT" && dotnet "$ARTIFACTS/bin/Scratchgen.Cli/release/Scratchgen.Cli.dll" "$@"); }
theirs() { (cd "$HERE" && dotnet "$ARTIFACTS/bin/Scratchgen.Bench.TorchSharp/release/Scratchgen.Bench.TorchSharp.dll" "$@"); }
has_ours() { ours "$@" --help > /dev/null 2>&1; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2fx", a / b }'; }
num() { grep -oE "$1" | head -1 | grep -oE '[0-9]+(\.[0-9]+)?' | head -1; }
# The Python peers, each in its own process (2 threads, as the scripts set), peak RSS from /usr/bin/time.
PY=/usr/bin/python3
HAVE_TORCH=0 HAVE_NUMPY=0
if [ "$DO_PYTHON" = 1 ] && [ -x "$PY" ]; then
  # Debian's PyTorch runs its matrix products on the system BLAS: without libopenblas0-pthread that is the
  # reference BLAS, about 30x slower, and a comparison against it would be meaningless, so it is skipped.
  if "$PY" -c "import torch" > /dev/null 2>&1; then
    if "$PY" -c "import torch, threadpoolctl, sys; sys.exit(not any(i.get('internal_api') == 'openblas' for i in threadpoolctl.threadpool_info()))" > /dev/null 2>&1; then
      HAVE_TORCH=1
    else
      echo "note: $PY's PyTorch does not run on OpenBLAS (apt-get install libopenblas0-pthread python3-threadpoolctl): its column is skipped"
    fi
  fi
  "$PY" -c "import numpy, threadpoolctl" > /dev/null 2>&1 && HAVE_NUMPY=1
fi
pytorch_model() { # model epochs log
  if [ "$1" = dcgan ]; then
    (cd "$HERE" && /usr/bin/time -f 'peak RSS %M KB' "$PY" bench/peers/torch_dcgan.py --epochs "$2" --device cpu --out "$LOG_DIR/torch_dcgan.png") > "$3" 2>&1
  else
    (cd "$HERE" && /usr/bin/time -f 'peak RSS %M KB' "$PY" bench/peers/torch_models.py "$1" --epochs "$2") > "$3" 2>&1
  fi
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "scratchgen: $(git -C "$SG_ROOT" rev-parse --short HEAD)$(git -C "$SG_ROOT" diff --quiet HEAD -- src || echo '+dirty') ($SG_ROOT); torchsharp bench: $(git -C "$HERE" rev-parse --short HEAD)"

# ---- training throughput --------------------------------------------------------------------------
if [ "$DO_MODELS" = 1 ]; then
  if has_ours bench models; then OURS_MODE=bench; else
    OURS_MODE=train
    echo "note: this Scratchgen has no 'bench models': using 'train M --epochs 1' (img/s of the epoch line; peak RSS from /usr/bin/time)"
  fi
  declare -A O_IPS O_RSS O_LOSS T_IPS T_RSS T_LOSS P_IPS P_RSS
  [ "$HAVE_TORCH" = 1 ] || echo "note: no PyTorch for $PY (python3-torch): its model column is skipped"
  for m in $MODELS; do
    for r in $(seq 1 "$ROUNDS"); do
      # Who goes first rotates: ours, TorchSharp, PyTorch (when present).
      if [ "$HAVE_TORCH" = 1 ]; then
        case $((r % 3)) in 1) order="ours theirs py" ;; 2) order="theirs py ours" ;; *) order="py ours theirs" ;; esac
      elif [ $((r % 2)) = 1 ]; then order="ours theirs"; else order="theirs ours"; fi
      for side in $order; do
        log="$LOG_DIR/$m-$side-$r.log"
        load=$(cut -d' ' -f1 /proc/loadavg)
        if [ "$side" = ours ]; then
          if [ "$OURS_MODE" = bench ]; then
            ours bench models --model "$m" --epochs "$EPOCHS" ${RECIPE:+--recipe "$RECIPE"} > "$log" 2>&1
            line=$(grep -E "^$m epoch $EPOCHS( on [a-z-]+)?:" "$log" | tail -1)
            rss=$(echo "$line" | num 'peak RSS [0-9.]+')
          else
            out=$(mktemp -d)
            /usr/bin/time -f 'peak RSS %M KB' bash -c "cd '$SG_ROOT' && dotnet '$ARTIFACTS/bin/Scratchgen.Cli/release/Scratchgen.Cli.dll' train '$m' --epochs 1 --batch-size 128 --out '$out'" > "$log" 2>&1
            rm -rf "$out"
            line=$(grep -E "epoch 1:.*img/s" "$log" | tail -1)
            rss=$(grep -oE 'peak RSS [0-9]+ KB' "$log" | num '[0-9]+' | awk '{ printf "%.0f", $1 / 1024 }')
          fi
          O_IPS[$m]+=" $(echo "$line" | num '[0-9.]+ img/s')"; O_RSS[$m]+=" $rss"
          O_LOSS[$m]=$(echo "$line" | grep -oE 'test [a-z_]+ [0-9.]+' | head -1 | cut -d' ' -f2- || true)
        elif [ "$side" = py ]; then
          pytorch_model "$m" "$EPOCHS" "$log"
          line=$(grep -E "^$m epoch $EPOCHS:" "$log" | tail -1)
          P_IPS[$m]+=" $(echo "$line" | num '[0-9.]+ img/s')"
          P_RSS[$m]+=" $(grep -oE 'peak RSS [0-9]+ KB' "$log" | num '[0-9]+' | awk '{ printf "%.0f", $1 / 1024 }')"
        else
          theirs models --model "$m" --epochs "$EPOCHS" > "$log" 2>&1
          line=$(grep -E "^torchsharp $m epoch $EPOCHS:" "$log" | tail -1)
          T_IPS[$m]+=" $(echo "$line" | num '[0-9.]+ img/s')"
          T_RSS[$m]+=" $(grep -E "^torchsharp $m peak RSS" "$log" | num 'RSS [0-9.]+')"
          T_LOSS[$m]=$(echo "$line" | grep -oE 'test [a-z_]+ [0-9.]+' | cut -d' ' -f2-)
        fi
        echo "  $m round $r $side (load $load before): ${line:-(no result: see $log)}"
      done
    done
  done
  echo
  echo "| model | ours img/s | TorchSharp img/s | ours / TorchSharp | ours peak RSS MB | TorchSharp peak RSS MB | held-out loss ours / TorchSharp | PyTorch 1.13 img/s | ours / PyTorch | PyTorch peak RSS MB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
  for m in $MODELS; do
    oi=$(echo "${O_IPS[$m]}" | median); ti=$(echo "${T_IPS[$m]}" | median); pi=$(echo "${P_IPS[$m]:-}" | median)
    echo "| $m | $oi | $ti | $(ratio "$oi" "$ti") | $(echo "${O_RSS[$m]}" | median) | $(echo "${T_RSS[$m]}" | median) | ${O_LOSS[$m]:-n/a} / ${T_LOSS[$m]:-n/a} | $pi | $(ratio "$oi" "$pi") | $(echo "${P_RSS[$m]:-}" | median) |"
  done
  echo
fi

# ---- DCGAN conv layers ----------------------------------------------------------------------------
LAYERS=("D conv 1->64 on 28x28" "D conv 64->128 on 14x14" "G conv_transpose 128->64 on 7x7" "G conv_transpose 64->1 on 14x14")
if [ "$DO_CONV" = 1 ]; then
  HAVE_OURS_CONV=0; has_ours bench conv && HAVE_OURS_CONV=1
  [ "$HAVE_OURS_CONV" = 1 ] || echo "note: this Scratchgen has no 'bench conv': our side of the conv table is skipped"
  declare -A O_CONV T_CONV
  for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="ours theirs"; else order="theirs ours"; fi
    for side in $order; do
      log="$LOG_DIR/conv-$side-$r.log"
      if [ "$side" = ours ]; then
        [ "$HAVE_OURS_CONV" = 1 ] || continue
        ours bench conv > "$log" 2>&1
        for l in "${LAYERS[@]}"; do O_CONV[$l]+=" $(grep -F "conv $l:" "$log" | grep -v torchsharp | num ': [0-9.]+ ms')"; done
      else
        theirs conv > "$log" 2>&1
        for l in "${LAYERS[@]}"; do T_CONV[$l]+=" $(grep -F "torchsharp conv $l:" "$log" | num 'median [0-9.]+')"; done
      fi
    done
  done
  echo "| DCGAN layer, batch 64, fwd+bwd | ours median ms | TorchSharp median ms | TorchSharp / ours (speed-up) |"
  echo "| --- | ---: | ---: | ---: |"
  for l in "${LAYERS[@]}"; do
    o=$(echo "${O_CONV[$l]:-}" | median); t=$(echo "${T_CONV[$l]:-}" | median)
    echo "| $l | $o | $t | $(ratio "$t" "$o") |"
  done
  echo
fi

# ---- SGEMM ----------------------------------------------------------------------------------------
if [ "$DO_SGEMM" = 1 ]; then
  SIZES="256 512 1024 2048 4096"
  SIZE_LIST=$(echo $SIZES | tr ' ' ',')
  declare -A O_GF T_GF N_GF
  [ "$HAVE_NUMPY" = 1 ] || echo "note: no numpy/threadpoolctl for $PY: the numpy column is skipped"
  for r in $(seq 1 "$ROUNDS"); do
    if [ "$HAVE_NUMPY" = 1 ]; then
      case $((r % 3)) in 1) order="ours theirs numpy" ;; 2) order="theirs numpy ours" ;; *) order="numpy ours theirs" ;; esac
    elif [ $((r % 2)) = 1 ]; then order="ours theirs"; else order="theirs ours"; fi
    for side in $order; do
      log="$LOG_DIR/sgemm-$side-$r.log"
      if [ "$side" = numpy ]; then
        (cd "$HERE" && env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/peers/numpy_sgemm.py $SIZES) > "$log" 2>&1
        for n in $SIZES; do N_GF[$n]+=" $(grep -E "^n=$n " "$log" | num '[0-9.]+ GFLOPS')"; done
      elif [ "$side" = ours ]; then
        ours bench matmul --sizes "$SIZE_LIST" > "$log" 2>&1
        # The table row of the default multithreaded variant (V3Packed): | n | variant | ms | GFLOPS | % |
        for n in $SIZES; do
          O_GF[$n]+=" $(awk -F'│' -v n="$n" '{ gsub(/ /, "", $2); gsub(/ /, "", $3); gsub(/ /, "", $5) } $2 == n && $3 == "V3Packed" { print $5 }' "$log" | head -1)"
        done
      else
        theirs sgemm --sizes "$SIZE_LIST" > "$log" 2>&1
        for n in $SIZES; do T_GF[$n]+=" $(grep -F "torchsharp sgemm n=$n:" "$log" | num '[0-9.]+ GFLOPS')"; done
      fi
    done
  done
  grep -m1 -oE "FMA peak[^:]*: [0-9.]+ GFLOPS" "$LOG_DIR/sgemm-ours-1.log"
  echo "| SGEMM n | ours GFLOPS (V3Packed) | TorchSharp torch.mm GFLOPS | ours / TorchSharp | numpy/OpenBLAS GFLOPS | ours / numpy |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for n in $SIZES; do
    o=$(echo "${O_GF[$n]:-}" | median); t=$(echo "${T_GF[$n]:-}" | median); np_=$(echo "${N_GF[$n]:-}" | median)
    echo "| $n | $o | $t | $(ratio "$o" "$t") | $np_ | $(ratio "$o" "$np_") |"
  done
fi
echo
echo "logs: $LOG_DIR; load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
