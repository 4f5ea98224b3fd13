#!/usr/bin/env bash
# Every GPU check of the Ilgpu issue in one command, for a device session of a few minutes.
#   here (SDK):     bench/gpu/build-bundle.sh && bench/gpu/train-on-gpu.sh build     (-> .gpu-bundle/, ~56 MB)
#   GPU machine:    OUT=<dir> bash bench/gpu/session.sh                               (carry .gpu-bundle)
# Runs, with a timeout each (about 7 minutes in all at most):
#   1. bench/gpu/run.sh all: parity of every op-catalog case on CUDA, the matmul ladder V1-V6 at
#      1024/2048/4096, torch.mm (cuBLAS SGEMM, TF32 off) at the same sizes; then the PTX of V5 and V6
#      and, where ptxas is installed, their registers and spills (ptxas.txt)
#   2. the DCGAN conv layers (bench conv --backend cuda)
#   3. one DCGAN epoch, ours and PyTorch eager alternated, twice each (first and second processes),
#      with device allocations, kernel launches and copies per step
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/gpu-results}"; mkdir -p "$OUT"
export OUT DOTNET_gcServer=0 PYTHONUNBUFFERED=1
timeout 240 bash bench/gpu/run.sh all > "$OUT/runner-log.txt" 2>&1; echo "run.sh all: exit $?" | tee -a "$OUT/session.txt"
# Registers and spills of the two fastest rungs (ptxas from the CUDA toolkit, where the machine has one).
ptxas=$(command -v ptxas || ls /usr/local/cuda*/bin/ptxas 2>/dev/null | head -1)
for v in V5Vectorized V6ConflictFree; do
  /tmp/scratchgen-gpu/Scratchgen.GpuRunner ptx "$v" > "$OUT/$v.ptx" 2>&1
  [ -n "$ptxas" ] && "$ptxas" -v -arch=sm_90 "$OUT/$v.ptx" -o /dev/null >> "$OUT/ptxas.txt" 2>&1
done
mkdir -p /tmp/sg && xz -dc .gpu-bundle/cli.tar.xz | tar -C /tmp/sg -xf -
cli=/tmp/sg/Scratchgen.Cli
timeout 60 $cli bench conv --backend cuda > "$OUT/conv-cuda.txt" 2>&1; echo "bench conv: exit $?" | tee -a "$OUT/session.txt"
for i in 1 2; do
  timeout 60 $cli bench models --model dcgan --epochs 1 --backend cuda > "$OUT/dcgan-$i.txt" 2>&1; echo "dcgan $i: exit $?" | tee -a "$OUT/session.txt"
  timeout 60 python3 bench/peers/torch_dcgan.py --epochs 1 --batch-size 128 --device cuda --out "$OUT/torch-dcgan-$i.png" > "$OUT/torch-dcgan-$i.txt" 2>&1; echo "torch dcgan $i: exit $?" | tee -a "$OUT/session.txt"
done
grep -h -E "img/s|launches" "$OUT"/dcgan-*.txt "$OUT"/torch-dcgan-*.txt | tee -a "$OUT/session.txt"
