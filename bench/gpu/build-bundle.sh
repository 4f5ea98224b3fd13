#!/usr/bin/env bash
# Builds the self-contained GPU bundle (no .NET SDK needed on the GPU machine) into .gpu-bundle/, which
# .git/info/exclude ignores: the GPU runner (parity, matmul ladder, hoststep, gemms, ptx) and the scratchgen CLI,
# published into one folder so they share one .NET runtime, as one tar.xz (~32 MB; a run carries 64 MiB).
#   bench/gpu/build-bundle.sh            then, on the GPU machine: bench/gpu/session.sh (or run.sh, train-on-gpu.sh run)
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.gpu-bundle/' .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo '/.gpu-bundle/' >> .git/info/exclude; }
rm -rf .gpu-bundle /tmp/gpu-bundle-publish && mkdir -p .gpu-bundle
# Untrimmed on purpose: ILGPU reads kernel IL by reflection at run time.
for project in bench/gpu/Runner src/Scratchgen.Cli; do
  dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:PublishTrimmed=false \
    --artifacts-path /tmp/gpu-bundle-artifacts -o /tmp/gpu-bundle-publish
done
tar -C /tmp/gpu-bundle-publish -cf - . | xz -T0 -6 > .gpu-bundle/bundle.tar.xz
git rev-parse HEAD > .gpu-bundle/commit 2>/dev/null || cat .head > .gpu-bundle/commit 2>/dev/null || true
du -h .gpu-bundle/bundle.tar.xz
