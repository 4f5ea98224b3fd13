#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and driver (no .NET SDK): unpacks .gpu-bundle/bundle.tar.xz and runs
#   1. parity of every op-catalog case on CUDA against the Reference (float64), then (all) the kernels that merge
#      launches (multi-tensor Adam and sum of squares, batch norm's training statistics, mean losses, convolutions
#      written with their bias) against their unmerged forms on the same device (GpuRunner fused: fused.txt)
#   2. the matmul ladder at 1024/2048/4096 in GFLOPS
#   3. the baseline: PyTorch torch.mm (cuBLAS SGEMM, TF32 off) at the same sizes
# Results go to ${OUT:-./gpu-results}: env.txt, parity.txt, fused.txt, matmul.csv, torch.csv, run.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/gpu-results}"; mkdir -p "$OUT"
{
  echo "date: $(date -u +%FT%TZ)"; echo "commit: $(cat .gpu-bundle/commit 2>/dev/null)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
} > "$OUT/env.txt"
ldconfig -p 2>/dev/null | grep -E "libcuda.so|libcublas.so" >> "$OUT/env.txt"
cat "$OUT/env.txt"
if [ "${SCRATCHGEN_BUNDLE_UNPACKED:-}" != 1 ]; then  # session.sh unpacks it once for all its steps
  rm -rf /tmp/scratchgen-gpu && mkdir -p /tmp/scratchgen-gpu && xz -dc .gpu-bundle/bundle.tar.xz | tar -C /tmp/scratchgen-gpu -xf -
fi
export DOTNET_gcServer=0
/tmp/scratchgen-gpu/Scratchgen.GpuRunner "${1:-all}" --backend cuda --out "$OUT" 2>&1 | tee "$OUT/run.log"
status=${PIPESTATUS[0]}
python3 bench/gpu/torch_mm.py | tee "$OUT/torch.csv"
echo "runner exit status: $status"
exit $status
