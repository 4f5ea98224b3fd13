#!/usr/bin/env bash
# The Cpu backend on the GPU machine's own CPU, for the AVX-512 half of the CPU-speed figures: the 2-vCPU
# development hosts of late have AVX2 only. On two of its cores (taskset, so that the figures compare with the
# 2-vCPU hosts' in bench/RESULTS.md), every .NET process runs twice: as the CPU is (the 16x16 AVX-512 kernel
# where it has AVX-512F) and with DOTNET_EnableAVX512F=0 (the 6x16 AVX2 kernel), beside numpy and PyTorch on
# the same two cores. TorchSharp does not run there (no .NET SDK, no network): its ratios stay compare.sh's.
#   here (SDK):     bench/gpu/build-bundle.sh
#   GPU machine:    OUT=<dir> bash bench/gpu/cpu-isa.sh        (carry .gpu-bundle; alone, or after session.sh)
# The timeouts add up to 520 s (give run a timeout_s of 580); CPU_ISA_CORES picks other cores than 0,1, PY
# another Python than python3.
# Writes $OUT/cpu-isa/: cpu.txt (the CPU, its AVX-512F flag, the bundle's commit), matmul-<isa>.txt (bench
# matmul: every Cpu variant's GFLOPS and % of the measured FMA peak), <model>-<isa>.txt (bench models, epoch 2 of
# 2, --recipe plain as compare.sh), numpy-sgemm.txt, torch-<model>.txt, and summary.txt with the lines to read.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/gpu-results}/cpu-isa"; mkdir -p "$OUT"
export DOTNET_gcServer=0 PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
cores="${CPU_ISA_CORES:-0,1}"
py="${PY:-python3}" # PY: the Python that has numpy and PyTorch
if [ ! -x /tmp/scratchgen-gpu/Scratchgen.Cli ]; then
  rm -rf /tmp/scratchgen-gpu && mkdir -p /tmp/scratchgen-gpu && xz -dc .gpu-bundle/bundle.tar.xz | tar -C /tmp/scratchgen-gpu -xf -
fi
cli=/tmp/scratchgen-gpu/Scratchgen.Cli
{
  grep -m1 'model name' /proc/cpuinfo
  echo "avx512f: $(grep -q -w avx512f /proc/cpuinfo && echo yes || echo no); cores used: $cores of $(nproc --all)"
  echo "bundle commit: $(cat .gpu-bundle/commit 2>/dev/null)"
} > "$OUT/cpu.txt"
for isa in native avx2; do
  unset DOTNET_EnableAVX512F
  if [ "$isa" = avx2 ]; then export DOTNET_EnableAVX512F=0; fi
  timeout 45 taskset -c "$cores" "$cli" bench matmul --sizes 256,512,1024,2048 > "$OUT/matmul-$isa.txt" 2>&1
  echo "matmul $isa: exit $?" >> "$OUT/cpu.txt"
  for m in gan dcgan; do
    timeout $([ $m = dcgan ] && echo 90 || echo 30) taskset -c "$cores" "$cli" bench models --model $m --recipe plain --epochs 2 > "$OUT/$m-$isa.txt" 2>&1
    echo "$m $isa: exit $?" >> "$OUT/cpu.txt"
  done
done
unset DOTNET_EnableAVX512F
timeout 30 taskset -c "$cores" "$py" bench/peers/numpy_sgemm.py 256 512 1024 2048 > "$OUT/numpy-sgemm.txt" 2>&1
echo "numpy sgemm: exit $?" >> "$OUT/cpu.txt"
timeout 40 taskset -c "$cores" "$py" bench/peers/torch_models.py gan --epochs 2 > "$OUT/torch-gan.txt" 2>&1
echo "torch gan: exit $?" >> "$OUT/cpu.txt"
timeout 120 taskset -c "$cores" "$py" bench/peers/torch_dcgan.py --epochs 2 --device cpu --out "$OUT/torch-dcgan.png" > "$OUT/torch-dcgan.txt" 2>&1
echo "torch dcgan: exit $?" >> "$OUT/cpu.txt"
{
  cat "$OUT/cpu.txt"
  grep -H -E "FMA peak|kernel|V3Packed" "$OUT"/matmul-*.txt
  grep -H -E "epoch 2" "$OUT"/gan-*.txt "$OUT"/dcgan-*.txt "$OUT"/torch-*.txt
  cat "$OUT/numpy-sgemm.txt"
} > "$OUT/summary.txt" 2>&1
cat "$OUT/summary.txt"
