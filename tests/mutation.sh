#!/usr/bin/env bash
# Mutation testing with Stryker.NET (the dotnet tool `dotnet-stryker`, pinned in .config/dotnet-tools.json).
# Not run by CI: on 2 cores a folder takes 13 to 55 minutes, the four default folders about 1 h 40 min.
#
# Usage: tests/mutation.sh [options] [-- extra dotnet-stryker arguments]
#   -f, --folders "A B"     folders of src/AutoGradNet to mutate (default: "Ops Autograd Verification Functional")
#   -m, --mutate GLOB       mutate only files matching GLOB (repeatable; relative to src/AutoGradNet, e.g.
#                           "Ops/Reductions.cs" or "Ops/*Scan*.cs"); overrides --folders
#   -c, --concurrency N     parallel test runners (default: 1; each runner is a full `dotnet test` host)
#   -o, --output DIR        where reports go (default: StrykerOutput/<date.time>/ at the repository root)
#   -h, --help              this text
# Reports: DIR/reports/mutation-report.html (open in a browser) and mutation-report.json;
# the console shows the score. Run from anywhere inside the repository. While it runs, Stryker puts a mutated
# AutoGradNet.dll into the test project's bin/: don't build or test in the same checkout meanwhile (use a clone).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

folders="Ops Autograd Verification Functional"
concurrency=1
output="$root/StrykerOutput/$(date +%Y-%m-%d.%H-%M-%S)"
globs=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -f|--folders) folders="$2"; shift 2 ;;
    -m|--mutate) globs+=("$2"); shift 2 ;;
    -c|--concurrency) concurrency="$2"; shift 2 ;;
    -o|--output) output="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "mutation.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [ ${#globs[@]} -eq 0 ]; then
  for f in $folders; do
    f="${f%/}"
    [ -d "src/AutoGradNet/$f" ] || { echo "mutation.sh: no folder src/AutoGradNet/$f" >&2; exit 2; }
    globs+=("$f/**/*.cs")
  done
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null   # installs dotnet-stryker 5.1.0 from the local tool manifest

args=(--project AutoGradNet.csproj --concurrency "$concurrency" --output "$output"
      --reporter html --reporter json --reporter progress --reporter cleartext
      --config-file "$root/tests/stryker-config.json")
for g in "${globs[@]}"; do args+=(--mutate "$g"); done

echo "mutation.sh: mutating ${globs[*]} with concurrency $concurrency"
cd tests/AutoGradNet.Tests
exec dotnet stryker "${args[@]}" "${extra[@]}"
