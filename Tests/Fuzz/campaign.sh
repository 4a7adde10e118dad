#!/usr/bin/env bash
# A long fuzzing campaign: Tests/Fuzz/campaign.sh [SECONDS] [SEED]
# Spends two thirds of SECONDS (default 3600) on the differential fuzzer and one third
# on the crash fuzzer, one process at a time, and prints each one's figures (modules,
# calls, divergences, crashes, time). Failing cases are kept in build/fuzz/findings/.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-3600}
seed=${2:-$(date +%s)}
echo "seed $seed, $seconds s"
echo "== differential"
python3 Tests/Fuzz/difffuzz.py --seed "$seed" --seconds $((seconds * 2 / 3)) \
  --known Tests/Fuzz/known-divergences.txt --work build/fuzz/campaign-diff | grep -v '^{'
echo "== crash"
python3 Tests/Fuzz/crashfuzz.py --seed "$seed" --seconds $((seconds / 3)) \
  --work build/fuzz/campaign-crash | grep -v '^{'
