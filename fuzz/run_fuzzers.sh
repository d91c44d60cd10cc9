#!/usr/bin/env bash
# Runs each named fuzz target for FUZZ_SECONDS from its committed seed corpus plus what earlier
# runs found, and prints one line per target. Exit status 1 if any target found a crash.
set -uo pipefail
seconds=${FUZZ_SECONDS:-30}
bin=${FUZZ_BIN:?FUZZ_BIN: folder of the fuzz binaries}
status=0
mkdir -p "$bin/artifacts"
# Third-party leaks we cannot fix (each documented in the file) must not stop the search.
export LSAN_OPTIONS="suppressions=$(pwd)/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for target in "$@"; do
  corpus="$bin/corpus/$target"
  mkdir -p "$corpus"
  seeds="fuzz/corpus/$target"
  [[ -d "$seeds" ]] || seeds=""
  log="$bin/$target.log"
  "$bin/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$bin/artifacts/$target-" "$corpus" $seeds >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  if ((rc == 0)); then
    echo "fuzz: $target: ${runs:-?} runs in ${seconds} s, coverage ${cov:-?}, no crash"
  else
    echo "fuzz: $target: FAILED (exit $rc), see $log and $bin/artifacts/"
    grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$log"
    status=1
  fi
done
exit $status
