#!/usr/bin/env bash
# Mutation smoke step: the suite's teeth, checked on every CI run. Each mutant is a deliberate break of the
# library, made in a copy of the tree (the working tree is never touched); only the tests named for it run,
# and each named test must fail. A mutant whose text no longer matches the source fails the step too, so the
# list is updated with the code instead of silently checking nothing.
# Usage: .ci/mutation-smoke.sh   (from anywhere; needs the .NET SDK; about 4-5 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
copy="$(mktemp -d "${TMPDIR:-/tmp}/scratchgen-mutants.XXXXXX")"
trap 'rm -rf "$copy"' EXIT

echo "mutation smoke: copying the tree to $copy"
tar -C "$root" --exclude=./.git --exclude=./runs --exclude='*/bin' --exclude='*/obj' --exclude='*/TestResults' -cf - . | tar -C "$copy" -xf -
cd "$copy"

# replace FILE OLD NEW: OLD must occur exactly once in FILE.
replace() {
  local file="$1" old="$2" new="$3" content
  content="$(cat "$file"; printf x)"
  content="${content%x}"
  local count
  count="$(grep -cF -- "$old" "$file" || true)"
  if [ "$count" != 1 ]; then
    echo "mutation smoke: '$old' occurs $count times in $file (expected once): update the mutant" >&2
    return 1
  fi
  printf '%s' "${content/"$old"/"$new"}" > "$file"
}

failures=0
# mutant NAME FILE OLD NEW FILTER REQUIRED...: applies the break, builds, runs the tests FILTER selects, and
# requires every REQUIRED test (its display name, or the start of it) among the failed ones; then restores FILE.
mutant() {
  local name="$1" file="$2" old="$3" new="$4" filter="$5"
  shift 5
  echo "mutation smoke: $name ($file)"
  cp "$file" "$file.orig"
  replace "$file" "$old" "$new"
  dotnet build tests/Scratchgen.Tests -c Release -v quiet -nologo > build.log 2>&1 || { cat build.log; echo "mutation smoke: $name does not build" >&2; exit 1; }
  local log="test-$name.log"
  dotnet test tests/Scratchgen.Tests -c Release --no-build --filter "$filter" > "$log" 2>&1 && true
  local caught=1
  for required in "$@"; do
    if grep -qF -- "Failed $required" "$log"; then
      echo "  caught by $required"
    else
      echo "  NOT caught by $required" >&2
      caught=0
    fi
  done
  [ "$caught" = 1 ] || { grep -E "Passed!|Failed!" "$log" >&2 || true; failures=$((failures + 1)); }
  mv "$file.orig" "$file"
}

mutant tanh-derivative src/Scratchgen/Ops/Activations/Tanh.cs \
  'public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One - y * y;' \
  'public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One + y * y;' \
  'FullyQualifiedName~Scratchgen.Tests.Autograd.OpGradientTests&DisplayName~tanh' \
  'Scratchgen.Tests.Autograd.OpGradientTests.Op_Backward_MatchesFiniteDifferences(op: "tanh", shapeSet: 0)'

mutant gemm-edge-tile-accumulation src/Scratchgen/Backends/Cpu/Gemm/CpuGemm.MicroKernels.cs \
  'cr[j] = add ? cr[j] + tr[j] : tr[j];' \
  'cr[j] = tr[j];' \
  'FullyQualifiedName~Scratchgen.Tests.Kernels.CpuGemmTests.V3Packed_BlockBoundaries|(FullyQualifiedName~Scratchgen.Tests.Backends.CpuBackendParityTests&DisplayName~matmul)' \
  'Scratchgen.Tests.Kernels.CpuGemmTests.V3Packed_BlockBoundaries_MatchOracle(kernel: "Auto", transA: False, transB: False)' \
  'Scratchgen.Tests.Backends.CpuBackendParityTests.Op_ForwardAndBackward_MatchReference(op: "matmul", shapeSet: 13)'

mutant safetensors-accepts-overlap src/Scratchgen/Checkpoints/SafeTensorsReader.cs \
  'if (info.Begin != expectedBegin)' \
  'if (info.Begin > expectedBegin)' \
  'FullyQualifiedName~Scratchgen.Tests.Checkpoints.SafeTensorsReaderTests' \
  'Scratchgen.Tests.Checkpoints.SafeTensorsReaderTests.Read_HostileFile_FailsFastWithNamedError(what: "overlap"'

mutant scope-disposed-releases src/Scratchgen/Tensors/MemoryScope.cs \
  'public void Dispose() => Close();' \
  'public void Dispose() => End([]);' \
  'FullyQualifiedName~Scratchgen.Tests.Training.MemoryScopeTests.ScopeEndedByAnException' \
  'Scratchgen.Tests.Training.MemoryScopeTests.ScopeEndedByAnException_ReleasesNothing'

if [ "$failures" != 0 ]; then
  echo "mutation smoke: $failures mutant(s) survived their tests" >&2
  exit 1
fi
echo "mutation smoke: every mutant was caught by its tests"
