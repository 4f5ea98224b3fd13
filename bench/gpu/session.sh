#!/usr/bin/env bash
# Every GPU check of the Ilgpu issue in one command, for a device session of a few minutes.
#   here (SDK):     bench/gpu/build-bundle.sh                                          (-> .gpu-bundle/, ~32 MB)
#   GPU machine:    OUT=<dir> bash bench/gpu/session.sh                               (carry .gpu-bundle)
# Runs, with a timeout each (the timeouts add up to 578 s, plus a last step only if started before 560 s; about 5 minutes as last measured; give run a timeout_s of 600):
#   1. bench/gpu/run.sh all: parity of every op-catalog case on CUDA (products on the rungs tuned per
#      product) and of the launch-merging kernels against their unmerged forms, the matmul ladder V1-V8 at 1024/2048/4096, torch.mm (cuBLAS SGEMM, TF32 off) at the same
#      sizes; the parity again with the products on V8WideLoads (parity-v8/); the PTX of V5-V8 and, where the CUDA toolkit is installed,
#      bench/gpu/sass_stats.py (sass.txt; kernels-docs/ilgpu.md has it from CUDA 11.8's ptxas)
#      and the host work of a DCGAN step with every launch counted but not run (hoststep.txt)
#   2. the products of one DCGAN step (GpuRunner gemms: the tuned rung, and each tiled rung with and without
#      split-K) beside cuBLAS on the same products (bench/gpu/torch_gemms.py; gemms-vs-cublas.txt ends with the per-step sums);
#      the DCGAN conv layers (bench conv --backend cuda)
#   3. one DCGAN epoch, ours (rungs tuned per product, then V5Vectorized for all: the earlier runs' setting) and PyTorch eager
#      in float32 (TF32 off, as ours) alternated, twice each (first and second processes), with device allocations, kernel
#      launches and copies per step;
#      then one epoch with the kernel timeline (each kernel's device time per step, and the GPU's idle time);
#      last, PyTorch once more with its default setting, TF32 convolutions, if time is left
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/gpu-results}"; mkdir -p "$OUT"
export OUT DOTNET_gcServer=0 PYTHONUNBUFFERED=1 SCRATCHGEN_BUNDLE_UNPACKED=1
rm -rf /tmp/scratchgen-gpu && mkdir -p /tmp/scratchgen-gpu && xz -dc .gpu-bundle/bundle.tar.xz | tar -C /tmp/scratchgen-gpu -xf -
# 0. Every tiled rung once, in processes of their own, before anything depends on them (V7 and V8 have never
#    run on a GPU; a CUDA fault is sticky and would spoil every later step of a process): the ladder at 256
#    against the Cpu backend, and the op catalog's small sets on V8 (V7 where V8 cannot read wide). If either
#    fails, the rest runs with SCRATCHGEN_MATMUL=V5Vectorized (the rung of the earlier GPU runs), not tuned.
timeout 25 /tmp/scratchgen-gpu/Scratchgen.GpuRunner matmul --backend cuda --sizes 256 --out "$OUT/smoke" > "$OUT/smoke.txt" 2>&1; smoke=$?
timeout 25 /tmp/scratchgen-gpu/Scratchgen.GpuRunner parity --backend cuda --matmul V8WideLoads --max-elements 20000 --out "$OUT/smoke" >> "$OUT/smoke.txt" 2>&1 || smoke=1
if [ "$smoke" != 0 ]; then export SCRATCHGEN_MATMUL=V5Vectorized; fi
echo "smoke (every rung at 256, small parity on V8): exit $smoke; SCRATCHGEN_MATMUL=${SCRATCHGEN_MATMUL:-unset (tuned per product)}" | tee -a "$OUT/session.txt"
timeout 110 bash bench/gpu/run.sh all > "$OUT/runner-log.txt" 2>&1; echo "run.sh all: exit $?" | tee -a "$OUT/session.txt"
echo "parity: $(tail -1 "$OUT/parity.txt" 2>/dev/null); $(tail -1 "$OUT/fused.txt" 2>/dev/null)" | tee -a "$OUT/session.txt"
# Parity with the products on V8.
timeout 40 /tmp/scratchgen-gpu/Scratchgen.GpuRunner parity --backend cuda --matmul V8WideLoads --out "$OUT/parity-v8" > "$OUT/parity-v8.log" 2>&1
echo "parity with V8WideLoads: exit $?; $(tail -1 "$OUT/parity-v8/parity.txt" 2>/dev/null)" | tee -a "$OUT/session.txt"
# The host work of a DCGAN step alone (launches counted, not run): host-bound or kernel-bound?
timeout 30 /tmp/scratchgen-gpu/Scratchgen.GpuRunner hoststep --backend cuda > "$OUT/hoststep.txt" 2>&1
echo "hoststep: exit $?; $(tail -1 "$OUT/hoststep.txt")" | tee -a "$OUT/session.txt"
# The PTX of the newest rungs.
for v in V5Vectorized V6ConflictFree V7Unrolled V8WideLoads; do
  /tmp/scratchgen-gpu/Scratchgen.GpuRunner ptx "$v" > "$OUT/$v.ptx" 2>&1
