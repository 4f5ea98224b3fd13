#!/usr/bin/env bash
# Fuzz the file parsers with AFL++ through SharpFuzz, then add what AFL found to the saved corpus.
#   tests/Scratchgen.Fuzz/fuzz.sh [SECONDS_PER_TARGET=120] [TARGET...]
# Needs root for apt (afl++) the first time. Crashes and hangs are left in .findings/TARGET/ and listed
# at the end; the queue (inputs that reached new code) is copied into corpus/TARGET/, which
# Scratchgen.Tests replays on every CI run (FuzzCorpusReplayTests).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-120}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(idx safetensors checkpoint image provenance)

command -v afl-fuzz >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; }
[ -x .tools/sharpfuzz ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path .tools >/dev/null

rm -rf .out && dotnet publish -c Release -o .out --nologo -v q
# Instrument the code under test (our parsers and the image library they call) for AFL's coverage map.
.tools/sharpfuzz .out/Scratchgen.dll
.tools/sharpfuzz .out/SixLabors.ImageSharp.dll

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1
for t in "${targets[@]}"; do
  rm -rf ".findings/$t" && mkdir -p .findings
  echo "== $t: ${seconds}s"
  afl-fuzz -i "corpus/$t" -o ".findings/$t" -V "$seconds" -t 5000 -m none -- "$(command -v dotnet)" .out/Scratchgen.Fuzz.dll "$t" >".findings-$t.log" 2>&1 || true
  queue=".findings/$t/default/queue"
  added=0
  for f in "$queue"/id:*; do
    [ -f "$f" ] || continue
    case "$f" in *orig:*) continue;; esac          # the seeds themselves
    [ "$(stat -c %s "$f")" -le 65536 ] || continue
    name="afl-$(sha1sum "$f" | cut -c1-16)"
    [ -e "corpus/$t/$name" ] || { cp "$f" "corpus/$t/$name"; added=$((added + 1)); }
  done
  crashes=$(find ".findings/$t/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find ".findings/$t/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  execs=$(grep -E '^execs_done' ".findings/$t/default/fuzzer_stats" 2>/dev/null | awk '{print $3}')
  echo "   execs ${execs:-?}, corpus +$added, crashes $crashes, hangs $hangs"
done
