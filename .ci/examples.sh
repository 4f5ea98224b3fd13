#!/usr/bin/env bash
# The examples as a user builds them: the library packed into a local folder feed, each examples/*/
# project restored from that feed (Scratchgen) and nuget.org (its dependencies), built and run; each must
# exit 0 and write the files it promises. Fails (non-zero exit) on the first that does not.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed=$work/feed
start=$SECONDS

dotnet pack src/Scratchgen -c Release -o "$feed" --nologo -v quiet
pkg=$(cd "$feed" && ls Scratchgen.*.nupkg | grep -v '\.snupkg$' | head -1)
version=${pkg#Scratchgen.}
version=${version%.nupkg}
echo "== packed $pkg"
# What the package must carry: the library, its XML docs (for IDEs) and its README.
contents=$(python3 -c "import sys, zipfile; print(\"\\n\".join(\" \" + n for n in zipfile.ZipFile(sys.argv[1]).namelist()))" "$feed/$pkg")
for f in lib/net10.0/Scratchgen.dll lib/net10.0/Scratchgen.xml README.md; do
  grep -q " $f\$" <<<"$contents" || { echo "FAIL $pkg has no $f"; exit 1; }
done
# Scratchgen comes from the folder only (source mapping: a package of that name elsewhere is never used).
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Scratchgen" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
# A package of the same version restored earlier stays in the global cache: drop it, so that this run
# uses the package just packed.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/scratchgen/$version"

# name | arguments | files it must write (relative to its folder) | a line its output must contain
examples=(
  "custom-op|cpu reference||ok   swish: gradient of gradient"
  "two-moons||out/decision-boundary.png|training accuracy"
  "my-gan-loop||out/samples.png out/training.gif|wrote out/samples.png"
  "from-pytorch||out/samples.png out/checkpoint/model.safetensors|fc4.bias       -> decoder.2.bias"
)
for entry in "${examples[@]}"; do
  IFS='|' read -r name arguments files expect <<<"$entry"
  dir=$root/examples/$name
  [ -f "$dir/README.md" ] || { echo "FAIL examples/$name has no README.md"; exit 1; }
  t0=$SECONDS
  rm -rf "$dir/out" "$dir/bin" "$dir/obj"
  dotnet restore "$dir" --configfile "$work/nuget.config" -p:ScratchgenVersion="$version" --nologo -v quiet
  dotnet build "$dir" -c Release --no-restore -p:ScratchgenVersion="$version" --nologo -v quiet
  set +e
  # shellcheck disable=SC2086 # the arguments are words
  (cd "$dir" && timeout 300 dotnet run -c Release --no-build -p:ScratchgenVersion="$version" -- $arguments) 2>&1 | tee "$work/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || { echo "FAIL examples/$name exited $rc"; exit 1; }
  grep -qF "$expect" "$work/$name.log" || { echo "FAIL examples/$name did not print '$expect'"; exit 1; }
  for f in $files; do
    [ -s "$dir/$f" ] || { echo "FAIL examples/$name did not write $f"; exit 1; }
  done
  # The project must have used the package, not the library's source tree.
  grep -q "\"Scratchgen/$version\"" "$dir/obj/project.assets.json" || { echo "FAIL examples/$name did not restore Scratchgen $version"; exit 1; }
  echo "== examples/$name: ok ($((SECONDS - t0)) s)"
done
echo "== examples: all ok against Scratchgen $version ($((SECONDS - start)) s)"