done
# Registers, spills and instructions per K step of the rungs, where the machine has the CUDA toolkit.
if command -v ptxas >/dev/null && command -v cuobjdump >/dev/null; then
  RUNNER=/tmp/scratchgen-gpu/Scratchgen.GpuRunner timeout 30 python3 bench/gpu/sass_stats.py > "$OUT/sass.txt" 2>&1
fi
# Each product of a DCGAN step, ours beside cuBLAS: how much of a step is GEMM, and which split-K rule to keep.
timeout 45 /tmp/scratchgen-gpu/Scratchgen.GpuRunner gemms --backend cuda --out "$OUT" > "$OUT/gemms.txt" 2>&1; echo "gemms: exit $?" | tee -a "$OUT/session.txt"
timeout 30 python3 bench/gpu/torch_gemms.py "$OUT/gemm-shapes.csv" "$OUT/gemms.csv" > "$OUT/gemms-vs-cublas.txt" 2>&1
echo "gemms vs cuBLAS: exit $?; $(tail -1 "$OUT/gemms-vs-cublas.txt")" | tee -a "$OUT/session.txt"
cli=/tmp/scratchgen-gpu/Scratchgen.Cli
timeout 35 $cli bench conv --backend cuda > "$OUT/conv-cuda.txt" 2>&1; echo "bench conv: exit $?" | tee -a "$OUT/session.txt"
for i in 1 2; do
  timeout 28 $cli bench models --model dcgan --epochs 1 --backend cuda > "$OUT/dcgan-$i.txt" 2>&1; echo "dcgan $i: exit $?" | tee -a "$OUT/session.txt"
  timeout 28 $cli bench models --model dcgan --epochs 1 --backend cuda --matmul V5Vectorized > "$OUT/dcgan-v5-$i.txt" 2>&1; echo "dcgan V5 for all $i: exit $?" | tee -a "$OUT/session.txt"
  timeout 28 python3 bench/peers/torch_dcgan.py --epochs 1 --batch-size 128 --device cuda --tf32 off --out "$OUT/torch-dcgan-$i.png" > "$OUT/torch-dcgan-$i.txt" 2>&1; echo "torch dcgan $i (float32): exit $?" | tee -a "$OUT/session.txt"
done
# Where a step's time goes on the device's clock (two profiling markers per launch, no waits): each kernel's
# time per step, and how long the GPU sits idle between launches waiting for the host.
timeout 40 $cli bench models --model dcgan --epochs 1 --backend cuda --kernel-timeline > "$OUT/dcgan-kernel-timeline.txt" 2>&1
echo "dcgan kernel timeline: exit $?; $(grep -m1 'device busy' "$OUT/dcgan-kernel-timeline.txt")" | tee -a "$OUT/session.txt"
# PyTorch's default setting too (cuDNN convolutions on TF32 tensor cores), which the runs of 2026-11-26 used;
# last and only while the session is inside its 600 s.
if [ "$SECONDS" -lt 560 ]; then
  timeout 28 python3 bench/peers/torch_dcgan.py --epochs 1 --batch-size 128 --device cuda --tf32 on --out "$OUT/torch-dcgan-tf32.png" > "$OUT/torch-dcgan-tf32.txt" 2>&1; echo "torch dcgan (TF32 convolutions): exit $?" | tee -a "$OUT/session.txt"
else
  echo "torch dcgan (TF32 convolutions): skipped at ${SECONDS} s" | tee -a "$OUT/session.txt"
fi
grep -H -E "img/s|launches" "$OUT"/dcgan-*.txt "$OUT"/torch-dcgan-*.txt | tee -a "$OUT/session.txt"
