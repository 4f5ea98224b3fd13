#!/usr/bin/env bash
# Builds the self-contained GPU runner (no .NET SDK needed on the GPU machine) into .gpu-bundle/,
# which .git/info/exclude ignores, as one tar.xz small enough to carry (~30 MB).
#   bench/gpu/build-bundle.sh            then, on the GPU machine: bench/gpu/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.gpu-bundle/' .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo '/.gpu-bundle/' >> .git/info/exclude; }
rm -rf .gpu-bundle && mkdir -p .gpu-bundle
# Untrimmed on purpose: ILGPU reads kernel IL by reflection at run time.
rm -rf /tmp/gpu-bundle-publish
dotnet publish bench/gpu/Runner -c Release -r linux-x64 --self-contained -p:PublishTrimmed=false \
  --artifacts-path /tmp/gpu-bundle-artifacts -o /tmp/gpu-bundle-publish
tar -C /tmp/gpu-bundle-publish -cf - . | xz -T0 -6 > .gpu-bundle/runner.tar.xz
git rev-parse HEAD > .gpu-bundle/commit 2>/dev/null || cat .head > .gpu-bundle/commit 2>/dev/null || true
du -h .gpu-bundle/runner.tar.xz
