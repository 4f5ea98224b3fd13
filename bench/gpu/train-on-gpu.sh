#!/usr/bin/env bash
# Training on the GPU, side by side with PyTorch on the same GPU (issue: Ilgpu backend).
#   here:         bench/gpu/train-on-gpu.sh build      -> .gpu-bundle/bundle.tar.xz (bench/gpu/build-bundle.sh)
#   GPU machine:  bench/gpu/train-on-gpu.sh run        -> results in ${OUT:-./gpu-results}
# run: the DCGAN conv layers on CUDA; one DCGAN epoch (batch 128, 9,000 images) on CUDA and on the
# Cpu backend's reference point is not repeated there; PyTorch's DCGAN twin one epoch on cuda.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = build ]; then exec bash bench/gpu/build-bundle.sh; fi
OUT="${OUT:-$PWD/gpu-results}"; mkdir -p "$OUT"
{ echo "date: $(date -u +%FT%TZ)"; echo "commit: $(cat .gpu-bundle/commit)"; nvidia-smi --query-gpu=name,driver_version --format=csv; } > "$OUT/env.txt"
mkdir -p /tmp/scratchgen-gpu && xz -dc .gpu-bundle/bundle.tar.xz | tar -C /tmp/scratchgen-gpu -xf -
export DOTNET_gcServer=0 PYTHONUNBUFFERED=1
cli=/tmp/scratchgen-gpu/Scratchgen.Cli
$cli devices 2>&1 | tee "$OUT/devices.txt"
timeout 120 $cli bench conv --backend cuda 2>&1 | tee "$OUT/conv-cuda.txt"
timeout 200 $cli bench models --model dcgan --backend cuda 2>&1 | tee "$OUT/dcgan-cuda.txt"
timeout 120 $cli bench models --model vae --backend cuda 2>&1 | tee "$OUT/vae-cuda.txt"
timeout 150 python3 bench/peers/torch_dcgan.py --epochs 1 --batch-size 128 --device cuda --out "$OUT/torch-dcgan.png" 2>&1 | tee "$OUT/dcgan-torch-cuda.txt"
timeout 150 $cli train dcgan --backend cuda --epochs 5 --out "$OUT/dcgan-run" 2>&1 | tail -20 | tee "$OUT/train-dcgan-cuda.txt"
cp "$OUT/dcgan-run/samples_epoch_005.png" "$OUT/" 2>/dev/null; rm -rf "$OUT/dcgan-run"
echo done
