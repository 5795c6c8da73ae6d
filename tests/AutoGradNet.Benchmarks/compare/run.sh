#!/usr/bin/env bash
# Side-by-side comparison of AutoGradNet with PyTorch (eager) and numpy + OpenBLAS on issue 8's workloads W1-W4,
# in one run, alternating between the implementations in rounds; writes docs/benchmarks.md.
#
#   bash tests/AutoGradNet.Benchmarks/compare/run.sh [--quick] [--no-install] [--output FILE] [compare.py options]
#
#   --quick        a short run that tests the script (few rounds, small sizes); its figures are not representative
#   --no-install   never call apt-get: fail if a peer is missing
#   --output FILE  the page to write (default docs/benchmarks.md)
#   Other options go to compare.py: --rounds N, --threads 1,2, --sizes 128,256,512,1024,2048, --w1-iters N,
#   --w2-steps N, --w3-chains N, --long-steps N (see: /usr/bin/python3 compare.py --help).
#
# Peers are Debian packages (python3-torch, python3-numpy, libopenblas0-pthread), installed with apt-get when
# missing (as root). They run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (the peers' commands only).
# Raw results and worker logs: tests/AutoGradNet.Benchmarks/compare/results/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
project="$root/tests/AutoGradNet.Benchmarks"
python=/usr/bin/python3
output="$root/docs/benchmarks.md"
install=1
forward=()

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    --no-install) install=0 ;;
    --output) [ $# -ge 2 ] || { echo "error: --output needs a file" >&2; exit 2; }; output=$(realpath -m "$2"); shift ;;
    *) forward+=("$1") ;;
  esac
  shift
done

die() { echo "error: $*" >&2; exit 1; }

peers_present() {
  [ -x "$python" ] || return 1
  "$python" -c 'import numpy, torch' >/dev/null 2>&1 || return 1
  dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "install ok installed" || return 1
}

if ! peers_present; then
  if [ "$install" -eq 0 ]; then
    die "a peer is missing (need $python with numpy and torch, and libopenblas0-pthread); install: apt-get install -y python3-torch python3-numpy libopenblas0-pthread"
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "a peer is missing and installing it needs root: apt-get update && apt-get install -y python3-torch python3-numpy libopenblas0-pthread"
  fi
  echo "Installing the peers (Debian: python3-torch python3-numpy libopenblas0-pthread)..." >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch python3-numpy libopenblas0-pthread
  peers_present || die "the peers are still missing after apt-get install (check: $python -c 'import numpy, torch'; dpkg -l libopenblas0-pthread)"
fi

command -v dotnet >/dev/null 2>&1 || die "dotnet (the .NET 10 SDK) is not on PATH"

echo "Building the benchmark app (Release)..." >&2
dotnet build "$project/AutoGradNet.Benchmarks.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2 \
  || die "the Release build of tests/AutoGradNet.Benchmarks failed"
exe="$project/bin/Release/net10.0/AutoGradNet.Benchmarks"
[ -x "$exe" ] || die "the built benchmark app is not at $exe"

results_dir="$here/results"
mkdir -p "$results_dir"
results="$results_dir/results-$(date -u +%Y%m%dT%H%M%SZ).json"

echo "Running the comparison (progress below; results: $results)..." >&2
"$python" "$here/compare.py" --agn "$exe" --out "$results" ${forward[@]+"${forward[@]}"}
"$python" "$here/report.py" "$results" "$output"
cp "$results" "$results_dir/latest.json"
echo "Wrote $output" >&2
