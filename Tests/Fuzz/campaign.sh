#!/usr/bin/env bash
# A long fuzzing campaign: Tests/Fuzz/campaign.sh [SECONDS] [SEED] [FEATURE_SETS]
# Spends two thirds of SECONDS (default 3600) on the differential fuzzer and one third
# on the crash fuzzer, one process at a time, and prints each one's figures (modules,
# calls, divergences, crashes, time; the differential's per feature set too). FEATURE_SETS
# (e.g. "tail-call,3.0") restricts what the differential fuzzer generates (default: every
# set of toolchain.DEFAULT_FEATURE_SETS). Failing cases are kept in build/fuzz/findings/.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-3600}
seed=${2:-$(date +%s)}
features=()
[[ -n ${3:-} ]] && features=(--features "$3")
echo "seed $seed, $seconds s${3:+, feature sets $3}"
echo "== differential"
python3 Tests/Fuzz/difffuzz.py --seed "$seed" --seconds $((seconds * 2 / 3)) "${features[@]}" \
  --known Tests/Fuzz/known-divergences.txt --work build/fuzz/campaign-diff | grep -v '^{'
echo "== crash"
python3 Tests/Fuzz/crashfuzz.py --seed "$seed" --seconds $((seconds / 3)) \
  --work build/fuzz/campaign-crash | grep -v '^{'
